"""Model runs as the model page compares them: what each kind of run records, readable values, differences with intervals."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from dashboard import run_comparison as rc
from dashboard.queries import research as q
from dashboard.queries.research import _run_metrics


def _run(run: int, algorithm: str, ndcg: float, low: float | None, high: float | None, *, kind=q.TRAINED, promoted=False, params=None) -> dict:
    test = {"ndcg@10": ndcg, "recall@10": ndcg * 2}
    if low is not None:
        test.update({"ndcg@10 ci_low": low, "ndcg@10 ci_high": high})
    return {
        q.RUN: run, q.ALGORITHM: algorithm, q.CREATED: dt.datetime(2026, 12, 5), q.PROMOTED: promoted, q.NOTES: None, q.KIND: kind,
        q.PARAMS: params or {}, q.TEST: test, q.VALIDATION: {"ndcg@10": ndcg + 0.1}, q.FACTS: {"train_seconds": 1.25},
    }


RUNS = pd.DataFrame(
    [
        _run(3, "lightfm", 0.25, 0.20, 0.30, params={"learning_rate": 0.05077145612343298, "user_identity": False, "align_weights": None, "exact_families": ["reg", "prov"]}),
        _run(2, "blend", 0.20, 0.16, 0.24, promoted=True, params={"weight": 0.3}),
        _run(1, "content", 0.21, None, None, kind=q.EVALUATION),
    ]
)


def test_a_training_an_evaluation_and_an_old_run_each_give_test_and_validation_metrics():
    trained = {"train_seconds": 2.0, "holdout": {"k": 10, "test": {"ndcg@10": 0.2}, "validation": {"ndcg@10": 0.3}}}
    assert _run_metrics(trained) == ({"ndcg@10": 0.2}, {"ndcg@10": 0.3}, {"train_seconds": 2.0})
    evaluated = {"evaluation": {"ndcg@10": 0.2, "validation ndcg@10": 0.3, "fit_seconds": 4.0}, "k": 10}
    assert _run_metrics(evaluated) == ({"ndcg@10": 0.2}, {"ndcg@10": 0.3}, {"fit_seconds": 4.0})
    assert _run_metrics({"train_seconds": 1.0, "users": 5}) == ({}, {}, {"train_seconds": 1.0, "users": 5})


def test_evaluation_runs_are_kept_apart_from_the_runs_that_can_be_promoted():
    assert rc.trained_runs(RUNS)[q.RUN].tolist() == [3, 2]
    assert rc.evaluation_runs(RUNS)[q.RUN].tolist() == [1]


def test_side_by_side_has_readable_labels_and_rounded_values():
    side = rc.side_by_side(rc.trained_runs(RUNS), 10, "id").set_index("Kolom")
    assert side.at["Laju belajar", "run 3 · lightfm"] == "0,05077"
    assert side.at["Identitas peserta", "run 3 · lightfm"] == "Tidak"
    assert side.at["Bobot penyelarasan", "run 3 · lightfm"] == "–"
    assert side.at["Fitur tempat persis", "run 3 · lightfm"] == "reg, prov"
    assert side.at["Bobot LightFM", "run 2 · blend"] == "0,3" and side.at["Bobot LightFM", "run 3 · lightfm"] == "–"
    assert side.at["NDCG@10 · uji", "run 3 · lightfm"] == "0,250"
    assert side.at["NDCG@10 · validasi", "run 2 · blend"] == "0,300"
    text = " ".join(side.astype(str).to_numpy().ravel()) + " ".join(side.index)
    for raw in ("param.", "None", "True", "False", "nan", "0.05077145612343298"):
        assert raw not in text


def test_summary_shows_the_test_ndcg_with_its_interval():
    table = rc.summary(rc.trained_runs(RUNS), 10, "en")
    assert table["NDCG@10"].tolist() == ["0.250 [0.200 – 0.300]", "0.200 [0.160 – 0.240]"]
    assert table["Served"].tolist() == ["", "Yes"]


def test_differences_against_the_baseline_carry_an_interval_from_both_runs():
    differences = rc.differences(RUNS, baseline=2, k=10).set_index([q.RUN, rc.METRIC])
    row = differences.loc[(3, "ndcg@10")]
    se = lambda low, high: (high - low) / (2 * rc.Z95)  # noqa: E731
    half = rc.Z95 * math.hypot(se(0.20, 0.30), se(0.16, 0.24))
    assert row[rc.DIFFERENCE] == pytest.approx(0.05)
    assert (row[rc.LOW], row[rc.HIGH]) == pytest.approx((0.05 - half, 0.05 + half))
    assert math.isnan(differences.loc[(1, "ndcg@10"), rc.LOW])  # no interval recorded for run 1: none invented
    assert differences.loc[(3, "recall@10"), rc.DIFFERENCE] == pytest.approx(0.1)
    assert 2 not in differences.index.get_level_values(0)
