"""Keyword rules for the occupation group (KBJI 2014 unit group) of a posting.

These rules were the whole classifier until issue 13; now their answer is one
input (a hint) of the learned model in :mod:`jobs_ingest.occupations`, which
measured them at 0.65 sub-major accuracy on titles they were not written from.
Three steps, most to least trusted:

1. Keyword rules. ``occupation_keywords.csv`` lists, per unit group, the
   phrases job boards use for it in Indonesian and English ("barista",
   "staf akuntansi", "backend engineer"). Every phrase found in the title
   votes for its group with weight = its number of words, so "sales manager"
   outvotes "sales". Phrases in the department and description vote too, with
   less weight.
2. Managers. A title that names a manager ("manager", "kepala", "head of",
   "direktur") outside the phrase that won is moved to the management unit of
   that domain: an accountant's manager is a finance manager (1211).
3. Fuzzy fallback. A title no rule covers is compared (rapidfuzz token-sort
   ratio) with the titles of all known groups, including the 2,137 KBJI job
   titles when an official file was imported; a close one is kept with a low
   confidence.

Confidence is the winner's share of all votes, in [0, 1], lowered for
department-only and fuzzy answers. Titles nothing recognises get None.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_ingest.phrases import PhraseMatcher, phrase_key
from prakerja.models import OccupationGroup
from prakerja.reference.occupations import read_occupation_groups
from prakerja.reference.paths import REFERENCE_DIR

DEPARTMENT_WEIGHT = 0.35
DESCRIPTION_WEIGHT = 0.1
DESCRIPTION_CHARS = 600  # the opening of a description names the job; the rest lists duties and benefits
DEPARTMENT_ONLY_CEILING = 0.4
FUZZY_CUTOFF = 80.0
FUZZY_CEILING = 0.45
MIN_CONFIDENCE = 0.15
VOTE_SMOOTHING = 0.5  # keeps a lone one-word vote from reading as certainty
# English titles put the head noun last ("Sales Engineer" is an engineer): later phrases weigh a little more.
HEAD_POSITION_BONUS = 0.1

MANAGER_WORDS = (
    "manager", "managers", "manajer", "head", "head of", "lead", "director", "direktur", "kepala", "vp",
    "vice president", "chief", "gm",
)
# The management unit group of a domain, by the domain group's code prefix (longest prefix wins).
MANAGER_OF_DOMAIN = {
    "241": "1211", "331": "1211", "431": "1211",
    "242": "1212", "4313": "1212", "4416": "1212", "3333": "1212",
    "243": "1221", "332": "1221", "5244": "1221", "5249": "1221", "2432": "1222", "2166": "1222",
    "52": "1420", "25": "1330", "35": "1330",
    "21": "1321", "31": "1321", "7": "1321", "81": "1321", "82": "1321", "9329": "1321", "9321": "1321",
    "3123": "1323", "2142": "1323", "711": "1323", "3323": "1324", "432": "1324", "83": "1324",
    "933": "1324", "9621": "1324", "3331": "1324",
    "51": "1412", "3434": "1412", "9412": "1412", "4224": "1411", "5151": "1411",
}
DEFAULT_MANAGER = "1219"


@dataclass(frozen=True)
class OccupationMatch:
    """A unit group for a posting: its code, how sure the classifier is, and the group's title."""

    code: str
    confidence: float
    title: str


def read_keywords(path: Path | None = None) -> dict[str, list[str]]:
    """Unit group code -> phrases, from ``occupation_keywords.csv`` (code, phrases separated by ``|``)."""
    path = path or REFERENCE_DIR / "occupation_keywords.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        return {row["code"]: [p for p in row["phrases"].split("|") if p.strip()] for row in csv.DictReader(handle)}


def _with_plural(key: str) -> tuple[str, ...]:
    """A phrase and its English plural ("nurse", "nurses"): board titles use both."""
    if key[-1:].isalpha() and not key.endswith("s"):
        return key, key + "s"
    return (key,)


def manager_of(code: str) -> str:
    """The management group for workers of ``code`` (1219 when no closer one is known)."""
    for length in range(len(code), 0, -1):
        if code[:length] in MANAGER_OF_DOMAIN:
            return MANAGER_OF_DOMAIN[code[:length]]
    return DEFAULT_MANAGER


class OccupationRules:
    """Places job titles in KBJI unit groups by keyword rules.

    Parameters
    ----------
    groups
        ``code -> title`` of every known group (any level); answers are unit groups among these.
    keywords
        ``code -> phrases`` rules; rules for unknown codes are ignored.
    extra_titles
        ``(title, unit code)`` pairs for the fuzzy fallback, e.g. KBJI job titles.
    """

    def __init__(
        self,
        groups: dict[str, str],
        keywords: dict[str, list[str]],
        extra_titles: list[tuple[str, str]] = (),
    ) -> None:
        self.groups_ = dict(groups)
        self.codes_by_phrase_: dict[str, list[str]] = defaultdict(list)
        for code, phrases in keywords.items():
            if code not in self.groups_:
                continue
            for phrase in phrases:
                for form in _with_plural(phrase_key(phrase)):
                    codes = self.codes_by_phrase_[form]
                    if code not in codes:
                        codes.append(code)
        self.rules_ = PhraseMatcher(self.codes_by_phrase_)
        self.managers_ = PhraseMatcher(MANAGER_WORDS)
        units = [(title, code) for code, title in self.groups_.items() if len(code) == 4]
        fuzzy = units + [(t, c) for t, c in extra_titles if c in self.groups_]
        self.fuzzy_titles_ = [phrase_key(title) for title, _code in fuzzy]
        self.fuzzy_codes_ = [code for _title, code in fuzzy]

    @classmethod
    def from_session(cls, session: Session) -> OccupationRules:
        """A classifier over the groups in the database; KBJI job titles (6 digits) feed the fallback."""
        group = OccupationGroup
        rows = session.execute(select(group.code, group.title_id, group.title_en, group.parent_code)).all()
        groups = {code: title_id for code, title_id, _en, _parent in rows if len(code) <= 4}
        extra = []
        for code, title_id, title_en, parent in rows:
            unit = parent if len(code.replace(".", "")) == 6 else code
            if len(unit) == 4:
                extra.extend((title, unit) for title in (title_id, title_en) if title)
        return cls(groups, read_keywords(), extra)

    @classmethod
    def from_reference(cls) -> OccupationRules:
        """A classifier over the shipped occupation groups and keyword rules."""
        rows = read_occupation_groups()
        groups = {row["code"]: row["title_id"] for row in rows}
        extra = [(row["title_en"], row["code"]) for row in rows if row["title_en"] and row["level"] == 4]
        return cls(groups, read_keywords(), extra)

    def _votes(self, text: str, weight: float, votes: dict[str, float]) -> list[tuple[int, int, str]]:
        spans = []
        for hit in self.rules_.finditer(text):
            codes = self.codes_by_phrase_[hit.key]
            position = 1.0 + HEAD_POSITION_BONUS * hit.end / len(text)
            share = weight * position * (hit.key.count(" ") + 1) / len(codes)
            for code in codes:
                votes[code] += share
            spans.append((hit.start, hit.end, codes[0]))
        return spans

    def classify(
        self,
        title: str | None,
        department: str | None = None,
        description: str | None = None,
        fallback: bool = True,
    ) -> OccupationMatch | None:
        """The most likely unit group of a posting, or None when nothing in it is recognised.

        ``fallback=False`` skips the fuzzy comparison with group titles: keyword evidence only.
        """
        title = title or ""
        votes: dict[str, float] = defaultdict(float)
        spans = self._votes(title, 1.0, votes)
        from_title = bool(spans)
        context: dict[str, float] = defaultdict(float)
        if department and department.strip().upper() != "N/A":
            self._votes(department, DEPARTMENT_WEIGHT, context)
        if description:
            self._votes(description[:DESCRIPTION_CHARS], DESCRIPTION_WEIGHT, context)
        for code, weight in context.items():  # context decides between the title's readings, never against them
            if code in votes or not from_title:
                votes[code] += weight
        if not votes:
            return self._fuzzy(title) if fallback else None
        code = max(votes, key=lambda c: (votes[c], -len(c), c))
        confidence = votes[code] / (sum(votes.values()) + VOTE_SMOOTHING)
        if from_title and not code.startswith("1") and self._names_manager(title, spans):
            managerial = [c for c in votes if c.startswith("1") and any(c == span[2] for span in spans)]
            manager = max(managerial, key=votes.__getitem__) if managerial else manager_of(code)
            code = manager if manager in self.groups_ else code
        if not from_title:
            confidence = min(confidence, DEPARTMENT_ONLY_CEILING)
        if confidence < MIN_CONFIDENCE:
            return None
        return OccupationMatch(code, round(confidence, 3), self.groups_.get(code, code))

    def names_manager(self, title: str) -> bool:
        """True when the title names a manager outside every worker phrase (see :meth:`_names_manager`)."""
        spans = self._votes(title or "", 1.0, defaultdict(float))
        return self._names_manager(title or "", spans)

    def _names_manager(self, title: str, spans: list[tuple[int, int, str]]) -> bool:
        """True when the title says "manager" (or the like) outside every phrase of a non-managerial group.

        "Senior Account Manager" is a salesperson ("account manager" is a sales phrase);
        "Project Manager (Digital Marketing)" is a manager.
        """
        workers = [(start, end) for start, end, code in spans if not code.startswith("1")]
        return any(
            all(hit.end <= start or hit.start >= end for start, end in workers)
            for hit in self.managers_.finditer(title)
        )

    def _fuzzy(self, title: str) -> OccupationMatch | None:
        key = phrase_key(title)
        if not key or not self.fuzzy_titles_:
            return None
        found = process.extractOne(key, self.fuzzy_titles_, scorer=fuzz.token_sort_ratio, score_cutoff=FUZZY_CUTOFF)
        if found is None:
            return None
        _choice, score, index = found
        code = self.fuzzy_codes_[index]
        return OccupationMatch(code, round(FUZZY_CEILING * score / 100, 3), self.groups_.get(code, code))
