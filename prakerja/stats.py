"""Row counts per table, for `prakerja db stats` and health pages."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from prakerja.models import Base


def table_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            name: connection.scalar(select(func.count()).select_from(table))
            for name, table in sorted(Base.metadata.tables.items())
        }
