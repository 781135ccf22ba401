"""The evaluation harness: every model on the same split, one metric table, warm and cold apart.

A run goes:

1. :func:`temporal_split` (or :func:`wave_split`) cuts a :class:`Dataset`'s
   log into a training view (same users, items and features; only earlier
   interactions) and a test log.
2. :func:`choose_default` carves a validation period from the *end of the
   training part* and picks the best candidate there by NDCG@k. The test
   period is never looked at to choose.
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

From the project database (:func:`database_split`) user features are rebuilt
as known at the cut, and every model ranks the vacancies open during the test
period; an optional place filter (:func:`evaluation_filters`) applies to all
models alike.

Warm and cold metrics are computed on the *same* lists with the ground truth
restricted to warm or cold items, over the users who have such items: a cold
NDCG of 0.2 means "of the vacancies nobody had touched before, the model put
the ones this user went on to use near the top".
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Callable, Mapping

import numpy as np
import pandas as pd

from prakerja.columns import Columns
from prakerja.errors import UserError
from recommender.attributes import ItemAttr
from recommender.base import Recommender
from recommender.dataset import Dataset
from recommender.fairness import fairness_table, segment_metrics, vacancy_wage
from recommender.filters import ItemFilters
from recommender.metrics import NDCG, bootstrap_interval, calc_metrics, default_metrics, ranking_metrics
from recommender.splitters import TemporalSplitter, WaveSplitter, cold_items, validation_splitter
from recommender.features import load_dataset

#: Labels of the parts of the test log every table reports.
WARM, COLD = "warm", "cold"
#: The segment every evaluation has: test users with training history ("returning") or without ("new").
HISTORY = "history"


@dataclass
class EvaluationSplit:
    """A training view and a test log cut from one dataset.

    Attributes
    ----------
    train_dataset
        Features of every user and item; only training interactions.
    test
        The test interactions (``Columns.Interactions``).
    cut
        The moment between training and test (None for a wave split).
    candidate_items
        Item ids the models rank: from the database, the vacancies open
        during the test period; otherwise every item known when it ends.
    user_segments
        Optional frame (index user id) of segment columns for fairness.
    item_wages
        Optional monthly wage per item id.
    open_items
        ``(start, end) -> item ids`` open in that period, when the source
        knows it; a validation split carved from this one ranks those.
    filters
        Business filters applied to every model alike (e.g. same province);
        None ranks every candidate.
    """

    train_dataset: Dataset
    test: pd.DataFrame
    cut: pd.Timestamp | None = None
    candidate_items: np.ndarray | None = None
    user_segments: pd.DataFrame | None = None
    item_wages: pd.Series | None = None
    name: str = "temporal"
    open_items: Callable[[pd.Timestamp, pd.Timestamp], np.ndarray] | None = None
    filters: ItemFilters | None = None

    @property
    def train(self) -> pd.DataFrame:
        return self.train_dataset.interactions

    @property
    def cold_items(self) -> np.ndarray:
        return cold_items(self.train, self.test)

    @property
    def test_users(self) -> np.ndarray:
        """Users with at least one relevant (positive) test interaction."""
        return pd.unique(self.test.loc[self.test[Columns.Weight] > 0, Columns.User])

    def test_user_segments(self) -> pd.DataFrame:
        """Segments of the test users, always with ``history``: "returning" (in training) or "new" (cold user)."""
        users = pd.Index(self.test_users, name=Columns.User)
        segments = self.user_segments.reindex(users) if self.user_segments is not None else pd.DataFrame(index=users)
        returning = users.isin(self.train[Columns.User])
        return segments.assign(**{HISTORY: np.where(returning, "returning", "new")})

    def catalog(self) -> np.ndarray:
        return self.candidate_items if self.candidate_items is not None else self.train_dataset.item_id_map.external_ids

    def summary(self) -> dict:
        """Sizes of the split and the share of cold vacancies among test interactions."""
        positive = self.test.loc[self.test[Columns.Weight] > 0]
        is_cold = positive[Columns.Item].isin(self.cold_items)
        return {
            "split": self.name,
            "cut": None if self.cut is None else self.cut.isoformat(),
            "train_interactions": int(len(self.train)),
            "test_interactions": int(len(self.test)),
            "test_users": int(len(self.test_users)),
            "test_users_cold": int((~pd.Index(self.test_users).isin(self.train[Columns.User])).sum()),
            "candidate_items": int(len(self.catalog())),
            "test_items": int(positive[Columns.Item].nunique()),
            "test_items_cold": int(positive.loc[is_cold, Columns.Item].nunique()),
            "cold_interaction_share": float(is_cold.mean()) if len(positive) else None,
            "filters": describe_filters(self.filters),
        }


def evaluation_filters(*, province_only: bool = False, radius_km: float | None = None) -> ItemFilters | None:
    """Place filters for an evaluation; time is handled by the candidate set, seen items by the split."""
    if not province_only and radius_km is None:
        return None
    return ItemFilters(active_only=False, province_only=province_only, radius_km=radius_km, exclude_kinds=())


def describe_filters(filters: ItemFilters | None) -> str:
    """A short label of the place filters ("none", "same province", "within 50 km")."""
    if filters is None:
        return "none"
    parts = (["same province"] if filters.province_only else []) + (
        [f"within {filters.radius_km:g} km"] if filters.radius_km else []
    )
    return ", ".join(parts) or "none"


def users_with_features(dataset: Dataset) -> np.ndarray:
    """Ids of users with at least one feature: they can be scored without history (cold users)."""
    has_features = dataset.user_features.matrix.getnnz(axis=1) > 0
    return dataset.user_id_map.external_ids[has_features]


def _items_known_by(dataset: Dataset, moment: pd.Timestamp | None) -> np.ndarray:
    """Items posted by ``moment`` (every item when postings have no date)."""
    ids = dataset.item_id_map.external_ids
    attributes = dataset.item_attributes
    if moment is None or attributes is None or ItemAttr.PostedAt not in attributes:
        return ids
    posted = pd.to_datetime(attributes[ItemAttr.PostedAt]).to_numpy()
    return ids[pd.isna(posted) | (posted <= np.datetime64(moment))]


def temporal_split(
    dataset: Dataset,
    splitter: TemporalSplitter | None = None,
    *,
    user_segments: pd.DataFrame | None = None,
    item_wages: pd.Series | None = None,
) -> EvaluationSplit:
    """Cut ``dataset``'s log in time; test users are those with training history or features.

    Parameters
    ----------
    dataset
        All interactions, and the users, items and features the training
        view keeps (build them as known at the cut to avoid leaking the
        future; :func:`database_split` does).
    splitter
        Default: the last 20% of interactions are the test period.
    """
    splitter = splitter or TemporalSplitter()
    if splitter.known_users is None:
        splitter = replace(splitter, known_users=users_with_features(dataset))
    log = dataset.interactions
    train_idx, test_idx = splitter.split(log)
    test = log.iloc[test_idx].reset_index(drop=True)
    test_end = test[Columns.Datetime].max() if len(test) else None
    return EvaluationSplit(
        train_dataset=dataset.with_interactions(log.iloc[train_idx]),
        test=test,
        cut=splitter.cut(log),
        candidate_items=_items_known_by(dataset, test_end),
        user_segments=user_segments,
        item_wages=item_wages,
    )


def wave_split(dataset: Dataset, user_waves: pd.Series, test_waves: int = 1, **extras) -> EvaluationSplit:
    """Participants of the last ``test_waves`` waves are test users with no history (cold users)."""
    log = dataset.interactions
    train_idx, test_idx = WaveSplitter(user_waves, test_waves).split(log)
    return EvaluationSplit(
        train_dataset=dataset.with_interactions(log.iloc[train_idx]),
        test=log.iloc[test_idx].reset_index(drop=True),
        name="wave",
        **extras,
    )


def validation_split(split: EvaluationSplit, fraction: float = 0.2) -> EvaluationSplit:
    """The last ``fraction`` of the training period as a test log, for choosing and tuning."""
    dataset = split.train_dataset
    inner = TemporalSplitter(known_users=users_with_features(dataset))
    validation = temporal_split(
        dataset, validation_splitter(inner, fraction), user_segments=split.user_segments, item_wages=split.item_wages
    )
    validation.filters = split.filters
    if split.open_items is not None and len(validation.test):
        validation.open_items = split.open_items
        validation.candidate_items = split.open_items(validation.cut, validation.test[Columns.Datetime].max())
    return validation


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
    return results, per_user


def run_model(name: str, model: Recommender, split: EvaluationSplit, k: int) -> ModelResult:
    """Fit ``model`` on the split's training view, recommend, score."""
    started = time.perf_counter()
    model.fit(split.train_dataset)
    fitted = time.perf_counter()
    reco = recommend_for_split(model, split, k)
    done = time.perf_counter()
    metrics, per_user = score_lists(reco, split, k)
    return ModelResult(name, model, reco, metrics, per_user, fitted - started, done - fitted)


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


def choose_default(
    candidates: Mapping[str, Callable[[], Recommender]],
    split: EvaluationSplit,
    k: int = 10,
    validation_fraction: float = 0.2,
) -> tuple[str, dict[str, float]]:
    """Pick the candidate with the best NDCG@k on a validation period carved from the training part.

    Parameters
    ----------
    candidates
        Name -> factory of a fresh unfitted model.
    split
        The evaluation split; only its training part is used.

    Returns
    -------
    tuple
        The winner's name and every candidate's validation NDCG@k.
    """
    inner = validation_split(split, validation_fraction)
    if len(inner.test_users) == 0:
        raise UserError("the validation period holds no positive interaction; the log is too short to choose a model")
    scores: dict[str, float] = {}
    for name, factory in candidates.items():
        try:
            reco = recommend_for_split(factory().fit(inner.train_dataset), inner, k)
        except UserError:  # a model that cannot run on this data cannot be the default
            continue
        scores[name] = NDCG(k).calc(reco, inner.test)
    if not scores:
        raise UserError("no candidate model could be fitted on the validation split")
    return max(scores, key=scores.get), scores


# --------------------------------------------------------------------------- the standard line-up

#: Every model the evaluate command compares, in table order.
LINEUP = ("lightfm", "content", "popularity", "random", "blend")


def lineup(params: Mapping[str, dict] | None = None, names: tuple[str, ...] = LINEUP) -> dict[str, Callable[[], Recommender]]:
    """Factories of the standard models, with per-algorithm parameters (e.g. the tuned ones)."""
    from recommender.models import make_model

    params = dict(params or {})
    return {name: (lambda name=name: make_model(name, **params.get(name, {}))) for name in names}


# --------------------------------------------------------------------------- the project database

#: Upper bounds (exclusive) of the age bands used as a fairness segment; the last band is open.
AGE_BANDS = ((25, "18-24"), (35, "25-34"), (45, "35-44"), (55, "45-54"))


def age_band(age: float) -> str:
    """The band of an age in years ("18-24" ... "55+")."""
    for upper, label in AGE_BANDS:
        if age < upper:
            return label
    return "55+"


def participant_segments(engine, at: pd.Timestamp) -> pd.DataFrame:
    """Province, urban/rural, gender, disability and age band (at ``at``) of every participant.

    These attributes never rank; they only group users for per-segment and fairness tables.
    """
    from sqlalchemy import select

    from prakerja.models import Participant, Province, Regency

    query = (
        select(Participant.id, Province.name, Regency.urban, Participant.gender, Participant.disability, Participant.birth_year)
        .join(Regency, Regency.code == Participant.regency_code)
        .join(Province, Province.code == Regency.province_code)
    )
    with engine.connect() as connection:
        rows = pd.DataFrame(connection.execute(query).fetchall(), columns=["id", "province", "urban", "gender", "disability", "birth_year"])
    return pd.DataFrame(
        {
            "province": rows["province"].to_numpy(),
            "urban_rural": np.where(rows["urban"].astype(bool), "urban", "rural"),
            "gender": rows["gender"].to_numpy(),
            "disability": np.where(rows["disability"].astype(bool), "yes", "no"),
            "age_band": [age_band(at.year - year) for year in rows["birth_year"]],
        },
        index=pd.Index(rows["id"].to_numpy(dtype=np.int64), name=Columns.User),
    )


def database_split(engine, splitter: TemporalSplitter | None = None) -> EvaluationSplit:
    """The temporal split of the project database, with features as known at the cut.

    Trainings completed after the cut are not features of the training view
    (that would leak the future); vacancies posted later keep their features,
    since a vacancy's text is known from the day it is posted.
    """
    from recommender.features import load_interactions

    log = load_interactions(engine)
    if log.empty:
        raise UserError("the database holds no interactions to evaluate on; load some first (e.g. `prakerja init --demo`)")
    splitter = splitter or TemporalSplitter()
    cut = splitter.cut(log)
    at_cut = load_dataset(engine, as_of=cut)
    split = temporal_split(
        at_cut.with_interactions(log),
        TemporalSplitter(test_start=cut, filter_already_seen=splitter.filter_already_seen),
        user_segments=participant_segments(engine, cut),
        item_wages=item_wages(at_cut),
    )
    split.open_items = partial(vacancies_open_between, engine)
    split.candidate_items = split.open_items(cut, split.test[Columns.Datetime].max())
    return split


def vacancies_open_between(engine, start: pd.Timestamp, end: pd.Timestamp) -> np.ndarray:
    """Ids of vacancies open at some moment of [start, end]: the ones a participant could have met then.

    Ranking vacancies that had closed before the test period (or opened after
    it) would only measure which model avoids stale ids; every model ranks
    this same candidate set, as the product's "active" filter would give it.
    """
    from sqlalchemy import or_, select

    from prakerja.models import Vacancy

    query = select(Vacancy.id).where(
        or_(Vacancy.posted_at.is_(None), Vacancy.posted_at <= pd.Timestamp(end).to_pydatetime()),
        or_(Vacancy.expires_at.is_(None), Vacancy.expires_at >= pd.Timestamp(start).to_pydatetime()),
    )
    with engine.connect() as connection:
        return np.asarray(connection.scalars(query).all(), dtype=np.int64)


def database_wave_split(engine, test_waves: int = 1) -> EvaluationSplit:
    """The per-wave split of the project database: the last waves' participants are cold test users."""
    from sqlalchemy import select

    from prakerja.models import Participant

    dataset = load_dataset(engine)
    if dataset.interactions.empty:
        raise UserError("the database holds no interactions to evaluate on; load some first (e.g. `prakerja init --demo`)")
    with engine.connect() as connection:
        waves = pd.DataFrame(connection.execute(select(Participant.id, Participant.wave)).fetchall(), columns=["id", "wave"])
    latest = pd.Timestamp(dataset.interactions[Columns.Datetime].max())
    split = wave_split(
        dataset,
        pd.Series(waves["wave"].to_numpy(), index=waves["id"].to_numpy(dtype=np.int64)),
        test_waves,
        user_segments=participant_segments(engine, latest),
        item_wages=item_wages(dataset),
    )
    split.open_items = partial(vacancies_open_between, engine)
    times = split.test[Columns.Datetime]
    split.candidate_items = split.open_items(times.min(), times.max())
    return split


def item_wages(dataset: Dataset) -> pd.Series | None:
    """Monthly wage per item id from the dataset's vacancy attributes (None without attributes)."""
    attributes = dataset.item_attributes
    if attributes is None:
        return None
    wages = vacancy_wage(attributes[ItemAttr.SalaryMin], attributes[ItemAttr.SalaryMax])
    wages.index = dataset.item_id_map.external_ids
    return wages


def record_run(engine, result: ModelResult, split: EvaluationSplit, report: EvaluationReport) -> int:
    """Record one evaluated model in ``model_runs`` through the registry; returns the run id.

    Evaluation runs keep no artifact: the model saw only the training part;
    ``prakerja train`` fits and stores the serving model.
    """
    from recommender.registry import record_run as record_in_registry

    metrics = {name: _none_if_nan(value) for name, value in result.metrics.items()}
    metrics["fit_seconds"] = result.fit_seconds
    metrics["recommend_seconds"] = result.recommend_seconds
    if result.name in report.validation:
        metrics[f"validation ndcg@{report.k}"] = report.validation[result.name]
    return record_in_registry(
        engine,
        result.model,
        split.train_dataset,
        metrics={
            "evaluation": metrics,
            "split": report.split,
            "k": report.k,
            "segments": json_records(_rows_of(report.segments, result.name)),
            "fairness": json_records(_rows_of(report.fairness, result.name)),
        },
        notes=f"evaluation of {result.name} on the {report.split.get('split')} split"
        + (" (default, chosen on validation)" if result.name == report.default_model else ""),
        save_artifact=False,
    )


def holdout_metrics(engine, factory: Callable[[], Recommender], k: int = 10) -> dict:
    """Validation and test metrics of a configuration, for a run trained on everything.

    A trained run has seen every interaction, so it cannot be measured on its
    own data; the same configuration fitted on the temporal split's training
    part (and on its validation part) says how it ranks later interactions,
    on the same split as ``prakerja evaluate``. Test NDCG carries a 95%
    bootstrap interval over users.
    """
    split = database_split(engine)
    tested = run_model("holdout", factory(), split, k)
    ndcg = f"ndcg@{k}"
    _, low, high = bootstrap_interval(tested.per_user[ndcg])
    test = {name: _none_if_nan(value) for name, value in tested.metrics.items()}
    test.update({f"{ndcg} ci_low": _none_if_nan(low), f"{ndcg} ci_high": _none_if_nan(high), "test_users": int(len(tested.per_user))})
    result = {"k": k, "split": split.summary(), "test": test}
    inner = validation_split(split)
    if len(inner.test_users):
        validated = run_model("holdout", factory(), inner, k)
        result["validation"] = {name: _none_if_nan(value) for name, value in validated.metrics.items()}
    return json_safe_floats(result)


def json_safe_floats(value):
    """Nested metrics with numpy numbers as plain floats and NaN as None (PostgreSQL's JSON has no NaN)."""
    if isinstance(value, dict):
        return {key: json_safe_floats(inner) for key, inner in value.items()}
    if isinstance(value, (np.floating, float)):
        return None if np.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def _rows_of(frame: pd.DataFrame | None, model: str) -> pd.DataFrame | None:
    """One model's rows of a per-model table, without the model column."""
    if frame is None:
        return None
    return frame.loc[frame["model"] == model].drop(columns="model")


def _none_if_nan(value):
    """JSON has no NaN (PostgreSQL refuses it): an undefined metric is stored as null."""
    return None if isinstance(value, float) and np.isnan(value) else value
