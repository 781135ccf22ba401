"""The stated behavioural model: how trained participants meet vacancies, respond, get hired.

1. Search: from first completion a participant searches for an exponential
   time; sessions fall uniformly in it; each session shows a few vacancies open
   at that moment, drawn from the home regency, the home province or the whole
   country (remote jobs included); some impressions come from searching one's
   own trade (a KBJI minor group of the prior work or of an occupation a
   completed course prepares for), some from searching an
   occupation major group chosen by taste, the rest from browsing everything.
2. Response: utility ``u = a + b_skill * overlap + b_trade * in_trade
   + b_taste * taste[major] + b_wage * log(salary / income before)
   - b_dist * log(1 + km / 50) + noise``;
   click with ``sigmoid(u)``; after a click save and apply with
   ``sigmoid(u + offset)``; some unclicked vacancies are dismissed.
3. Hiring: each application succeeds with ``sigmoid(c + c_skill * overlap +
   c_edu * schooling)``; the earliest hire ends the search (no events after it).
4. Outcome: one row per participant: the hire's wage, or for the rest a kept
   job/business, a job found elsewhere, or none.

``overlap`` is the share of the vacancy's skills the participant has (declared
plus trained by completed courses); ``in_trade`` is 1 when the vacancy's minor
group is one of the participant's trades. The model knows nothing of recommenders.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from prakerja.demo import calibration as cal
from prakerja.demo.enrollments import TrainingChunk
from prakerja.demo.exposure import OpenVacancies, WEEK_SECONDS
from prakerja.demo.participants import SMA_RANK, ParticipantChunk
from prakerja.demo.reference import DemoReference
from prakerja.demo.sampling import SECONDS_PER_DAY, day_number, lognormal_around, sigmoid
from prakerja.demo.skillsets import set_sizes, shared_counts, skill_bitsets
from prakerja.demo.vacancies import VacancyMarket

DISTANCE_SCALE_KM = 50.0
CLICK_DELAY_S = (5, 600)
SAVE_DELAY_S = (10, 1_800)
APPLY_DELAY_S = (60, 3 * SECONDS_PER_DAY)
DISMISS_DELAY_S = (2, 120)
SESSION_SPREAD_S = 900  # impressions of one session fall within 15 minutes


def simulate_behaviour(
    rng: np.random.Generator,
    ref: DemoReference,
    people: ParticipantChunk,
    training: TrainingChunk,
    market: VacancyMarket,
    open_vacancies: OpenVacancies,
    distances_km: np.ndarray,
    first_interaction_id: int,
    first_outcome_id: int,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Interactions and outcomes of one chunk; ids start at the given values."""
    today_s = (day_number(cal.WORLD_TODAY) + 1) * SECONDS_PER_DAY
    n = len(people)
    search_start = training.search_start_day * SECONDS_PER_DAY + rng.integers(0, SECONDS_PER_DAY, n)
    search_end = np.minimum(search_start + rng.exponential(cal.SEARCH_DAYS_MEAN * SECONDS_PER_DAY, n).astype(np.int64), today_s - 1)
    searching = search_start < search_end

    trades = participant_trades(ref, people, training)
    owner, vacancy, shown_at = _exposures(
        rng, ref, people, market, open_vacancies, search_start, search_end, searching, today_s, trades)
    overlap = skill_overlap(ref, people, training, market, owner, vacancy)
    in_trade = trades[owner, market.occupation_minor[vacancy]]
    utility = _utility(rng, people, market, distances_km, owner, vacancy, overlap, in_trade)

    m = len(owner)
    clicked, saved, applied, dismissed = _choices(rng, utility)
    clicked_at = shown_at + rng.integers(*CLICK_DELAY_S, m)
    saved_at = clicked_at + rng.integers(*SAVE_DELAY_S, m)
    applied_at = np.maximum(np.minimum(clicked_at + rng.integers(*APPLY_DELAY_S, m), market.expires_s[vacancy] - 1), clicked_at)
    dismissed_at = shown_at + rng.integers(*DISMISS_DELAY_S, m)
    applied &= applied_at < today_s

    hire_chance = _hire_chance(people, owner, overlap)
    hired_at = applied_at + rng.integers(cal.HIRE_DELAY_DAYS[0] * SECONDS_PER_DAY, cal.HIRE_DELAY_DAYS[1] * SECONDS_PER_DAY, m)
    hired = applied & (rng.random(m) < hire_chance) & (hired_at < today_s)
    first_hire_at = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(first_hire_at, owner[hired], hired_at[hired])
    hired &= hired_at == first_hire_at[owner]

    kinds = ("shown", "clicked", "saved", "applied", "dismissed", "hired")
    masks = (np.ones(m, bool), clicked, saved, applied, dismissed, hired)
    times = (shown_at, clicked_at, saved_at, applied_at, dismissed_at, hired_at)
    event_owner = np.concatenate([owner[mask] for mask in masks])
    event_vacancy = np.concatenate([vacancy[mask] for mask in masks])
    event_time = np.concatenate([time[mask] for time, mask in zip(times, masks)])
    event_kind = np.concatenate([np.full(mask.sum(), code, np.int8) for code, mask in enumerate(masks)])
    keep = (event_time < today_s) & (event_time <= first_hire_at[event_owner])
    order = np.lexsort((event_kind[keep], event_time[keep], event_owner[keep]))
    interactions = pd.DataFrame(
        {
            "id": np.arange(first_interaction_id, first_interaction_id + len(order), dtype=np.int64),
            "participant_id": people.ids[event_owner[keep][order]],
            "vacancy_id": market.ids[event_vacancy[keep][order]],
            "kind": np.array(kinds)[event_kind[keep][order]],
            "occurred_at": event_time[keep][order].astype("datetime64[s]"),
        }
    )
    outcomes = _outcomes(rng, people, market, owner[hired], vacancy[hired], hired_at[hired], search_end, today_s, first_outcome_id)
    return interactions, outcomes


def skill_overlap(
    ref: DemoReference, people: ParticipantChunk, training: TrainingChunk, market: VacancyMarket,
    owner: np.ndarray, vacancy: np.ndarray,
) -> np.ndarray:
    """``overlap`` of each (participant row, vacancy index): the share of the vacancy's skills the participant has."""
    skills = skill_bitsets(
        np.concatenate([people.declared_skills[0], training.trained_skills[0]]),
        np.concatenate([people.declared_skills[1], training.trained_skills[1]]),
        len(people),
        ref.n_skills,
    )
    return shared_counts(skills[owner], market.skill_bits[vacancy]) / np.maximum(set_sizes(market.skill_bits[vacancy]), 1)


def participant_trades(ref: DemoReference, people: ParticipantChunk, training: TrainingChunk) -> np.ndarray:
    """Boolean (participants x minor groups): the minor group of the prior work and those completed courses prepare for."""
    trades = np.zeros((len(people), len(ref.minor_codes)), dtype=bool)
    worked = np.flatnonzero(people.prior_occupation >= 0)
    trades[worked, ref.occupation_minor[people.prior_occupation[worked]]] = True
    rows, courses = training.completed_courses
    lengths = ref.course_minors.lengths()[courses]
    position = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    trades[np.repeat(rows, lengths), ref.course_minors.values[np.repeat(ref.course_minors.starts[courses], lengths) + position]] = True
    return trades


def respond(
    rng: np.random.Generator,
    ref: DemoReference,
    people: ParticipantChunk,
    training: TrainingChunk,
    market: VacancyMarket,
    distances_km: np.ndarray,
    owner: np.ndarray,
    vacancy: np.ndarray,
) -> dict[str, np.ndarray]:
    """What participants do with vacancies shown to them, by the response and hiring steps of this model.

    The generator's own exposures go through the same steps; here the caller
    decides what is shown (a recommender's list). Returns a mask per kind
    ("clicked", "saved", "applied", "dismissed", "hired") over the pairs;
    timing is left out (the caller's clock), and a participant is hired at most
    once (the first successful application among the pairs, in order).
    """
    owner = np.asarray(owner, dtype=np.int64)
    vacancy = np.asarray(vacancy, dtype=np.int64)
    overlap = skill_overlap(ref, people, training, market, owner, vacancy)
    in_trade = participant_trades(ref, people, training)[owner, market.occupation_minor[vacancy]]
    utility = _utility(rng, people, market, distances_km, owner, vacancy, overlap, in_trade)
    clicked, saved, applied, dismissed = _choices(rng, utility)
    hired = applied & (rng.random(len(owner)) < _hire_chance(people, owner, overlap))
    first = np.zeros(len(owner), bool)
    hired_rows = np.flatnonzero(hired)
    first[hired_rows[np.unique(owner[hired_rows], return_index=True)[1]]] = True
    return {"clicked": clicked, "saved": saved, "applied": applied, "dismissed": dismissed, "hired": first}


def _choices(rng: np.random.Generator, utility: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Clicked, saved, applied and dismissed masks of shown pairs with ``utility`` (step 2 of the module docstring)."""
    m = len(utility)
    clicked = rng.random(m) < sigmoid(utility)
    saved = clicked & (rng.random(m) < sigmoid(utility + cal.SAVE_OFFSET))
    applied = clicked & (rng.random(m) < sigmoid(utility + cal.APPLY_OFFSET))
    dismissed = ~clicked & (rng.random(m) < cal.DISMISS_SHARE_OF_UNCLICKED)
    return clicked, saved, applied, dismissed


def _hire_chance(people: ParticipantChunk, owner: np.ndarray, overlap: np.ndarray) -> np.ndarray:
    """Chance that an application succeeds (step 3 of the module docstring)."""
    return sigmoid(
        cal.HIRE_INTERCEPT
        + cal.HIRE_BETA_SKILL * overlap
        + cal.HIRE_BETA_EDUCATION * (people.education_rank[owner] - SMA_RANK)
    )


def _exposures(
    rng: np.random.Generator,
    ref: DemoReference,
    people: ParticipantChunk,
    market: VacancyMarket,
    open_vacancies: OpenVacancies,
    search_start: np.ndarray,
    search_end: np.ndarray,
    searching: np.ndarray,
    today_s: int,
    trades: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(participant row, vacancy index, time) of every distinct vacancy shown, at a time it was open."""
    n = len(people)
    sessions = np.where(searching, 1 + rng.poisson(cal.SESSIONS_EXTRA_MEAN, n), 0)
    session_owner = np.repeat(np.arange(n), sessions)
    session_time = search_start[session_owner] + (
        rng.random(len(session_owner)) * (search_end - search_start)[session_owner]
    ).astype(np.int64)
    shown = 1 + rng.poisson(cal.SHOWN_PER_SESSION_EXTRA_MEAN, len(session_owner))
    owner = np.repeat(session_owner, shown)
    time = np.repeat(session_time, shown) + rng.integers(0, SESSION_SPREAD_S, len(owner))

    scope_shares = np.array(cal.EXPOSURE_SCOPE_SHARES)
    scope = np.searchsorted(np.cumsum(scope_shares) / scope_shares.sum(), rng.random(len(owner)), side="right")
    home = people.regency[owner]
    searched = rng.random(len(owner)) < cal.SHARE_SEARCH_BY_OCCUPATION
    favourite = (people.taste[owner] + rng.gumbel(size=(len(owner), people.taste.shape[1]))).argmax(axis=1)
    major = np.where(searched, favourite, -1)
    vacancy = open_vacancies.draw(rng, scope, home, ref.regency_province[home], time, major)
    # A search for one's own trade (one of the trades, uniformly), as far as a search by major group looks;
    # nothing of it open there: the draw above.
    holder, held = np.nonzero(trades)  # row-major: each participant's trades together
    starts = np.concatenate([[0], np.cumsum(np.bincount(holder, minlength=n))])
    trade_count = (starts[1:] - starts[:-1])[owner]
    by_trade = (rng.random(len(owner)) < cal.SHARE_SEARCH_BY_TRADE) & (trade_count > 0)
    pick = starts[owner] + (rng.random(len(owner)) * trade_count).astype(np.int64)
    trade = np.where(by_trade, held[np.minimum(pick, max(len(held) - 1, 0))] if len(held) else -1, -1)
    in_trade = open_vacancies.draw_trade(rng, scope, home, ref.regency_province[home], time, trade)
    vacancy = np.where(in_trade >= 0, in_trade, vacancy)
    found = vacancy >= 0
    owner, vacancy, time = owner[found], vacancy[found], time[found]

    # The index is weekly: move a time that falls outside the vacancy's life into its open part of that week.
    week_start = open_vacancies.origin_s + (time - open_vacancies.origin_s) // WEEK_SECONDS * WEEK_SECONDS
    low = np.maximum(market.posted_s[vacancy], week_start)
    high = np.minimum(np.minimum(market.expires_s[vacancy], week_start + WEEK_SECONDS), today_s - 1)
    outside = (time < market.posted_s[vacancy]) | (time >= market.expires_s[vacancy]) | (time >= today_s)
    time = np.where(outside, low + (rng.random(len(time)) * np.maximum(high - low, 1)).astype(np.int64), time)

    order = np.lexsort((time, vacancy, owner))
    owner, vacancy, time = owner[order], vacancy[order], time[order]
    first = np.ones(len(owner), bool)
    first[1:] = (owner[1:] != owner[:-1]) | (vacancy[1:] != vacancy[:-1])
    return owner[first], vacancy[first], time[first]


def _utility(
    rng: np.random.Generator,
    people: ParticipantChunk,
    market: VacancyMarket,
    distances_km: np.ndarray,
    owner: np.ndarray,
    vacancy: np.ndarray,
    overlap: np.ndarray,
    in_trade: np.ndarray,
) -> np.ndarray:
    """The response utility ``u`` of the module docstring for each shown (participant, vacancy)."""
    income = np.maximum(people.income_before[owner], cal.BASE_INCOME_FLOOR_IDR)
    wage_gain = np.log(market.salary_seen[vacancy] / income)
    remote = market.regency[vacancy] < 0
    distance = np.where(remote, 0.0, distances_km[people.regency[owner], market.regency[vacancy].clip(0)])
    return (
        cal.CLICK_INTERCEPT
        + cal.BETA_SKILL_OVERLAP * overlap
        + cal.BETA_TRADE * in_trade
        + cal.BETA_TASTE * people.taste[owner, market.occupation_major[vacancy]]
        + cal.BETA_WAGE_GAIN * wage_gain
        - cal.BETA_DISTANCE * np.log1p(distance / DISTANCE_SCALE_KM)
        + rng.normal(0.0, cal.UTILITY_NOISE_SD, len(owner))
    )


def _outcomes(
    rng: np.random.Generator,
    people: ParticipantChunk,
    market: VacancyMarket,
    hired_owner: np.ndarray,
    hired_vacancy: np.ndarray,
    hired_at: np.ndarray,
    search_end: np.ndarray,
    today_s: int,
    first_id: int,
) -> pd.DataFrame:
    """One outcome per participant, observed at the hire or when the search ended."""
    n = len(people)
    status = people.frame["employment_status"].to_numpy()
    drift = np.exp(rng.normal(0.0, cal.WAGE_DRIFT_LOG_SD, n))
    keeps_job = (status == "employed") & (rng.random(n) < cal.KEEP_JOB_SHARE)
    keeps_business = (status == "self_employed") & (rng.random(n) < cal.KEEP_BUSINESS_SHARE)
    elsewhere = ~keeps_job & ~keeps_business & (rng.random(n) < cal.FIND_JOB_ELSEWHERE_SHARE)
    wage = np.where(
        keeps_job | keeps_business,
        people.income_before * drift,
        lognormal_around(rng, cal.WAGE_MEDIAN_IDR, cal.WAGE_LOG_SIGMA, n),
    )
    employed = keeps_job | keeps_business | elsewhere
    observed_s = search_end.copy()
    vacancy_id = np.full(n, -1, dtype=np.int64)
    employed[hired_owner] = True
    wage[hired_owner] = market.salary_true[hired_vacancy]
    observed_s[hired_owner] = hired_at
    vacancy_id[hired_owner] = market.ids[hired_vacancy]
    observed_s = np.minimum(observed_s, today_s - 1)
    return pd.DataFrame(
        {
            "id": np.arange(first_id, first_id + n, dtype=np.int64),
            "participant_id": people.ids,
            "employed": employed,
            "monthly_wage_idr": pd.Series(np.round(wage, -4).astype(np.int64), dtype="Int64").where(employed),
            "observed_on": (observed_s // SECONDS_PER_DAY).astype("datetime64[D]"),
            "source": "demo",
            "vacancy_id": pd.Series(vacancy_id, dtype="Int64").where(vacancy_id >= 0),
        }
    )
