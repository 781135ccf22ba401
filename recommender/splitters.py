"""Train/test splits of an interaction log: by time and by programme wave.

Splitters follow RecTools' ``TimeRangeSplitter`` habit: ``split(interactions)``
returns positional indices ``(train_idx, test_idx)`` into the frame, so the
caller slices with ``iloc`` and keeps every other column.

What a test set may contain:

- A test user must be scorable: present in the training part, or known to
  have features (``known_users``; cold users with trainings). Others are
  dropped, since no model could recommend to them.
- Test items are never filtered: vacancies unseen in training (cold) are the
  normal case for job boards; :func:`cold_items` names them so every
  evaluation reports warm and cold vacancies apart.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable

import numpy as np
import pandas as pd

from prakerja.columns import Columns
from prakerja.errors import UserError


def cold_items(train: pd.DataFrame, test: pd.DataFrame) -> np.ndarray:
    """Items of ``test`` never seen in ``train`` (cold vacancies)."""
    seen = pd.unique(train[Columns.Item])
    test_items = pd.unique(test[Columns.Item])
    return test_items[~np.isin(test_items, seen)]


def _filter_test(
    interactions: pd.DataFrame,
    train_mask: np.ndarray,
    test_mask: np.ndarray,
    known_users: Iterable | None,
    filter_already_seen: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Positional indices after dropping unscorable test users and (optionally) repeated pairs."""
    train = interactions.loc[train_mask]
    scorable = pd.unique(train[Columns.User])
    if known_users is not None:
        scorable = np.union1d(scorable.astype(object), np.asarray(list(known_users), dtype=object))
    test_mask = test_mask & interactions[Columns.User].isin(scorable).to_numpy()
    if filter_already_seen:
        seen_pairs = pd.MultiIndex.from_frame(train[[Columns.User, Columns.Item]])
        pairs = pd.MultiIndex.from_frame(interactions[[Columns.User, Columns.Item]])
        test_mask = test_mask & ~pairs.isin(seen_pairs)
    return np.flatnonzero(train_mask), np.flatnonzero(test_mask)


@dataclass(frozen=True)
class TemporalSplitter:
    """Train on interactions before a cut moment, test on those at or after it.

    Parameters
    ----------
    test_start
        The cut moment; when None, the cut leaves the last ``test_fraction`` of
        interactions (by time) to the test part.
    test_fraction
        Share of interactions after the cut when ``test_start`` is None.
    known_users
        Users with features; they may be test users without training history.
    filter_already_seen
        Drop test pairs (user, item) that already occur in training: they test
        memory, not recommendation.
    """

    test_start: pd.Timestamp | None = None
    test_fraction: float = 0.2
    known_users: Iterable | None = None
    filter_already_seen: bool = True

    def cut(self, interactions: pd.DataFrame) -> pd.Timestamp:
        """The moment that separates training from test interactions."""
        if self.test_start is not None:
            return pd.Timestamp(self.test_start)
        if not 0 < self.test_fraction < 1:
            raise UserError(f"test fraction must be between 0 and 1, not {self.test_fraction}")
        times = interactions[Columns.Datetime].dropna()
        if times.empty:
            raise UserError("interactions have no datetimes; a temporal split needs them")
        return pd.Timestamp(times.quantile(1 - self.test_fraction, interpolation="higher"))

    def split(self, interactions: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Positional indices ``(train_idx, test_idx)`` into ``interactions``."""
        cut = self.cut(interactions)
        times = interactions[Columns.Datetime]
        train_mask = (times < cut).to_numpy()
        test_mask = (times >= cut).to_numpy()
        if not train_mask.any() or not test_mask.any():
            raise UserError(
                f"the split at {cut} leaves an empty {'training' if not train_mask.any() else 'test'} part; "
                "the log needs interactions on both sides of the cut"
            )
        return _filter_test(interactions, train_mask, test_mask, self.known_users, self.filter_already_seen)


@dataclass(frozen=True)
class WaveSplitter:
    """Participants of the last waves become test users (cold users); earlier waves train.

    Tests how the model serves a new wave of beneficiaries who bring trainings
    but no interaction history. Every interaction of a test-wave user is a
    test interaction; test users must have features, since they have no
    history by construction.

    Parameters
    ----------
    user_waves
        Wave number of every user (index: user id).
    test_waves
        How many of the latest waves form the test part.
    """

    user_waves: pd.Series
    test_waves: int = 1

    def test_wave_numbers(self) -> np.ndarray:
        waves = np.sort(pd.unique(self.user_waves.dropna()))
        if self.test_waves < 1 or len(waves) <= self.test_waves:
            raise UserError(
                f"a wave split needs more than {self.test_waves} wave(s) to hold out; the data has {len(waves)}"
            )
        return waves[-self.test_waves :]

    def split(self, interactions: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Positional indices ``(train_idx, test_idx)`` into ``interactions``."""
        waves = self.user_waves.reindex(interactions[Columns.User].to_numpy()).to_numpy()
        is_test_wave = np.isin(waves, self.test_wave_numbers())
        has_wave = ~pd.isna(waves)
        train_mask = has_wave & ~is_test_wave
        test_mask = has_wave & is_test_wave
        return np.flatnonzero(train_mask), np.flatnonzero(test_mask)


def validation_splitter(test_splitter: TemporalSplitter, validation_fraction: float = 0.2) -> TemporalSplitter:
    """A splitter that carves a validation period from the end of a training part.

    Model choice and tuning run on it, so the test period is never looked at.
    """
    return replace(test_splitter, test_start=None, test_fraction=validation_fraction)
