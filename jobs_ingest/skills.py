"""Skills named in a posting's text, found through the bilingual alias vocabulary.

``SkillExtractor`` compiles every alias of every skill (Indonesian and English,
abbreviations and spellings: "ms excel", "k3", "menjahit", "public speaking")
into one :class:`~jobs_ingest.phrases.PhraseMatcher`. Matching is
case-insensitive and word-boundary aware; where aliases overlap the longest
wins ("business developer" is not "developer"). An alias shared by two skills
yields both.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_ingest.phrases import PhraseMatcher, phrase_key
from prakerja.models import Skill, SkillAlias
from prakerja.reference.skills import read_skills


class SkillMatch(NamedTuple):
    """One mention of a skill: which skill, by which alias, at ``text[start:end]``.

    A named tuple because a long description yields dozens and building them is on the hot path.
    """

    skill_id: int
    slug: str
    alias: str
    start: int
    end: int

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end


class SkillExtractor:
    """Finds skills in free text.

    Parameters
    ----------
    aliases
        ``(alias, skill_id, slug)`` triples; build them with :meth:`from_session`
        or :meth:`from_reference` rather than by hand.
    """

    def __init__(self, aliases: Iterable[tuple[str, int, str]]) -> None:
        self.skills_by_key_: dict[str, list[tuple[int, str, str]]] = {}
        for alias, skill_id, slug in aliases:
            entries = self.skills_by_key_.setdefault(phrase_key(alias), [])
            if all(existing[0] != skill_id for existing in entries):
                entries.append((skill_id, slug, alias))
        self.matcher_ = PhraseMatcher(self.skills_by_key_)

    @classmethod
    def from_session(cls, session: Session) -> SkillExtractor:
        """An extractor over the skills and aliases stored in the database."""
        rows = session.execute(
            select(SkillAlias.alias, Skill.id, Skill.slug).join(Skill, Skill.id == SkillAlias.skill_id)
        ).all()
        return cls((alias, skill_id, slug) for alias, skill_id, slug in rows)

    @classmethod
    def from_reference(cls, path: Path | None = None) -> SkillExtractor:
        """An extractor over the shipped ``skills.csv``.

        Skill ids are positions in the file counted from 1, which are the ids a
        fresh ``prakerja init`` gives them.
        """
        return cls(
            (alias, number, record.slug)
            for number, record in enumerate(read_skills(path), start=1)
            for alias, _lang in record.aliases
        )

    def extract(self, text: str | None) -> list[SkillMatch]:
        """Every skill mention in ``text``, left to right."""
        if not text:
            return []
        return [
            SkillMatch(skill_id, slug, alias, hit.start, hit.end)
            for hit in self.matcher_.finditer(text)
            for skill_id, slug, alias in self.skills_by_key_[hit.key]
        ]

    def skill_ids(self, text: str | None) -> set[int]:
        """The distinct skills mentioned in ``text``."""
        return {match.skill_id for match in self.extract(text)}
