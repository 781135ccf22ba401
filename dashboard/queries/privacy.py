"""The one rule that keeps people unidentifiable in aggregates: groups under 10 are hidden.

Every table of people a manager or researcher sees goes through
:func:`suppress_small_groups`; a hidden row keeps its label (so the reader
knows the group exists) but none of its numbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MIN_GROUP_SIZE = 10
SUPPRESSED = "suppressed"


def suppress_small_groups(frame: pd.DataFrame, size_column: str, label_columns: list[str] | tuple[str, ...] = ()) -> pd.DataFrame:
    """Blank every number of rows whose group has fewer than ``MIN_GROUP_SIZE`` people.

    Parameters
    ----------
    frame
        One row per group.
    size_column
        The column holding the number of people in the group.
    label_columns
        Columns that name the group (kept as they are); every other column of
        a small group becomes missing, the size column included.

    Returns
    -------
    DataFrame
        A copy with a boolean ``suppressed`` column added.
    """
    result = frame.copy()
    small = result[size_column].fillna(0).to_numpy() < MIN_GROUP_SIZE
    result[SUPPRESSED] = small
    hidden = [c for c in result.columns if c not in set(label_columns) and c != SUPPRESSED]
    for column in hidden:
        if small.any():
            numeric = pd.api.types.is_numeric_dtype(result[column]) and not pd.api.types.is_bool_dtype(result[column])
            result[column] = result[column].astype("float64" if numeric else object)
            result.loc[small, column] = np.nan
    return result
