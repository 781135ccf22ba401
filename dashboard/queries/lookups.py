"""Small reference lookups the pages show in pickers."""

from __future__ import annotations

from sqlalchemy import Engine, select

from prakerja.models import Province


def province_names(engine: Engine) -> dict[str, str]:
    """Province code -> name, by code."""
    with engine.connect() as connection:
        return dict(connection.execute(select(Province.code, Province.name).order_by(Province.code)).all())
