"""Evaluation on the project database: splits with features as known at the cut, segments, run records.

:func:`database_split` rebuilds participants' features as known at the cut and
lets every model rank the vacancies open during the test period;
:func:`participant_segments` gives the fairness segments (province,
urban/rural, gender, disability, age band); :func:`record_run` and
:func:`holdout_metrics` put an evaluation's figures in the model registry;
:func:`chosen_default` reads back the default the latest evaluation chose
(what ``prakerja train`` trains when no algorithm is named).
"""


from __future__ import annotations

from functools import partial
from typing import Callable

import numpy as np
import pandas as pd

from prakerja.columns import Columns
from prakerja.errors import UserError
from recommender.attributes import ItemAttr
from recommender.base import Recommender
from recommender.dataset import Dataset
from recommender.fairness import vacancy_wage
from recommender.metrics import bootstrap_interval
from recommender.splitters import TemporalSplitter
from recommender.features import _read, load_dataset
from recommender.evaluation import EvaluationReport, ModelResult, json_records, run_model
from recommender.evaluation_split import EvaluationSplit, temporal_split, validation_split, wave_split


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
        select(Participant.id, Province.name.label("province"), Regency.urban, Participant.gender, Participant.disability,
               Participant.birth_year)
        .join(Regency, Regency.code == Participant.regency_code)
        .join(Province, Province.code == Regency.province_code)
    )
    rows = _read(engine, query)
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
    waves = _read(engine, select(Participant.id, Participant.wave))
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


#: The end of an evaluation run's notes when it is the default the evaluation chose.
CHOSEN_NOTE = " (default, chosen on validation)"
#: What ``prakerja train`` trains before any evaluation was recorded: the default ``evaluate`` chose on
#: the ``make run`` world (docs/evaluation.md, "How the default is chosen"): the blend grounded in reach and training.
FALLBACK_DEFAULT = ("grounded", {"base": "blend"}, "grounded")


def chosen_default(engine) -> tuple[str, dict, str, int | None]:
    """(algorithm, parameters, name, run id) of the default the latest recorded evaluation chose.

    Without any recorded evaluation: :data:`FALLBACK_DEFAULT` (run id None).
    """
    from sqlalchemy import select

    from prakerja.db import reading
    from prakerja.models import ModelRun

    with reading(engine) as connection:
        row = connection.execute(
            select(ModelRun.id, ModelRun.algorithm, ModelRun.params, ModelRun.notes)
            .where(ModelRun.notes.like(f"evaluation of %{CHOSEN_NOTE}"))
            .order_by(ModelRun.id.desc()).limit(1)
        ).first()
    if row is None:
        algorithm, params, name = FALLBACK_DEFAULT
        return algorithm, dict(params), name, None
    name = str(row.notes).removeprefix("evaluation of ").split(" on the ", 1)[0]
    return str(row.algorithm), dict(row.params or {}), name, int(row.id)


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
        + (CHOSEN_NOTE if result.name == report.default_model else ""),
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
