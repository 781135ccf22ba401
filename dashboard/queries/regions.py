"""Participants and hires per regency, with coordinates, for the map."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, func, select

from dashboard.queries.outcomes import HIRE_RATE, HIRED, PARTICIPANTS, count_if
from dashboard.queries.steps import ensure_fresh_steps, join_steps
from dashboard.queries.privacy import suppress_small_groups
from dashboard.queries.scope import participants_in_scope
from prakerja.models import Participant, Regency

REGENCY_CODE = "regency_code"
REGENCY_NAME = "regency"
PROVINCE_CODE = "province_code"
LATITUDE = "latitude"
LONGITUDE = "longitude"


def regency_outcomes(engine: Engine, province_code: str | None = None) -> pd.DataFrame:
    """One row per regency with participants: place, coordinates, participants, hired, hire rate (small ones suppressed)."""
    ensure_fresh_steps(engine)
    query, flags = join_steps(participants_in_scope(select().select_from(Participant), province_code))
    query = query.with_only_columns(
        Regency.code, Regency.name, Regency.province_code, Regency.latitude, Regency.longitude, func.count(), count_if(flags[HIRED])
    ).group_by(Regency.code, Regency.name, Regency.province_code, Regency.latitude, Regency.longitude).order_by(Regency.code)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    frame = pd.DataFrame(rows, columns=[REGENCY_CODE, REGENCY_NAME, PROVINCE_CODE, LATITUDE, LONGITUDE, PARTICIPANTS, HIRED])
    frame[HIRE_RATE] = frame[HIRED] / frame[PARTICIPANTS]
    return suppress_small_groups(frame, PARTICIPANTS, [REGENCY_CODE, REGENCY_NAME, PROVINCE_CODE, LATITUDE, LONGITUDE])
