"""Loads every shipped reference table in one transaction, in dependency order."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prakerja.models import Province
from prakerja.reference.catalogue import load_catalogue
from prakerja.reference.kbji import import_kbji
from prakerja.reference.occupations import load_occupation_groups
from prakerja.reference.regions import load_regions
from prakerja.reference.skills import load_skills


def reference_loaded(session: Session) -> bool:
    return bool(session.scalar(select(func.count()).select_from(Province)))


def load_reference(session: Session, kbji_path: Path | None = None) -> dict[str, int]:
    """Insert regions, occupation groups, skills and the course catalogue.

    Parameters
    ----------
    session
        A session inside a transaction; nothing is committed here, so a failure
        anywhere leaves the database as it was.
    kbji_path
        An official KBJI 2014 file (digit, kode, judul, deskripsi) to import on top
        of the project's own major and sub-major groups.

    Returns
    -------
    dict
        Rows inserted per table.
    """
    counts: dict[str, int] = {}
    counts.update(load_regions(session))
    counts.update(load_occupation_groups(session))
    if kbji_path is not None:
        counts.update(import_kbji(session, kbji_path))
    counts.update(load_skills(session))
    counts.update(load_catalogue(session))
    return counts
