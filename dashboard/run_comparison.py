"""Model runs as a researcher compares them: one row per run, parameters and metrics side by side, differences with intervals.

Frames in, frames out (no Streamlit), from :func:`dashboard.queries.research.model_runs`.
Only trained runs (with a model file) can be served; evaluation runs are
measured copies of a configuration and are listed apart.

A difference between two runs' test NDCG gets a 95% interval from their two
bootstrap intervals as if the runs were measured on independent users
(standard errors added in quadrature). Both runs are measured on the same
test users, so the paired interval would be narrower: this one is cautious.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from dashboard import formatting
from dashboard.i18n import t
from dashboard.labels import metric_label, note_label, parameter_label
from dashboard.queries import research as q

Z95 = 1.959964
#: The metrics a comparison shows, in order (k filled in).
KEY_METRICS = ("ndcg@{k}", "recall@{k}", "precision@{k}", "hit_rate@{k}", "ndcg@{k} warm", "ndcg@{k} cold", "coverage@{k}")
DIFFERENCE, LOW, HIGH, METRIC = "difference", "ci_low", "ci_high", "metric"


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def value_text(value, lang: str) -> str:
    """A parameter or fact as a reader wants it: "ya"/"tidak", "–" for none, 4 significant digits, lists joined."""
    if _missing(value):
        return formatting.MISSING
    if isinstance(value, bool):
        return t("group_yes" if value else "group_no", lang)
    if isinstance(value, int):
        return formatting.number(value, lang)
    if isinstance(value, float):
        text = np.format_float_positional(value, precision=4, unique=True, fractional=False, trim="-")
        return text.replace(".", ",") if lang == "id" else text
    if isinstance(value, (list, tuple)):
        return ", ".join(value_text(v, lang) for v in value) or formatting.MISSING
    return str(value)


def metric_text(value, lang: str) -> str:
    """A metric rounded to three decimals in the reader's notation."""
    return formatting.MISSING if _missing(value) else formatting.number(value, lang, digits=3)


def run_label(row, lang: str) -> str:
    """"run 7 · blend"."""
    return t("run_label", lang, run=row[q.RUN]) + f" · {row[q.ALGORITHM]}"


def trained_runs(runs: pd.DataFrame) -> pd.DataFrame:
    """Runs with a model file: the ones that can be promoted."""
    return runs[runs[q.KIND] == q.TRAINED].reset_index(drop=True)


def evaluation_runs(runs: pd.DataFrame) -> pd.DataFrame:
    """Runs ``prakerja evaluate`` recorded: measured, never served."""
    return runs[runs[q.KIND] == q.EVALUATION].reset_index(drop=True)


def summary(runs: pd.DataFrame, k: int, lang: str) -> pd.DataFrame:
    """One row per run: created, served, test NDCG with its interval, validation NDCG, test recall, training time (already as text)."""
    ndcg = f"ndcg@{k}"
    rows = []
    for _, run in runs.iterrows():
        test, validation = run[q.TEST] or {}, run[q.VALIDATION] or {}
        low, high = test.get(f"{ndcg} ci_low"), test.get(f"{ndcg} ci_high")
        interval = "" if _missing(low) or _missing(high) else f" [{metric_text(low, lang)} – {metric_text(high, lang)}]"
        seconds = run[q.FACTS].get("train_seconds", run[q.FACTS].get("fit_seconds"))
        rows.append(
            {
                t("run", lang): t("run_label", lang, run=run[q.RUN]),
                t("algorithm", lang): run[q.ALGORITHM],
                t("created", lang): formatting.long_date(run[q.CREATED], lang),
                t("served", lang): t("group_yes", lang) if run[q.PROMOTED] else "",
                metric_label(ndcg, lang): metric_text(test.get(ndcg), lang) + interval,
                metric_label(f"validation {ndcg}", lang): metric_text(validation.get(ndcg), lang),
                metric_label(f"recall@{k}", lang): metric_text(test.get(f"recall@{k}"), lang),
                metric_label("fit_seconds", lang): value_text(None if seconds is None else round(float(seconds), 1), lang),
                t("notes", lang): note_label(None if _missing(run[q.NOTES]) else run[q.NOTES], lang),
            }
        )
    return pd.DataFrame(rows)


def side_by_side(runs: pd.DataFrame, k: int, lang: str) -> pd.DataFrame:
    """Parameters, then test and validation metrics, as rows; one column per run; every cell readable text."""
    columns = {run_label(run, lang): run for _, run in runs.iterrows()}
    names = sorted({name for run in columns.values() for name in run[q.PARAMS]})
    rows: dict[str, dict[str, str]] = {}
    for name in names:
        rows[parameter_label(name, lang)] = {label: value_text(run[q.PARAMS].get(name), lang) for label, run in columns.items()}
    for metric in KEY_METRICS:
        name = metric.format(k=k)
        for key, part in (("on_test", q.TEST), ("on_validation", q.VALIDATION)):
            values = {label: metric_text(run[part].get(name), lang) for label, run in columns.items()}
            if set(values.values()) != {formatting.MISSING}:  # a metric none of the chosen runs has is left out
                rows[t(key, lang, metric=metric_label(name, lang))] = values
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=list(columns))
    frame.index.name = t("field", lang)
    return frame.reset_index()


def _standard_error(test: dict, name: str) -> float | None:
    low, high = test.get(f"{name} ci_low"), test.get(f"{name} ci_high")
    return None if _missing(low) or _missing(high) else (float(high) - float(low)) / (2 * Z95)


def differences(runs: pd.DataFrame, baseline: int, k: int) -> pd.DataFrame:
    """Each run's test metrics minus the baseline run's, NDCG with a 95% interval when both runs have one.

    Returns
    -------
    DataFrame
        run, algorithm, metric, difference, ci_low, ci_high (NaN where no interval); the baseline left out.
    """
    base = runs.loc[runs[q.RUN] == baseline]
    if base.empty:
        return pd.DataFrame(columns=[q.RUN, q.ALGORITHM, METRIC, DIFFERENCE, LOW, HIGH])
    base_test = base.iloc[0][q.TEST]
    rows = []
    for _, run in runs[runs[q.RUN] != baseline].iterrows():
        for metric in KEY_METRICS[:4]:
            name = metric.format(k=k)
            mine, theirs = run[q.TEST].get(name), base_test.get(name)
            if _missing(mine) or _missing(theirs):
                continue
            difference = float(mine) - float(theirs)
            errors = (_standard_error(run[q.TEST], name), _standard_error(base_test, name))
            half = Z95 * math.hypot(*errors) if None not in errors else float("nan")
            rows.append({q.RUN: run[q.RUN], q.ALGORITHM: run[q.ALGORITHM], METRIC: name, DIFFERENCE: difference, LOW: difference - half, HIGH: difference + half})
    return pd.DataFrame(rows, columns=[q.RUN, q.ALGORITHM, METRIC, DIFFERENCE, LOW, HIGH])
