"""Experiments on the demo world: served lists answered by the world's own behaviour model.

The demo generator's people choose by a stated model
(:mod:`prakerja.demo.behaviour`). :class:`~prakerja.demo.responder.DemoResponder`
draws those same people again and answers whatever a recommender shows them,
so an experiment can be run end to end with a known truth:

* :func:`simulate_live` runs one experiment through the real path: each
  simulated day some participants open their list (assigned, served by their
  arm's model, exposures logged), answer it, and their answers are stored as
  feedback; the report is read from the database after every day, as a
  researcher would look, until it decides.
* :func:`study` runs many experiments fast for the error rates: every
  participant's list is made once per model by the same serving path, then
  each experiment hashes participants into arms afresh, lets them arrive
  over the looks and answer, and applies the report's own decision after
  every look. A/A experiments (both arms the same model) measure the
  stopping rule's false-positive rate; A/B ones its power.

Only newly shown vacancies are answered (a reload shows the same list; the
generator too draws each pair once), and the answers have no position
effect because the behaviour model has none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, insert, select

from prakerja.columns import Columns
from prakerja.db import reading, session_factory
from prakerja.demo.responder import DemoResponder
from prakerja.models import Interaction, Participant, Regency
from prakerja.pseudonyms import stored_secret
from recommender.base import Recommender
from recommender.experiments.analysis import (
    ACTIVITY_KINDS,
    CONTINUE,
    PRE_PERIOD_DAYS,
    PROMOTE,
    STOP,
    Report,
    analyse,
    experiment_report,
)
from recommender.experiments.assignment import arms_of
from recommender.experiments.registry import Arm, ExperimentInfo, get_experiment
from recommender.experiments.serving import ExperimentServing, serve_participant
from recommender.experiments.statistics import MIXTURE_SD
from recommender.features import load_dataset
from recommender.participant_list import NO_FILTERS
from recommender.serving_state import ModelCache

#: Seconds between a list being shown and the answers (inside the experiment's day).
ANSWER_DELAY_S = 60


def store_answers(engine: Engine, answers: pd.DataFrame, occurred_at: dt.datetime, run_ids: dict[int, int]) -> int:
    """Write a responder's answers as interactions (``run_ids``: participant -> the model run that showed them)."""
    if answers.empty:
        return 0
    rows = [{"participant_id": int(p), "vacancy_id": int(v), "kind": kind, "occurred_at": occurred_at,
             "model_run_id": run_ids.get(int(p))} for p, v, kind in answers[["participant_id", "vacancy_id", "kind"]].itertuples(index=False)]
    with engine.begin() as connection:
        connection.execute(insert(Interaction.__table__), rows)
    return len(rows)


@dataclass
class LiveRun:
    """What :func:`simulate_live` saw: one report per simulated day, and the served lists per arm."""

    reports: list[Report] = field(default_factory=list)
    lists_served: int = 0

    @property
    def final(self) -> Report:
        return self.reports[-1]


def simulate_live(
    engine: Engine,
    responder: DemoResponder,
    experiment_id: int,
    *,
    days: int,
    visits_per_day: int,
    rng: np.random.Generator,
    start: dt.datetime | None = None,
    k: int = 10,
    stop_when_decided: bool = True,
    cache: ModelCache | None = None,
) -> LiveRun:
    """Run a started experiment on a demo world through serving, logging and the report, day by day.

    Parameters
    ----------
    engine
        The demo world's database (it is written: exposures and interactions).
    responder
        The world's :class:`DemoResponder`.
    experiment_id
        A running experiment.
    days, visits_per_day
        Simulated days (each ends with a look at the report) and participants opening their list each day.
    start
        The first day (default: the experiment's start).
    stop_when_decided
        Stop after the first look whose decision is not "continue".
    """
    experiment = get_experiment(engine, experiment_id)
    start = start or experiment.started_at
    experiments = ExperimentServing(check_seconds=3600.0)  # started and stopped by the caller, not during the run
    cache = cache or ModelCache()
    with reading(engine) as connection:
        everyone = np.array(connection.execute(select(Participant.id).order_by(Participant.id)).scalars().all(), dtype=np.int64)
    seen: set[tuple[int, int]] = set()
    run = LiveRun()
    for day in range(days):
        shown_at = start + dt.timedelta(days=day, hours=9)
        new_pairs, run_ids = [], {}
        for participant_id in rng.choice(everyone, size=min(visits_per_day, len(everyone)), replace=False):
            results, assignment = serve_participant(engine, int(participant_id), NO_FILTERS, k, cache=cache,
                                                    experiments=experiments, shown_at=shown_at)
            run.lists_served += 1
            if assignment is not None:
                run_ids[int(participant_id)] = assignment.run_id
            for result in results:
                if (int(participant_id), result.vacancy_id) not in seen:
                    seen.add((int(participant_id), result.vacancy_id))
                    new_pairs.append((int(participant_id), result.vacancy_id))
        if new_pairs:
            pairs = np.array(new_pairs, dtype=np.int64)
            answers = responder.respond(rng, pairs[:, 0], pairs[:, 1])
            store_answers(engine, answers, shown_at + dt.timedelta(seconds=ANSWER_DELAY_S), run_ids)
        report = experiment_report(engine, experiment_id, now=start + dt.timedelta(days=day + 1))
        run.reports.append(report)
        if stop_when_decided and report.decision.action != CONTINUE:
            break
    return run


# --------------------------------------------------------------------------
# Many experiments at once: the error rates of the stopping rule
# --------------------------------------------------------------------------


@dataclass
class StudyWorld:
    """A demo world prepared for many simulated experiments: who, their lists per model, their past activity."""

    responder: DemoResponder
    secret: bytes
    people: pd.DataFrame  # participant_id, gender, disability, province, pre_activity
    lists: dict[str, pd.DataFrame]  # model name -> participant_id, vacancy_id, position


def served_lists(engine: Engine, model: Recommender, participant_ids: Sequence[int], k: int = 10) -> pd.DataFrame:
    """Every participant's list from ``model``: ``model.recommend`` with the served filters, in one batch.

    A served list *is* ``model.recommend`` on that participant by the one-path
    contract (``tests/recommender/test_one_path.py``; reach included), so the
    batch gives the lists the service would show, a hundred times faster.
    """
    dataset = load_dataset(engine, participant_ids=list(map(int, participant_ids)))
    reco = model.recommend(np.asarray(participant_ids, dtype=np.int64), dataset, k=k, filters=NO_FILTERS)
    return reco.rename(columns={Columns.User: "participant_id", Columns.Item: "vacancy_id", Columns.Rank: "position"})[
        ["participant_id", "vacancy_id", "position"]].reset_index(drop=True)


def prepare_study(engine: Engine, responder: DemoResponder, models: dict[str, Recommender], start: dt.datetime,
                  k: int = 10) -> StudyWorld:
    """Lists of every participant under each model, their attributes and their activity before ``start``."""
    with reading(engine) as connection:
        people = pd.DataFrame(connection.execute(
            select(Participant.id, Participant.gender, Participant.disability, Regency.province_code)
            .join(Regency, Regency.code == Participant.regency_code).order_by(Participant.id)
        ).all(), columns=["participant_id", "gender", "disability", "province"])
        activity = dict(connection.execute(
            select(Interaction.participant_id, func.count())
            .where(Interaction.kind.in_(ACTIVITY_KINDS), Interaction.occurred_at < start,
                   Interaction.occurred_at >= start - dt.timedelta(days=PRE_PERIOD_DAYS))
            .group_by(Interaction.participant_id)
        ).all())
    people["pre_activity"] = people.participant_id.map(activity).fillna(0).astype(float)
    with session_factory(engine)() as session:
        secret = stored_secret(session) or b""
    lists = {name: served_lists(engine, model, people.participant_id, k) for name, model in models.items()}
    return StudyWorld(responder, secret, people, lists)


def simulated_experiment(experiment_id: int, arm_models: Sequence[str], alpha: float, primary_metric: str,
                         planned_end: dt.datetime | None = None) -> ExperimentInfo:
    """An experiment held in memory (arm ids 1, 2, ...; equal shares; control first) for :func:`study`."""
    arms = tuple(Arm(i + 1, "control" if i == 0 else f"treatment_{i}" if len(arm_models) > 2 else "treatment", i + 1,
                     1 / len(arm_models), i == 0) for i in range(len(arm_models)))
    return ExperimentInfo(experiment_id, f"simulated {experiment_id}", None, primary_metric, alpha, None, None, False, None,
                          "running", None, planned_end, None, None, None, arms)


@dataclass(frozen=True)
class StudyOutcome:
    """One simulated experiment: its decision, the look it came at, and whether a naive fixed test would have fired."""

    experiment_id: int
    action: str
    arm: str | None
    look: int
    srm_failed: bool
    naive_fired: bool


def run_simulated(world: StudyWorld, experiment: ExperimentInfo, arm_models: Sequence[str], looks: int,
                  rng: np.random.Generator, mixture_sd: float = MIXTURE_SD) -> StudyOutcome:
    """One experiment: hash participants into arms, let them arrive over ``looks`` and answer; decide after each look.

    ``naive_fired``: a fixed-horizon 1 - alpha interval on the primary metric
    excluded 0 at some look (what peeking without a sequential rule would do).
    """
    people = world.people
    arm_index = arms_of(experiment, world.secret, people.participant_id)
    arrival = rng.integers(0, looks, len(people))
    frame = people.assign(arm_id=np.where(arm_index >= 0, arm_index + 1, 0), arrival=arrival)
    frame = frame[frame.arm_id > 0]
    for metric in ("saved", "applied", "hired"):
        frame[metric] = 0
    frame = frame.set_index("participant_id")
    for index, model_name in enumerate(arm_models):
        members = frame.index[frame.arm_id == index + 1]
        shown = world.lists[model_name]
        shown = shown[shown.participant_id.isin(members)]
        answers = world.responder.respond(rng, shown.participant_id.to_numpy(), shown.vacancy_id.to_numpy())
        counts = answers[answers.kind.isin(["saved", "applied", "hired"])].groupby(["participant_id", "kind"]).size().unstack(fill_value=0)
        for metric in counts.columns:
            frame.loc[counts.index, metric] = counts[metric].to_numpy()
    frame = frame.reset_index()
    quality = pd.DataFrame({"exposures": [], "within": [], "connected": []})
    naive = False
    for look in range(looks):
        arrived = frame[frame.arrival <= look]
        report = analyse(arrived, quality, experiment, dt.datetime(2030, 1, 1) + dt.timedelta(days=look), mixture_sd)
        naive = naive or any(row.difference is not None and row.difference.excludes_zero for row in report.primary())
        if report.decision.action != CONTINUE:
            return StudyOutcome(experiment.id, report.decision.action, report.decision.arm, look, not report.ratio.ok, naive)
    return StudyOutcome(experiment.id, CONTINUE, None, looks - 1, not report.ratio.ok, naive)


def study(world: StudyWorld, arm_models: Sequence[str], runs: int, looks: int, *, alpha: float = 0.05,
          primary_metric: str = "applied", seed: int = 0, first_experiment_id: int = 1_000_000,
          mixture_sd: float = MIXTURE_SD) -> pd.DataFrame:
    """``runs`` simulated experiments of ``arm_models`` (control first); one row per experiment (:class:`StudyOutcome`)."""
    rng = np.random.default_rng(seed)
    outcomes = []
    for run in range(runs):
        experiment = simulated_experiment(first_experiment_id + run, arm_models, alpha, primary_metric)
        outcomes.append(run_simulated(world, experiment, arm_models, looks, rng, mixture_sd))
    return pd.DataFrame([outcome.__dict__ for outcome in outcomes])


def false_positive(outcomes: pd.DataFrame) -> pd.Series:
    """Experiments whose stopping rule declared a difference (promote, or stop because a treatment was worse).

    A stop for a sample-ratio mismatch or the planned end is not a claim of difference.
    """
    return (outcomes.action == PROMOTE) | ((outcomes.action == STOP) & ~outcomes.srm_failed)
