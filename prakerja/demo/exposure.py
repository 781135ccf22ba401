"""Which vacancies a job seeker can come across: open that week, at home, in the province, anywhere.

Indexes of open vacancies per (regency, week), (province, week) and week, also
split by occupation major group (a search by category) and by KBJI minor
group (a search for one's own trade), make drawing
millions of exposures a handful of array lookups. Scopes: 0 regency, 1
province, 2 country.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from prakerja.demo.reference import MAJOR_GROUPS, DemoReference, Ragged
from prakerja.demo.sampling import SECONDS_PER_DAY
from prakerja.demo.vacancies import VacancyMarket

WEEK_SECONDS = 7 * SECONDS_PER_DAY
SEARCH_REACH = 1  # scope 1: a search by occupation group looks no further than the province


@dataclass(frozen=True)
class OpenVacancies:
    """Open vacancies by place and week, optionally by occupation major or minor group, for uniform draws."""

    origin_s: int
    n_weeks: int
    n_majors: int
    by_scope: tuple[Ragged, Ragged, Ragged]  # keys (regency | province | -) * n_weeks + week
    by_scope_and_major: tuple[Ragged, Ragged, Ragged]  # the same keys * n_majors + major
    n_minors: int
    by_scope_and_minor: tuple[Ragged, Ragged, Ragged]  # the same keys * n_minors + KBJI minor group

    @classmethod
    def build(cls, market: VacancyMarket, ref: DemoReference) -> OpenVacancies:
        origin = int(market.posted_s.min()) // WEEK_SECONDS * WEEK_SECONDS
        first_week = (market.posted_s - origin) // WEEK_SECONDS
        last_week = (market.expires_s - origin) // WEEK_SECONDS
        n_weeks = int(last_week.max()) + 1
        n_majors = len(MAJOR_GROUPS)
        spans = last_week - first_week + 1
        vacancy = np.repeat(np.arange(len(market)), spans)
        week = np.repeat(first_week, spans) + np.arange(spans.sum()) - np.repeat(np.cumsum(spans) - spans, spans)
        major = market.occupation_major[vacancy]
        regency = market.regency[vacancy]
        placed = regency >= 0
        place_keys = (
            (regency[placed] * n_weeks + week[placed], len(ref.regency_codes) * n_weeks, placed),
            (ref.regency_province[regency[placed]] * n_weeks + week[placed], len(ref.province_codes) * n_weeks, placed),
            (week, n_weeks, np.ones(len(vacancy), bool)),  # the whole country, remote jobs included
        )
        by_scope = tuple(Ragged.from_pairs(key, vacancy[rows], size) for key, size, rows in place_keys)
        by_major = tuple(
            Ragged.from_pairs(key * n_majors + major[rows], vacancy[rows], size * n_majors)
            for key, size, rows in place_keys
        )
        n_minors = len(ref.minor_codes)
        minor = market.occupation_minor[vacancy]
        by_minor = tuple(
            Ragged.from_pairs(key * n_minors + minor[rows], vacancy[rows], size * n_minors)
            for key, size, rows in place_keys
        )
        return cls(origin, n_weeks, n_majors, by_scope, by_major, n_minors, by_minor)

    def draw_trade(
        self, rng: np.random.Generator, scope: np.ndarray, regency: np.ndarray, province: np.ndarray, time_s: np.ndarray,
        minor: np.ndarray,
    ) -> np.ndarray:
        """One open vacancy of minor group ``minor`` per request (a search for one's own trade); -1 if none.

        Like a search by major group (:meth:`draw`): from the scope asked, widening
        to the province at most (the country for a national search).
        """
        week = ((time_s - self.origin_s) // WEEK_SECONDS).clip(0, self.n_weeks - 1)
        place_keys = (regency * self.n_weeks + week, province * self.n_weeks + week, week)
        choice = np.full(len(scope), -1, dtype=np.int64)
        u = rng.random(len(scope))
        reach = np.maximum(scope, SEARCH_REACH)
        for level, (index, key) in enumerate(zip(self.by_scope_and_minor, place_keys)):
            allowed = (minor >= 0) & (scope <= level) & (level <= reach)
            self._take(choice, u, index, key * self.n_minors + minor.clip(0), allowed)
        return choice

    def draw(
        self,
        rng: np.random.Generator,
        scope: np.ndarray,
        regency: np.ndarray,
        province: np.ndarray,
        time_s: np.ndarray,
        major: np.ndarray,
    ) -> np.ndarray:
        """One open vacancy per request; -1 if none.

        A request with ``major >= 0`` (a search by occupation group) takes a
        vacancy of that group from the scope asked or the next wider one that
        has any, up to the province (or the country for a national search),
        else browses; ``major < 0`` browses everything open in the scope asked,
        widening to the province and the country when it is empty.
        """
        week = ((time_s - self.origin_s) // WEEK_SECONDS).clip(0, self.n_weeks - 1)
        place_keys = (regency * self.n_weeks + week, province * self.n_weeks + week, week)
        choice = np.full(len(scope), -1, dtype=np.int64)
        u = rng.random(len(scope))
        searching = major >= 0
        # A search widens to the province at most (unless it was national); then browsing takes over.
        reach = np.maximum(scope, SEARCH_REACH)
        for level, (index, key) in enumerate(zip(self.by_scope_and_major, place_keys)):
            allowed = searching & (scope <= level) & (level <= reach)
            self._take(choice, u, index, key * self.n_majors + major.clip(0), allowed)
        for level, (index, key) in enumerate(zip(self.by_scope, place_keys)):
            self._take(choice, u, index, key, scope <= level)
        return choice

    @staticmethod
    def _take(choice: np.ndarray, u: np.ndarray, index: Ragged, key: np.ndarray, allowed: np.ndarray) -> None:
        """Fill still-empty choices from ``index[key]`` where allowed and non-empty."""
        count = index.starts[key + 1] - index.starts[key]
        take = (choice < 0) & allowed & (count > 0)
        choice[take] = index.values[index.starts[key[take]] + (u[take] * count[take]).astype(np.int64)]
