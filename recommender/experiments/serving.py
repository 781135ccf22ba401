"""Serving the assigned arm's model: one state per run of the running experiments, kept beside the promoted one.

:class:`ExperimentServing` holds a snapshot of the running experiments, the
database's key, the member ids of wave segments and a
:class:`~recommender.serving_state.ServingState` per arm run (the run the
promoted model already serves is shared, not loaded twice). A request adds
no database read: the arm is a hash of the participant's id
(:mod:`recommender.experiments.assignment`), the province comes with the
participant's own read, and the snapshot is checked again every
``check_seconds``, in a background thread (the service) or before the call
(the dashboard). A new or stopped experiment, or a catalogue the promoted
state reloaded, loads the arms' states again in that check; until it
finishes requests keep the snapshot they have, as promotions do.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import Engine, select

from prakerja.db import reading, session_factory
from prakerja.models import Participant
from prakerja.pseudonyms import stored_secret
from recommender.experiments.assignment import assign
from recommender.experiments.exposures import ExposureLog, ServedList, shown_vacancies
from recommender.experiments.registry import ExperimentInfo, running_experiments
from recommender.filters import ItemFilters
from recommender.participant_list import NO_FILTERS, MatchList, current_state, rank_participant, read_for_list
from recommender.participant_reads import ParticipantRows
from recommender.registry import load_run
from recommender.serving_state import ModelCache, ServingState, reopened_state, serving_state

log = logging.getLogger("prakerja.experiments")


@dataclass(frozen=True)
class Assignment:
    """A participant's place in a running experiment: which arm and which model run it serves."""

    experiment_id: int
    arm_id: int
    arm_name: str
    run_id: int


@dataclass
class ExperimentSnapshot:
    """The running experiments and everything serving them needs, as of one check."""

    experiments: tuple[ExperimentInfo, ...] = ()
    secret: bytes = b""
    wave_members: dict[int, np.ndarray] = field(default_factory=dict)
    states: dict[int, ServingState] = field(default_factory=dict)
    base_key: tuple | None = None

    def signature(self) -> tuple:
        return tuple((e.id, e.arms) for e in self.experiments)


def _wave_members(engine: Engine, wave: int) -> np.ndarray:
    """Sorted ids of a wave's participants (a wave of 500,000 is 4 MB per worker)."""
    with reading(engine) as connection:
        ids = connection.execute(select(Participant.id).where(Participant.wave == int(wave)).order_by(Participant.id)).scalars().all()
    return np.asarray(ids, dtype=np.int64)


def load_snapshot(engine: Engine, base: ServingState, previous: ExperimentSnapshot | None = None) -> ExperimentSnapshot:
    """The running experiments with a serving state per arm run over ``base``'s catalogue.

    States of ``previous`` are kept when the experiments and the catalogue are unchanged.
    """
    experiments = tuple(running_experiments(engine))
    version = state_version(base)
    if not experiments:
        return ExperimentSnapshot(base_key=version)
    with session_factory(engine)() as session:
        secret = stored_secret(session) or b""
    reusable = previous is not None and previous.base_key == version
    # the same run and table, judged at another moment: the arms' states are judged again too, not loaded
    reopenable = previous is not None and previous.base_key is not None and previous.base_key[0] == base.key
    states: dict[int, ServingState] = {}
    for run_id in {arm.run_id for e in experiments for arm in e.arms}:
        if run_id == base.run_id:
            states[run_id] = base
        elif reusable and run_id in previous.states:
            states[run_id] = previous.states[run_id]
        elif reopenable and run_id in previous.states:
            states[run_id] = reopened_state(previous.states[run_id], catalogue=base.catalogue)
        else:
            loaded = load_run(engine, run_id)
            loaded.check_compatible(base.catalogue.dataset())
            states[run_id] = serving_state(engine, loaded.model, run_id, base.catalogue, base.key)
    waves = {}
    for e in experiments:  # a wave's members are read when its experiment starts, not at every check
        if e.segment_wave is not None:
            kept = previous.wave_members.get(e.id) if previous is not None else None
            waves[e.id] = kept if kept is not None else _wave_members(engine, e.segment_wave)
    return ExperimentSnapshot(experiments, secret, waves, states, version)


def state_version(state: ServingState) -> tuple:
    """What an arm's state must match the promoted one in: the run and table (its key) and the moment it is judged at."""
    return (state.key, state.catalogue.now)


class ExperimentServing:
    """The running experiments of one process: who is in which arm, that arm's model, and what was shown.

    Parameters
    ----------
    check_seconds
        How often (at most) to look for started or stopped experiments.
    background
        Check in a background thread while requests are served from the last
        snapshot (the service), or before the call (the dashboard, scripts).
    exposures
        Where served lists go (default: written at once).
    """

    def __init__(self, check_seconds: float = 2.0, background: bool = False, exposures: ExposureLog | None = None) -> None:
        self.check_seconds = check_seconds
        self.background = background
        self.exposures = exposures or ExposureLog()
        self._snapshot: ExperimentSnapshot | None = None
        self._checked_at = float("-inf")
        self._checking = False
        self._lock = threading.Lock()
        self.last_error: str | None = None

    @property
    def ready(self) -> bool:
        """A snapshot exists (the first check has run)."""
        return self._snapshot is not None

    def refresh(self, engine: Engine, base: ServingState) -> ExperimentSnapshot:
        """Check the running experiments now and serve the result."""
        with self._lock:
            self._snapshot = self._load(engine, base)
            self._checked_at = time.monotonic()
            return self._snapshot

    def _load(self, engine: Engine, base: ServingState) -> ExperimentSnapshot:
        previous = self._snapshot
        fresh = load_snapshot(engine, base, previous)
        if previous is not None and fresh.signature() != previous.signature():
            log.info("running experiments now: %s", [e.id for e in fresh.experiments] or "none")
        return fresh

    def snapshot(self, engine: Engine, base: ServingState) -> ExperimentSnapshot:
        """The snapshot to serve with, checked again when ``check_seconds`` have passed."""
        snapshot = self._snapshot
        now = time.monotonic()
        if snapshot is None or not self.background:
            if snapshot is None or now - self._checked_at >= self.check_seconds or snapshot.base_key != state_version(base):
                return self.refresh(engine, base)
            return snapshot
        if (now - self._checked_at >= self.check_seconds or snapshot.base_key != state_version(base)) and not self._checking:
            with self._lock:
                if not self._checking:
                    self._checking = True
                    self._checked_at = now
                    threading.Thread(target=self._check_in_background, args=(engine, base), name="experiments-check",
                                     daemon=True).start()
        return snapshot

    def _check_in_background(self, engine: Engine, base: ServingState) -> None:
        try:
            self._snapshot = self._load(engine, base)
            self.last_error = None
            if self.exposures.flush_seconds is not None:
                self.exposures.flush(engine)  # also when no request came since the last list
        except Exception as exc:  # keep serving the last snapshot
            self.last_error = f"{type(exc).__name__}: {exc}"
            log.warning("experiments check failed, serving the last snapshot: %s", self.last_error)
        finally:
            self._checked_at = time.monotonic()
            self._checking = False

    def state_for(self, engine: Engine, base: ServingState, rows: ParticipantRows) -> tuple[ServingState, Assignment | None]:
        """The state to rank ``rows``'s participant with, and their assignment (None: the promoted model, not logged)."""
        snapshot = self.snapshot(engine, base)
        for experiment in snapshot.experiments:
            arm = assign(experiment, snapshot.secret, rows.participant_id, rows.province, snapshot.wave_members.get(experiment.id))
            if arm is not None:
                state = snapshot.states.get(arm.run_id, base)
                return state, Assignment(experiment.id, arm.id, arm.name, arm.run_id)
        return base, None

    def record(self, engine: Engine, assignment: Assignment | None, participant_id: int, results: MatchList,
               shown_at: dt.datetime | None = None) -> None:
        """Log a served list of an assigned participant (nothing for the others)."""
        if assignment is None:
            return
        moment = shown_at or dt.datetime.now(dt.UTC).replace(tzinfo=None)
        self.exposures.add(engine, ServedList(assignment.experiment_id, assignment.arm_id, int(participant_id), moment,
                                              shown_vacancies(results)))


#: The process-wide experiments of the dashboard and the command line (checked before each call, written at once).
EXPERIMENTS = ExperimentServing()


def serve_participant(
    engine: Engine,
    participant_id: int,
    filters: ItemFilters = NO_FILTERS,
    k: int = 10,
    *,
    cache: ModelCache | None = None,
    experiments: ExperimentServing | None = None,
    shown_at: dt.datetime | None = None,
) -> tuple[MatchList, Assignment | None]:
    """A participant's list as they are served it: by their experiment arm's model when they are in one, logged.

    :func:`recommender.participant_list.match_participant` with the
    experiments applied: the dashboard's participant page and the
    simulation call this.

    Returns
    -------
    (MatchList, Assignment or None)
    """
    experiments = experiments or EXPERIMENTS
    base = current_state(engine, None, cache)
    rows = read_for_list(engine, participant_id, filters)
    state, assignment = experiments.state_for(engine, base, rows)
    results = rank_participant(engine, state, rows, filters, k)
    experiments.record(engine, assignment, rows.participant_id, results, shown_at)
    return results, assignment
