"""Assignment: a keyed hash of experiment and participant, the same in every process, split by the planned shares."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np

from recommender.experiments.assignment import arms_of, assign, unit_number
from recommender.experiments.registry import Arm, ExperimentInfo
from recommender.experiments.statistics import sample_ratio_check

SECRET = bytes(range(32))


def experiment(experiment_id: int = 7, shares=(0.5, 0.5), **segment) -> ExperimentInfo:
    arms = tuple(Arm(i + 1, "control" if i == 0 else f"treatment_{i}", 100 + i, share, i == 0) for i, share in enumerate(shares))
    values = dict(segment_province=None, segment_wave=None, segment_new_only=False, new_from_participant_id=None)
    values.update(segment)
    return ExperimentInfo(experiment_id, "t", None, "applied", 0.05, values["segment_province"], values["segment_wave"],
                          values["segment_new_only"], values["new_from_participant_id"], "running", None, None, None, None, None, arms)


def test_the_arm_is_the_same_in_another_process():
    ids = list(range(1, 400))
    here = arms_of(experiment(), SECRET, ids).tolist()
    code = (
        "import json, sys; from tests.experiments.test_assignment import experiment, SECRET; "
        "from recommender.experiments.assignment import arms_of; "
        f"print(json.dumps(arms_of(experiment(), SECRET, {ids!r}).tolist()))"
    )
    there = json.loads(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout)
    assert there == here
    assert [assign(experiment(), SECRET, i).id for i in ids] == [experiment().arms[a].id for a in here]


def test_participants_split_by_the_planned_shares_and_the_rest_stays_out():
    ids = np.arange(1, 20_001)
    plan = experiment(shares=(0.5, 0.3, 0.1))
    arms = arms_of(plan, SECRET, ids)
    counts = [int((arms == i).sum()) for i in range(3)]
    assert sample_ratio_check(counts, [0.5, 0.3, 0.1]).ok
    outside = int((arms == -1).sum())
    assert abs(outside / len(ids) - 0.1) < 0.01
    assert all(assign(plan, SECRET, int(i)) is None for i in ids[arms == -1][:50])


def test_each_experiment_hashes_afresh_and_the_key_matters():
    ids = np.arange(1, 4_001)
    first, second = arms_of(experiment(1), SECRET, ids), arms_of(experiment(2), SECRET, ids)
    together = np.mean(first == second)
    assert 0.45 < together < 0.55  # independent halves agree half the time
    other_key = arms_of(experiment(1), b"another key", ids)
    assert 0.45 < np.mean(first == other_key) < 0.55
    numbers = [unit_number(SECRET, 1, i) for i in range(1, 2_001)]
    assert 0.0 <= min(numbers) and max(numbers) < 1.0


def test_segments_keep_others_out():
    province = experiment(segment_province="32")
    assert assign(province, SECRET, 5, "31") is None
    assert assign(province, SECRET, 5, "32") is not None
    new_only = experiment(segment_new_only=True, new_from_participant_id=100)
    assert assign(new_only, SECRET, 99) is None
    assert assign(new_only, SECRET, 100) is not None
    wave = experiment(segment_wave=3)
    members = np.array([4, 8, 15, 16, 23, 42])
    assert assign(wave, SECRET, 15, None, members) is not None
    assert assign(wave, SECRET, 14, None, members) is None
    assert assign(wave, SECRET, 15, None, None) is None
