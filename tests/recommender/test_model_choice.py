"""The default is chosen on a rolling origin with paired intervals; within each other's intervals the simpler wins."""

from __future__ import annotations

import numpy as np
import pandas as pd

from prakerja.columns import Columns
from recommender.evaluation import lineup, recommend_for_split
from recommender.evaluation_split import EvaluationSplit, temporal_split
from recommender.model_choice import COMPLEXITY, choose_model, rolling_folds
from recommender.models import ContentSimilarity, Grounded, Random

from tests.recommender.test_evaluation import trade_log


def _split() -> EvaluationSplit:
    return temporal_split(trade_log())


def test_the_windows_roll_back_without_overlapping():
    split = _split()
    windows = rolling_folds(split, 3)
    assert len(windows) == 3
    for later, earlier in zip(windows, windows[1:]):
        assert earlier.cut < later.cut
        assert earlier.test[Columns.Datetime].max() < later.cut  # each window only after its own training part
        assert later.train[Columns.Datetime].max() < later.cut
    assert windows[0].test[Columns.Datetime].max() < split.cut  # the test period is never a window


def test_the_better_model_is_chosen_and_the_reason_says_why():
    split = _split()
    choice = choose_model(lineup(names=("content", "random")), split, recommend=recommend_for_split)
    assert choice.name == "content" and choice.mean_ndcg["content"] > choice.mean_ndcg["random"]
    difference, low, high = choice.leader_minus["random"]
    assert low > 0  # content is better beyond noise
    assert len(choice.fold_ndcg["content"]) == 3
    assert choice.reason.startswith("content had the best NDCG@10 over 3 validation windows")
    assert "chose content, the best beyond noise" in choice.reason
    scrambled = EvaluationSplit(
        train_dataset=split.train_dataset,
        test=split.test.assign(**{Columns.Item: np.random.default_rng(0).permutation(split.test[Columns.Item].to_numpy())}),
    )
    assert choose_model(lineup(names=("content", "random")), scrambled, recommend=recommend_for_split).name == "content"


def test_within_each_others_intervals_the_simpler_is_taken():
    split = _split()
    same_as_content = lambda: Grounded(base="content", distance_weight=0.0, connection_rule=False)  # noqa: E731
    candidates = {"grounded-content": same_as_content, "content": ContentSimilarity, "random": Random}
    assert COMPLEXITY["content"] < COMPLEXITY["grounded-content"]
    choice = choose_model(candidates, split, recommend=recommend_for_split)
    assert choice.mean_ndcg["grounded-content"] == choice.mean_ndcg["content"]
    assert choice.name == "content"
    assert "within its paired 95% interval" in choice.reason and "the simplest of these" in choice.reason
    assert pd.notna(choice.quality["content"]["connected@10"])


def test_train_defaults_to_what_the_latest_evaluation_chose(engine):
    from prakerja.db import transaction
    from prakerja.models import ModelRun
    from recommender.database_evaluation import CHOSEN_NOTE, FALLBACK_DEFAULT, chosen_default

    before = chosen_default(engine)
    assert before[:3] == (FALLBACK_DEFAULT[0], FALLBACK_DEFAULT[1], FALLBACK_DEFAULT[2]) and before[3] is None
    with transaction(engine) as session:
        runs = [ModelRun(algorithm="blend", params={"weight": 0.4}, notes="evaluation of blend on the temporal split" + CHOSEN_NOTE),
                ModelRun(algorithm="lightfm", params={}, notes="evaluation of lightfm on the temporal split"),
                ModelRun(algorithm="grounded", params={"base": "content"}, notes="evaluation of grounded-content on the temporal split" + CHOSEN_NOTE),
                ModelRun(algorithm="content", params={}, notes="evaluation of content on the temporal split")]
        session.add_all(runs)
        session.flush()
        ids = [run.id for run in runs]
    try:
        assert chosen_default(engine) == ("grounded", {"base": "content"}, "grounded-content", ids[2])  # the latest choice, not the latest run
    finally:
        with transaction(engine) as session:
            session.query(ModelRun).filter(ModelRun.id.in_(ids)).delete()


def test_where_the_data_can_connect_only_the_models_keeping_the_connection_rule_may_be_the_default():
    from recommender.model_choice import eligible_candidates, keeps_connection_rule

    names = ["lightfm", "content", "blend", "grounded-content", "grounded"]
    assert eligible_candidates(names, connectable=True) == ["grounded-content", "grounded"]
    assert eligible_candidates(names, connectable=False) == names  # a log without connecting features: every model
    assert eligible_candidates(["lightfm", "content"], connectable=True) == ["lightfm", "content"]  # no keeper in the line-up
    assert keeps_connection_rule("grounded-content") and not keeps_connection_rule("blend")
