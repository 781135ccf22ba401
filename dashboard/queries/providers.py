"""League tables of providers and courses: completion, hire rate, wage gain, with intervals and the n behind each.

The unit is the enrollment: a participant who took two courses counts for
each. Hire rates get Wilson 95% intervals; wage gains (latest observed wage of
an employed completer minus the wage before) a normal 95% interval from the
sum and sum of squares the database returns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Engine, Float, and_, case, cast, func, select

from dashboard.queries.outcomes import HIRED, count_if
from dashboard.queries.steps import ensure_fresh_steps, join_steps
from dashboard.queries.privacy import blank_rows, hidden_groups
from dashboard.queries.scope import participants_in_scope
from prakerja.models import Course, Enrollment, Participant, ParticipantStep, Provider

LEVELS = ("provider", "course")
NAME = "name"
PROVIDER = "provider"
ENROLLED = "enrolled"
COMPLETED = "completed"
COMPLETION_RATE = "completion_rate"
HIRE_RATE = "hire_rate"
HIRE_LOW = "hire_rate_low"
HIRE_HIGH = "hire_rate_high"
GAIN_N = "wage_gain_n"
GAIN = "wage_gain_idr"
GAIN_LOW = "wage_gain_low_idr"
GAIN_HIGH = "wage_gain_high_idr"
Z95 = 1.959964


def wilson_interval(successes: np.ndarray, trials: np.ndarray, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a proportion (NaN where there are no trials)."""
    n = np.asarray(trials, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.asarray(successes, dtype=float) / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def mean_interval(total: np.ndarray, squares: np.ndarray, n: np.ndarray, z: float = Z95) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean and normal 95% interval from a sum, a sum of squares and a count (sample variance)."""
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.asarray(total, dtype=float) / n
        variance = (np.asarray(squares, dtype=float) - n * mean * mean) / (n - 1)
        half = z * np.sqrt(np.clip(variance, 0, None) / n)
    return mean, mean - half, mean + half


def _course_counts(engine: Engine, province_code: str | None) -> pd.DataFrame:
    """Raw counts per course: title, provider, enrolled, completed, hired, gain n, gain sum, gain sum of squares."""
    completed = Enrollment.completed_on.is_not(None)
    gain = cast(ParticipantStep.wage_after_idr, Float) - cast(Participant.wage_before_idr, Float)  # squares overflow 32-bit integers
    has_gain = and_(completed, ParticipantStep.wage_after_idr.is_not(None), Participant.wage_before_idr.is_not(None))
    base = participants_in_scope(
        select()
        .select_from(Enrollment)
        .join(Participant, Participant.id == Enrollment.participant_id)
        .join(Course, Course.id == Enrollment.course_id)
        .join(Provider, Provider.id == Course.provider_id),
        province_code,
    )
    ensure_fresh_steps(engine)
    base, flags = join_steps(base)
    keys = [Course.title, Provider.name]
    query = base.with_only_columns(
        *keys,
        func.count(),
        count_if(completed),
        count_if(and_(completed, flags[HIRED])),
        count_if(has_gain),
        func.sum(_gain_if(has_gain, gain)),
        func.sum(_gain_if(has_gain, gain * gain)),
    ).group_by(*keys).order_by(Provider.name, Course.title)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    frame = pd.DataFrame(rows, columns=[NAME, PROVIDER, ENROLLED, COMPLETED, HIRED, GAIN_N, "_sum", "_squares"])
    frame[["_sum", "_squares"]] = frame[["_sum", "_squares"]].astype(float).fillna(0.0)
    return frame


def _measures(frame: pd.DataFrame) -> pd.DataFrame:
    """Completion, hire rate with its Wilson interval and wage gain with its normal interval, from the counts."""
    frame = frame.copy()
    frame[COMPLETION_RATE] = frame[COMPLETED] / frame[ENROLLED]
    frame[HIRE_RATE] = frame[HIRED] / frame[COMPLETED].replace(0, np.nan)
    frame[HIRE_LOW], frame[HIRE_HIGH] = wilson_interval(frame[HIRED], frame[COMPLETED])
    frame[GAIN], frame[GAIN_LOW], frame[GAIN_HIGH] = mean_interval(frame["_sum"], frame["_squares"], frame[GAIN_N])
    return frame.drop(columns=["_sum", "_squares"])


GAIN_COLUMNS = [GAIN_N, GAIN, GAIN_LOW, GAIN_HIGH]


def training_outcomes(engine: Engine, level: str = "provider", province_code: str | None = None) -> pd.DataFrame:
    """One row per provider (or course): enrolled, completed, hire rate and wage gain with 95% intervals.

    Rows with fewer than 10 enrollments are suppressed; so is a wage gain
    measured on fewer than 10 people. Providers add up to the programme's
    enrollments and a provider's courses to the provider's row, so hidden
    rows are completed (:mod:`dashboard.queries.privacy`) on both levels
    together: a provider's hidden courses hold nobody or at least 10
    enrollments (and 10 wage gains), and a hidden provider hides its courses.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    courses = _course_counts(engine, province_code)
    summed = [ENROLLED, COMPLETED, HIRED, GAIN_N, "_sum", "_squares"]
    providers = courses.groupby(PROVIDER, as_index=False, sort=True)[summed].sum().rename(columns={PROVIDER: NAME})
    hidden_providers = hidden_groups(providers[ENROLLED].to_numpy())
    hidden_provider_gains = hidden_groups(providers[GAIN_N].to_numpy(), forced=hidden_providers)
    if level == "provider":
        frame = _measures(providers)
        gains = blank_rows(frame[GAIN_COLUMNS], hidden_provider_gains)
        frame[GAIN_COLUMNS] = gains[GAIN_COLUMNS]
        return blank_rows(frame, hidden_providers, [NAME])
    parent_hidden = courses[PROVIDER].map(dict(zip(providers[NAME], hidden_providers))).to_numpy(dtype=bool)
    parent_gain_hidden = courses[PROVIDER].map(dict(zip(providers[NAME], hidden_provider_gains))).to_numpy(dtype=bool)
    hidden = hidden_groups(courses[ENROLLED].to_numpy(), courses[PROVIDER].to_numpy(), forced=parent_hidden)
    hidden_gains = hidden_groups(courses[GAIN_N].to_numpy(), courses[PROVIDER].to_numpy(), forced=parent_gain_hidden | hidden)
    frame = _measures(courses)
    gains = blank_rows(frame[GAIN_COLUMNS], hidden_gains)
    frame[GAIN_COLUMNS] = gains[GAIN_COLUMNS]
    return blank_rows(frame, hidden, [NAME, PROVIDER])


def _gain_if(condition, value):
    """``value`` where ``condition`` holds, else NULL (so SUM skips it)."""
    return case((condition, value), else_=None)
