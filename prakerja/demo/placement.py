"""Placing the demo world in time: it is drawn on the programme's 2020-2021 calendar and then moved to end today.

The calibration (wave openings, vacancy dates, search spells) is written on the
calendar of the real programme (``calibration.WORLD_TODAY`` is its last day).
A world generated on another day is shifted by whole days so that its last
day is the day it is generated: waves keep their order and spacing, every
interaction stays inside the vacancy's open period, and the vacancies still
open at the world's end are open now, so the product shows them as active.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from prakerja.demo import calibration as cal

DAYS_PER_YEAR = 365.2425


def shift_days(today: dt.date | None) -> int:
    """Whole days from the calibrated world's last day to ``today`` (the real date when None)."""
    day = today or dt.datetime.now(dt.UTC).date()
    return (day - cal.WORLD_TODAY).days


def shifted(frame: pd.DataFrame, days: int) -> pd.DataFrame:
    """``frame`` with every date and datetime column ``days`` later, and birth years moved with them.

    Birth years move by the whole years of the shift so that ages at
    registration stay those drawn.
    """
    if days == 0:
        return frame
    moved = frame.copy()
    delta = pd.Timedelta(days=days)
    for name in moved.columns:
        if pd.api.types.is_datetime64_any_dtype(moved[name]):
            moved[name] = moved[name] + delta
    if "birth_year" in moved.columns:
        moved["birth_year"] = moved["birth_year"] + int(np.round(days / DAYS_PER_YEAR))
    return moved
