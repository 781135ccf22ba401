"""Researchers' own logs: read an interaction CSV and optional feature CSVs into a :class:`Dataset`.

Formats (UTF-8 CSV with a header row):

interactions
    ``user_id, item_id, weight, datetime``; weight a number (positive =
    interest, negative = rejection, 0 = seen only); datetime anything pandas
    parses (ISO 8601 recommended; all rows in one format).
user / item features
    long format ``id, feature, value``: a numeric value is kept as the weight
    of feature ``feature``; a text value is tokenized into features
    ``feature=token`` of weight 1. Ids present only in a feature file are cold
    users or items. The content model matches users to items by feature names
    the two sides share (e.g. ``skill`` on both).

Ids are read as text on every side, so "007" in the log and "007" in a
feature file are the same id. A bad file stops with one line naming the file,
the problem and the first offending rows; nothing is guessed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from prakerja.columns import Columns
from prakerja.errors import UserError
from recommender.dataset import FEATURE_ID, FEATURE_NAME, FEATURE_VALUE, Dataset

FEATURE_COLUMNS = [FEATURE_ID, FEATURE_NAME, FEATURE_VALUE]
#: How many offending row numbers an error message names.
SHOWN_BAD_ROWS = 5


def _read_csv(path: Path, what: str, columns: list[str]) -> pd.DataFrame:
    """Read ``columns`` of a CSV as text; a UserError for a missing, empty or incomplete file."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{what} file {path} does not exist")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], skipinitialspace=True)
    except pd.errors.EmptyDataError:
        raise UserError(f"{what} file {path} is empty; expected a header row with {', '.join(columns)}") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        reason = str(exc).strip().splitlines()[0]
        raise UserError(f"{what} file {path} is not a readable UTF-8 CSV: {reason}") from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise UserError(
            f"{what} file {path} lacks column(s) {', '.join(missing)}; "
            f"it has {', '.join(frame.columns) or 'none'} and needs {', '.join(columns)}"
        )
    if frame.empty:
        raise UserError(f"{what} file {path} has a header but no rows")
    return frame[columns]


def _bad_rows(mask: pd.Series) -> str:
    """File line numbers (header = line 1) of the first offending rows."""
    lines = (np.flatnonzero(mask.to_numpy()) + 2)[:SHOWN_BAD_ROWS]
    more = " ..." if mask.sum() > SHOWN_BAD_ROWS else ""
    return ", ".join(map(str, lines)) + more


def read_interactions(path: Path) -> pd.DataFrame:
    """An interaction log as a ``Columns.Interactions`` frame (ids as text, weight float, datetime parsed)."""
    frame = _read_csv(path, "interactions", Columns.Interactions)
    empty_ids = frame[Columns.User].isna() | frame[Columns.Item].isna()
    if empty_ids.any():
        raise UserError(f"interactions file {path}: empty user_id or item_id on line(s) {_bad_rows(empty_ids)}")
    weights = pd.to_numeric(frame[Columns.Weight], errors="coerce")
    bad_weight = weights.isna() | ~np.isfinite(weights.fillna(0))
    if bad_weight.any():
        raise UserError(f"interactions file {path}: weight is not a number on line(s) {_bad_rows(bad_weight)}")
    times = _parse_datetimes(frame[Columns.Datetime])
    bad_time = times.isna()
    if bad_time.any():
        example = frame[Columns.Datetime][bad_time].iloc[0]
        raise UserError(
            f"interactions file {path}: unparseable datetime {example!r} on line(s) {_bad_rows(bad_time)}; "
            "use ISO 8601 such as 2024-03-01T09:30:00"
        )
    return pd.DataFrame(
        {
            Columns.User: frame[Columns.User].str.strip().to_numpy(),
            Columns.Item: frame[Columns.Item].str.strip().to_numpy(),
            Columns.Weight: weights.to_numpy(dtype=np.float32),
            Columns.Datetime: times.to_numpy(),
        }
    )


def _parse_datetimes(values: pd.Series) -> pd.Series:
    """Datetimes of one consistent format (NaT where a value does not parse); time zones dropped to UTC."""
    parsed = pd.to_datetime(values, errors="coerce", format="mixed", utc=True)
    return parsed.dt.tz_convert(None)


def read_features(path: Path, side: str) -> pd.DataFrame:
    """A long feature file (id, feature, value) with ids as text; values stay text for tokenizing or numbers."""
    frame = _read_csv(path, f"{side} features", FEATURE_COLUMNS)
    empty = frame[FEATURE_ID].isna() | frame[FEATURE_NAME].isna()
    if empty.any():
        raise UserError(f"{side} features file {path}: empty id or feature on line(s) {_bad_rows(empty)}")
    return frame.assign(**{FEATURE_ID: frame[FEATURE_ID].str.strip(), FEATURE_NAME: frame[FEATURE_NAME].str.strip()})


def load_external(
    interactions: Path,
    user_features: Path | None = None,
    item_features: Path | None = None,
) -> Dataset:
    """A :class:`Dataset` from an external log and optional feature files; no database involved."""
    log = read_interactions(interactions)
    users = read_features(user_features, "user") if user_features is not None else None
    items = read_features(item_features, "item") if item_features is not None else None
    return Dataset.from_frames(log, users, items)
