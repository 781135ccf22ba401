"""Participants of one chunk: who they are, where they live, what they earned, what they like.

The visible part becomes rows of ``participants`` and ``participant_skills``;
the hidden part (taste over occupation major groups, income reference) only
drives the behaviour model and is never stored.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from prakerja import vocab
from prakerja.demo import calibration as cal
from prakerja.demo.reference import MAJOR_GROUPS, DemoReference, occupation_weights
from prakerja.demo.sampling import (
    categorical,
    day_number,
    lognormal_around,
    sample_from_rows,
    uniform_int,
    weighted_index,
)
from prakerja.pseudonyms import pseudonyms

SMA_RANK = vocab.EDUCATION_LEVELS.index("sma")
DECLARED_SKILLS_RANGE = (1, 4)


@dataclass
class ParticipantChunk:
    """Participants ``ids`` with their stored columns and hidden traits."""

    ids: np.ndarray
    regency: np.ndarray  # regency index
    registered_day: np.ndarray  # days since 1970
    education_rank: np.ndarray
    prior_occupation: np.ndarray  # occupation index, -1 when none
    income_before: np.ndarray  # wage or turnover, 0 when none (IDR/month)
    taste: np.ndarray  # (n, 9) hidden taste over major groups
    declared_skills: tuple[np.ndarray, np.ndarray]  # (row, skill index) pairs
    frame: pd.DataFrame  # the participants rows, minus incentive (set after training)

    def __len__(self) -> int:
        return len(self.ids)


def generate_participants(
    rng: np.random.Generator, ref: DemoReference, first_id: int, n: int, secret: bytes
) -> ParticipantChunk:
    """Draw ``n`` participants with ids ``first_id, first_id + 1, ...``, pseudonyms keyed by ``secret``."""
    ids = np.arange(first_id, first_id + n, dtype=np.int64)
    regency = weighted_index(rng, ref.regency_population, n)
    wave_index = weighted_index(rng, np.array(cal.WAVE_SIZES_THOUSANDS, dtype=np.float64), n)
    openings = np.array([day_number(d) for d in cal.WAVE_OPENINGS])
    registered_day = openings[wave_index] + rng.integers(0, 14, n)
    registered_year = (np.datetime64("1970-01-01") + registered_day.astype("timedelta64[D]")).astype("datetime64[Y]")
    registered_year = registered_year.astype(np.int64) + 1970

    bands = np.array(cal.AGE_BANDS)
    band = weighted_index(rng, bands[:, 2], n)
    age = rng.integers(bands[band, 0].astype(np.int64), bands[band, 1].astype(np.int64) + 1)

    gender = np.where(rng.random(n) < cal.SHARE_FEMALE, "F", "M")
    disability = rng.random(n) < cal.SHARE_DISABILITY
    education_rank = weighted_index(rng, np.array([cal.EDUCATION_SHARES[level] for level in vocab.EDUCATION_LEVELS]), n)
    education = np.array(vocab.EDUCATION_LEVELS)[education_rank]
    status = categorical(rng, cal.EMPLOYMENT_SHARES, n)
    employed = status == "employed"
    self_employed = status == "self_employed"
    wage = np.where(employed, np.round(lognormal_around(rng, cal.WAGE_MEDIAN_IDR, cal.WAGE_LOG_SIGMA, n), -4), 0)
    turnover = np.where(
        self_employed, np.round(lognormal_around(rng, cal.TURNOVER_MEDIAN_IDR, cal.TURNOVER_LOG_SIGMA, n), -4), 0
    )

    worked = employed | self_employed | (rng.random(n) < cal.SHARE_UNEMPLOYED_WITH_PAST_JOB)
    prior = np.where(worked, weighted_index(rng, occupation_weights(ref, cal.PRIOR_OCCUPATION_MAJOR_SHARES), n), -1)
    taste = _hidden_taste(rng, education_rank, ref.occupation_major[prior.clip(0)], prior >= 0)
    declared = _declared_skills(rng, ref, prior, taste)

    frame = pd.DataFrame(
        {
            "id": ids,
            "pseudonym": pseudonyms(secret, ids.tolist()),
            "birth_year": registered_year - age,
            "gender": gender,
            "disability": disability,
            "education": education,
            "regency_code": ref.regency_codes[regency],
            "wave": wave_index + 1,
            "registered_on": registered_day.astype("datetime64[D]"),
            "employment_status": status,
            "wage_before_idr": pd.Series(wage.astype(np.int64), dtype="Int64").where(employed),
            "turnover_before_idr": pd.Series(turnover.astype(np.int64), dtype="Int64").where(self_employed),
            "prior_occupation_code": np.where(prior >= 0, ref.occupation_codes[prior.clip(0)], None),
            "first_time_trainee": rng.random(n) < cal.SHARE_FIRST_TIME_TRAINEES,
        }
    )
    return ParticipantChunk(
        ids=ids,
        regency=regency,
        registered_day=registered_day,
        education_rank=education_rank,
        prior_occupation=prior,
        income_before=(wage + turnover).astype(np.float64),
        taste=taste,
        declared_skills=declared,
        frame=frame,
    )


def _hidden_taste(
    rng: np.random.Generator, education_rank: np.ndarray, prior_major: np.ndarray, has_prior: np.ndarray
) -> np.ndarray:
    """Mean by education, a bonus for the group worked in before, and personal noise."""
    means = np.array([cal.TASTE_BY_EDUCATION[level] for level in vocab.EDUCATION_LEVELS])
    taste = means[education_rank] + rng.normal(0.0, cal.TASTE_NOISE_SD, (len(education_rank), len(MAJOR_GROUPS)))
    rows = np.flatnonzero(has_prior)
    taste[rows, prior_major[rows]] += cal.TASTE_PRIOR_OCCUPATION_BONUS
    return taste


def _declared_skills(
    rng: np.random.Generator, ref: DemoReference, prior: np.ndarray, taste: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Skills of the prior occupation, or of an occupation in the favourite major group."""
    n = len(prior)
    source = np.where(prior >= 0, prior, _occupation_in_major(rng, ref, taste.argmax(axis=1)))
    declaring = np.flatnonzero((rng.random(n) < cal.SHARE_DECLARING_SKILLS) & (source >= 0))
    declaring = declaring[ref.occupation_skills.lengths()[source[declaring]] > 0]
    how_many = uniform_int(rng, DECLARED_SKILLS_RANGE, len(declaring))
    rows = np.repeat(declaring, how_many)
    skills = sample_from_rows(rng, ref.occupation_skills.starts, source[rows], ref.occupation_skills.values)
    pairs = np.unique(rows * np.int64(ref.n_skills) + skills)
    return pairs // ref.n_skills, pairs % ref.n_skills


def _occupation_in_major(rng: np.random.Generator, ref: DemoReference, major: np.ndarray) -> np.ndarray:
    """An occupation of each requested major group, drawn by commonness; -1 where the group has none."""
    chosen = np.full(len(major), -1, dtype=np.int64)
    for group in np.unique(major):
        members = np.flatnonzero(ref.occupation_major == group)
        if len(members):
            rows = np.flatnonzero(major == group)
            chosen[rows] = members[weighted_index(rng, ref.occupation_commonness[members], len(rows))]
    return chosen
