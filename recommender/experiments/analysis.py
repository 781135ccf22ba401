"""The report of an experiment: per-arm rates, differences against control, guard rails, fairness, and the decision.

The unit is the participant assigned to an arm (whether or not they acted).
A participant's outcome for a metric is the number of distinct vacancies the
experiment showed them and they then saved (applied to, were hired for): an
interaction counts for the arm whose exposure of that vacancy came first, and
only when it happened after that exposure and before the experiment stopped.
Nothing is counted twice: one exposure per (experiment, participant,
vacancy), and distinct vacancies per participant.

The decision (:func:`decide`), for the primary metric, each treatment against
control, at ``alpha`` split over the treatments (Bonferroni):

1. **stop** when the sample-ratio check fails (the data are broken);
2. **continue** while an arm has fewer than :data:`MIN_PER_ARM` participants;
3. **stop** when a treatment breaks a guard rail (its share of vacancies
   within reach or connected falls more than :data:`GUARDRAIL_DROP` below
   control's);
4. **promote** the best treatment whose always-valid interval lies above 0;
5. **stop** when every treatment's always-valid interval lies below 0;
6. **stop** at the planned end without such evidence (keep the control);
7. otherwise **continue**.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import Engine, and_, case, func, select

from prakerja import vocab
from prakerja.db import reading
from prakerja.models import ExperimentAssignment, ExperimentExposure, Interaction, Participant, Regency
from recommender.experiments.registry import ExperimentInfo, get_experiment, promote_arm, stop_experiment
from recommender.experiments.statistics import (
    Estimate,
    RatioCheck,
    always_valid_p,
    confidence_sequence,
    cuped,
    difference_estimate,
    difference_variance,
    mean_estimate,
    mixture_variance,
    sample_ratio_check,
    two_sided_p,
    MIXTURE_SD,
)

#: Participants per arm before the metric may decide anything.
MIN_PER_ARM = 100
#: A treatment whose within-reach or connected share is this much (absolute) below control's breaks a guard rail.
GUARDRAIL_DROP = 0.05
#: Days before the start whose activity is the CUPED covariate.
PRE_PERIOD_DAYS = 28
#: Groups smaller than this are left out of the fairness gaps (their rates are noise).
MIN_GROUP = 20
#: Kinds that count as activity before the experiment.
ACTIVITY_KINDS = ("clicked", "saved", "applied")

PROMOTE, STOP, CONTINUE = "promote", "stop", "continue"


@dataclass(frozen=True)
class MetricRow:
    """One arm on one metric: its rate per participant and, for treatments, the difference against control."""

    metric: str
    arm: str
    participants: int
    rate: Estimate
    difference: Estimate | None = None
    p: float | None = None
    relative: float | None = None
    cuped_difference: Estimate | None = None
    variance_reduction: float | None = None
    always_valid: Estimate | None = None
    always_valid_p: float | None = None


@dataclass(frozen=True)
class Guardrail:
    """What an arm's lists were like: vacancies shown, shares within reach and connected."""

    arm: str
    exposures: int
    within_reach: float
    connected: float


@dataclass(frozen=True)
class Decision:
    """promote (with the arm), stop or continue, and why in a sentence."""

    action: str
    arm: str | None
    reason: str


@dataclass
class Report:
    """Everything a researcher needs to decide, as plain values (:meth:`to_dict` for JSON)."""

    experiment: ExperimentInfo
    as_of: dt.datetime
    alpha_per_treatment: float
    ratio: RatioCheck
    metrics: list[MetricRow]
    guardrails: list[Guardrail]
    fairness: dict[str, dict[str, dict]] = field(default_factory=dict)
    decision: Decision | None = None

    def primary(self) -> list[MetricRow]:
        return [row for row in self.metrics if row.metric == self.experiment.primary_metric]

    def to_dict(self) -> dict:
        data = asdict(self)
        data["as_of"] = self.as_of.isoformat()
        data["ratio"]["ok"] = self.ratio.ok
        return _finite(data)


def _finite(value):
    """NaN and infinity as None (JSON has neither), datetimes as ISO text, recursively."""
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    if isinstance(value, (float, np.floating)):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value


def _window_end(experiment: ExperimentInfo, now: dt.datetime) -> dt.datetime:
    return experiment.stopped_at or now


def participant_outcomes(engine: Engine, experiment: ExperimentInfo, now: dt.datetime | None = None) -> pd.DataFrame:
    """One row per assigned participant: arm, outcomes per metric, pre-period activity, gender, disability, province.

    Three aggregate queries (assignments with attributes, attributed outcomes,
    pre-period activity), grouped in SQL.
    """
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    end = _window_end(experiment, now)
    start = experiment.started_at or now
    with reading(engine) as connection:
        people = pd.DataFrame(connection.execute(
            select(ExperimentAssignment.participant_id, ExperimentAssignment.arm_id, Participant.gender,
                   Participant.disability, Regency.province_code.label("province"))
            .join(Participant, Participant.id == ExperimentAssignment.participant_id)
            .join(Regency, Regency.code == Participant.regency_code)
            .where(ExperimentAssignment.experiment_id == experiment.id)
        ).all(), columns=["participant_id", "arm_id", "gender", "disability", "province"])
        attributed = connection.execute(
            select(ExperimentExposure.participant_id, Interaction.kind, func.count(func.distinct(Interaction.vacancy_id)))
            .join(Interaction, and_(Interaction.participant_id == ExperimentExposure.participant_id,
                                    Interaction.vacancy_id == ExperimentExposure.vacancy_id))
            .where(ExperimentExposure.experiment_id == experiment.id, Interaction.kind.in_(vocab.EXPERIMENT_METRICS),
                   Interaction.occurred_at >= ExperimentExposure.shown_at, Interaction.occurred_at <= end)
            .group_by(ExperimentExposure.participant_id, Interaction.kind)
        ).all()
        before = connection.execute(
            select(Interaction.participant_id, func.count())
            .join(ExperimentAssignment, and_(ExperimentAssignment.participant_id == Interaction.participant_id,
                                             ExperimentAssignment.experiment_id == experiment.id))
            .where(Interaction.kind.in_(ACTIVITY_KINDS), Interaction.occurred_at < start,
                   Interaction.occurred_at >= start - dt.timedelta(days=PRE_PERIOD_DAYS))
            .group_by(Interaction.participant_id)
        ).all()
    counts = pd.DataFrame(attributed, columns=["participant_id", "kind", "n"]).pivot_table(
        index="participant_id", columns="kind", values="n", aggfunc="sum", fill_value=0)
    frame = people.set_index("participant_id")
    for metric in vocab.EXPERIMENT_METRICS:
        frame[metric] = counts[metric].reindex(frame.index).fillna(0).astype(int) if metric in counts else 0
    frame["pre_activity"] = pd.Series(dict(before), dtype="float64").reindex(frame.index).fillna(0)
    return frame.reset_index()


def exposure_quality(engine: Engine, experiment: ExperimentInfo) -> pd.DataFrame:
    """Per arm id: exposures, and the shares of them within reach and connected (NaN where unknown)."""
    known_reach = func.sum(case((ExperimentExposure.within_reach.is_(None), 0), else_=1))
    known_connected = func.sum(case((ExperimentExposure.connected.is_(None), 0), else_=1))
    with reading(engine) as connection:
        rows = connection.execute(
            select(ExperimentExposure.arm_id, func.count(),
                   func.sum(case((ExperimentExposure.within_reach.is_(True), 1), else_=0)), known_reach,
                   func.sum(case((ExperimentExposure.connected.is_(True), 1), else_=0)), known_connected)
            .where(ExperimentExposure.experiment_id == experiment.id)
            .group_by(ExperimentExposure.arm_id)
        ).all()
    frame = pd.DataFrame(rows, columns=["arm_id", "exposures", "within", "known_within", "connected", "known_connected"])
    for column, known in (("within", "known_within"), ("connected", "known_connected")):
        frame[column] = frame[column].astype(float) / frame[known].replace(0, np.nan).astype(float)
    return frame.set_index("arm_id")[["exposures", "within", "connected"]]


def metric_rows(frame: pd.DataFrame, experiment: ExperimentInfo, metric: str, alpha: float, alpha_per_treatment: float,
                mixture_sd: float = MIXTURE_SD) -> list[MetricRow]:
    """Every arm's rate on ``metric``; treatments with plain, CUPED and always-valid differences against control."""
    adjusted, _theta = cuped(frame[metric].to_numpy(), frame["pre_activity"].to_numpy())
    frame = frame.assign(_adjusted=adjusted)
    control_arm = experiment.control
    control = frame[frame.arm_id == control_arm.id]
    rows = [MetricRow(metric, control_arm.name, len(control), mean_estimate(control[metric], alpha))]
    pooled_sd = float(np.std(frame[metric], ddof=1)) if len(frame) > 1 else np.nan
    tau2 = mixture_variance(pooled_sd, mixture_sd) if np.isfinite(pooled_sd) else 0.0
    for arm in experiment.treatments:
        treated = frame[frame.arm_id == arm.id]
        plain = difference_estimate(treated[metric].to_numpy(), control[metric].to_numpy(), alpha)
        adjusted_difference = difference_estimate(treated._adjusted.to_numpy(), control._adjusted.to_numpy(), alpha)
        variance = difference_variance(treated._adjusted.to_numpy(), control._adjusted.to_numpy())
        base = float(control[metric].mean()) if len(control) else np.nan
        rows.append(MetricRow(
            metric, arm.name, len(treated), mean_estimate(treated[metric], alpha), plain, two_sided_p(plain),
            plain.value / base if base and np.isfinite(base) else np.nan,
            adjusted_difference,
            1 - adjusted_difference.se**2 / plain.se**2 if plain.se and np.isfinite(plain.se) and plain.se > 0 else np.nan,
            confidence_sequence(adjusted_difference.value, variance, alpha_per_treatment, tau2),
            always_valid_p(adjusted_difference.value, variance, tau2),
        ))
    return rows


def fairness_gaps(frame: pd.DataFrame, experiment: ExperimentInfo, metric: str) -> dict[str, dict[str, dict]]:
    """Per arm and dimension (gender, disability, region): the metric's rate per group and the gap (largest - smallest).

    Groups under :data:`MIN_GROUP` participants are left out; a dimension with fewer than two groups has no gap.
    """
    out: dict[str, dict[str, dict]] = {}
    grouping = {"gender": frame.gender, "disability": frame.disability.map({True: "yes", False: "no"}), "region": frame.province}
    for arm in experiment.arms:
        in_arm = frame.arm_id == arm.id
        out[arm.name] = {}
        for dimension, groups in grouping.items():
            table = frame[in_arm].groupby(groups[in_arm])[metric].agg(["mean", "size"])
            table = table[table["size"] >= MIN_GROUP]
            rates = {str(k): float(v) for k, v in table["mean"].items()}
            gap = float(table["mean"].max() - table["mean"].min()) if len(table) >= 2 else None
            out[arm.name][dimension] = {"rates": rates, "gap": gap}
    return out


def guardrails(quality: pd.DataFrame, experiment: ExperimentInfo) -> list[Guardrail]:
    """Each arm's guard-rail figures (no exposures: zeros and NaN)."""
    rows = []
    for arm in experiment.arms:
        if arm.id in quality.index:
            entry = quality.loc[arm.id]
            rows.append(Guardrail(arm.name, int(entry.exposures), float(entry.within), float(entry.connected)))
        else:
            rows.append(Guardrail(arm.name, 0, np.nan, np.nan))
    return rows


def analyse(frame: pd.DataFrame, quality: pd.DataFrame, experiment: ExperimentInfo, now: dt.datetime,
            mixture_sd: float = MIXTURE_SD) -> Report:
    """The report of ``experiment`` from its participants' outcomes and its exposures' quality (no database needed)."""
    alpha = experiment.alpha
    alpha_per_treatment = alpha / max(len(experiment.treatments), 1)
    counts = [int((frame.arm_id == arm.id).sum()) for arm in experiment.arms]
    ratio = sample_ratio_check(counts, [arm.share for arm in experiment.arms])
    metrics = [row for metric in vocab.EXPERIMENT_METRICS
               for row in metric_rows(frame, experiment, metric, alpha, alpha_per_treatment, mixture_sd)]
    report = Report(experiment, now, alpha_per_treatment, ratio, metrics, guardrails(quality, experiment),
                    fairness_gaps(frame, experiment, experiment.primary_metric))
    report.decision = decide(report, now)
    return report


def decide(report: Report, now: dt.datetime) -> Decision:
    """promote, stop or continue, by the rules of the module docstring."""
    experiment = report.experiment
    metric = experiment.primary_metric
    if not report.ratio.ok:
        return Decision(STOP, None, f"sample-ratio mismatch (participants per arm {list(report.ratio.observed)}, chi-square "
                                    f"p = {report.ratio.p:.2g}): assignment or logging is broken; fix it and start again")
    rows = {row.arm: row for row in report.primary()}
    smallest = min(row.participants for row in rows.values())
    if smallest < MIN_PER_ARM:
        return Decision(CONTINUE, None, f"too few participants yet ({smallest} in the smallest arm; at least {MIN_PER_ARM})")
    rails = {rail.arm: rail for rail in report.guardrails}
    control = rails[experiment.control.name]
    broken = []
    for arm in experiment.treatments:
        for name, value, base in (("within reach", rails[arm.name].within_reach, control.within_reach),
                                  ("connected", rails[arm.name].connected, control.connected)):
            if np.isfinite(value) and np.isfinite(base) and value < base - GUARDRAIL_DROP:
                broken.append(f"{arm.name} shows {value:.0%} of vacancies {name} against control's {base:.0%}")
    if broken:
        return Decision(STOP, None, "guard rail broken: " + "; ".join(broken) + "; keep the control")
    treatments = [rows[arm.name] for arm in experiment.treatments]
    better = [row for row in treatments if row.always_valid is not None and row.always_valid.low > 0]
    level = f"{1 - report.alpha_per_treatment:.1%}"
    if better:
        best = max(better, key=lambda row: row.always_valid.value)
        return Decision(PROMOTE, best.arm, (
            f"{best.arm} raises {metric} per participant by {best.always_valid.value:+.4f} "
            f"(always-valid {level} interval {best.always_valid.low:+.4f} to {best.always_valid.high:+.4f}, CUPED; "
            f"control {rows[experiment.control.name].rate.value:.4f}), guard rails hold"))
    if all(row.always_valid is not None and row.always_valid.high < 0 for row in treatments):
        worst = ", ".join(f"{row.arm} {row.always_valid.value:+.4f} ({row.always_valid.low:+.4f} to {row.always_valid.high:+.4f})"
                          for row in treatments)
        return Decision(STOP, None, f"every treatment lowers {metric} per participant ({worst}, always-valid {level}); keep the control")
    if experiment.planned_end is not None and now >= experiment.planned_end:
        return Decision(STOP, None, f"the planned end ({experiment.planned_end:%Y-%m-%d}) came without a difference in {metric} "
                                   "that the stopping rule accepts; keep the control")
    return Decision(CONTINUE, None, f"no treatment differs from control in {metric} yet at the always-valid {level} level; "
                                    "keep collecting (looking again is safe)")


def experiment_report(engine: Engine, experiment_id: int, now: dt.datetime | None = None, mixture_sd: float = MIXTURE_SD) -> Report:
    """The report of experiment ``experiment_id`` from the database (its window ends when it stopped, else now)."""
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    experiment = get_experiment(engine, experiment_id)
    return analyse(participant_outcomes(engine, experiment, now), exposure_quality(engine, experiment), experiment, now, mixture_sd)


def carry_out(engine: Engine, report: Report) -> ExperimentInfo | None:
    """Do what ``report`` decided for its running experiment: promote the winner (ending it) or stop it.

    Returns the experiment afterwards, or None when the decision is to
    continue or the experiment is not running (nothing done).
    """
    decision, experiment = report.decision, report.experiment
    if experiment.status != "running" or decision is None:
        return None
    if decision.action == PROMOTE:
        return promote_arm(engine, experiment.id, decision.arm, decision.reason)
    if decision.action == STOP:
        return stop_experiment(engine, experiment.id, decision.reason)
    return None
