"""Course choice and completion for one chunk of participants.

A participant ranks every course by how well its occupation groups match her
hidden taste and prior occupation, how popular it is, and whether an offline
course is near home; Gumbel noise turns the ranking into a random choice
(the Gumbel-max trick), so the top ``k`` scores are a draw without replacement.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from prakerja import vocab
from prakerja.demo import calibration as cal
from prakerja.demo.participants import ParticipantChunk
from prakerja.demo.reference import DemoReference
from prakerja.demo.sampling import uniform_int

COMPLETION_EXTRA_DAYS = (1, 14)
GAP_BETWEEN_COURSES_DAYS = (0, 14)
FULL_INCENTIVE_IDR = vocab.INCENTIVE_PER_MONTH_IDR * vocab.INCENTIVE_MONTHS


@dataclass
class TrainingChunk:
    """Enrollment rows of a chunk and what training left each participant with."""

    frame: pd.DataFrame
    completed_any: np.ndarray  # per participant
    search_start_day: np.ndarray  # first completion, or registration + 30 days without one
    trained_skills: tuple[np.ndarray, np.ndarray]  # (participant row, skill index) of completed courses
    incentive_idr: np.ndarray
    completed_courses: tuple[np.ndarray, np.ndarray]  # (participant row, course index) of completed courses


def course_popularity(rng: np.random.Generator, n_courses: int) -> np.ndarray:
    """Log-popularity of each course: a Zipf law over a random ranking of the catalogue."""
    rank = rng.permutation(n_courses) + 1
    return -cal.COURSE_POPULARITY_ZIPF * np.log(rank)


def generate_enrollments(
    rng: np.random.Generator,
    ref: DemoReference,
    people: ParticipantChunk,
    popularity: np.ndarray,
    first_id: int,
) -> TrainingChunk:
    """Choose, date and complete the courses of ``people``; enrollment ids start at ``first_id``."""
    n = len(people)
    max_courses = min(cal.MAX_COURSES, len(ref.course_ids))
    chosen = _choose_courses(rng, ref, people, popularity, max_courses)
    wanted = np.minimum(1 + rng.poisson(cal.EXTRA_COURSES_MEAN, n), max_courses)
    taken = np.arange(max_courses)[None, :] < wanted[:, None]

    duration = (ref.course_hours[chosen] * cal.COURSE_DAYS_PER_HOUR).astype(np.int64) + rng.integers(
        COMPLETION_EXTRA_DAYS[0], COMPLETION_EXTRA_DAYS[1] + 1, chosen.shape
    )
    gaps = rng.integers(GAP_BETWEEN_COURSES_DAYS[0], GAP_BETWEEN_COURSES_DAYS[1] + 1, chosen.shape)
    gaps[:, 0] = uniform_int(rng, cal.START_DELAY_DAYS, n)
    start = people.registered_day[:, None] + np.cumsum(gaps, axis=1) + np.cumsum(duration, axis=1) - duration
    end = start + duration

    completer = rng.random(n) < cal.SHARE_COMPLETING
    completed = taken & completer[:, None]
    completed[:, 1:] &= rng.random((n, max_courses - 1)) < cal.SHARE_EXTRA_COURSES_COMPLETED

    rows, cols = np.nonzero(taken)
    course = chosen[rows, cols]
    done = completed[rows, cols]
    frame = pd.DataFrame(
        {
            "id": np.arange(first_id, first_id + len(rows), dtype=np.int64),
            "participant_id": people.ids[rows],
            "course_id": ref.course_ids[course],
            "started_on": start[rows, cols].astype("datetime64[D]"),
            "completed_on": pd.Series(end[rows, cols].astype("datetime64[D]")).where(done),
            "certificate": done & ref.course_certified[course],
        }
    )
    return TrainingChunk(
        frame=frame,
        completed_any=completer,
        search_start_day=np.where(completer, end[:, 0], people.registered_day + 30),
        trained_skills=_trained_skills(ref, rows[done], course[done]),
        incentive_idr=np.where(completer, FULL_INCENTIVE_IDR, 0),
        completed_courses=(rows[done], course[done]),
    )


def _choose_courses(
    rng: np.random.Generator,
    ref: DemoReference,
    people: ParticipantChunk,
    popularity: np.ndarray,
    k: int,
) -> np.ndarray:
    """The ``k`` best courses of each participant by noisy score, best first: shape (n, k)."""
    affinity = ref.course_major_affinity.astype(np.float32)
    score = people.taste.astype(np.float32) @ affinity.T
    has_prior = people.prior_occupation >= 0
    prior_major = ref.occupation_major[people.prior_occupation.clip(0)]
    score[has_prior] += cal.COURSE_CHOICE_PRIOR_OCCUPATION_BONUS * affinity[:, prior_major[has_prior]].T
    score += popularity.astype(np.float32)[None, :]

    offline = np.flatnonzero(ref.course_offline & (ref.course_regency >= 0))
    course_regency = ref.course_regency[offline]
    home_province = ref.regency_province[people.regency][:, None]
    away_province = ref.regency_province[course_regency][None, :] != home_province
    away_regency = course_regency[None, :] != people.regency[:, None]
    score[:, offline] -= (
        cal.COURSE_CHOICE_OFFLINE_AWAY_PENALTY * away_province
        + cal.COURSE_CHOICE_OFFLINE_AWAY_REGENCY_PENALTY * (away_regency & ~away_province)
    ).astype(np.float32)

    score += rng.gumbel(size=score.shape).astype(np.float32)
    if k < score.shape[1]:
        top = np.argpartition(-score, k - 1, axis=1)[:, :k]
    else:
        top = np.tile(np.arange(score.shape[1]), (len(score), 1))
    order = np.argsort(-np.take_along_axis(score, top, axis=1), axis=1)
    return np.take_along_axis(top, order, axis=1)


def _trained_skills(ref: DemoReference, rows: np.ndarray, courses: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(participant row, skill) for every skill of every completed course."""
    lengths = ref.course_skills.lengths()[courses]
    owner = np.repeat(rows, lengths)
    position = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    skills = ref.course_skills.values[np.repeat(ref.course_skills.starts[courses], lengths) + position]
    return owner, skills
