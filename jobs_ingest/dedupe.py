"""Cross-board duplicates: the same job posted on several boards becomes one vacancy.

Exact identity (same board id or URL) is settled by the pipeline's key lookups;
this module finds the *near* duplicates: same company, same place, a nearly
identical title, posted within a few days of each other.

Why blocking and not MinHash: a duplicate must share the company and the place,
so candidates are only the vacancies in the block ``(company_norm, place)``.
Blocks are small (a company rarely has more than a few hundred open postings in
one city), so an exact title lookup plus one rapidfuzz ``extract`` over the
block's titles (C speed) costs microseconds per posting and stays linear at a
million postings; no pair outside a block is ever compared.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from functools import lru_cache

from rapidfuzz import fuzz, process

DEFAULT_TITLE_SIMILARITY = 90
DEFAULT_WINDOW_DAYS = 30
_SMALL_BLOCK = 8

# Legal forms and filler that boards add or drop at will ("PT. Morula Indonesia", "Morula Indonesia Tbk").
_COMPANY_NOISE = frozenset(
    "pt pt. tbk cv persero perseroda ud inc inc. incorporated ltd ltd. limited llc corp corporation co company "
    "group grup indonesia".split()
)
_NON_WORD = re.compile(r"[^0-9a-z]+")


def _fold(text: str) -> str:
    """Lower case, accents removed, punctuation turned into single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    return _NON_WORD.sub(" ", ascii_text).strip()


@lru_cache(maxsize=200_000)
def title_key(title: str) -> str:
    """The title as dedupe compares it: folded, punctuation-free ("Sr. Engineer (Remote)" -> "sr engineer remote")."""
    return _fold(title)[:255]


@lru_cache(maxsize=200_000)
def company_key(company: str | None) -> str | None:
    """The company without legal forms and punctuation; None when nothing is left."""
    if not company:
        return None
    words = [word for word in _fold(company).split() if word not in _COMPANY_NOISE]
    key = " ".join(words) or _fold(company)
    return key[:255] or None


def place_key(kind: str, regency_code: str | None, province_code: str | None, location_text: str | None) -> str:
    """The place part of a dedupe block: regency, else province, else the kind ("remote", "national").

    Unresolved places compare by their folded text, so "Planet Mars" never meets "Atlantis".
    """
    if kind == "unknown":
        return "unknown:" + title_key(location_text or "")
    return regency_code or province_code or kind


@dataclasses.dataclass(slots=True)
class _Candidate:
    vacancy_id: int
    title: str
    day: dt.date | None
    sources: set[str]


class _Block:
    """The vacancies of one (company, place); titles kept in a list for rapidfuzz."""

    __slots__ = ("candidates", "titles", "by_title")

    def __init__(self) -> None:
        self.candidates: list[_Candidate] = []
        self.titles: list[str] = []
        self.by_title: dict[str, list[_Candidate]] = {}

    def add(self, candidate: _Candidate) -> None:
        self.candidates.append(candidate)
        self.titles.append(candidate.title)
        self.by_title.setdefault(candidate.title, []).append(candidate)


class DuplicateIndex:
    """In-memory blocks of the vacancies a run may merge into.

    Parameters
    ----------
    similarity
        Minimum ``rapidfuzz.fuzz.token_sort_ratio`` (0-100) between two titles.
    window_days
        Maximum distance between the two postings' dates (posted, else first seen).
    """

    def __init__(self, similarity: int = DEFAULT_TITLE_SIMILARITY, window_days: int = DEFAULT_WINDOW_DAYS) -> None:
        self.similarity = similarity
        self.window = dt.timedelta(days=window_days)
        self._blocks: dict[tuple[str, str], _Block] = {}
        self._by_id: dict[int, _Candidate] = {}

    def __len__(self) -> int:
        return len(self._by_id)

    def add(self, vacancy_id: int, company: str | None, place: str, title: str, day: dt.date | None, source: str) -> None:
        """Make a vacancy findable; a second call for the same id only adds the board."""
        known = self._by_id.get(vacancy_id)
        if known is not None:
            known.sources.add(source)
            return
        if not company:
            return
        candidate = _Candidate(vacancy_id, title, day, {source})
        block = self._blocks.get((company, place))
        if block is None:
            block = self._blocks[(company, place)] = _Block()
        block.add(candidate)
        self._by_id[vacancy_id] = candidate

    def find(self, company: str | None, place: str, title: str, day: dt.date | None, source: str) -> int | None:
        """The id of a vacancy from *another* board that is this posting, or None.

        Two postings of one board with different ids are kept apart: a board
        knows its own postings, and they may be separate openings.
        """
        if not company:
            return None
        block = self._blocks.get((company, place))
        if block is None:
            return None
        for candidate in block.by_title.get(title, ()):
            if self._mergeable(candidate, day, source):
                return candidate.vacancy_id
        if len(block.titles) <= _SMALL_BLOCK:  # scoring a few pairs directly beats setting up a search
            cutoff = self.similarity
            scored = [
                (-score, position)  # best first, then the oldest candidate
                for position, other in enumerate(block.titles)
                if (score := fuzz.token_sort_ratio(title, other, score_cutoff=cutoff))
            ]
            positions = [position for _score, position in sorted(scored)] if scored else []
        else:
            matches = process.extract(
                title, block.titles, scorer=fuzz.token_sort_ratio, score_cutoff=self.similarity, limit=5
            )
            positions = [position for _title, _score, position in matches]
        for position in positions:
            candidate = block.candidates[position]
            if self._mergeable(candidate, day, source):
                return candidate.vacancy_id
        return None

    def _mergeable(self, candidate: _Candidate, day: dt.date | None, source: str) -> bool:
        if source in candidate.sources:
            return False
        if day is None or candidate.day is None:
            return True
        return abs(candidate.day - day) <= self.window
