"""The evaluation harness: every model on the same split, one metric table, warm and cold apart.

A run goes:

1. :func:`~recommender.evaluation_split.temporal_split` (or ``wave_split``) cuts a :class:`Dataset`'s
   log into a training view (same users, items and features; only earlier
   interactions) and a test log.
2. :func:`recommender.model_choice.choose_model` picks the default on a
   rolling origin of validation windows carved from the *end of the training
   part*. The test period is never looked at to choose.
3. :func:`evaluate_models` fits every model on the training view, recommends
   to the test users among the candidate items, and scores the lists on
   - all test interactions,
   - **warm** vacancies only (test interactions on items seen in training),
   - **cold** vacancies only (items never seen in training: the normal case
     for job boards, where vacancies live for weeks),
   plus per-segment metrics and the fairness table of
   :mod:`recommender.fairness` (always by ``history``: new or returning
   users; from the database also by province, urban/rural, gender,
   disability and age band), bootstrap intervals of NDCG and the paired
   difference of the default model against every other one.

From the project database (:func:`recommender.database_evaluation.database_split`)
user features are rebuilt as known at the cut, and every model ranks the
vacancies open during the test period; an optional place filter
(:func:`~recommender.evaluation_split.evaluation_filters`) applies to all models alike.

Warm and cold metrics are computed on the *same* lists with the ground truth
restricted to warm or cold items, over the users who have such items: a cold
NDCG of 0.2 means "of the vacancies nobody had touched before, the model put
the ones this user went on to use near the top".
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Mapping

import pandas as pd

from prakerja.columns import Columns
from prakerja.errors import UserError
from recommender import shared_fits
from recommender.base import Recommender
from recommender.fairness import fairness_table, segment_metrics
from recommender.list_quality import list_quality
from recommender.metrics import bootstrap_interval, calc_metrics, default_metrics, ranking_metrics
from recommender.evaluation_split import COLD, WARM, EvaluationSplit




# --------------------------------------------------------------------------- running models


@dataclass
class ModelResult:
    """One model on one split: its lists, its numbers, how long it took."""

    name: str
    model: Recommender
    reco: pd.DataFrame
    metrics: dict[str, float]
    per_user: pd.DataFrame
    fit_seconds: float
    recommend_seconds: float


def recommend_for_split(model: Recommender, split: EvaluationSplit, k: int) -> pd.DataFrame:
    """Top-``k`` lists of the test users among the candidate items, without what they already used in training."""
    users = split.test_users
    if len(users) == 0:
        return pd.DataFrame(columns=Columns.Recommendations)
    return model.recommend(users, split.train_dataset, k=k, items=split.catalog(), filter_viewed=True, filters=split.filters)


def score_lists(reco: pd.DataFrame, split: EvaluationSplit, k: int) -> tuple[dict[str, float], pd.DataFrame]:
    """The metric row of one model (all, warm, cold) and its per-user ranking metrics on all test items."""
    train, test = split.train, split.test
    results = calc_metrics(default_metrics(k), reco, test, prev_interactions=train, catalog=split.catalog())
    cold = test[Columns.Item].isin(split.cold_items)
    for label, part in ((WARM, test.loc[~cold]), (COLD, test.loc[cold])):
        part_results = calc_metrics(ranking_metrics(k), reco, part, catalog=split.catalog())
        results.update({f"{name} {label}": value for name, value in part_results.items()})
    per_user = pd.DataFrame(
        {name: metric.calc_per_user(reco, test, catalog=split.catalog()) for name, metric in ranking_metrics(k).items()}
    )
    item_rows = split.train_dataset.item_id_map.to_internal(split.catalog(), strict=False)
    results.update(list_quality(reco, split.train_dataset, split.test_users, k, filters=split.filters, item_rows=item_rows[item_rows >= 0]))
    return results, per_user


def run_model(name: str, model: Recommender, split: EvaluationSplit, k: int) -> ModelResult:
    """Fit ``model`` on the split's training view (or take an equal model's fit, see :mod:`recommender.shared_fits`), recommend, score."""
    started, reused = time.perf_counter(), shared_fits.reused_seconds()
    model = shared_fits.fit(model, split.train_dataset)
    fitted = time.perf_counter()
    reco = recommend_for_split(model, split, k)
    done = time.perf_counter()
    metrics, per_user = score_lists(reco, split, k)
    fit_seconds = fitted - started + shared_fits.reused_seconds() - reused  # a shared part counts as fitted here too
    return ModelResult(name, model, reco, metrics, per_user, fit_seconds, done - fitted)


@dataclass
class EvaluationReport:
    """The outcome of :func:`evaluate_models`: tables a researcher reads and the CLI prints."""

    k: int
    split: dict
    results: dict[str, ModelResult]
    default_model: str | None = None
    validation: dict[str, float] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    segments: pd.DataFrame | None = None
    fairness: pd.DataFrame | None = None
    choice: dict | None = None  # recommender.model_choice.ModelChoice.to_dict(): how the default was chosen

    def metric_table(self) -> pd.DataFrame:
        """One row per model: every metric on all, warm and cold test interactions, and timings."""
        rows = {
            name: {**result.metrics, "fit_seconds": result.fit_seconds, "recommend_seconds": result.recommend_seconds}
            for name, result in self.results.items()
        }
        table = pd.DataFrame.from_dict(rows, orient="index")
        table.index.name = "model"
        ndcg = f"ndcg@{self.k}"
        intervals = {name: bootstrap_interval(r.per_user[ndcg]) for name, r in self.results.items()}
        table[f"{ndcg} ci_low"] = pd.Series({name: low for name, (_, low, _) in intervals.items()})
        table[f"{ndcg} ci_high"] = pd.Series({name: high for name, (_, _, high) in intervals.items()})
        if self.validation:
            table.insert(0, f"validation ndcg@{self.k}", pd.Series(self.validation))
        return table

    def comparisons(self) -> pd.DataFrame:
        """NDCG@k of the default model minus each other model's, paired over the same test users.

        With a 95% bootstrap interval: an interval above 0 means the default
        is better on these users beyond resampling noise.
        """
        ndcg = f"ndcg@{self.k}"
        if self.default_model not in self.results:
            return pd.DataFrame(columns=["model", "difference", "ci_low", "ci_high"])
        default = self.results[self.default_model].per_user[ndcg]
        rows = []
        for name, result in self.results.items():
            if name != self.default_model:
                other = result.per_user[ndcg].reindex(default.index)
                rows.append((name, *bootstrap_interval(default, other)))
        return pd.DataFrame(rows, columns=["model", "difference", "ci_low", "ci_high"])

    def to_dict(self) -> dict:
        """Plain JSON-ready content (NaN as None)."""
        table = self.metric_table()
        return {
            "k": self.k,
            "split": self.split,
            "default_model": self.default_model,
            "models": {
                name: {key: (None if pd.isna(value) else float(value)) for key, value in row.items()}
                for name, row in table.iterrows()
            },
            "default_minus": json_records(self.comparisons()),
            "skipped": self.skipped,
            "choice": self.choice,
            "segments": json_records(self.segments),
            "fairness": json_records(self.fairness),
        }


def json_records(frame: pd.DataFrame | None) -> list[dict]:
    """A frame as a list of JSON-ready rows (NaN as None)."""
    if frame is None:
        return []
    return frame.astype(object).where(frame.notna(), None).to_dict(orient="records")


def evaluate_models(
    models: Mapping[str, Recommender],
    split: EvaluationSplit,
    k: int = 10,
    *,
    default_model: str | None = None,
    validation: Mapping[str, float] | None = None,
    on_model: Callable[[ModelResult], None] | None = None,
) -> EvaluationReport:
    """Fit, recommend and score every model on the same split.

    Parameters
    ----------
    models
        Name -> unfitted model.
    split
        From :func:`temporal_split`, :func:`wave_split` or :func:`validation_split`.
    k
        List length and metric cut-off.
    default_model, validation
        The model chosen on validation data and every candidate's validation
        NDCG, carried into the report.
    on_model
        Called after each model (progress, recording runs).
    """
    if len(split.test_users) == 0:
        raise UserError("the test period holds no positive interaction of a known user; nothing to evaluate")
    results: dict[str, ModelResult] = {}
    skipped: dict[str, str] = {}
    with shared_fits.sharing_fits():  # the grounded model's base is the blend: fitted once
        for name, model in models.items():
            try:
                results[name] = run_model(name, model, split, k)
            except UserError as exc:  # e.g. content similarity on a log whose two sides share no feature
                skipped[name] = str(exc)
                continue
            if on_model is not None:
                on_model(results[name])
    report = EvaluationReport(k, split.summary(), results, default_model, dict(validation or {}), skipped=skipped)
    segments = split.test_user_segments()
    if results:
        report.segments = pd.concat(
            [segment_metrics(r.per_user, segments).assign(model=name) for name, r in results.items()], ignore_index=True
        )
        report.fairness = pd.concat(
            [fairness_table(r.reco, segments, split.item_wages, k).assign(model=name) for name, r in results.items()],
            ignore_index=True,
        )
    return report


# --------------------------------------------------------------------------- the standard line-up

#: Every model the evaluate command compares, in table order.
LINEUP = ("lightfm", "content", "popularity", "random", "blend", "grounded-content", "grounded")
#: Line-up names that are not an algorithm's own name: (algorithm, parameters).
NAMED_SETUPS = {"grounded-content": ("grounded", {"base": "content"})}


def lineup(params: Mapping[str, dict] | None = None, names: tuple[str, ...] = LINEUP) -> dict[str, Callable[[], Recommender]]:
    """Factories of the standard models, with per-algorithm parameters (e.g. the tuned ones)."""
    from recommender.models import make_model

    params = dict(params or {})

    def factory(name: str) -> Callable[[], Recommender]:
        algorithm, fixed = NAMED_SETUPS.get(name, (name, {}))
        return lambda: make_model(algorithm, **{**fixed, **params.get(name, {})})

    return {name: factory(name) for name in names}


# --------------------------------------------------------------------------- the project database
