"""The history profile: a user is the features of what they used, so a never-seen job of that kind ranks first."""

from __future__ import annotations

import numpy as np
import pandas as pd

from recommender.dataset import Dataset
from recommender.models import make_model


def _log(users: int = 60, seed: int = 3) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Each user views jobs of one category in one city; jobs live a few days, new ones keep coming."""
    rng = np.random.default_rng(seed)
    jobs = pd.DataFrame({"id": [f"j{i}" for i in range(400)], "day": np.sort(rng.uniform(0, 100, 400)),
                         "city": rng.integers(0, 4, 400), "category": rng.integers(0, 5, 400)})
    people = pd.DataFrame({"id": [f"u{i}" for i in range(users)], "city": rng.integers(0, 4, users), "category": rng.integers(0, 5, users)})
    rows = []
    for person in people.itertuples():
        for day in rng.uniform(5, 100, 8):
            open_now = jobs[(jobs.day <= day) & (jobs.day > day - 6)]
            mine = open_now[(open_now.category == person.category) & (open_now.city == person.city)]
            pool = mine if len(mine) and rng.random() < 0.8 else open_now
            if len(pool):
                job = pool.sample(1, random_state=int(rng.integers(1 << 30))).iloc[0]
                rows.append((person.id, job.id, 1.0, pd.Timestamp("2024-01-01") + pd.Timedelta(days=float(day))))
    log = pd.DataFrame(rows, columns=["user_id", "item_id", "weight", "datetime"])
    users_long = pd.DataFrame({"id": people.id, "feature": "city", "value": "c" + people.city.astype(str)})
    items_long = pd.concat([pd.DataFrame({"id": jobs.id, "feature": "city", "value": "c" + jobs.city.astype(str)}),
                            pd.DataFrame({"id": jobs.id, "feature": "category", "value": "k" + jobs.category.astype(str)})])
    return log, users_long, items_long


def test_a_never_seen_job_of_the_users_kind_ranks_first_and_the_weights_are_fitted_on_validation_windows():
    log, users, items = _log()
    dataset = Dataset.from_frames(log, users, items)
    model = make_model("history").fit(dataset)
    assert model.validation_["windows"] == 2 and set(model.fitted_family_weights_) == {"category", "city"}
    person = log.user_id.iloc[0]
    used = log[log.user_id == person].item_id
    kinds = items.pivot(index="id", columns="feature", values="value")
    favourite = kinds.loc[used, "category"].mode().iloc[0]
    cold = [i for i in kinds.index if i not in set(log.item_id)]
    reco = model.recommend([person], dataset, k=5, items=np.array(cold))
    assert (kinds.loc[reco.item_id, "category"] == favourite).mean() >= 0.6
    fixed = make_model("history", family_weights={"city": 1.0, "category": 1.0}, own_weight=1.0, popularity_weight=0.0,
                       staleness_weight=0.0).fit(dataset)
    assert fixed.validation_ == {}
    np.testing.assert_allclose(fixed.score(dataset, np.arange(3)), fixed.score(dataset, np.arange(3)))
