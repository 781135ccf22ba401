"""Experiments in the database: what each compares, on whom, and where it is in its life.

An experiment serves a **control** run (the promoted model when it is
created) and one or more **treatment** runs to shares of the participants of
its **segment** (a province, a wave, or participants registered after its
start), and compares them on a **primary metric** (saves, applications or
hires per participant). Its life: ``draft`` -> ``running`` -> ``stopped``.
Two running experiments never share a participant: a second one may start
only in another province.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, func, select

from prakerja import vocab
from prakerja.db import reading, transaction
from prakerja.errors import UnknownId, UserError
from prakerja.models import Experiment, ExperimentArm, ModelRun, Participant, Province
from recommender.registry import promote_run, promoted_run_id

CONTROL = "control"
#: Shares are compared with this tolerance (they are typed as percentages or fractions).
SHARE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Arm:
    """One arm: its id, name, model run and share of the segment's participants."""

    id: int
    name: str
    run_id: int
    share: float
    is_control: bool


@dataclass(frozen=True)
class ExperimentInfo:
    """An experiment as plain values (what serving, analysis and the interfaces read)."""

    id: int
    name: str
    hypothesis: str | None
    primary_metric: str
    alpha: float
    segment_province: str | None
    segment_wave: int | None
    segment_new_only: bool
    new_from_participant_id: int | None
    status: str
    planned_start: dt.datetime | None
    planned_end: dt.datetime | None
    started_at: dt.datetime | None
    stopped_at: dt.datetime | None
    decision: str | None
    arms: tuple[Arm, ...]

    @property
    def control(self) -> Arm:
        return next(arm for arm in self.arms if arm.is_control)

    @property
    def treatments(self) -> tuple[Arm, ...]:
        return tuple(arm for arm in self.arms if not arm.is_control)

    def arm_named(self, name: str) -> Arm:
        """The arm called ``name`` (UserError naming the arms when there is none)."""
        for arm in self.arms:
            if arm.name == name:
                return arm
        raise UserError(f"experiment {self.id} has no arm {name!r}; its arms: {', '.join(a.name for a in self.arms)}")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _info(row: Experiment) -> ExperimentInfo:
    arms = tuple(Arm(a.id, a.name, a.run_id, float(a.share), bool(a.is_control)) for a in row.arms)
    return ExperimentInfo(
        row.id, row.name, row.hypothesis, row.primary_metric, float(row.alpha), row.segment_province, row.segment_wave,
        bool(row.segment_new_only), row.new_from_participant_id, row.status, row.planned_start, row.planned_end,
        row.started_at, row.stopped_at, row.decision, arms,
    )


def check_shares(shares: Sequence[float], n_arms: int) -> list[float]:
    """Arm shares as fractions summing to at most 1 (percentages are accepted when they sum to more than 1)."""
    if len(shares) != n_arms:
        raise UserError(f"give one share per arm ({n_arms}: control first), not {len(shares)}")
    values = [float(s) for s in shares]
    if sum(values) > 1 + SHARE_TOLERANCE:
        values = [v / 100 for v in values]
    if any(not (0 < v <= 1) for v in values) or sum(values) > 1 + SHARE_TOLERANCE:
        raise UserError(f"shares must be positive and sum to at most 100%, not {shares}")
    return values


def create_experiment(
    engine: Engine,
    name: str,
    treatment_run_ids: Sequence[int],
    *,
    control_run_id: int | None = None,
    shares: Sequence[float] | None = None,
    province: str | None = None,
    wave: int | None = None,
    new_only: bool = False,
    primary_metric: str = "applied",
    alpha: float = 0.05,
    planned_start: dt.datetime | None = None,
    planned_end: dt.datetime | None = None,
    hypothesis: str | None = None,
) -> int:
    """Record a draft experiment; returns its id.

    Parameters
    ----------
    engine
        The project database.
    name
        Unique, 1-120 characters.
    treatment_run_ids
        The runs tried against the control (at least one; each with an artifact).
    control_run_id
        Default: the promoted run (UserError when none is promoted).
    shares
        The share of the segment's participants per arm, control first
        (fractions or percentages; default: equal shares of everyone). Shares
        summing to less than 100% leave the rest out of the experiment (they
        get the promoted model and are not counted).
    province, wave, new_only
        The segment: a province code, a wave, participants registered after the start.
    primary_metric
        What decides: "saved", "applied" or "hired" per participant.
    alpha
        The false-positive rate the decision keeps (split over the treatments).
    planned_start, planned_end
        The pre-registered window; after ``planned_end`` the report stops an undecided experiment.
    """
    name = (name or "").strip()
    if not 0 < len(name) <= 120:
        raise UserError("an experiment needs a name of 1 to 120 characters")
    if primary_metric not in vocab.EXPERIMENT_METRICS:
        raise UserError(f"unknown metric {primary_metric!r}; choose from {', '.join(vocab.EXPERIMENT_METRICS)}")
    if not 0 < alpha < 0.5:
        raise UserError(f"alpha must be between 0 and 0.5, not {alpha}")
    if planned_start and planned_end and planned_end <= planned_start:
        raise UserError("the planned end must come after the planned start")
    treatments = [int(r) for r in treatment_run_ids]
    if not treatments:
        raise UserError("an experiment needs at least one treatment run")
    control = promoted_run_id(engine) if control_run_id is None else int(control_run_id)
    if control is None:
        raise UserError("no model is promoted: promote the control run first (prakerja train) or give --control")
    runs = [control, *treatments]
    if len(set(runs)) != len(runs):
        raise UserError("the control and treatment runs must all differ")
    fractions = check_shares(shares if shares is not None else [1 / len(runs)] * len(runs), len(runs))
    with transaction(engine) as session:
        for run_id in runs:
            run = session.get(ModelRun, run_id)
            if run is None:
                raise UnknownId(f"no model run with id {run_id}")
            if not run.artifact_path or not Path(run.artifact_path).is_file():
                raise UserError(f"model run {run_id} has no artifact file to serve; train it again")
        if province is not None and session.get(Province, province) is None:
            raise UserError(f"unknown province code {province!r}")
        if session.scalar(select(Experiment.id).where(Experiment.name == name)) is not None:
            raise UserError(f"an experiment called {name!r} exists already")
        experiment = Experiment(
            name=name, hypothesis=hypothesis, primary_metric=primary_metric, alpha=float(alpha), segment_province=province,
            segment_wave=wave, segment_new_only=bool(new_only), status="draft", planned_start=planned_start,
            planned_end=planned_end,
        )
        session.add(experiment)
        session.flush()
        names = [CONTROL] + (["treatment"] if len(treatments) == 1 else [f"treatment_{i}" for i in range(1, len(treatments) + 1)])
        for arm_name, run_id, share in zip(names, runs, fractions):
            session.add(ExperimentArm(experiment_id=experiment.id, name=arm_name, is_control=arm_name == CONTROL,
                                      run_id=run_id, share=share))
        return int(experiment.id)


def get_experiment(engine: Engine, experiment_id: int) -> ExperimentInfo:
    """The experiment ``experiment_id`` (UnknownId when there is none)."""
    with transaction(engine) as session:
        row = session.get(Experiment, int(experiment_id))
        if row is None:
            raise UnknownId(f"no experiment with id {experiment_id}")
        return _info(row)


def list_experiments(engine: Engine, status: str | None = None) -> list[ExperimentInfo]:
    """Every experiment (or those of ``status``), newest first."""
    query = select(Experiment).order_by(Experiment.id.desc())
    if status is not None:
        query = query.where(Experiment.status == status)
    with transaction(engine) as session:
        return [_info(row) for row in session.scalars(query).all()]


def running_experiments(engine: Engine) -> list[ExperimentInfo]:
    """The running experiments (what serving reads every few seconds: one indexed query and the arms)."""
    with reading(engine) as connection:
        rows = connection.execute(select(Experiment.id).where(Experiment.status == "running").order_by(Experiment.id)).scalars().all()
    return [get_experiment(engine, experiment_id) for experiment_id in rows]


def start_experiment(engine: Engine, experiment_id: int, now: dt.datetime | None = None) -> ExperimentInfo:
    """Start serving a draft experiment (UserError when it would share participants with a running one)."""
    with transaction(engine) as session:
        row = session.get(Experiment, int(experiment_id))
        if row is None:
            raise UnknownId(f"no experiment with id {experiment_id}")
        if row.status != "draft":
            raise UserError(f"experiment {experiment_id} is {row.status}; only a draft can start")
        for other in session.scalars(select(Experiment).where(Experiment.status == "running")).all():
            if other.segment_province is None or row.segment_province is None or other.segment_province == row.segment_province:
                raise UserError(
                    f"experiment {other.id} ({other.name}) is running on the same participants; stop it first "
                    "(experiments at once must be in different provinces)"
                )
        row.status = "running"
        row.started_at = now or _now()
        if row.segment_new_only:
            row.new_from_participant_id = int(session.scalar(select(func.coalesce(func.max(Participant.id), 0))) + 1)
        session.flush()
        return _info(row)


def stop_experiment(engine: Engine, experiment_id: int, reason: str, now: dt.datetime | None = None) -> ExperimentInfo:
    """Stop a running (or draft) experiment, recording why; its participants get the promoted model again."""
    with transaction(engine) as session:
        row = session.get(Experiment, int(experiment_id))
        if row is None:
            raise UnknownId(f"no experiment with id {experiment_id}")
        if row.status == "stopped":
            raise UserError(f"experiment {experiment_id} is stopped already ({row.decision})")
        row.status = "stopped"
        row.stopped_at = now or _now()
        row.decision = (reason or "stopped").strip()[:2000]
        session.flush()
        return _info(row)


def promote_arm(engine: Engine, experiment_id: int, arm_name: str, reason: str, now: dt.datetime | None = None) -> ExperimentInfo:
    """Promote ``arm_name``'s run (the winner) and end the experiment with ``reason``."""
    experiment = get_experiment(engine, experiment_id)
    arm = experiment.arm_named(arm_name)
    if experiment.status == "stopped":
        raise UserError(f"experiment {experiment_id} is stopped already ({experiment.decision})")
    promote_run(engine, arm.run_id)
    return stop_experiment(engine, experiment_id, f"promoted {arm.name} (model run {arm.run_id}): {reason}", now)
