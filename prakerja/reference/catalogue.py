"""The demo training catalogue: providers and their courses, with skills taught and occupations served.

``providers.csv``: slug, name, kind, regency_code (empty for online-only platforms).
``courses.csv``: code, title, provider (slug), mode, hours, price_idr, certificate,
description, skills (``slug:level|...``, level 1 basic to 3 advanced) and
occupations (``code|...``). Both are written by ``tools/build_catalogue.py``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from prakerja import vocab
from prakerja.db import insert_rows
from prakerja.models import Course, CourseOccupation, CourseSkill, Provider, Skill
from prakerja.reference.paths import REFERENCE_DIR

SKILL_LEVELS = (1, 2, 3)


@dataclass(frozen=True)
class CourseRecord:
    """One course of the shipped catalogue, before it has database ids."""

    fields: dict  # the columns of ``courses`` except provider_id
    provider: str
    skills: tuple[tuple[str, int], ...]  # (skill slug, level)
    occupations: tuple[str, ...]


def read_providers(path: Path | None = None) -> list[dict]:
    """Rows for ``providers``."""
    path = path or REFERENCE_DIR / "providers.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        rows = [
            {"slug": r["slug"], "name": r["name"], "kind": r["kind"], "regency_code": r["regency_code"] or None}
            for r in csv.DictReader(handle)
        ]
    for row in rows:
        if row["kind"] not in vocab.PROVIDER_KINDS:
            raise ValueError(f"{path}: provider {row['slug']!r} has unknown kind {row['kind']!r}")
    return rows


def _skill_levels(text: str, code: str) -> tuple[tuple[str, int], ...]:
    pairs = []
    for item in text.split("|"):
        slug, _, level = item.partition(":")
        if not level.isdigit() or int(level) not in SKILL_LEVELS:
            raise ValueError(f"course {code!r}: skill {item!r} needs a level 1-3 as slug:level")
        pairs.append((slug, int(level)))
    return tuple(pairs)


def read_courses(path: Path | None = None) -> list[CourseRecord]:
    """The shipped courses, in file order."""
    path = path or REFERENCE_DIR / "courses.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        records = []
        for r in csv.DictReader(handle):
            if r["mode"] not in vocab.COURSE_MODES:
                raise ValueError(f"{path}: course {r['code']!r} has unknown mode {r['mode']!r}")
            records.append(
                CourseRecord(
                    fields={
                        "code": r["code"],
                        "title": r["title"],
                        "mode": r["mode"],
                        "hours": int(r["hours"]),
                        "price_idr": int(r["price_idr"]),
                        "certificate": r["certificate"] or None,
                        "description": r["description"] or None,
                    },
                    provider=r["provider"],
                    skills=_skill_levels(r["skills"], r["code"]),
                    occupations=tuple(c for c in r["occupations"].split("|") if c),
                )
            )
    return records


def load_catalogue(session: Session) -> dict[str, int]:
    """Insert providers, courses and their links; needs regions, occupations and skills loaded."""
    providers = read_providers()
    courses = read_courses()
    insert_rows(session, Provider, providers)
    provider_ids = dict(session.execute(select(Provider.slug, Provider.id)).all())
    insert_rows(session, Course, [{**c.fields, "provider_id": provider_ids[c.provider]} for c in courses])
    course_ids = dict(session.execute(select(Course.code, Course.id)).all())
    skill_ids = dict(session.execute(select(Skill.slug, Skill.id)).all())
    course_skills = [
        {"course_id": course_ids[c.fields["code"]], "skill_id": skill_ids[slug], "level": level}
        for c in courses
        for slug, level in c.skills
    ]
    course_occupations = [
        {"course_id": course_ids[c.fields["code"]], "occupation_code": code} for c in courses for code in c.occupations
    ]
    insert_rows(session, CourseSkill, course_skills)
    insert_rows(session, CourseOccupation, course_occupations)
    return {
        "providers": len(providers),
        "courses": len(courses),
        "course_skills": len(course_skills),
        "course_occupations": len(course_occupations),
    }
