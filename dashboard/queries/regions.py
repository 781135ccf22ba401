"""Participants and hires per regency, with coordinates, for the map."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, func, select

from dashboard.queries.outcomes import GROUP, HIRE_RATE, HIRED, PARTICIPANTS, count_if, funnel
from dashboard.queries.steps import ensure_fresh_steps, join_steps
from dashboard.queries.privacy import SUPPRESSED, suppress_small_groups
from dashboard.queries.scope import participants_in_scope
from prakerja.models import Participant, Province, Regency

REGENCY_CODE = "regency_code"
REGENCY_NAME = "regency"
PROVINCE_CODE = "province_code"
PROVINCE_NAME = "province"
LATITUDE = "latitude"
LONGITUDE = "longitude"


def regency_outcomes(engine: Engine, province_code: str | None = None) -> pd.DataFrame:
    """One row per regency with participants: place, coordinates, participants, hired, hire rate.

    Regencies add up to their province, whose figures the funnel by province
    (national managers) or the overview (a provincial manager) shows; so
    small regencies are hidden with complements within each province, and
    every regency of a province the funnel hides is hidden too
    (:mod:`dashboard.queries.privacy`).
    """
    ensure_fresh_steps(engine)
    query, flags = join_steps(participants_in_scope(select().select_from(Participant), province_code))
    query = query.join(Province, Province.code == Regency.province_code)
    columns = (Regency.code, Regency.name, Regency.province_code, Province.name, Regency.latitude, Regency.longitude)
    query = query.with_only_columns(*columns, func.count(), count_if(flags[HIRED])).group_by(*columns).order_by(Regency.code)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    frame = pd.DataFrame(rows, columns=[REGENCY_CODE, REGENCY_NAME, PROVINCE_CODE, PROVINCE_NAME, LATITUDE, LONGITUDE, PARTICIPANTS, HIRED])
    frame[HIRE_RATE] = frame[HIRED] / frame[PARTICIPANTS]
    forced = None
    if province_code is None:
        provinces = funnel(engine, "province")
        hidden_names = set(provinces.loc[provinces[SUPPRESSED], GROUP])
        forced = frame[PROVINCE_NAME].isin(hidden_names).to_numpy()
    labels = [REGENCY_CODE, REGENCY_NAME, PROVINCE_CODE, PROVINCE_NAME, LATITUDE, LONGITUDE]
    return suppress_small_groups(frame, PARTICIPANTS, labels, within=PROVINCE_CODE, forced=forced)
