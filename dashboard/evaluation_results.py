"""Evaluation reports (the JSON of ``prakerja evaluate``) as the researcher pages show them.

A fairness gap is flagged when a group's exposure share is off its user share
by more than a quarter (ratio outside 0.8-1.25, the four-fifths rule both
ways) or its recommended wage is 10% or more off the overall mean. Groups of
fewer than 10 people are suppressed like every other table of people.
"""

from __future__ import annotations

import pandas as pd

from dashboard.queries.privacy import suppress_small_groups

SEGMENT, GROUP, USERS, MODEL = "segment", "group", "users", "model"
EXPOSURE_RATIO, WAGE_GAP_PCT = "exposure_ratio", "wage_gap_pct"
GAP = "gap"
RATIO_BOUNDS = (0.8, 1.25)
WAGE_GAP_LIMIT_PCT = 10.0
INTERNAL_COLUMNS = ("small_group",)


def _records(report: dict, key: str) -> pd.DataFrame:
    return pd.DataFrame.from_records(report.get(key) or [])


def report_models(report: dict) -> list[str]:
    """The evaluated models, the report's default first."""
    names = list((report.get("models") or {}).keys())
    default = report.get("default_model")
    return sorted(names, key=lambda n: (n != default, n))


#: Segments in the order a reader meets them (few groups first; provinces, with many hidden groups, last).
SEGMENT_ORDER = ("history", "gender", "age_band", "disability", "urban_rural", "province")


def report_segments(report: dict) -> list[str]:
    """The segments (history, gender, age band, ...) the report groups users by, in reading order."""
    frame = _records(report, "fairness")
    found = [] if frame.empty else list(dict.fromkeys(frame[SEGMENT]))
    return sorted(found, key=lambda s: (SEGMENT_ORDER.index(s) if s in SEGMENT_ORDER else len(SEGMENT_ORDER), s))


def key_segment_metrics(report: dict) -> list[str]:
    """The per-group metrics the page shows (the CSV of the report has them all)."""
    k = report.get("k", 10)
    return [f"ndcg@{k}", f"recall@{k}", f"precision@{k}", f"hit_rate@{k}"]


def metric_table(report: dict) -> pd.DataFrame:
    """One row per model with its metrics (as the report holds them)."""
    models = report.get("models") or {}
    frame = pd.DataFrame.from_dict(models, orient="index")
    frame.index.name = MODEL
    return frame.reset_index()


def default_differences(report: dict) -> pd.DataFrame:
    """The default model's NDCG minus each other model's, paired over the same users, with 95% intervals."""
    frame = _records(report, "default_minus")
    return frame if frame.empty else frame[[MODEL, "difference", "ci_low", "ci_high"]]


def fairness_rows(report: dict, model: str, segment: str) -> pd.DataFrame:
    """The fairness table of one model and segment with a ``gap`` flag, small groups suppressed."""
    frame = _records(report, "fairness")
    if frame.empty:
        return frame
    frame = frame[(frame[MODEL] == model) & (frame[SEGMENT] == segment)].drop(columns=[MODEL, SEGMENT, *INTERNAL_COLUMNS], errors="ignore")
    ratio = pd.to_numeric(frame[EXPOSURE_RATIO], errors="coerce")
    wage_gap = pd.to_numeric(frame.get(WAGE_GAP_PCT, pd.Series(index=frame.index, dtype=float)), errors="coerce")
    frame[GAP] = (ratio < RATIO_BOUNDS[0]) | (ratio > RATIO_BOUNDS[1]) | (wage_gap.abs() >= WAGE_GAP_LIMIT_PCT)
    hidden = suppress_small_groups(frame.reset_index(drop=True), USERS, [GROUP])
    hidden[GAP] = hidden[GAP].fillna(False).astype(bool)
    return hidden


def segment_rows(report: dict, model: str, segment: str) -> pd.DataFrame:
    """Per-group ranking metrics of one model and segment, small groups suppressed."""
    frame = _records(report, "segments")
    if frame.empty:
        return frame
    frame = frame[(frame[MODEL] == model) & (frame[SEGMENT] == segment)].drop(columns=[MODEL, SEGMENT, *INTERNAL_COLUMNS], errors="ignore")
    return suppress_small_groups(frame.reset_index(drop=True), USERS, [GROUP])
