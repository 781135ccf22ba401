"""`prakerja init`: reference data, then the demo world, each all-or-nothing."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from sqlalchemy import Engine, func, select

from prakerja.db import transaction
from prakerja.errors import AlreadyInitialised
from prakerja.models import Participant
from prakerja.pseudonyms import ensure_secret
from prakerja.reference.loader import load_reference, reference_loaded


def initialise(
    engine: Engine,
    *,
    demo: bool = False,
    participants: int = 20_000,
    seed: int = 20200411,
    kbji_path: Path | None = None,
    skip_existing: bool = False,
    console: Console | None = None,
) -> list[str]:
    """Load what is missing and return one line per step for the operator.

    A part that is already loaded raises :class:`AlreadyInitialised` unless
    ``skip_existing`` is set, so a second ``init`` never doubles data.
    """
    report: list[str] = []
    with transaction(engine) as session:
        ensure_secret(session)  # the first init makes the pseudonym key (a demo world replaces it with its seed's)
        if reference_loaded(session):
            if not skip_existing:
                raise AlreadyInitialised(
                    "reference data is already loaded in this database; use --skip-existing to keep it, "
                    "or point DATABASE_URL at an empty database"
                )
            report.append("reference data: already loaded, kept")
            if kbji_path is not None:
                from prakerja.reference.kbji import import_kbji

                counts = import_kbji(session, kbji_path)
                report.append("KBJI file: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))
        else:
            counts = load_reference(session, kbji_path=kbji_path)
            report.append("reference data: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))
    if demo:
        with engine.connect() as connection:
            existing = connection.scalar(select(func.count()).select_from(Participant))
        if existing:
            if not skip_existing:
                raise AlreadyInitialised(
                    f"the database already holds {existing:,} participants; use --skip-existing to keep them, "
                    "or point DATABASE_URL at an empty database"
                )
            report.append(f"demo world: {existing:,} participants already present, kept")
        else:
            from prakerja.demo import generate_world

            counts = generate_world(engine, participants=participants, seed=seed, console=console)
            report.append("demo world: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))
    return report
