"""Which arm a participant is in: a keyed hash of the experiment and the participant, the same in every process.

``HMAC-SHA256(key, "experiment <id> participant <id>")`` read as a number in
[0, 1) decides the arm by the arms' cumulative shares (control first; past
the last share the participant is outside the experiment). The key is the
database's pseudonym key (:mod:`prakerja.pseudonyms`): every worker, restart
and dashboard process agrees without storing or sharing anything, a
participant stays in one arm for the whole experiment, and nobody without
the key can tell the arm of an id in advance (or steer it). Each experiment
hashes afresh, so arms of two experiments are independent.

The segment decides who takes part at all: a province (the home regency's),
a wave (whose members serving keeps as a sorted id array), participants
registered after the start (ids from ``new_from_participant_id`` on).
"""

from __future__ import annotations

import hashlib
import hmac

import numpy as np

from recommender.experiments.registry import Arm, ExperimentInfo

#: Hash bits used for the unit number (more than enough to split shares finely).
UNIT_BITS = 52


def unit_number(secret: bytes, experiment_id: int, participant_id: int) -> float:
    """The participant's number in [0, 1) for ``experiment_id``: uniform, fixed, unguessable without ``secret``."""
    message = f"experiment {int(experiment_id)} participant {int(participant_id)}".encode("ascii")
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    return (int.from_bytes(digest[:8], "big") >> (64 - UNIT_BITS)) / float(1 << UNIT_BITS)


def arm_of_number(experiment: ExperimentInfo, number: float) -> Arm | None:
    """The arm whose share covers ``number`` (None past the last share: outside the experiment)."""
    edge = 0.0
    for arm in experiment.arms:
        edge += arm.share
        if number < edge:
            return arm
    return None


def in_segment(experiment: ExperimentInfo, participant_id: int, province: str | None, wave_members: np.ndarray | None) -> bool:
    """Whether the participant belongs to the experiment's segment (``wave_members``: sorted ids of its wave)."""
    if experiment.segment_province is not None and province != experiment.segment_province:
        return False
    if experiment.segment_new_only and (experiment.new_from_participant_id is None or participant_id < experiment.new_from_participant_id):
        return False
    if experiment.segment_wave is not None:
        if wave_members is None or len(wave_members) == 0:
            return False
        at = int(np.searchsorted(wave_members, participant_id))
        return at < len(wave_members) and int(wave_members[at]) == int(participant_id)
    return True


def assign(
    experiment: ExperimentInfo, secret: bytes, participant_id: int, province: str | None = None,
    wave_members: np.ndarray | None = None,
) -> Arm | None:
    """The participant's arm in ``experiment``, or None when they are outside its segment or its shares.

    Parameters
    ----------
    experiment
        A running experiment.
    secret
        The database's key (:func:`prakerja.pseudonyms.stored_secret`).
    participant_id, province
        The participant and their home province code.
    wave_members
        Sorted ids of the segment's wave (only for a wave segment).
    """
    if not in_segment(experiment, participant_id, province, wave_members):
        return None
    return arm_of_number(experiment, unit_number(secret, experiment.id, participant_id))


def arms_of(experiment: ExperimentInfo, secret: bytes, participant_ids) -> np.ndarray:
    """Index into ``experiment.arms`` of each participant (-1 outside the shares); segments are not applied."""
    edges = np.cumsum([arm.share for arm in experiment.arms])
    numbers = np.array([unit_number(secret, experiment.id, int(p)) for p in participant_ids])
    index = np.searchsorted(edges, numbers, side="right")
    return np.where(index < len(edges), index, -1)
