"""Choosing the default model so that the choice holds up: several temporal cut-offs, paired intervals, the simpler.

One validation period on small data chose the worse model (issue 12: on a
real job-view log the blend won validation and lost the test to content
similarity). So the choice is made on a **rolling origin**: the last 20% of
the training part is the first validation window; the last 20% of what comes
before it is the second, and so on (:data:`FOLDS` windows, none overlapping,
each model fitted only on what precedes its window). Per-user NDCG@k of every
(window, user) is pooled; then

1. the best mean is the leader;
2. every candidate whose paired difference to the leader has a 95% bootstrap
   interval reaching 0 is **as good** (not worse beyond resampling noise);
3. among those, candidates meeting the trust goals on the validation lists
   (at least 90% within reach, at least 80% connected; :mod:`recommender.list_quality`)
   come first when any does;
4. the **simplest** of what remains is chosen (:data:`COMPLEXITY`).

Where participants can be connected to vacancies (the project database:
trainings, skills and occupations on both sides), the default must keep the
connection rule of issue 12 (a served list never puts an unconnected
vacancy above a connected one without evidence), so only the models that
keep it (:func:`keeps_connection_rule`: the grounded ones) are candidates;
the others are still measured on the test period beside them. On an
external log (a researcher's, not the programme's participants) every
model is a candidate.

:class:`ModelChoice` keeps every number and says in one sentence why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

import numpy as np
import pandas as pd

from prakerja.errors import UserError
from recommender import shared_fits
from recommender.base import Recommender
from recommender.evaluation_split import EvaluationSplit, validation_split
from recommender.list_quality import CONNECTED, WITHIN_REACH, list_quality
from recommender.metrics import NDCG, bootstrap_interval

#: Validation windows of the rolling origin.
FOLDS = 3
VALIDATION_FRACTION = 0.2
#: Goals a default should meet on its lists (issue 12): within reach, connected to the person.
REACH_GOAL = 0.90
CONNECTED_GOAL = 0.80
#: How much machinery a model is (fewer parts, fewer ways to fail): the simpler wins a tie.
COMPLEXITY = {
    "random": 0, "popularity": 1, "content": 2, "grounded-content": 3, "lightfm": 4, "lightfm-tuned": 4,
    "blend": 5, "blend-tuned": 5, "grounded": 6, "history": 3,
}
#: Line-up names of models that keep the connection rule.
RULE_KEEPERS_PREFIX = "grounded"


def keeps_connection_rule(name: str) -> bool:
    """Whether the line-up model ``name`` ranks with the connection rule (a grounded model)."""
    return name.startswith(RULE_KEEPERS_PREFIX)


def eligible_candidates(names, connectable: bool) -> list[str]:
    """The candidates that may become the default: the rule keepers where the data can connect, else all."""
    names = list(names)
    keepers = [n for n in names if keeps_connection_rule(n)]
    return keepers if connectable and keepers else names


@dataclass
class ModelChoice:
    """The chosen default, the numbers it was chosen on, and why."""

    name: str
    reason: str
    mean_ndcg: dict[str, float]
    leader_minus: dict[str, tuple[float, float, float]]
    fold_ndcg: dict[str, list[float]]
    quality: dict[str, dict[str, float]] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "chosen": self.name,
            "reason": self.reason,
            "mean_ndcg": self.mean_ndcg,
            "leader_minus": {name: list(v) for name, v in self.leader_minus.items()},
            "fold_ndcg": self.fold_ndcg,
            "quality": self.quality,
        }


def rolling_folds(split: EvaluationSplit, folds: int = FOLDS, fraction: float = VALIDATION_FRACTION) -> list[EvaluationSplit]:
    """The validation windows, latest first: each the last ``fraction`` of what precedes the previous one."""
    windows, current = [], split
    for _ in range(folds):
        try:
            window = validation_split(current, fraction)
        except UserError:
            break
        if len(window.test_users) == 0:
            break
        windows.append(window)
        current = window
    return windows


def choose_model(
    candidates: Mapping[str, Callable[[], Recommender]],
    split: EvaluationSplit,
    k: int = 10,
    *,
    folds: int = FOLDS,
    recommend: Callable[[Recommender, EvaluationSplit, int], pd.DataFrame],
    on_fit: Callable[[str, int], None] | None = None,
) -> ModelChoice:
    """Choose the default among ``candidates`` on a rolling origin of the training part (module docstring).

    Parameters
    ----------
    candidates
        Name -> factory of a fresh unfitted model.
    split
        The evaluation split; only its training part is read.
    recommend
        ``(fitted model, window, k) -> lists`` of the window's test users (the evaluation's own).
    on_fit
        Called with (name, window number) before each fit (progress).
    """
    windows = rolling_folds(split, folds)
    if not windows:
        raise UserError("the validation period holds no positive interaction; the log is too short to choose a model")
    per_user: dict[str, list[pd.Series]] = {}
    quality: dict[str, list[dict]] = {}
    for number, window in enumerate(windows):
        items = window.train_dataset.item_id_map.to_internal(window.catalog())
        with shared_fits.sharing_fits():  # one window's candidates share equal parts (the grounded model's base blend)
            for name, factory in candidates.items():
                if on_fit is not None:
                    on_fit(name, number)
                try:
                    reco = recommend(shared_fits.fit(factory(), window.train_dataset), window, k)
                except UserError:  # a model that cannot run on this data cannot be the default
                    per_user.pop(name, None)
                    continue
                values = NDCG(k).calc_per_user(reco, window.test).reindex(window.test_users).fillna(0.0)
                values.index = pd.MultiIndex.from_product([[number], values.index])
                per_user.setdefault(name, []).append(values)
                quality.setdefault(name, []).append(
                    list_quality(reco, window.train_dataset, window.test_users, k, filters=window.filters, item_rows=items))
    complete = {name: pd.concat(parts) for name, parts in per_user.items() if len(parts) == len(windows)}
    if not complete:
        raise UserError("no candidate model could be fitted on the validation windows")
    mean = {name: float(values.mean()) for name, values in complete.items()}
    leader = max(mean, key=mean.get)
    differences = {
        name: bootstrap_interval(complete[leader], values.reindex(complete[leader].index).fillna(0.0))
        for name, values in complete.items() if name != leader
    }
    as_good = [leader] + [name for name, (_, low, _) in differences.items() if low <= 0]
    shares = {name: _mean_quality(rows, k) for name, rows in quality.items() if name in complete}
    trusted = [name for name in as_good if _meets_goals(shares[name], k)]
    pool = trusted or as_good
    chosen = min(pool, key=lambda name: (COMPLEXITY.get(name, 99), -mean[name]))
    reason = _reason(chosen, leader, as_good, trusted, mean, differences, shares, k, len(windows))
    if all(keeps_connection_rule(n) for n in complete):
        reason = f"candidates keep the connection rule ({', '.join(complete)}): " + reason
    folds_ndcg = {name: [float(v.loc[n].mean()) for n in range(len(windows))] for name, v in complete.items()}
    return ModelChoice(chosen, reason, mean, differences, folds_ndcg, shares)


def _mean_quality(rows: list[dict], k: int) -> dict[str, float]:
    keys = rows[0].keys() if rows else []
    return {key: float(np.nanmean([r[key] for r in rows])) if any(pd.notna(r[key]) for r in rows) else float("nan") for key in keys}


def _meets_goals(shares: dict[str, float], k: int) -> bool:
    reach, connected = shares.get(f"{WITHIN_REACH}@{k}", np.nan), shares.get(f"{CONNECTED}@{k}", np.nan)
    reach_ok = bool(np.isnan(reach) or reach >= REACH_GOAL)  # an external log has no places: reach cannot fail
    return reach_ok and bool(pd.notna(connected) and connected >= CONNECTED_GOAL)


def _reason(chosen, leader, as_good, trusted, mean, differences, shares, k, windows) -> str:
    """One sentence: what led, what was as good, what met the goals, why this one."""
    ties = [n for n in as_good if n != leader]
    text = f"{leader} had the best NDCG@{k} over {windows} validation windows ({mean[leader]:.4f})"
    if ties:
        text += "; within its paired 95% interval: " + ", ".join(
            f"{n} ({mean[n]:.4f}, {-differences[n][0]:+.4f} [{-differences[n][2]:+.4f}, {-differences[n][1]:+.4f}])" for n in ties)
    if trusted:
        text += f"; meeting the goals (>= {REACH_GOAL:.0%} within reach, >= {CONNECTED_GOAL:.0%} connected): {', '.join(trusted)}"
    else:
        text += "; none of these met the goals (>= 90% within reach, >= 80% connected)"
    if chosen == leader and not ties:
        return text + f"; chose {chosen}, the best beyond noise."
    share = shares.get(chosen, {})
    return text + (f"; chose {chosen}, the simplest of these (within reach {share.get(f'{WITHIN_REACH}@{k}', float('nan')):.0%},"
                   f" connected {share.get(f'{CONNECTED}@{k}', float('nan')):.0%}).")
