"""The occupation group (KBJI 2014 / ISCO-08) of a posting, with a confidence that means what it says.

A learned model (:mod:`jobs_ingest.occupation_model`, trained by
:mod:`jobs_ingest.occupation_training` on hand-labelled board titles and the
shipped keyword lexicon) reads the title's words, word pairs and letter runs,
the board's department, and the keyword rules' answer
(:mod:`jobs_ingest.occupation_rules`) as a hint. It answers a sub-major group
(2 digits) with a calibrated probability, then names a unit group (4 digits)
inside it when one unit clearly leads; otherwise the answer stays at 2 digits.

An answer below the model's threshold (stored in the model file, chosen so that
answers above it were right at least 96% of the time on development titles) is
marked ``confident=False``: the ingest stores its confidence but no group, so
an uncertain vacancy is flagged and counted rather than guessed silently.

The labelled titles carry no descriptions, so nothing could be learned from
them: a description is read only when the title itself names nothing (its
opening sentence then stands in for the title).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_ingest.occupation_features import job_words, posting_features
from jobs_ingest.occupation_model import MODEL_PATH, OccupationModel
from jobs_ingest.occupation_rules import OccupationRules, manager_of, read_keywords
from prakerja.models import OccupationGroup
from prakerja.reference.occupations import read_occupation_groups

__all__ = ["OccupationClassifier", "OccupationMatch", "manager_of", "read_keywords"]

CACHE_SIZE = 100_000
UNIT_MIN_SHARE = 0.5  # a unit is named only when it holds at least half of its sub-major's probability
DESCRIPTION_OPENING = re.compile(r"^\s*(.{1,120}?)(?:[.!?\n]|$)", re.DOTALL)


@dataclass(frozen=True)
class OccupationMatch:
    """A group for a posting: its code (4 or 2 digits), the probability its sub-major is right, its title.

    ``confident`` is False when the probability is below the model's threshold:
    such an answer is a guess, to be flagged rather than used as a fact.
    """

    code: str
    confidence: float
    title: str
    confident: bool = True


@lru_cache(maxsize=1)
def shipped_model() -> OccupationModel:
    """The model file inside the package, read once."""
    return OccupationModel.load(MODEL_PATH)


class OccupationClassifier:
    """Places postings in KBJI groups with calibrated confidence.

    Parameters
    ----------
    groups
        ``code -> title`` of the groups an answer may name (a database may hold fewer than the model knows).
    model
        The trained model (default: the shipped one).
    rules
        Keyword rules for the hint feature; always the shipped ones, as in training.
    """

    def __init__(
        self, groups: dict[str, str], model: OccupationModel | None = None, rules: OccupationRules | None = None
    ) -> None:
        self.groups_ = dict(groups)
        self.model_ = model or shipped_model()
        self.rules_ = rules or _shipped_rules()
        self.threshold_ = self.model_.threshold
        self._allowed = np.array([code in self.groups_ for code in self.model_.sub_major.classes])
        units = self.model_.unit.classes.astype(str)
        known = np.array([code in self.groups_ for code in units], dtype=bool)
        self._units_of = {str(c): np.char.startswith(units, str(c)) & known for c in self.model_.sub_major.classes}
        # Boards repeat the same titles endlessly, and the answer depends on the naming text and department only.
        self._answer = lru_cache(maxsize=CACHE_SIZE)(self._answer_uncached)

    @classmethod
    def from_reference(cls) -> OccupationClassifier:
        """A classifier over the shipped occupation groups."""
        return cls({row["code"]: row["title_id"] for row in read_occupation_groups()})

    @classmethod
    def from_session(cls, session: Session) -> OccupationClassifier:
        """A classifier answering only groups stored in the database (the vacancy's foreign key needs them)."""
        rows = session.execute(select(OccupationGroup.code, OccupationGroup.title_id)).all()
        return cls({code: title for code, title in rows if len(code) <= 4})

    def classify(
        self, title: str | None, department: str | None = None, description: str | None = None
    ) -> OccupationMatch | None:
        """The most likely group of a posting, or None when neither title nor description names anything.

        Parameters
        ----------
        title, department
            The posting's job title and the board's department (may be None or "N/A").
        description
            Read only when the title holds no job words.
        """
        return self._answer(_naming_text(title, description), department)

    def _answer_uncached(self, naming_text: str | None, department: str | None) -> OccupationMatch | None:
        return self.classify_many([(naming_text, department, None)])[0]

    def classify_many(
        self, postings: list[tuple[str | None, str | None, str | None]]
    ) -> list[OccupationMatch | None]:
        """:meth:`classify` for many ``(title, department, description)`` at once (one matrix product)."""
        titles = [_naming_text(title, description) for title, _department, description in postings]
        placeable = [i for i, title in enumerate(titles) if title is not None and self._allowed.any()]
        answers: list[OccupationMatch | None] = [None] * len(postings)
        if not placeable:
            return answers
        x = self.model_.matrix([posting_features(self.rules_, titles[i], postings[i][1]) for i in placeable])
        sub_major = np.where(self._allowed, self.model_.sub_major_proba(x), 0.0)
        units = self.model_.unit_proba(x)
        for row, i in enumerate(placeable):
            best = int(sub_major[row].argmax())
            confidence = float(sub_major[row, best])
            code = self._unit_within(str(self.model_.sub_major.classes[best]), units[row])
            answers[i] = OccupationMatch(
                code, round(confidence, 3), self.groups_.get(code, code), confidence >= self.threshold_
            )
        return answers

    def _unit_within(self, sub_major: str, proba: np.ndarray) -> str:
        """The unit of ``sub_major`` holding at least half of the sub-major's unit probability, else the sub-major."""
        inside = self._units_of.get(sub_major)
        if inside is None or not inside.any():
            return sub_major
        shares = np.where(inside, proba, 0.0)
        best = int(shares.argmax())
        return str(self.model_.unit.classes[best]) if shares[best] >= UNIT_MIN_SHARE * shares.sum() else sub_major


def _naming_text(title: str | None, description: str | None) -> str | None:
    """The title, or the opening sentence of the description when the title names nothing; None when neither does."""
    if not job_words(title) and description:
        opening = DESCRIPTION_OPENING.match(description)
        title = opening.group(1) if opening else None
    return title if job_words(title) else None


@lru_cache(maxsize=1)
def _shipped_rules() -> OccupationRules:
    return OccupationRules.from_reference()
