"""Values the database keeps about itself (the ``settings`` table): name -> text.

A secret that must travel with the data (the pseudonym key) lives here rather
than in a file or an environment variable: it is then backed up, restored and
shared by every process with the database, and it is never in the repository.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from prakerja.models import Setting


def read_setting(session: Session, name: str) -> str | None:
    """The stored value of ``name``, or None."""
    return session.scalar(select(Setting.value).where(Setting.name == name))


def write_setting(session: Session, name: str, value: str) -> None:
    """Store ``value`` under ``name``, replacing any earlier value."""
    row = session.get(Setting, name)
    if row is None:
        session.add(Setting(name=name, value=value))
    else:
        row.value = value
