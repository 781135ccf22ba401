"""A synthetic job-view log of the shape of public hourly-job logs: most test jobs never seen in training.

``python -m benchmarks cold_log [--users 6000] [--seed 7] [--out DIR]`` writes
``interactions.csv``, ``user_features.csv`` and ``item_features.csv`` (the
``prakerja evaluate --interactions`` formats) and evaluates the line-up on
them, choosing the default on validation windows only and scoring on the
held-out test period (docs/evaluation.md, "A log of cold jobs").

The world, stated in full (every coefficient an assumption):

* 120 cities in 30 states (city c in state c // 4); 16 job categories, each
  with its own 12 title words plus 30 generic words; 300 companies (chains),
  each hiring mostly in 3 categories.
* Jobs arrive uniformly over 180 days and stay open log-normal(median 6
  days, sd 0.5) days (2-60); 2.5 jobs per user; a job has a city, its state, a category, a company, 3 title
  words of its category and 1 generic word, and a pay band (1-5, by category).
* Users live in a city (user features ``city``, ``state``); each has 1-2
  favourite categories and a favourite pay band. They come on 1 + Poisson(4)
  days; each visit views 1 + Poisson(2) open jobs, drawn with probability
  proportional to ``exp(3.0 [same city] + 1.5 [same state] + 2.0 [favourite
  category] + 0.4 [favourite band] + 0.5 [a company they viewed before] +
  0.3 log(1 + views of the job so far))``: people look near home, in their
  trade, at jobs others look at.
* A view has weight 1; 15% of views are followed by an application (weight 3).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

CITIES, STATES, CATEGORIES, COMPANIES = 120, 30, 16, 300
DAYS = 180
LIFE_MEDIAN_DAYS = 6
WORDS_PER_CATEGORY, GENERIC_WORDS = 12, 30


def generate(users: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(interactions, user features, item features) of the world in the module docstring."""
    rng = np.random.default_rng(seed)
    jobs = int(users * 2.5)
    posted = np.sort(rng.uniform(0, DAYS, jobs))
    closes = posted + np.clip(rng.lognormal(np.log(LIFE_MEDIAN_DAYS), 0.5, jobs), 2, 60)
    city = rng.choice(CITIES, jobs, p=_zipf(CITIES, 0.8, rng))
    company_category = rng.integers(0, CATEGORIES, (COMPANIES, 3))
    company = rng.choice(COMPANIES, jobs, p=_zipf(COMPANIES, 1.0, rng))
    category = company_category[company, rng.integers(0, 3, jobs)]
    band = np.clip((category % 5) + rng.integers(-1, 2, jobs), 0, 4)
    words = category[:, None] * WORDS_PER_CATEGORY + rng.integers(0, WORDS_PER_CATEGORY, (jobs, 3))
    generic = rng.integers(0, GENERIC_WORDS, jobs)

    home = rng.choice(CITIES, users, p=_zipf(CITIES, 0.8, rng))
    favourite = rng.integers(0, CATEGORIES, (users, 2))
    two = rng.random(users) < 0.5
    favourite_band = rng.integers(0, 5, users)
    views = np.zeros(jobs)
    rows = []
    visits = [(u, day) for u in range(users) for day in rng.uniform(10, DAYS, 1 + rng.poisson(4))]
    visits.sort(key=lambda v: v[1])
    seen_companies: dict[int, set] = {}
    for user, day in visits:
        open_now = np.flatnonzero((posted <= day) & (closes > day))
        if len(open_now) == 0:
            continue
        fav = (category[open_now] == favourite[user, 0]) | (two[user] & (category[open_now] == favourite[user, 1]))
        known = np.isin(company[open_now], list(seen_companies.get(user, ())))
        logit = (3.0 * (city[open_now] == home[user]) + 1.5 * (city[open_now] // 4 == home[user] // 4) + 2.0 * fav
                 + 0.4 * (band[open_now] == favourite_band[user]) + 0.5 * known + 0.3 * np.log1p(views[open_now]))
        p = np.exp(logit - logit.max())
        take = min(1 + rng.poisson(2), len(open_now))
        chosen = rng.choice(open_now, take, replace=False, p=p / p.sum())
        for j in chosen:
            moment = day + rng.uniform(0, 0.02)
            rows.append((user, j, 1.0, moment))
            if rng.random() < 0.15:
                rows.append((user, j, 3.0, moment + 0.01))
            views[j] += 1
            seen_companies.setdefault(user, set()).add(int(company[j]))
    log = pd.DataFrame(rows, columns=["user_id", "item_id", "weight", "day"])
    log["datetime"] = (pd.Timestamp("2024-01-01") + pd.to_timedelta(log.pop("day"), unit="D")).dt.strftime("%Y-%m-%dT%H:%M:%S")
    log["user_id"] = "u" + log["user_id"].astype(str)
    log["item_id"] = "j" + log["item_id"].astype(str)
    user_features = pd.concat([
        pd.DataFrame({"id": [f"u{u}" for u in range(users)], "feature": "city", "value": [f"c{c}" for c in home]}),
        pd.DataFrame({"id": [f"u{u}" for u in range(users)], "feature": "state", "value": [f"s{c // 4}" for c in home]}),
    ])
    ids = [f"j{j}" for j in range(jobs)]
    item_features = pd.concat([
        pd.DataFrame({"id": ids, "feature": "city", "value": [f"c{c}" for c in city]}),
        pd.DataFrame({"id": ids, "feature": "state", "value": [f"s{c // 4}" for c in city]}),
        pd.DataFrame({"id": ids, "feature": "category", "value": [f"k{c}" for c in category]}),
        pd.DataFrame({"id": ids, "feature": "company", "value": [f"m{c}" for c in company]}),
        pd.DataFrame({"id": ids, "feature": "pay", "value": [f"b{b}" for b in band]}),
        pd.DataFrame({"id": np.repeat(ids, 4), "feature": "title",
                      "value": [f"w{w}" for w in np.concatenate([words, (CATEGORIES * WORDS_PER_CATEGORY + generic)[:, None]], axis=1).ravel()]}),
    ])
    return log, user_features, item_features


def _zipf(n: int, s: float, rng: np.random.Generator) -> np.ndarray:
    weights = (rng.permutation(n) + 1.0) ** -s
    return weights / weights.sum()


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks cold_log")
    parser.add_argument("--users", type=int, default=6000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    from recommender.evaluation_split import temporal_split
    from recommender.external import load_external
    from recommender.research_cli import run_evaluation
    from recommender.splitters import TemporalSplitter

    folder = args.out or Path(tempfile.mkdtemp(prefix="cold-log-"))
    folder.mkdir(parents=True, exist_ok=True)
    log, user_features, item_features = generate(args.users, args.seed)
    paths = [folder / name for name in ("interactions.csv", "user_features.csv", "item_features.csv")]
    for frame, path in zip((log, user_features, item_features), paths):
        frame.to_csv(path, index=False)
    started = time.perf_counter()
    split = temporal_split(load_external(*paths), TemporalSplitter(test_fraction=0.2))
    report = run_evaluation(split, 10, None)
    out = json.loads(json.dumps(report.to_dict(), default=str))
    (folder / "report.json").write_text(json.dumps(out, indent=2))
    print(json.dumps({"folder": str(folder), "split": out["split"], "choice": out["choice"]["reason"],
                      "seconds": round(time.perf_counter() - started, 1)}, indent=2, default=str))
    best_baseline = max(out["models"][n]["ndcg@10"] for n in ("popularity", "random", "content") if n in out["models"])
    for name, row in out["models"].items():
        validation = row.get("validation ndcg@10")
        print(f"{name:18s} val {float('nan') if validation is None else validation:.4f}  test {row['ndcg@10']:.4f} "
              f"[{row['ndcg@10 ci_low']:.4f}, {row['ndcg@10 ci_high']:.4f}]  warm {row['ndcg@10 warm']:.4f}  cold {row['ndcg@10 cold']:.4f}"
              f"  x baseline {row['ndcg@10'] / best_baseline:.2f}")
    for row in out["default_minus"]:
        print(f"default {out['default_model']} minus {row['model']}: {row['difference']:+.4f} [{row['ci_low']:+.4f}, {row['ci_high']:+.4f}]")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
