"""Simulated experiments on the shared demo world (read only): the stopping rule's errors in small.

The promoted model is the default blend; the deliberately worse one is random.
Every participant's list per model comes once from the serving contract, the
world's behaviour model answers, and each experiment decides after each of
its looks with the report's own rule. The study is prepared from SQLite and
from PostgreSQL (the same people and activity); the studies themselves only
read the prepared lists, so they run once. The 200-run version is
``python -m benchmarks experiments``.
"""

from __future__ import annotations

import datetime as dt
import functools

import pandas as pd
import pytest

from prakerja.demo.responder import DemoResponder
from recommender.experiments.analysis import PROMOTE, STOP
from recommender.experiments.simulation import false_positive, prepare_study, study
from tests.worlds import MEDIUM

pytestmark = pytest.mark.slow  # the MEDIUM world, with simulated studies

LOOKS = 8


@pytest.fixture(scope="module")
def study_worlds(demo_worlds):
    """``prepare_study`` of the MEDIUM demo world on a backend, once per backend for the module."""
    start = dt.datetime.now()  # one start: the pre-period activity of both is counted over the same days

    @functools.cache
    def on(backend: str):
        world = demo_worlds.get(backend, MEDIUM)
        models = {"promoted": demo_worlds.model(world, "blend"), "random": demo_worlds.model(world, "random")}
        return prepare_study(world.engine, DemoResponder.from_database(world.engine, world.seed), models, start)

    return on


@pytest.fixture(scope="module")
def study_world(study_worlds):
    """The studies run on SQLite: ``study`` reads nothing from the database, and the test below prepares PostgreSQL's."""
    return study_worlds("sqlite")


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_the_responder_is_the_generators_world(study_worlds, backend):
    prepared = study_worlds(backend)
    people, lists = prepared.people, prepared.lists
    assert len(people) == MEDIUM[0]
    assert set(lists) == {"promoted", "random"}
    assert lists["promoted"].groupby("participant_id").size().max() == 10
    assert lists["random"].groupby("participant_id").size().min() == 10
    pd.testing.assert_frame_equal(people, study_worlds("sqlite").people)  # the same people and pre-period activity


def test_a_b_detects_the_worse_model(study_world):
    """2,000 participants give the always-valid rule about 60% power here (the benchmark measures it on 200 runs)."""
    outcomes = study(study_world, ["promoted", "random"], runs=6, looks=LOOKS, primary_metric="hired", seed=3)
    assert not (outcomes.action == PROMOTE).any()  # random is never promoted
    assert (outcomes.action == STOP).sum() >= 2  # and is stopped as worse (P(< 2 of 6 | 60%) = 4%)


def test_a_a_rarely_claims_a_difference(study_world):
    outcomes = study(study_world, ["promoted", "promoted"], runs=20, looks=LOOKS, primary_metric="hired", seed=4)
    assert false_positive(outcomes).sum() <= 3  # P(>= 4 of 20 | 5%) = 1.6%
    assert not outcomes.srm_failed.any()
