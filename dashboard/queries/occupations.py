"""Active vacancies by occupation group, and how many were left out of that view and why.

The ingest stores an occupation group only when the classifier is confident
(docs/normalization.md); an uncertain vacancy keeps its confidence but no
group, and one whose title names nothing keeps neither. Those are not spread
over the groups by guesswork: they are counted apart so the reader knows the
view covers only part of the demand. Vacancies are not people: nothing here is
suppressed.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, case, func, select

from prakerja.models import OccupationGroup, Vacancy

GROUP = "occupation_group"
CODE = "occupation_code"
VACANCIES = "active_vacancies"
UNCERTAIN = "uncertain"  # classified, but below the confidence threshold
UNRECOGNISED = "unrecognised"  # the title named nothing the classifier knows


def vacancies_by_occupation(engine: Engine, province_code: str | None = None, lang: str = "id") -> pd.DataFrame:
    """Active vacancies per sub-major group (2 digits), most first; only vacancies with a sure group."""
    sub_major = func.substr(Vacancy.occupation_code, 1, 2)
    query = (
        select(sub_major.label("code"), func.count())
        .where(Vacancy.status == "active", Vacancy.occupation_code.is_not(None))
        .group_by(sub_major)
    )
    if province_code is not None:
        query = query.where(Vacancy.province_code == province_code)
    title = OccupationGroup.title_id if lang == "id" else func.coalesce(OccupationGroup.title_en, OccupationGroup.title_id)
    with engine.connect() as connection:
        counts = dict(connection.execute(query).all())
        names = dict(connection.execute(select(OccupationGroup.code, title).where(OccupationGroup.code.in_(counts))).all())
    frame = pd.DataFrame({CODE: list(counts), VACANCIES: list(counts.values())}, columns=[CODE, VACANCIES])
    frame[GROUP] = frame[CODE].map(lambda code: names.get(code, code))
    return frame.sort_values([VACANCIES, CODE], ascending=[False, True], ignore_index=True)[[CODE, GROUP, VACANCIES]]


def left_out_of_occupations(engine: Engine, province_code: str | None = None) -> dict[str, int]:
    """Active vacancies without a group: ``uncertain`` (low confidence) and ``unrecognised`` (nothing named)."""
    reason = case((Vacancy.occupation_confidence.is_(None), UNRECOGNISED), else_=UNCERTAIN)
    query = (
        select(reason, func.count())
        .where(Vacancy.status == "active", Vacancy.occupation_code.is_(None))
        .group_by(reason)
    )
    if province_code is not None:
        query = query.where(Vacancy.province_code == province_code)
    with engine.connect() as connection:
        found = dict(connection.execute(query).all())
    return {UNCERTAIN: int(found.get(UNCERTAIN, 0)), UNRECOGNISED: int(found.get(UNRECOGNISED, 0))}
