"""The per-participant funnel summary (``participant_steps``): how it is rebuilt and joined.

Programme aggregates need, per participant, whether they finished a
training, were recommended a vacancy, applied, were hired, how often they
applied and their latest wage. Worked out live that means scanning every
interaction (20 million rows for a million participants) on each page load;
the summary holds one row per participant instead and is rebuilt when older
than ``MAX_AGE``. Manager figures are therefore "as of" the last rebuild,
which the pages say; participants' own pages always read live data.
"""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import Engine, Select, and_, case, delete, func, insert, literal, or_, select
from sqlalchemy.exc import IntegrityError

from prakerja.db import transaction
from prakerja.models import Enrollment, Interaction, Outcome, Participant, ParticipantStep, Recommendation

MAX_AGE = dt.timedelta(minutes=15)
TRAINED, RECOMMENDED, APPLIED, HIRED = "trained", "recommended", "applied", "hired"
STEPS = (TRAINED, RECOMMENDED, APPLIED, HIRED)
_REBUILDING = threading.Lock()
_BACKGROUND: set[str] = set()


def _reached(kind: str):
    return func.max(case((Interaction.kind == kind, 1), else_=0))


def live_steps(now: dt.datetime) -> Select:
    """The summary's rows computed from the source tables (one grouped pass over each)."""
    actions = (
        select(
            Interaction.participant_id.label("pid"),
            *[_reached(kind).label(kind) for kind in ("shown", "applied", "hired")],
            func.sum(case((Interaction.kind == "applied", 1), else_=0)).label("applications"),
        )
        .where(Interaction.kind.in_(("shown", "applied", "hired")))
        .group_by(Interaction.participant_id)
        .subquery("actions")
    )
    trained = select(Enrollment.participant_id.label("pid")).where(Enrollment.completed_on.is_not(None)).group_by(Enrollment.participant_id).subquery("trained")
    stored = select(Recommendation.participant_id.label("pid")).group_by(Recommendation.participant_id).subquery("stored")
    latest = select(Outcome.participant_id.label("pid"), func.max(Outcome.observed_on).label("day")).group_by(Outcome.participant_id).subquery("latest")
    wages = (
        select(Outcome.participant_id.label("pid"), func.max(case((Outcome.employed.is_(True), Outcome.monthly_wage_idr), else_=None)).label("wage"))
        .join(latest, and_(latest.c.pid == Outcome.participant_id, latest.c.day == Outcome.observed_on))
        .group_by(Outcome.participant_id)
        .subquery("wages")
    )
    return (
        select(
            Participant.id,
            trained.c.pid.is_not(None),
            or_(func.coalesce(actions.c.shown, 0) == 1, stored.c.pid.is_not(None)),
            func.coalesce(actions.c.applied, 0) == 1,
            func.coalesce(actions.c.hired, 0) == 1,
            func.coalesce(actions.c.applications, 0),
            wages.c.wage,
            literal(now),
        )
        .outerjoin(actions, actions.c.pid == Participant.id)
        .outerjoin(trained, trained.c.pid == Participant.id)
        .outerjoin(stored, stored.c.pid == Participant.id)
        .outerjoin(wages, wages.c.pid == Participant.id)
    )


def refresh_participant_steps(engine: Engine, now: dt.datetime | None = None) -> int:
    """Rebuild the summary in one transaction (readers see the old one until it commits); returns its rows."""
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    columns = ["participant_id", "trained", "recommended", "applied", "hired", "applications", "wage_after_idr", "refreshed_at"]
    with transaction(engine) as session:
        session.execute(delete(ParticipantStep))
        session.execute(insert(ParticipantStep).from_select(columns, live_steps(now)))
        return session.scalar(select(func.count()).select_from(ParticipantStep)) or 0


def steps_refreshed_at(engine: Engine) -> dt.datetime | None:
    """When the summary was last rebuilt (None when it never was)."""
    with engine.connect() as connection:
        return connection.scalar(select(ParticipantStep.refreshed_at).limit(1))


def _rebuild(engine: Engine, now: dt.datetime) -> dt.datetime:
    try:
        refresh_participant_steps(engine, now)
    except IntegrityError:  # another process rebuilt it at the same moment: theirs stands
        return steps_refreshed_at(engine) or now
    return now


def _rebuild_in_background(engine: Engine, now: dt.datetime) -> None:
    key = engine.url.render_as_string(hide_password=True)
    with _REBUILDING:
        if key in _BACKGROUND:
            return
        _BACKGROUND.add(key)

    def work() -> None:
        try:
            with _REBUILDING:
                _rebuild(engine, now)
        finally:
            _BACKGROUND.discard(key)

    threading.Thread(target=work, name="participant-steps-rebuild", daemon=True).start()


def ensure_fresh_steps(engine: Engine, max_age: dt.timedelta = MAX_AGE, *, wait: bool = False) -> dt.datetime:
    """Make sure a summary exists and is being kept fresh; returns the time of the one in use.

    A missing summary is built at once. One older than ``max_age`` is rebuilt
    in a background thread while readers keep the old one (so no page waits
    for a rebuild of a million rows), or at once with ``wait``. Sessions of
    one server rebuild one at a time.
    """
    refreshed = steps_refreshed_at(engine)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    if refreshed is None:
        with engine.connect() as connection:
            if connection.scalar(select(Participant.id).limit(1)) is None:
                return now
        with _REBUILDING:
            refreshed = steps_refreshed_at(engine)  # built meanwhile by another session?
            return refreshed or _rebuild(engine, now)
    if now - refreshed > max_age:
        if not wait:
            _rebuild_in_background(engine, now)
            return refreshed
        with _REBUILDING:
            return _rebuild(engine, now)
    return refreshed


def join_steps(query: Select) -> tuple[Select, dict]:
    """Outer-join the summary onto ``query`` (which selects from participants).

    Returns
    -------
    (Select, dict)
        The joined query and, per step, a SQL boolean telling whether the
        participant reached it (false for people added since the last rebuild).
    """
    query = query.outerjoin(ParticipantStep, ParticipantStep.participant_id == Participant.id)
    flags = {step: getattr(ParticipantStep, step).is_(True) for step in STEPS}
    return query, flags
