"""Medians from value counts the database returns: exact, the same on SQLite and PostgreSQL.

The database counts each distinct value per group (wages are round numbers,
so there are few); medians per group and over all groups are read off those
counts, and no table of people reaches Python.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Engine, Select, func

GROUP, VALUE, COUNT = "g", "v", "n"


def weighted_median(values: np.ndarray, counts: np.ndarray) -> float:
    """The median of ``values`` repeated ``counts`` times (mean of the two middle ones when even)."""
    order = np.argsort(values)
    values, counts = np.asarray(values, dtype=float)[order], np.asarray(counts, dtype=np.int64)[order]
    total = int(counts.sum())
    if total == 0:
        return float("nan")
    cumulative = np.cumsum(counts)
    lower = values[np.searchsorted(cumulative, (total - 1) // 2, side="right")]
    upper = values[np.searchsorted(cumulative, total // 2, side="right")]
    return (lower + upper) / 2.0


def value_counts(engine: Engine, group, value, from_query: Select) -> pd.DataFrame:
    """How many rows of ``from_query`` have each (group, value); NULL values left out."""
    query = from_query.where(value.is_not(None)).with_only_columns(group.label(GROUP), value.label(VALUE), func.count().label(COUNT)).group_by(group, value)
    with engine.connect() as connection:
        return pd.DataFrame(connection.execute(query).all(), columns=[GROUP, VALUE, COUNT])


def medians(counts: pd.DataFrame) -> tuple[pd.Series, float]:
    """Median per group and over everything, from :func:`value_counts`."""
    per_group = pd.Series({g: weighted_median(part[VALUE].to_numpy(), part[COUNT].to_numpy()) for g, part in counts.groupby(GROUP)}, dtype=float)
    overall = counts.groupby(VALUE)[COUNT].sum()
    return per_group, weighted_median(overall.index.to_numpy(), overall.to_numpy())
