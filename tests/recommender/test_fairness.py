"""Fairness and per-segment tables on a hand-built frame."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from prakerja.columns import Columns
from recommender.fairness import (
    EXPOSURE_RATIO,
    EXPOSURE_SHARE,
    MEAN_WAGE,
    SMALL,
    USERS,
    WAGE_GAP,
    WAGE_GAP_PCT,
    fairness_table,
    position_weight,
    segment_metrics,
    vacancy_wage,
)


def reco_frame(lists: dict) -> pd.DataFrame:
    rows = [(user, item, 1.0, rank) for user, items in lists.items() for rank, item in enumerate(items, start=1)]
    return pd.DataFrame(rows, columns=Columns.Recommendations)


# u1 (F) and u2 (M) get two slots each; u3 (F) gets nothing (e.g. filtered out in a rural regency)
RECO = reco_frame({"u1": ["hi", "lo"], "u2": ["lo", "hi"]})
SEGMENTS = pd.DataFrame({"gender": ["F", "M", "F"]}, index=["u1", "u2", "u3"])
WAGES = pd.Series({"hi": 3_000_000.0, "lo": 1_000_000.0})


def test_vacancy_wage_is_the_midpoint_or_the_known_bound():
    wages = vacancy_wage(pd.Series([1_000_000, None, None]), pd.Series([3_000_000, 2_000_000, None]))
    assert wages.iloc[0] == 2_000_000 and wages.iloc[1] == 2_000_000 and math.isnan(wages.iloc[2])


def test_exposure_share_and_wage_gap_by_hand():
    table = fairness_table(RECO, SEGMENTS, WAGES, k=10).set_index("group")
    w1, w2 = 1.0, 1 / math.log2(3)
    # every user got the same slots except u3, so F (2 users) has half the exposure for 2/3 of the users
    assert table.loc["F", USERS] == 2 and table.loc["M", USERS] == 1
    assert table.loc["F", EXPOSURE_SHARE] == pytest.approx(0.5)
    assert table.loc["F", EXPOSURE_RATIO] == pytest.approx(0.5 / (2 / 3))
    assert table.loc["M", EXPOSURE_RATIO] == pytest.approx(0.5 / (1 / 3))
    wage_f = (w1 * 3e6 + w2 * 1e6) / (w1 + w2)
    wage_m = (w1 * 1e6 + w2 * 3e6) / (w1 + w2)
    overall = 2e6  # both users got both items, with mirrored weights
    assert table.loc["F", MEAN_WAGE] == pytest.approx(wage_f)
    assert table.loc["M", MEAN_WAGE] == pytest.approx(wage_m)
    assert table.loc["F", WAGE_GAP] == pytest.approx(wage_f - overall)
    assert table.loc["M", WAGE_GAP_PCT] == pytest.approx(100 * (wage_m - overall) / overall)
    assert table[SMALL].all()  # both groups have fewer than 10 users


def test_k_cuts_the_lists_and_vacancies_without_wage_are_left_out_of_the_mean():
    wages = pd.Series({"hi": 3_000_000.0})  # "lo" has no wage
    table = fairness_table(RECO, SEGMENTS, wages, k=1).set_index("group")
    assert table.loc["F", MEAN_WAGE] == 3_000_000  # u1's top item
    assert np.isnan(table.loc["M", MEAN_WAGE])  # u2's top item has no wage


def test_large_groups_are_not_flagged():
    users = [f"u{i}" for i in range(30)]
    reco = reco_frame({u: ["hi"] for u in users})
    segments = pd.DataFrame({"urban": ["urban"] * 25 + ["rural"] * 5}, index=users)
    table = fairness_table(reco, segments, WAGES).set_index("group")
    assert not table.loc["urban", SMALL] and table.loc["rural", SMALL]
    assert table[EXPOSURE_RATIO].tolist() == pytest.approx([1.0, 1.0])
    assert table[WAGE_GAP].tolist() == pytest.approx([0.0, 0.0])


def test_position_weight_is_the_dcg_discount():
    assert position_weight(pd.Series([1, 3])).tolist() == pytest.approx([1.0, 0.5])


def test_segment_metrics_average_per_group():
    per_user = pd.DataFrame({"ndcg@10": [1.0, 0.0, 0.5]}, index=["u1", "u2", "u9"])
    table = segment_metrics(per_user, SEGMENTS).set_index("group")
    assert table.loc["F", "ndcg@10"] == 1.0 and table.loc["M", "ndcg@10"] == 0.0
    assert table.loc["unknown", USERS] == 1  # u9 has no segment data


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_shares_sum_to_one_and_wages_stay_in_range(data):
    users = [f"u{i}" for i in range(data.draw(st.integers(1, 15)))]
    items = [f"v{i}" for i in range(8)]
    lists = {u: data.draw(st.lists(st.sampled_from(items), min_size=0, max_size=5, unique=True)) for u in users}
    assume(any(lists.values()))
    wages = pd.Series({i: float(data.draw(st.integers(1, 10))) * 1e6 for i in items})
    segments = pd.DataFrame({"gender": [data.draw(st.sampled_from(["F", "M"])) for _ in users]}, index=users)
    table = fairness_table(reco_frame(lists), segments, wages, k=3)
    assert table["user_share"].sum() == pytest.approx(1.0)
    assert table[EXPOSURE_SHARE].sum() == pytest.approx(1.0)
    known = table[MEAN_WAGE].dropna()
    assert ((known >= wages.min() - 1e-6) & (known <= wages.max() + 1e-6)).all()
