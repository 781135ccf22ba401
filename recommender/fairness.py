"""Per-segment quality and fairness of recommendations given to groups of participants.

Protected attributes (gender, disability, age) never enter ranking; they are
read here only to measure whether groups are served alike.

Definitions (one row per segment and group, e.g. segment "gender", group "F"):

- **exposure**: each recommendation slot is worth its position weight
  ``1 / log2(rank + 1)`` (the DCG discount: the first slot 1, the tenth 0.29).
  A group's *exposure share* is the share of all position-weighted slots given
  to its users; compared with its *user share* it tells whether the group gets
  shorter or emptier lists (e.g. rural users under a regional filter).
  ``exposure_ratio = exposure_share / user_share`` is 1 when served alike.
- **recommended wage**: the position-weighted mean wage (midpoint of the
  salary range, IDR/month) of the vacancies recommended to the group's users,
  vacancies without a wage left out; ``wage_gap`` is the group's mean minus
  the mean over all users, ``wage_gap_pct`` the same in percent of that mean.
- **small groups**: groups with fewer than :data:`SMALL_GROUP` users are
  flagged; their numbers are noise, and managers see them suppressed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from prakerja.columns import Columns

#: Groups with fewer users than this are flagged (the product's disclosure threshold).
SMALL_GROUP = 10

SEGMENT, GROUP, USERS = "segment", "group", "users"
USER_SHARE, EXPOSURE_SHARE, EXPOSURE_RATIO = "user_share", "exposure_share", "exposure_ratio"
MEAN_WAGE, WAGE_GAP, WAGE_GAP_PCT, SMALL = "mean_recommended_wage", "wage_gap", "wage_gap_pct", "small_group"

FAIRNESS_COLUMNS = [SEGMENT, GROUP, USERS, USER_SHARE, EXPOSURE_SHARE, EXPOSURE_RATIO, MEAN_WAGE, WAGE_GAP, WAGE_GAP_PCT, SMALL]

_EXPOSURE, _WAGE_WEIGHT, _WAGE_MASS = "__exposure", "__wage_weight", "__wage_mass"


def vacancy_wage(salary_min: pd.Series, salary_max: pd.Series) -> pd.Series:
    """A vacancy's monthly wage: the midpoint of its range, or the one bound given (NaN when none)."""
    low = pd.to_numeric(salary_min, errors="coerce")
    high = pd.to_numeric(salary_max, errors="coerce")
    return pd.concat([low, high], axis=1).mean(axis=1, skipna=True)


def position_weight(ranks: pd.Series) -> np.ndarray:
    """Exposure of a slot at ``rank`` (1 = top): ``1 / log2(rank + 1)``."""
    return 1.0 / np.log2(ranks.to_numpy(dtype=float) + 1.0)


def _exposure_per_user(reco: pd.DataFrame, item_wages: pd.Series | None, k: int) -> pd.DataFrame:
    """Per user: total exposure, and exposure-weighted wage mass over vacancies with a wage."""
    top = reco.loc[reco[Columns.Rank] <= k]
    weight = position_weight(top[Columns.Rank])
    wages = (
        item_wages.reindex(top[Columns.Item].to_numpy()).to_numpy(dtype=float)
        if item_wages is not None
        else np.full(len(top), np.nan)
    )
    known = ~np.isnan(wages)
    frame = pd.DataFrame(
        {
            Columns.User: top[Columns.User].to_numpy(),
            _EXPOSURE: weight,
            _WAGE_WEIGHT: np.where(known, weight, 0.0),
            _WAGE_MASS: np.where(known, weight * np.nan_to_num(wages), 0.0),
        }
    )
    return frame.groupby(Columns.User).sum()


def fairness_table(
    reco: pd.DataFrame,
    user_segments: pd.DataFrame,
    item_wages: pd.Series | None = None,
    k: int = 10,
) -> pd.DataFrame:
    """Exposure share and recommended wage per group of every segment.

    Parameters
    ----------
    reco
        Recommendations (``Columns.Recommendations``).
    user_segments
        One row per evaluated user (index: user id), one column per segment
        ("province", "gender", ...) holding the user's group. Users without
        recommendations still count in the user shares.
    item_wages
        Monthly wage per item id (see :func:`vacancy_wage`); None skips wages.
    k
        Only ranks up to ``k`` count.

    Returns
    -------
    DataFrame
        Columns segment, group, users, user_share, exposure_share,
        exposure_ratio, mean_recommended_wage, wage_gap, wage_gap_pct,
        small_group; one row per (segment, group).
    """
    per_user = _exposure_per_user(reco, item_wages, k).reindex(user_segments.index, fill_value=0.0)
    total_exposure = per_user[_EXPOSURE].sum()
    overall_wage = per_user[_WAGE_MASS].sum() / per_user[_WAGE_WEIGHT].sum() if per_user[_WAGE_WEIGHT].sum() else np.nan
    tables = []
    for segment in user_segments.columns:
        groups = user_segments[segment].astype("string").fillna("unknown")
        summed = per_user.groupby(groups.to_numpy()).sum()
        users = groups.value_counts().reindex(summed.index)
        table = pd.DataFrame({SEGMENT: segment, GROUP: summed.index.astype(str), USERS: users.to_numpy()})
        table[USER_SHARE] = table[USERS] / len(user_segments)
        table[EXPOSURE_SHARE] = (summed[_EXPOSURE] / total_exposure).to_numpy() if total_exposure else np.nan
        table[EXPOSURE_RATIO] = table[EXPOSURE_SHARE] / table[USER_SHARE]
        with np.errstate(invalid="ignore", divide="ignore"):
            table[MEAN_WAGE] = (summed[_WAGE_MASS] / summed[_WAGE_WEIGHT].replace(0, np.nan)).to_numpy()
        table[WAGE_GAP] = table[MEAN_WAGE] - overall_wage
        table[WAGE_GAP_PCT] = 100.0 * table[WAGE_GAP] / overall_wage if overall_wage else np.nan
        table[SMALL] = table[USERS] < SMALL_GROUP
        tables.append(table)
    if not tables:
        return pd.DataFrame(columns=FAIRNESS_COLUMNS)
    return pd.concat(tables, ignore_index=True)


def segment_metrics(per_user: pd.DataFrame, user_segments: pd.DataFrame) -> pd.DataFrame:
    """Mean of per-user metrics in every group of every segment.

    Parameters
    ----------
    per_user
        One row per test user (index: user id), one column per metric.
    user_segments
        As in :func:`fairness_table`; users missing there land in "unknown".

    Returns
    -------
    DataFrame
        Columns segment, group, users, small_group, then the metrics.
    """
    tables = []
    for segment in user_segments.columns:
        groups = user_segments[segment].reindex(per_user.index).astype("string").fillna("unknown")
        grouped = per_user.groupby(groups.to_numpy())
        table = grouped.mean()
        table.insert(0, USERS, grouped.size())
        table.insert(1, SMALL, table[USERS] < SMALL_GROUP)
        table.insert(0, GROUP, table.index.astype(str))
        table.insert(0, SEGMENT, segment)
        tables.append(table.reset_index(drop=True))
    return pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=[SEGMENT, GROUP, USERS, SMALL])
