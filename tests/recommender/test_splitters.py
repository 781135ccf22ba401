"""Temporal and per-wave splits: who ends up where, and which test items are cold."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from prakerja.columns import Columns
from prakerja.errors import UserError
from recommender.splitters import TemporalSplitter, WaveSplitter, cold_items, validation_splitter


def log(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=[Columns.User, Columns.Item, Columns.Datetime])
    frame[Columns.Weight] = 1.0
    frame[Columns.Datetime] = pd.to_datetime(frame[Columns.Datetime])
    return frame[Columns.Interactions]


LOG = log(
    [
        (1, "a", "2021-01-01"),
        (1, "b", "2021-01-02"),
        (2, "a", "2021-01-03"),
        (1, "c", "2021-02-01"),  # test, warm user, cold item
        (2, "a", "2021-02-02"),  # test, but the pair was seen in training
        (3, "b", "2021-02-03"),  # test, user unknown to training
        (4, "d", "2021-02-04"),  # test, user with features only
    ]
)


def test_temporal_split_at_a_date():
    splitter = TemporalSplitter(test_start=pd.Timestamp("2021-02-01"), known_users=(4,))
    train_idx, test_idx = splitter.split(LOG)
    assert train_idx.tolist() == [0, 1, 2]
    assert test_idx.tolist() == [3, 6]
    train, test = LOG.iloc[train_idx], LOG.iloc[test_idx]
    assert train[Columns.Datetime].max() < test[Columns.Datetime].min()
    assert sorted(cold_items(train, test)) == ["c", "d"]


def test_temporal_split_keeps_repeats_when_asked():
    splitter = TemporalSplitter(test_start="2021-02-01", filter_already_seen=False)
    _, test_idx = splitter.split(LOG)
    assert test_idx.tolist() == [3, 4]


def test_temporal_split_by_fraction_puts_the_latest_interactions_in_test():
    rng = np.random.default_rng(0)
    times = pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 90 * 24, 1000), unit="h")
    frame = pd.DataFrame(
        {Columns.User: rng.integers(0, 50, 1000), Columns.Item: rng.integers(0, 80, 1000), Columns.Weight: 1.0, Columns.Datetime: times}
    )
    splitter = TemporalSplitter(test_fraction=0.25, filter_already_seen=False)
    train_idx, test_idx = splitter.split(frame)
    cut = splitter.cut(frame)
    assert (frame[Columns.Datetime].iloc[train_idx] < cut).all()
    assert (frame[Columns.Datetime].iloc[test_idx] >= cut).all()
    # nearly a quarter after the cut (a few unscorable users may drop out)
    assert 0.2 <= (frame[Columns.Datetime] >= cut).mean() <= 0.26


def test_validation_split_never_reaches_the_test_period():
    splitter = TemporalSplitter(test_start="2021-02-01", known_users=(1, 2, 3, 4))
    train_idx, _ = splitter.split(LOG)
    train = LOG.iloc[train_idx].reset_index(drop=True)
    inner_idx, validation_idx = validation_splitter(splitter, 0.34).split(train)
    assert len(inner_idx) and len(validation_idx)
    assert train[Columns.Datetime].iloc[validation_idx].max() < pd.Timestamp("2021-02-01")


def test_temporal_split_errors_are_one_line_user_errors():
    with pytest.raises(UserError, match="empty test part"):
        TemporalSplitter(test_start="2030-01-01").split(LOG)
    with pytest.raises(UserError, match="no datetimes"):
        TemporalSplitter().split(LOG.assign(**{Columns.Datetime: pd.NaT}))
    with pytest.raises(UserError, match="between 0 and 1"):
        TemporalSplitter(test_fraction=1.5).split(LOG)


def test_wave_split_makes_the_last_waves_cold_users():
    waves = pd.Series({1: 1, 2: 2, 3: 3, 4: 3})
    train_idx, test_idx = WaveSplitter(waves, test_waves=1).split(LOG)
    train_users = set(LOG[Columns.User].iloc[train_idx])
    test_users = set(LOG[Columns.User].iloc[test_idx])
    assert train_users == {1, 2} and test_users == {3, 4}
    assert not train_users & test_users
    assert set(LOG[Columns.User].iloc[WaveSplitter(waves, test_waves=2).split(LOG)[1]]) == {2, 3, 4}
    with pytest.raises(UserError, match="more than 3 wave"):
        WaveSplitter(waves, test_waves=3).split(LOG)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 6), st.integers(0, 9), st.integers(0, 100)), min_size=2, max_size=60),
    st.floats(0.05, 0.95),
)
def test_temporal_split_properties(rows, fraction):
    frame = log([(u, i, pd.Timestamp("2021-01-01") + pd.Timedelta(days=d)) for u, i, d in rows])
    splitter = TemporalSplitter(test_fraction=fraction)
    try:
        train_idx, test_idx = splitter.split(frame)
    except UserError:  # every interaction on one side of the cut
        assume(False)
    train, test = frame.iloc[train_idx], frame.iloc[test_idx]
    assert not set(train_idx) & set(test_idx)
    assert train[Columns.Datetime].max() < splitter.cut(frame)
    if len(test):
        assert test[Columns.Datetime].min() >= splitter.cut(frame)
    assert set(test[Columns.User]) <= set(train[Columns.User])  # no features given: only known users are tested
    seen = set(zip(train[Columns.User], train[Columns.Item]))
    assert not any(pair in seen for pair in zip(test[Columns.User], test[Columns.Item]))
    assert set(cold_items(train, test)) == set(test[Columns.Item]) - set(train[Columns.Item])
