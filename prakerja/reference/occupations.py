"""Occupation groups (KBJI 2014 / ISCO-08) the project ships, and their code arithmetic.

The shipped file holds every major (1-digit) and sub-major (2-digit) group and
the minor (3-digit) and unit (4-digit) groups that job-board postings and
Prakerja courses use most, with titles written by the project in Indonesian and
English. Level and parent are derived from the code, never typed by hand, so the
tree cannot disagree with itself. An official KBJI file adds the rest
(:mod:`prakerja.reference.kbji`).
"""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy.orm import Session

from prakerja.db import insert_rows
from prakerja.models import OccupationGroup
from prakerja.reference.paths import REFERENCE_DIR

PROJECT_SOURCE = "project"
# KBJI codes have 1, 2, 3 or 4 digits, or 4 digits, a dot and 2 digits for a job ("0111.01").
LEVELS = (1, 2, 3, 4, 6)


def code_level(code: str) -> int:
    """The number of digits of a code: ``"0111.01"`` -> 6."""
    return len(code.replace(".", ""))


def parent_of(code: str) -> str | None:
    """The code of the enclosing group: ``"0111.01"`` -> ``"0111"``, ``"25"`` -> ``"2"``, ``"2"`` -> None."""
    digits = code.replace(".", "")
    if len(digits) <= 1:
        return None
    return digits[:4] if len(digits) == 6 else digits[:-1]


def read_occupation_groups(path: Path | None = None) -> list[dict]:
    """Rows for ``occupation_groups`` from the shipped CSV (code, title_id, title_en, description)."""
    path = path or REFERENCE_DIR / "occupation_groups.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        return [
            {
                "code": row["code"],
                "level": code_level(row["code"]),
                "parent_code": parent_of(row["code"]),
                "title_id": row["title_id"],
                "title_en": row["title_en"] or None,
                "description": row["description"] or None,
                "source": PROJECT_SOURCE,
            }
            for row in csv.DictReader(handle)
        ]


def load_occupation_groups(session: Session) -> dict[str, int]:
    """Insert the project's groups, parents first; the caller's transaction commits."""
    rows = sorted(read_occupation_groups(), key=lambda row: (row["level"], row["code"]))
    insert_rows(session, OccupationGroup, rows)
    return {"occupation_groups": len(rows)}
