"""The vacancy side: which boards feed us, how fresh the postings are, what was quarantined.

Vacancies are not people, so nothing here is suppressed.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, case, func, literal, select

from dashboard.labels import reason_key
from prakerja.models import Quarantine, Vacancy, VacancySource
from recommender.features import default_now

SOURCE = "source"
POSTINGS = "postings"
ACTIVE = "active"
LAST_SEEN = "last_seen"
AGE = "age"
VACANCIES = "vacancies"
REASON = "reason"
ROWS = "rows"
#: Age bands of active vacancies by posting date, as (upper bound in days, label).
FRESHNESS_BANDS = ((7, "0-7"), (30, "8-30"), (90, "31-90"))
OLDER, UNDATED = "90+", "?"
REASON_CHARS = 120


def sources(engine: Engine, province_code: str | None = None) -> pd.DataFrame:
    """Per board: postings seen, postings still active, the last time one was seen."""
    query = (
        select(VacancySource.source, func.count(), func.sum(case((VacancySource.status == "active", 1), else_=0)), func.max(VacancySource.last_seen))
        .group_by(VacancySource.source)
        .order_by(func.count().desc())
    )
    if province_code is not None:
        query = query.join(Vacancy, Vacancy.id == VacancySource.vacancy_id).where(Vacancy.province_code == province_code)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    frame = pd.DataFrame(rows, columns=[SOURCE, POSTINGS, ACTIVE, LAST_SEEN])
    frame[ACTIVE] = frame[ACTIVE].fillna(0).astype("int64")
    return frame


def freshness(engine: Engine, province_code: str | None = None, now: dt.datetime | None = None) -> pd.DataFrame:
    """Active vacancies per age band of their posting date ("0-7" days ... "90+", "?" undated), in band order.

    Ages count from ``now``, by default the data's own today (the latest
    interaction or sighting, as the recommender judges "active").
    """
    now = now or default_now(engine)
    whens = [(Vacancy.posted_at >= literal(now - dt.timedelta(days=days)), label) for days, label in FRESHNESS_BANDS]
    band = case((Vacancy.posted_at.is_(None), UNDATED), *whens, else_=OLDER)
    query = select(band.label(AGE), func.count()).where(Vacancy.status == "active").group_by(band)
    if province_code is not None:
        query = query.where(Vacancy.province_code == province_code)
    with engine.connect() as connection:
        counts = dict(connection.execute(query).all())
    order = [label for _, label in FRESHNESS_BANDS] + [OLDER, UNDATED]
    return pd.DataFrame({AGE: order, VACANCIES: [int(counts.get(label, 0)) for label in order]})


def quarantine_counts(engine: Engine) -> pd.DataFrame:
    """Quarantined rows per board and kind of reason (a message key of :mod:`dashboard.labels`), most frequent first.

    The database groups by the reason's first ``REASON_CHARS`` characters; the
    kinds are read off those few groups here, because the ingest writes
    reasons as free text ("foreign location: 'Makati' is outside Indonesia").
    Quarantined rows have no place yet, so a provincial manager sees the same
    national table.
    """
    reason = func.substr(Quarantine.reason, 1, REASON_CHARS)
    query = select(Quarantine.source, reason, func.count()).group_by(Quarantine.source, reason)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    frame = pd.DataFrame(rows, columns=[SOURCE, REASON, ROWS])
    frame[REASON] = frame[REASON].map(reason_key)
    frame = frame.groupby([SOURCE, REASON], as_index=False)[ROWS].sum()
    return frame.sort_values([ROWS, SOURCE, REASON], ascending=[False, True, True], ignore_index=True)
