"""The evaluation harness: warm/cold separation, model choice on validation only, segments, run records."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prakerja.columns import Columns
from prakerja.errors import UserError
from prakerja.models import ModelRun
from recommender.dataset import Dataset
from recommender.database_evaluation import age_band, database_split, database_wave_split, record_run
from recommender.evaluation import NAMED_SETUPS, evaluate_models, lineup, score_lists
from recommender import shared_fits
from recommender.evaluation_split import COLD, WARM, EvaluationSplit, temporal_split
from recommender.splitters import TemporalSplitter
from tests.worlds import MEDIUM

FAST = {"lightfm": {"epochs": 5, "no_components": 8}, "blend": {"lightfm": {"epochs": 5, "no_components": 8}}}
TRADES = ("welding", "coffee", "driving", "excel")


def trade_log(n_users: int = 160, n_items: int = 120, events: int = 2400, seed: int = 1):
    """A log where users mostly use vacancies of their own trade, vacancies posted over four months.

    Both sides carry a shared ``skill`` feature, so content and hybrid models
    can learn the trade and serve vacancies posted after the cut (cold ones).
    """
    rng = np.random.default_rng(seed)
    user_trade = rng.integers(0, len(TRADES), n_users)
    item_trade = np.arange(n_items) % len(TRADES)
    posted = pd.Timestamp("2021-01-01") + pd.to_timedelta(np.sort(rng.integers(0, 120, n_items)), unit="D")
    users = rng.integers(0, n_users, events)
    items = np.array(
        [
            rng.choice(np.flatnonzero(item_trade == user_trade[u])) if rng.random() < 0.85 else rng.integers(n_items)
            for u in users
        ]
    )
    when = posted[items] + pd.to_timedelta(rng.integers(0, 14 * 24, events), unit="h")
    log = pd.DataFrame(
        {Columns.User: users, Columns.Item: items, Columns.Weight: rng.choice([1.0, 3.0], events), Columns.Datetime: when}
    )
    user_features = pd.DataFrame({"id": np.arange(n_users), "feature": "skill", "value": [TRADES[t] for t in user_trade]})
    item_features = pd.DataFrame({"id": np.arange(n_items), "feature": "skill", "value": [TRADES[t] for t in item_trade]})
    return Dataset.from_frames(log, user_features, item_features)


@pytest.fixture(scope="module")
def split() -> EvaluationSplit:
    return temporal_split(trade_log())


def test_warm_and_cold_metrics_use_only_their_items():
    train = pd.DataFrame({Columns.User: [1], Columns.Item: ["old"], Columns.Weight: [1.0], Columns.Datetime: [pd.Timestamp("2021-01-01")]})
    test = pd.DataFrame(
        {Columns.User: [1, 1], Columns.Item: ["old", "new"], Columns.Weight: [1.0, 1.0], Columns.Datetime: [pd.Timestamp("2021-02-01")] * 2}
    )
    dataset = Dataset.from_frames(pd.concat([train, test], ignore_index=True))
    split = EvaluationSplit(train_dataset=dataset.with_interactions(train), test=test)
    assert split.cold_items.tolist() == ["new"]
    reco = pd.DataFrame({Columns.User: [1, 1], Columns.Item: ["old", "new"], Columns.Score: [2.0, 1.0], Columns.Rank: [1, 2]})
    metrics, _ = score_lists(reco, split, k=2)
    assert metrics[f"ndcg@2 {WARM}"] == 1.0  # the warm item is first
    assert metrics[f"ndcg@2 {COLD}"] == pytest.approx(1 / math.log2(3))  # the cold item is second
    assert metrics[f"precision@2 {WARM}"] == metrics[f"precision@2 {COLD}"] == 0.5
    assert metrics["recall@2"] == 1.0


def test_split_summary_counts_cold_vacancies(split):
    summary = split.summary()
    positive = split.test[split.test[Columns.Weight] > 0]
    seen = set(split.train[Columns.Item])
    assert summary["test_items_cold"] == len(set(positive[Columns.Item]) - seen) > 0
    assert summary["cold_interaction_share"] == pytest.approx((~positive[Columns.Item].isin(seen)).mean())
    assert split.train[Columns.Datetime].max() < split.test[Columns.Datetime].min()


def test_every_model_runs_on_the_same_split_and_learned_models_beat_random(split):
    models = {name: factory() for name, factory in lineup(FAST).items()}
    report = evaluate_models(models, split, k=10)
    table = report.metric_table()
    assert list(table.index) == ["lightfm", "content", "popularity", "random", "blend", "grounded-content", "grounded"]
    for column in ("ndcg@10", f"ndcg@10 {WARM}", f"ndcg@10 {COLD}", "coverage@10", "novelty@10", "auc@10"):
        assert table[column].notna().all(), column
    # the planted trade signal is found, also on vacancies never seen in training
    for learned in ("content", "lightfm", "blend"):
        assert table.loc[learned, "ndcg@10"] > 1.5 * table.loc["random", "ndcg@10"], learned
    assert table.loc["content", f"ndcg@10 {COLD}"] > 1.5 * table.loc["random", f"ndcg@10 {COLD}"]
    # every list holds only candidate items, at most k per user, for test users only
    for result in report.results.values():
        assert result.reco.groupby(Columns.User).size().max() <= 10
        assert set(result.reco[Columns.User]) <= set(split.test_users)
    json_ready = report.to_dict()
    assert set(json_ready["models"]) == set(table.index) and json_ready["split"]["test_users"] == len(split.test_users)


def test_equal_parts_of_the_line_up_are_fitted_once_and_their_time_still_counts(split):
    """The grounded model's base is the blend, the blend's content part the content model: one fit each."""
    params = {"blend": FAST["blend"], "grounded": {"base_params": FAST["blend"]}}
    report = evaluate_models({name: f() for name, f in lineup(params, names=("content", "blend", "grounded-content", "grounded")).items()}, split)
    fitted = {name: result.model for name, result in report.results.items()}
    assert fitted["grounded"].base_ is fitted["blend"] and fitted["blend"].content_ is fitted["content"]
    assert fitted["grounded-content"].base_ is fitted["content"]
    assert report.results["grounded"].fit_seconds >= report.results["blend"].fit_seconds  # the shared fit is its cost too
    alone = evaluate_models({"blend": lineup(params, names=("blend",))["blend"]()}, split).results["blend"].model
    assert alone is not fitted["blend"]  # shared within one evaluation only


def test_a_shared_fit_needs_the_same_parameters_and_the_same_dataset(split):
    from recommender.models import make_model

    train = split.train_dataset
    with shared_fits.sharing_fits():
        first = shared_fits.fit(make_model("popularity"), train)
        assert shared_fits.fit(make_model("popularity"), train) is first
        assert shared_fits.fit(make_model("popularity", national_share=0.5), train) is not first
        assert shared_fits.fit(make_model("popularity"), temporal_split(trade_log()).train_dataset) is not first
    assert shared_fits.fit(make_model("popularity"), train) is not first and shared_fits.reused_seconds() == 0.0


def test_a_model_that_cannot_run_is_reported_not_fatal():
    dataset = trade_log()
    no_shared_features = Dataset.from_frames(dataset.interactions)  # content needs shared feature names
    report = evaluate_models({name: f() for name, f in lineup(names=("content", "random")).items()}, temporal_split(no_shared_features))
    assert list(report.results) == ["random"] and "content" in report.skipped


def test_empty_test_period_is_a_user_error(split):
    empty = EvaluationSplit(train_dataset=split.train_dataset, test=split.test.iloc[0:0])
    with pytest.raises(UserError, match="no positive interaction"):
        evaluate_models({"random": lineup(names=("random",))["random"]()}, empty)


def test_age_bands():
    assert [age_band(a) for a in (18, 24, 25, 44, 54, 55, 70)] == ["18-24", "18-24", "25-34", "35-44", "45-54", "55+", "55+"]


# --------------------------------------------------------------------------- the project database (both backends)


def test_database_split_segments_fairness_and_run_records(engine, world):
    split = database_split(engine, TemporalSplitter(test_fraction=0.25))
    assert split.train[Columns.Datetime].max() < split.cut <= split.test[Columns.Datetime].min()
    assert set(split.user_segments.columns) == {"province", "urban_rural", "gender", "disability", "age_band"}
    assert len(split.user_segments) == len(world.participants)
    # the wage of a vacancy is the midpoint of its range or its one stated bound
    assert split.item_wages.notna().all()
    # candidates are the vacancies open during the test period, which hold everything used in it
    assert set(split.test[Columns.Item]) <= set(split.catalog()) < set(world.vacancies)
    models = {name: factory() for name, factory in lineup(FAST, names=("content", "popularity")).items()}
    report = evaluate_models(models, split, k=10, default_model="content")
    fairness = report.fairness[report.fairness["model"] == "content"]
    for segment, table in fairness.groupby("segment"):
        assert table["users"].sum() == len(split.test_users), segment
        assert table["exposure_share"].sum() == pytest.approx(1.0)
        assert table["user_share"].sum() == pytest.approx(1.0)
    assert set(fairness["segment"]) == {"history", "province", "urban_rural", "gender", "disability", "age_band"}
    gender = report.segments[(report.segments["model"] == "content") & (report.segments["segment"] == "gender")]
    assert set(gender["group"]) == {"F", "M"}
    run_ids = [record_run(engine, result, split, report) for result in report.results.values()]
    with Session(engine) as session:
        runs = session.scalars(select(ModelRun).where(ModelRun.id.in_(run_ids))).all()
        assert session.scalar(select(func.count()).select_from(ModelRun)) == 2
    recorded = {run.algorithm: run for run in runs}
    assert set(recorded) == {"content", "popularity"}
    assert recorded["content"].metrics["evaluation"]["ndcg@10"] == pytest.approx(report.results["content"].metrics["ndcg@10"])
    assert "default" in recorded["content"].notes and recorded["content"].artifact_path is None
    stored_fairness = pd.DataFrame(recorded["content"].metrics["fairness"])
    assert len(stored_fairness) == len(fairness) and set(stored_fairness["segment"]) == set(fairness["segment"])


def test_database_wave_split_tests_new_participants(engine, world):
    split = database_wave_split(engine, test_waves=3)
    assert len(split.test) > 0
    assert not set(split.test[Columns.User]) & set(split.train[Columns.User])
    report = evaluate_models({"content": lineup(names=("content",))["content"]()}, split)
    assert report.split["test_users_cold"] == report.split["test_users"]
    assert report.results["content"].metrics["ndcg@10"] > 0


@pytest.mark.slow
def test_evaluate_cli_on_the_project_database(engine, world, tmp_path, monkeypatch, capsys):
    """``prakerja evaluate`` on the project database: the JSON report and its runs, then the table view of the same report.

    Both views run in process through the command's own function (``prakerja evaluate`` in a real process,
    stdout clean JSON, is test_external's); the evaluation itself runs once and the table view prints its report.
    """
    from recommender import research_cli

    url = engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PRAKERJA_DATA_DIR", str(tmp_path))
    evaluated = []
    run_evaluation = research_cli.run_evaluation
    monkeypatch.setattr(research_cli, "run_evaluation", lambda *args, **kwargs: evaluated.append(run_evaluation(*args, **kwargs)) or evaluated[-1])
    options = dict(
        interactions=None, user_features=None, item_features=None, split_kind="temporal",
        test_fraction=0.2, test_waves=1, province_only=False, radius_km=None, reach=True,
    )
    research_cli.evaluate(fmt="json", k=5, record=True, **options)  # what `evaluate --format json --k 5` runs
    printed = capsys.readouterr()
    report = json.loads(printed.out)  # the progress went to stderr: stdout is the JSON alone
    assert "default: " in printed.err
    assert list(report["models"]) == ["lightfm", "content", "popularity", "random", "blend", "grounded-content", "grounded"]
    assert {"ndcg@5 warm", "ndcg@5 cold", "recall@5 cold", "validation ndcg@5"} <= set(report["models"]["blend"])
    lists = {"within reach@5", "connected@5", "median km@5", "widened or empty@5"}
    assert lists <= set(report["models"]["grounded"]) and report["split"]["filters"] == "each participant's reach"
    assert all(0 <= report["models"][name]["within reach@5"] <= 1 for name in report["models"])
    assert report["choice"]["chosen"] == report["default_model"] and report["default_model"] in report["choice"]["reason"]
    assert {row["segment"] for row in report["fairness"]} == {"history", "province", "urban_rural", "gender", "disability", "age_band"}
    with Session(engine) as session:
        runs = session.scalars(select(ModelRun)).all()
    algorithms = [NAMED_SETUPS.get(name, (name,))[0] for name in report["models"]]  # grounded-content is a grounded run
    assert sorted(run.algorithm for run in runs) == sorted(algorithms)  # every model's run recorded
    assert sum("default" in run.notes for run in runs) == 1

    # the table view of the same evaluation, without recording it again
    monkeypatch.setattr(research_cli, "run_evaluation", lambda *args, **kwargs: evaluated[0])
    research_cli.evaluate(fmt="table", k=5, record=False, **options)
    flat = " ".join(capsys.readouterr().out.split())
    for word in ("NDCG", "Recall", "warm", "cold", "lightfm", "blend", "test vacancies are cold", "paired bootstrap",
                 "within reach", "connected", "median km", "default: "):
        assert word in flat, word
    assert "by group" in flat and "exposure" in flat and "Rp" in flat
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(ModelRun)) == len(runs)  # --no-record wrote nothing


def test_an_empty_database_is_a_user_error(engine):
    with pytest.raises(UserError, match="no interactions"):
        database_split(engine)


@pytest.mark.slow
def test_the_demo_world_evaluates_with_mostly_cold_vacancies(demo_worlds):
    """Read from SQLite; the next test proves PostgreSQL gives the same split, and nothing after it reads the database."""
    split = database_split(demo_worlds.get("sqlite", MEDIUM).engine)
    summary = split.summary()
    assert summary["cold_interaction_share"] > 0.5  # vacancies live for weeks: most test vacancies are new
    assert 0 < summary["test_users_cold"] < summary["test_users"]  # new participants are tested from features
    report = evaluate_models({name: factory() for name, factory in lineup().items()}, split)  # default parameters
    table = report.metric_table()
    for learned in ("lightfm", "content", "blend"):
        assert table.loc[learned, "ndcg@10"] > 2 * table.loc["random", "ndcg@10"], learned
        assert table.loc[learned, f"ndcg@10 {COLD}"] > table.loc["random", f"ndcg@10 {COLD}"], learned
    fairness = report.fairness[report.fairness["model"] == "lightfm"]
    assert {"history", "province", "urban_rural", "gender", "disability", "age_band"} == set(fairness["segment"])
    history = report.segments[(report.segments["model"] == "lightfm") & (report.segments["segment"] == "history")]
    assert dict(zip(history["group"], history["users"])) == {
        "new": summary["test_users_cold"],
        "returning": summary["test_users"] - summary["test_users_cold"],
    }
    assert set(fairness.loc[fairness["segment"] == "urban_rural", "group"]) == {"urban", "rural"}
    assert fairness["mean_recommended_wage"].notna().all()


def _sorted_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in a fixed order: a log is a set of events, and ties in time are read back in either order."""
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


@pytest.mark.postgres
def test_postgresql_gives_the_demo_world_the_same_split_as_sqlite(demo_worlds):
    """The same world on both databases: the same training view, features, test log, candidates, segments and wages."""
    on_sqlite = database_split(demo_worlds.get("sqlite", MEDIUM).engine)
    on_postgres = database_split(demo_worlds.get("postgres", MEDIUM).engine)
    mine, theirs = on_sqlite.train_dataset, on_postgres.train_dataset
    np.testing.assert_array_equal(mine.user_id_map.external_ids, theirs.user_id_map.external_ids)
    np.testing.assert_array_equal(mine.item_id_map.external_ids, theirs.item_id_map.external_ids)
    for side in ("user_features", "item_features"):
        np.testing.assert_array_equal(getattr(mine, side).names, getattr(theirs, side).names)
        assert (getattr(mine, side).matrix != getattr(theirs, side).matrix).nnz == 0, side
    pd.testing.assert_frame_equal(mine.user_attributes, theirs.user_attributes)
    pd.testing.assert_frame_equal(mine.item_attributes, theirs.item_attributes)
    for log in ("interactions", "exposures"):
        pd.testing.assert_frame_equal(_sorted_rows(getattr(mine, log)), _sorted_rows(getattr(theirs, log)), obj=log)
    assert len(mine.interactions) > 5_000 and len(mine.exposures) > 5_000  # a real world, not two empty ones
    pd.testing.assert_frame_equal(_sorted_rows(on_sqlite.test), _sorted_rows(on_postgres.test), obj="test")
    assert on_sqlite.cut == on_postgres.cut
    np.testing.assert_array_equal(np.sort(on_sqlite.candidate_items), np.sort(on_postgres.candidate_items))
    pd.testing.assert_frame_equal(on_sqlite.user_segments, on_postgres.user_segments)
    pd.testing.assert_series_equal(on_sqlite.item_wages, on_postgres.item_wages)


def test_a_place_filter_applies_to_every_model_and_to_validation(engine, world):
    from recommender.attributes import ItemAttr, UserAttr
    from recommender.evaluation_split import evaluation_filters, validation_split

    split = database_split(engine, TemporalSplitter(test_fraction=0.25))
    split.filters = evaluation_filters(province_only=True)
    assert validation_split(split).filters == split.filters
    report = evaluate_models({name: f() for name, f in lineup(FAST, names=("content", "random")).items()}, split)
    assert report.split["filters"] == "same province"
    dataset = split.train_dataset
    user_province = pd.Series(dataset.user_attributes[UserAttr.Province].to_numpy(), index=dataset.user_id_map.external_ids)
    item_attributes = dataset.item_attributes.set_index(dataset.item_id_map.external_ids)
    for result in report.results.values():
        reco = result.reco
        items = item_attributes.loc[reco[Columns.Item].to_numpy()]
        same = items[ItemAttr.Province].to_numpy() == user_province.loc[reco[Columns.User].to_numpy()].to_numpy()
        assert (same | items[ItemAttr.Remote].to_numpy()).all()


def test_the_default_is_compared_with_every_model_on_the_same_users(split):
    models = {name: factory() for name, factory in lineup(FAST, names=("content", "random")).items()}
    report = evaluate_models(models, split, default_model="content")
    comparison = report.comparisons().set_index("model")
    table = report.metric_table()
    assert list(comparison.index) == ["random"]
    row = comparison.loc["random"]
    assert row["difference"] == pytest.approx(table.loc["content", "ndcg@10"] - table.loc["random", "ndcg@10"])
    assert 0 < row["ci_low"] < row["difference"] < row["ci_high"]  # the planted signal is beyond resampling noise
    assert table.loc["content", "ndcg@10 ci_low"] < table.loc["content", "ndcg@10"] < table.loc["content", "ndcg@10 ci_high"]
    assert report.to_dict()["default_minus"][0]["model"] == "random"


def test_test_users_need_history_or_features():
    late = pd.Timestamp("2021-12-31")
    log = pd.DataFrame(
        {
            Columns.User: ["old", "old", "featured", "faceless"],
            Columns.Item: ["a", "b", "b", "b"],
            Columns.Weight: 1.0,
            Columns.Datetime: [pd.Timestamp("2021-01-01"), late, late, late],
        }
    )
    features = pd.DataFrame({"id": ["old", "featured"], "feature": "skill", "value": ["las", "las"]})
    split = temporal_split(Dataset.from_frames(log, features), TemporalSplitter(test_start=late))
    assert sorted(split.test_users) == ["featured", "old"]  # "faceless" could only be guessed at
