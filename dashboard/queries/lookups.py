"""Small reference lookups the pages show in pickers."""

from __future__ import annotations

from sqlalchemy import Engine, select

from prakerja.models import Province, Skill


def province_names(engine: Engine) -> dict[str, str]:
    """Province code -> name, by code."""
    with engine.connect() as connection:
        return dict(connection.execute(select(Province.code, Province.name).order_by(Province.code)).all())


def english_skill_names(engine: Engine) -> dict[str, str]:
    """Indonesian skill name -> English name (the recommender and vacancies name skills in Indonesian)."""
    with engine.connect() as connection:
        return {name_id: name_en for name_id, name_en in connection.execute(select(Skill.name_id, Skill.name_en)) if name_en}
