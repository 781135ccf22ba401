"""What an experiment showed: the participant's arm and the first showing of each vacancy, never counted twice.

Every served list of a participant in an experiment becomes one assignment
row (the first time they are served) and one exposure per vacancy (the first
time it is shown to them in this experiment: its position, whether it was
within reach, whether it was connected to them). A reload shows the same
vacancies again and writes nothing, because both tables have a unique key
and inserts skip rows already there (``ON CONFLICT DO NOTHING`` on SQLite
and PostgreSQL alike).

Feedback is not written here: a save, application or hire is attributed at
analysis time to the arm whose exposure of that vacancy came first
(:mod:`recommender.experiments.analysis`).

The HTTP service buffers rows and writes them in the background every
``flush_seconds`` (one insert per table for every request of that second,
never a write on the request's path); a worker killed outright loses at most
that second. The dashboard and the command line write at once.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.dialects import postgresql, sqlite

from prakerja.models import ExperimentAssignment, ExperimentExposure
from recommender.reach import MEASURED_REACH_KM

log = logging.getLogger("prakerja.experiments")


@dataclass(frozen=True)
class ShownVacancy:
    """One vacancy of a served list: its id, 1-based position and the guard-rail facts of it."""

    vacancy_id: int
    position: int
    within_reach: bool | None
    connected: bool | None


@dataclass(frozen=True)
class ServedList:
    """A list served to a participant in an experiment's arm."""

    experiment_id: int
    arm_id: int
    participant_id: int
    shown_at: dt.datetime
    vacancies: tuple[ShownVacancy, ...]


def shown_vacancies(results: Iterable) -> tuple[ShownVacancy, ...]:
    """The vacancies of a served list (:class:`~recommender.participant_list.MatchResult` items).

    Within reach: a distance of at most 100 km from home, or remote (no
    distance), the yardstick of :func:`recommender.reach.within_measured_reach`.
    """
    return tuple(
        ShownVacancy(
            int(r.vacancy_id), int(r.rank), r.distance_km is None or float(r.distance_km) <= MEASURED_REACH_KM,
            None if r.connected is None else bool(r.connected),
        )
        for r in results
    )


def _insert_skipping_duplicates(engine: Engine, table):
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()


ASSIGNMENT_COLUMNS = ("experiment_id", "participant_id", "arm_id", "assigned_at")
EXPOSURE_COLUMNS = ("experiment_id", "arm_id", "participant_id", "vacancy_id", "position", "shown_at", "within_reach", "connected")
#: Each table's unique key: one row per key is written, the first.
ASSIGNMENT_KEY = ("experiment_id", "participant_id")
EXPOSURE_KEY = ("experiment_id", "participant_id", "vacancy_id")


def write_served(engine: Engine, served: list[ServedList]) -> int:
    """Store assignments and first exposures of ``served`` (in order: the first of duplicates wins); returns exposures offered."""
    assignments: dict[tuple[int, int], tuple] = {}
    exposures: dict[tuple[int, int, int], tuple] = {}
    for item in served:
        assignments.setdefault((item.experiment_id, item.participant_id),
                               (item.experiment_id, item.participant_id, item.arm_id, item.shown_at))
        for shown in item.vacancies:
            exposures.setdefault((item.experiment_id, item.participant_id, shown.vacancy_id), (
                item.experiment_id, item.arm_id, item.participant_id, shown.vacancy_id, shown.position, item.shown_at,
                shown.within_reach, shown.connected,
            ))
    if not assignments:
        return 0
    with engine.begin() as connection:
        for table, columns, key, rows in ((ExperimentAssignment.__table__, ASSIGNMENT_COLUMNS, ASSIGNMENT_KEY, assignments.values()),
                                          (ExperimentExposure.__table__, EXPOSURE_COLUMNS, EXPOSURE_KEY, exposures.values())):
            if not rows:
                continue
            if connection.dialect.driver == "psycopg":
                _copy_skipping_duplicates(connection.connection.driver_connection, table, columns, key, rows)
            else:
                connection.execute(_insert_skipping_duplicates(engine, table), [dict(zip(columns, row)) for row in rows])
    return len(exposures)


def _copy_skipping_duplicates(raw, table, columns: tuple[str, ...], key: tuple[str, ...], rows) -> None:
    """``INSERT ... ON CONFLICT DO NOTHING`` of ``rows`` (tuples of ``columns``, unique on ``key``) through COPY.

    The service writes every second's lists at once from a thread of the
    worker that serves requests: SQLAlchemy's executemany of 3,000 exposures
    held that worker's GIL for about 42 ms of Python, which showed up as a
    tail in the answers around it; psycopg's COPY into a temporary table
    formats the rows in C (the whole write, deduplication included, about 9 ms),
    and PostgreSQL then moves them over in one statement. The temporary table
    empties at commit, and a failed write rolls its rows back with the rest.
    """
    names = ", ".join(columns)
    staging = f"staging_{table.name}"
    with raw.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} ON COMMIT DELETE ROWS AS "
                       f"SELECT {names} FROM {table.name} WITH NO DATA")
        with cursor.copy(f"COPY {staging} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        # in key order: two workers writing overlapping rows take their locks in the same order (no deadlock)
        cursor.execute(f"INSERT INTO {table.name} ({names}) SELECT {names} FROM {staging} "
                       f"ORDER BY {', '.join(key)} ON CONFLICT DO NOTHING")


class ExposureLog:
    """Served lists on their way to the database, written at once or in the background.

    Parameters
    ----------
    flush_seconds
        Write buffered lists at most this often in a background thread; None
        writes each list before :meth:`add` returns.
    """

    def __init__(self, flush_seconds: float | None = None) -> None:
        self.flush_seconds = flush_seconds
        self._pending: list[ServedList] = []
        self._lock = threading.Lock()
        self._writing = threading.Lock()  # one write at a time, so an earlier batch is never written after a later one
        self._flushing = False
        self._flushed_at = time.monotonic()
        self.last_error: str | None = None

    def add(self, engine: Engine, served: ServedList) -> None:
        """Record a served list (written now, or by the next background flush)."""
        if self.flush_seconds is None:
            write_served(engine, [served])
            return
        with self._lock:
            self._pending.append(served)
            due = not self._flushing and time.monotonic() - self._flushed_at >= self.flush_seconds
            if due:
                self._flushing = True
        if due:
            threading.Thread(target=self._flush_in_background, args=(engine,), name="exposure-flush", daemon=True).start()

    def flush(self, engine: Engine) -> int:
        """Write everything buffered now; returns the exposures offered to the database."""
        with self._writing:
            with self._lock:
                pending, self._pending = self._pending, []
            try:
                return write_served(engine, pending)
            except Exception:
                with self._lock:  # keep them for the next try, ahead of newer lists (first showings stay first)
                    self._pending[:0] = pending
                raise

    def _flush_in_background(self, engine: Engine) -> None:
        try:
            self.flush(engine)
            self.last_error = None
        except Exception as exc:  # the database is away: keep the rows, say so, try again later
            self.last_error = f"{type(exc).__name__}: {exc}"
            log.warning("experiment exposures not written yet: %s", self.last_error)
        finally:
            self._flushed_at = time.monotonic()
            self._flushing = False
