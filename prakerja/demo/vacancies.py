"""The demo vacancy market: where, what, for how much, which skills, open when.

Generated once per world from its own random stream, before any participant,
so every participant chunk sees the same market.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from prakerja.demo import calibration as cal
from prakerja.demo.reference import MAJOR_GROUPS, DemoReference, occupation_weights
from prakerja.demo.sampling import (
    SECONDS_PER_DAY,
    categorical,
    day_number,
    lognormal_around,
    uniform_int,
    weighted_index,
)
from prakerja.demo.skillsets import skill_bitsets

DEMO_SOURCE = "demo"
DEMO_URL = "https://lowongan.demo.invalid/{}"  # .invalid: a demo link can never resolve to a real site

COMPANY_FORMS = ("PT", "PT", "PT", "CV", "UD", "Koperasi", "Toko", "Yayasan")
COMPANY_WORDS_1 = (
    "Maju", "Sinar", "Karya", "Mitra", "Cahaya", "Sumber", "Bintang", "Jaya", "Mega", "Prima",
    "Nusantara", "Berkah", "Citra", "Surya", "Abadi", "Harapan", "Putra", "Indah", "Bumi", "Tunas",
)
COMPANY_WORDS_2 = (
    "Sejahtera", "Makmur", "Mandiri", "Sentosa", "Perkasa", "Utama", "Lestari", "Gemilang", "Bersama",
    "Teknik", "Niaga", "Logistik", "Pangan", "Digital", "Kreasi", "Medika", "Boga", "Busana", "Motor", "Graha",
)
TITLE_PREFIXES = {"": 0.65, "Staf ": 0.15, "Junior ": 0.12, "Senior ": 0.08}
# Titles that already name a rank take no prefix ("Staf Manajer keuangan" reads wrong).
RANKED_TITLE_WORDS = ("Asisten", "Manajer", "Staf", "Pemilik", "Kepala", "Direktur", "Pengawas", "Pemimpin", "Anggota")


@dataclass
class VacancyMarket:
    """Vacancy rows plus the arrays the behaviour model reads."""

    frame: pd.DataFrame
    skills_frame: pd.DataFrame
    sources_frame: pd.DataFrame
    ids: np.ndarray
    regency: np.ndarray  # regency index, -1 for remote
    occupation_major: np.ndarray
    occupation_minor: np.ndarray  # index into DemoReference.minor_codes
    posted_s: np.ndarray  # seconds since 1970
    expires_s: np.ndarray
    salary_seen: np.ndarray  # stated mid-point, else the regional minimum wage a seeker assumes
    salary_true: np.ndarray  # what a hire is paid
    skill_bits: np.ndarray  # (vacancies, words) required + optional skills

    def __len__(self) -> int:
        return len(self.ids)


def vacancy_count(participants: int) -> int:
    """One vacancy per ~10 participants, at least enough for a market in every province, capped."""
    return int(np.clip(participants // cal.PARTICIPANTS_PER_VACANCY, cal.MIN_VACANCIES, cal.MAX_VACANCIES))


def current_market_count(ref: DemoReference, participants: int) -> int:
    """Placed vacancies open on the world's last day: the floor in every regency, plus one per 20 participants by population."""
    floor = cal.CURRENT_MARKET_FLOOR * len(ref.regency_population)
    return int(min(floor + participants // cal.CURRENT_MARKET_PARTICIPANTS_PER_VACANCY, cal.MAX_VACANCIES))


def current_market_regencies(ref: DemoReference, n: int) -> np.ndarray:
    """Regency index of each open vacancy: the floor in every regency, the rest by population (cities x1.5)."""
    regencies = len(ref.regency_population)
    floor = min(cal.CURRENT_MARKET_FLOOR, n // max(regencies, 1))
    weight = ref.regency_population * np.where(ref.regency_urban, cal.CURRENT_MARKET_URBAN_FACTOR, 1.0)
    rest = n - floor * regencies
    share = weight / weight.sum() * rest
    counts = np.floor(share).astype(np.int64)
    counts[np.argsort(-(share - counts))[: rest - counts.sum()]] += 1  # largest remainders: exactly n in all
    return np.repeat(np.arange(regencies), counts + floor)


def regency_weights(ref: DemoReference) -> np.ndarray:
    """Where vacancies are: population x urban and metro factors, with a floor for every regency."""
    weight = ref.regency_population * np.where(ref.regency_urban, cal.URBAN_FACTOR, 1.0)
    weight *= np.where(ref.province_codes[ref.regency_province] == cal.JAKARTA_PROVINCE, cal.JAKARTA_FACTOR, 1.0)
    weight *= np.where(np.isin(ref.regency_names, cal.METRO_REGENCIES), cal.METRO_FACTOR, 1.0)
    return np.maximum(weight, cal.REGENCY_WEIGHT_FLOOR * weight.mean())


class Salaries(NamedTuple):
    """Monthly salaries in IDR: the posted range (when stated) and what a hire is paid."""

    minimum: np.ndarray
    maximum: np.ndarray
    paid: np.ndarray
    stated: np.ndarray
    regional_minimum_wage: np.ndarray


def generate_vacancies(
    rng: np.random.Generator, ref: DemoReference, n: int, first_id: int, first_source_id: int, current: int = 0
) -> VacancyMarket:
    """Draw ``n`` vacancies over the whole period and ``current`` open on the last day, ids from ``first_id``.

    The ``current`` ones (:func:`current_market_count`) are placed by
    :func:`current_market_regencies` (a share of them remote) and posted in the
    last weeks, so that the market on the last day reaches every regency;
    remote vacancies (their usual share) come on top.
    """
    history_regency = weighted_index(rng, regency_weights(ref), n)
    history_remote = rng.random(n) < cal.SHARE_REMOTE
    posted_s, expires_s = _draw_open_period(rng, n)
    if current:
        remote_extra = int(round(current * cal.SHARE_REMOTE))  # remote ones on top: every regency keeps its floor
        current_regency = np.concatenate([rng.permutation(current_market_regencies(ref, current)), np.zeros(remote_extra, np.int64)])
        current_remote = np.arange(current + remote_extra) >= current
        current = current + remote_extra
        current_posted, current_expires = _draw_current_period(rng, current)
        history_regency = np.concatenate([history_regency, current_regency])
        history_remote = np.concatenate([history_remote, current_remote])
        posted_s, expires_s = np.concatenate([posted_s, current_posted]), np.concatenate([expires_s, current_expires])
    n = n + current
    ids = np.arange(first_id, first_id + n, dtype=np.int64)
    remote = history_remote
    regency = np.where(remote, -1, history_regency)
    province = np.where(remote, -1, ref.regency_province[regency.clip(0)])
    occupation = _draw_occupations(rng, ref, remote | ref.regency_urban[regency.clip(0)])
    major = ref.occupation_major[occupation]
    salary = _draw_salaries(rng, ref, remote, province, major)
    today_s = (day_number(cal.WORLD_TODAY) + 1) * SECONDS_PER_DAY
    salary_min, salary_max, stated = salary.minimum, salary.maximum, salary.stated

    base_titles = pd.Series(ref.occupation_titles[occupation])
    prefixes = pd.Series(categorical(rng, TITLE_PREFIXES, n)).where(~base_titles.str.startswith(RANKED_TITLE_WORDS), "")
    titles = (prefixes + base_titles).to_numpy(dtype=object)
    companies = _company_names(rng, n)
    location = np.where(remote, "Remote (Indonesia)", ref.regency_short_names[regency.clip(0)])
    frame = pd.DataFrame(
        {
            "id": ids,
            "title": titles,
            "title_norm": normalise_text(pd.Series(titles)),
            "company": companies,
            "company_norm": normalise_text(pd.Series(companies)),
            "description": "Lowongan demo (data sintetis): " + pd.Series(titles) + " di " + pd.Series(location) + ".",
            "location_text": location,
            "location_kind": np.where(remote, "remote", "regency"),
            "regency_code": np.where(remote, None, ref.regency_codes[regency.clip(0)]),
            "province_code": np.where(remote, None, ref.province_codes[province.clip(0)]),
            "remote": remote,
            "salary_min_idr": pd.array(salary_min.astype(np.int64), dtype="Int64"),
            "salary_max_idr": pd.array(salary_max.astype(np.int64), dtype="Int64"),
            "salary_text": [_salary_text(lo, hi) for lo, hi in zip(salary_min.tolist(), salary_max.tolist())],
            "employment_types": categorical(rng, cal.EMPLOYMENT_TYPE_SHARES, n),
            "occupation_code": ref.occupation_codes[occupation],
            "occupation_confidence": 1.0,
            "posted_at": posted_s.astype("datetime64[s]"),
            "expires_at": expires_s.astype("datetime64[s]"),
            "first_seen": posted_s.astype("datetime64[s]"),
            "last_seen": np.minimum(expires_s, today_s).astype("datetime64[s]"),
            "status": np.where(expires_s > today_s, "active", "expired"),
        }
    )
    frame.loc[~stated, ["salary_min_idr", "salary_max_idr", "salary_text"]] = None

    skill_rows, skill_index, required = _vacancy_skills(rng, ref, occupation)
    skills_frame = pd.DataFrame(
        {"vacancy_id": ids[skill_rows], "skill_id": ref.skill_ids[skill_index], "required": required}
    )
    sources_frame = pd.DataFrame(
        {
            "id": np.arange(first_source_id, first_source_id + n, dtype=np.int64),
            "vacancy_id": ids,
            "source": DEMO_SOURCE,
            "source_id": [f"demo-{i}" for i in ids.tolist()],
            "url": [DEMO_URL.format(i) for i in ids.tolist()],
            "first_seen": frame["first_seen"],
            "last_seen": frame["last_seen"],
            "status": np.where(expires_s > today_s, "active", "removed"),
        }
    )
    return VacancyMarket(
        frame=frame,
        skills_frame=skills_frame,
        sources_frame=sources_frame,
        ids=ids,
        regency=regency,
        occupation_major=major,
        occupation_minor=ref.occupation_minor[occupation],
        posted_s=posted_s,
        expires_s=expires_s,
        salary_seen=np.where(stated, (salary_min + salary_max) / 2, salary.regional_minimum_wage),
        salary_true=salary.paid,
        skill_bits=skill_bitsets(skill_rows, skill_index, n, ref.n_skills),
    )


def _draw_occupations(rng: np.random.Generator, ref: DemoReference, urban: np.ndarray) -> np.ndarray:
    """Occupation of each vacancy; farm work is rare in cities."""
    urban_shares = {**cal.VACANCY_MAJOR_SHARES, "6": cal.VACANCY_MAJOR_SHARES["6"] * cal.URBAN_AGRICULTURE_FACTOR}
    n = len(urban)
    return np.where(
        urban,
        weighted_index(rng, occupation_weights(ref, urban_shares), n),
        weighted_index(rng, occupation_weights(ref, cal.VACANCY_MAJOR_SHARES), n),
    )


def _draw_salaries(
    rng: np.random.Generator, ref: DemoReference, remote: np.ndarray, province: np.ndarray, major: np.ndarray
) -> Salaries:
    """Provincial minimum wage x occupation multiplier x noise, rounded to Rp10.000."""
    n = len(major)
    minimum_wage = np.array(
        [cal.MINIMUM_WAGE_IDR.get(code, cal.DEFAULT_MINIMUM_WAGE_IDR) for code in ref.province_codes], dtype=np.float64
    )
    regional_wage = np.where(remote, cal.DEFAULT_MINIMUM_WAGE_IDR, minimum_wage[province.clip(0)])
    multiplier = np.array([cal.SALARY_MULTIPLIER_BY_MAJOR[m] for m in MAJOR_GROUPS])[major]
    low = np.round(regional_wage * multiplier * lognormal_around(rng, 1.0, cal.SALARY_LOG_SIGMA, n), -4)
    high = np.round(low * rng.uniform(*cal.SALARY_SPREAD, n), -4)
    paid = low + rng.random(n) * (high - low)
    return Salaries(low, high, paid, rng.random(n) < cal.SHARE_SALARY_STATED, regional_wage)


def _draw_open_period(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Posting and expiry times (seconds since 1970): posted uniformly, open a log-normal number of days."""
    start, end = day_number(cal.VACANCIES_FROM), day_number(cal.WORLD_TODAY)
    posted_s = start * SECONDS_PER_DAY + rng.integers(0, (end - start) * SECONDS_PER_DAY, n)
    lifetime_days = np.clip(
        lognormal_around(rng, cal.LIFETIME_MEDIAN_DAYS, cal.LIFETIME_LOG_SIGMA, n), *cal.LIFETIME_DAYS_RANGE
    )
    return posted_s, posted_s + (lifetime_days * SECONDS_PER_DAY).astype(np.int64)


def _draw_current_period(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Posting and expiry times of vacancies open on the last day: posted in its last weeks, open a week or more after it."""
    end_s = (day_number(cal.WORLD_TODAY) + 1) * SECONDS_PER_DAY
    posted_s = end_s - rng.integers(1, cal.CURRENT_MARKET_WINDOW_DAYS * SECONDS_PER_DAY, n)
    lifetime_days = np.clip(
        lognormal_around(rng, cal.LIFETIME_MEDIAN_DAYS, cal.LIFETIME_LOG_SIGMA, n), *cal.LIFETIME_DAYS_RANGE
    )
    expires_s = np.maximum(posted_s + (lifetime_days * SECONDS_PER_DAY).astype(np.int64),
                           end_s + cal.CURRENT_MARKET_MIN_DAYS_LEFT * SECONDS_PER_DAY)
    return posted_s, expires_s


def normalise_text(values: pd.Series) -> pd.Series:
    """Lower case, punctuation to spaces, single spaces (the ``*_norm`` dedupe keys)."""
    return values.str.lower().str.replace(r"[^\w\s]", " ", regex=True).str.split().str.join(" ")


def _company_names(rng: np.random.Generator, n: int) -> np.ndarray:
    form = np.array(COMPANY_FORMS, dtype=object)[rng.integers(0, len(COMPANY_FORMS), n)]
    first = np.array(COMPANY_WORDS_1, dtype=object)[rng.integers(0, len(COMPANY_WORDS_1), n)]
    second = np.array(COMPANY_WORDS_2, dtype=object)[rng.integers(0, len(COMPANY_WORDS_2), n)]
    return form + " " + first + " " + second


def _salary_text(low: float, high: float) -> str:
    return f"Rp{int(low):,} - Rp{int(high):,}".replace(",", ".")


def _vacancy_skills(
    rng: np.random.Generator, ref: DemoReference, occupation: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """3-6 distinct skills of each vacancy's occupation group; a share of them optional."""
    rows, skills = [], []
    wanted = uniform_int(rng, cal.REQUIRED_SKILLS_RANGE, len(occupation))
    for code in np.unique(occupation):
        members = np.flatnonzero(occupation == code)
        candidates = ref.occupation_skills.row(code)
        if len(candidates) == 0:
            continue
        order = np.argsort(rng.random((len(members), len(candidates))), axis=1)
        keep = np.arange(len(candidates))[None, :] < np.minimum(wanted[members], len(candidates))[:, None]
        member_rows = np.broadcast_to(members[:, None], order.shape)
        rows.append(member_rows[keep])
        skills.append(candidates[order][keep])
    row_array = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    skill_array = np.concatenate(skills) if skills else np.zeros(0, np.int64)
    order = np.lexsort((skill_array, row_array))
    row_array, skill_array = row_array[order], skill_array[order]
    return row_array, skill_array, rng.random(len(row_array)) >= cal.SHARE_SKILLS_OPTIONAL
