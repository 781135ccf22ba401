"""The bilingual skills vocabulary: skills, their surface forms, and the occupations asking for them.

``skills.csv`` holds one skill per row: slug, kind (hard, soft, certificate),
Indonesian and English names, ``|``-separated aliases per language and the
occupation groups that typically ask for the skill. Names are aliases too. Every
alias is stored lower-case with single spaces (:func:`normalize_alias`), once per
skill, in the language it was first listed under.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from prakerja import vocab
from prakerja.db import insert_rows
from prakerja.models import Skill, SkillAlias, SkillOccupation
from prakerja.reference.paths import REFERENCE_DIR

_SPACES = re.compile(r"\s+")
_PARENTHESISED = re.compile(r"\s*\([^)]*\)")


def normalize_alias(text: str) -> str:
    """Lower-case, trimmed, single-spaced: the form aliases are stored and matched in."""
    return _SPACES.sub(" ", text).strip().lower()


@dataclass(frozen=True)
class SkillRecord:
    """One skill of the shipped vocabulary, before it has a database id."""

    slug: str
    kind: str
    name_id: str
    name_en: str
    aliases: tuple[tuple[str, str], ...]  # (alias, lang), unique by alias
    occupations: tuple[str, ...]


def _aliases(row: dict) -> tuple[tuple[str, str], ...]:
    """Names (without parenthesised parts) and listed aliases, first language wins."""
    candidates = [
        (_PARENTHESISED.sub("", row["name_id"]), "id"),
        *((alias, "id") for alias in row["aliases_id"].split("|")),
        (_PARENTHESISED.sub("", row["name_en"]), "en"),
        *((alias, "en") for alias in row["aliases_en"].split("|")),
    ]
    seen: dict[str, str] = {}
    for alias, lang in candidates:
        alias = normalize_alias(alias)
        if alias and alias not in seen:
            seen[alias] = lang
    return tuple(seen.items())


def read_skills(path: Path | None = None) -> list[SkillRecord]:
    """The shipped skills, in file order."""
    path = path or REFERENCE_DIR / "skills.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        records = []
        for row in csv.DictReader(handle):
            if row["kind"] not in vocab.SKILL_KINDS:
                raise ValueError(f"{path}: skill {row['slug']!r} has unknown kind {row['kind']!r}")
            records.append(
                SkillRecord(
                    slug=row["slug"],
                    kind=row["kind"],
                    name_id=row["name_id"],
                    name_en=row["name_en"],
                    aliases=_aliases(row),
                    occupations=tuple(code for code in row["occupations"].split("|") if code),
                )
            )
    return records


def load_skills(session: Session) -> dict[str, int]:
    """Insert skills, their aliases and occupation links; needs the occupation groups loaded."""
    records = read_skills()
    insert_rows(session, Skill, [{"slug": r.slug, "name_id": r.name_id, "name_en": r.name_en, "kind": r.kind} for r in records])
    ids = dict(session.execute(select(Skill.slug, Skill.id)).all())
    aliases = [
        {"skill_id": ids[r.slug], "alias": alias, "lang": lang} for r in records for alias, lang in r.aliases
    ]
    links = [{"skill_id": ids[r.slug], "occupation_code": code} for r in records for code in r.occupations]
    insert_rows(session, SkillAlias, aliases)
    insert_rows(session, SkillOccupation, links)
    return {"skills": len(records), "skill_aliases": len(aliases), "skill_occupations": len(links)}
