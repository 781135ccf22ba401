"""The programme's outcomes per group of participants: the overview and the funnel.

One grouped query over participants joined to their funnel summary
(:mod:`dashboard.queries.steps`) counts, per group, the participants and how
many reached each step (trained -> recommended -> applied -> hired); the
overview adds applications, incentives and median wages before and after,
by wave and in total.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, case, func, literal, select

from dashboard.queries.medians import medians, value_counts
from dashboard.queries.privacy import MIN_GROUP_SIZE, suppress_small_groups
from dashboard.queries.scope import participants_in_scope
from dashboard.queries.steps import APPLIED, HIRED, RECOMMENDED, STEPS, TRAINED, ensure_fresh_steps, join_steps
from prakerja.models import Participant, ParticipantStep, Province, Regency
from recommender.database_evaluation import AGE_BANDS

GROUP = "group"
PARTICIPANTS = "participants"
INCENTIVE = "incentive_idr"
APPLICATIONS = "applications"
WAGE_BEFORE = "median_wage_before_idr"
WAGE_AFTER = "median_wage_after_idr"
COMPLETION_RATE = "completion_rate"
MATCH_RATE = "match_rate"
HIRE_RATE = "hire_rate"
AS_OF = "as_of"
FUNNEL_STEPS = STEPS
DIMENSIONS = ("wave", "province", "gender", "age_band", "disability", "urban_rural")
__all__ = ["APPLIED", "HIRED", "RECOMMENDED", "TRAINED"]


def _age_band(today: dt.date):
    age = literal(today.year) - Participant.birth_year
    whens = [(age < upper, label) for upper, label in AGE_BANDS]
    return case(*whens, else_="55+")


def dimension_column(dimension: str, today: dt.date | None = None):
    """The SQL expression that names a participant's group under ``dimension``."""
    columns = {
        "wave": lambda: Participant.wave,
        "province": lambda: Province.name,
        "gender": lambda: Participant.gender,
        "age_band": lambda: _age_band(today or dt.date.today()),
        "disability": lambda: case((Participant.disability.is_(True), "yes"), else_="no"),
        "urban_rural": lambda: case((Regency.urban.is_(True), "urban"), else_="rural"),
    }
    if dimension not in columns:
        raise ValueError(f"unknown dimension {dimension!r}; choose from {', '.join(DIMENSIONS)}")
    return columns[dimension]()


def count_if(condition):
    """SUM of 1 where ``condition`` holds (a portable COUNT ... FILTER)."""
    return func.sum(case((condition, 1), else_=0))


def cohort_counts(engine: Engine, dimension: str, province_code: str | None = None) -> pd.DataFrame:
    """Participants per group, how many reached each funnel step, applications and incentives (raw, unsuppressed).

    Returns
    -------
    DataFrame
        Columns group, participants, trained, recommended, applied, hired,
        applications, incentive_idr; one row per group, sorted by group.
    """
    ensure_fresh_steps(engine)
    group = dimension_column(dimension)
    needs_regency = dimension in ("province", "urban_rural")
    query, flags = join_steps(participants_in_scope(select().select_from(Participant), province_code, with_regency=needs_regency))
    if dimension == "province":
        query = query.join(Province, Province.code == Regency.province_code)
    query = query.with_only_columns(
        group.label(GROUP),
        func.count().label(PARTICIPANTS),
        *[count_if(condition).label(name) for name, condition in flags.items()],
        func.coalesce(func.sum(ParticipantStep.applications), 0).label(APPLICATIONS),
        func.coalesce(func.sum(Participant.incentive_paid_idr), 0).label(INCENTIVE),
    ).group_by(group).order_by(group)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    counted = [PARTICIPANTS, *flags, APPLICATIONS, INCENTIVE]
    frame = pd.DataFrame(rows, columns=[GROUP, *counted])
    frame[counted] = frame[counted].fillna(0).astype("int64")
    return frame


def funnel(engine: Engine, dimension: str, province_code: str | None = None) -> pd.DataFrame:
    """The funnel trained -> recommended -> applied -> hired per group, small groups suppressed.

    Returns
    -------
    DataFrame
        Columns group, participants, trained, recommended, applied, hired,
        hire_rate (hired / participants), suppressed.
    """
    frame = cohort_counts(engine, dimension, province_code).drop(columns=[APPLICATIONS, INCENTIVE])
    frame[HIRE_RATE] = frame[HIRED] / frame[PARTICIPANTS]
    return suppress_small_groups(frame, PARTICIPANTS, [GROUP])


def _rates(frame) -> None:
    frame[COMPLETION_RATE] = frame[TRAINED] / frame[PARTICIPANTS]
    frame[MATCH_RATE] = frame[RECOMMENDED] / frame[PARTICIPANTS]
    frame[HIRE_RATE] = frame[HIRED] / frame[PARTICIPANTS]


def overview(engine: Engine, province_code: str | None = None) -> tuple[dict, pd.DataFrame]:
    """The headline figures and the same per wave (small waves suppressed).

    Returns
    -------
    (dict, DataFrame)
        Totals keyed like the frame's columns (``participants`` is None when
        fewer than 10 people are in scope, and then nothing else is given),
        plus ``as_of``, the summary's time. The frame: group (the wave),
        participants, trained, recommended, applied, hired, applications,
        incentive_idr, completion_rate, match_rate, hire_rate,
        median_wage_before_idr, median_wage_after_idr, suppressed.
    """
    by_wave = cohort_counts(engine, "wave", province_code)
    as_of = ensure_fresh_steps(engine)
    people = participants_in_scope(select().select_from(Participant), province_code, with_regency=False)
    before_by_wave, before = medians(value_counts(engine, Participant.wave, Participant.wage_before_idr, people))
    with_wage_after = participants_in_scope(
        select().select_from(ParticipantStep).join(Participant, Participant.id == ParticipantStep.participant_id), province_code, with_regency=False
    )
    after_by_wave, after = medians(value_counts(engine, Participant.wave, ParticipantStep.wage_after_idr, with_wage_after))
    by_wave[WAGE_BEFORE] = by_wave[GROUP].map(before_by_wave)
    by_wave[WAGE_AFTER] = by_wave[GROUP].map(after_by_wave)
    _rates(by_wave)
    total = int(by_wave[PARTICIPANTS].sum())
    if total < MIN_GROUP_SIZE:
        totals: dict = {PARTICIPANTS: None, AS_OF: as_of}
    else:
        sums = by_wave[[PARTICIPANTS, TRAINED, RECOMMENDED, APPLIED, HIRED, APPLICATIONS, INCENTIVE]].sum()
        totals = {key: int(value) for key, value in sums.items()}
        totals.update({COMPLETION_RATE: sums[TRAINED] / total, MATCH_RATE: sums[RECOMMENDED] / total, HIRE_RATE: sums[HIRED] / total})
        totals.update({WAGE_BEFORE: before, WAGE_AFTER: after, AS_OF: as_of})
        totals = {key: float(value) if key in (COMPLETION_RATE, MATCH_RATE, HIRE_RATE) else value for key, value in totals.items()}
    return totals, suppress_small_groups(by_wave, PARTICIPANTS, [GROUP])
