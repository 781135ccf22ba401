"""Skills supply (people trained in a skill) against demand (active vacancies asking for it).

Supply counts distinct participants who completed a course teaching the skill,
by the participant's province; demand counts active vacancies by the
vacancy's province (national and remote vacancies count only nationally).
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, distinct, func, select

from dashboard.queries.privacy import SUPPRESSED, blank_rows, suppress_matrix
from dashboard.queries.scope import participants_in_scope
from prakerja.models import CourseSkill, Enrollment, Participant, Regency, Skill, Vacancy, VacancySkill

SKILL = "skill"
SUPPLY = "trained_people"
DEMAND = "active_vacancies"
SUPPLY_SHARE = "supply_share"
DEMAND_SHARE = "demand_share"
GAP = "gap"


def supply_by_province(engine: Engine) -> pd.DataFrame:
    """People who completed a course teaching each skill: one row per province, one column per skill id (zeros filled)."""
    query = participants_in_scope(
        select(Regency.province_code, CourseSkill.skill_id, func.count(distinct(Participant.id)))
        .select_from(Enrollment)
        .join(Participant, Participant.id == Enrollment.participant_id)
        .join(CourseSkill, CourseSkill.course_id == Enrollment.course_id)
        .where(Enrollment.completed_on.is_not(None)),
        None,
    ).group_by(Regency.province_code, CourseSkill.skill_id)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    long = pd.DataFrame(rows, columns=["province", "skill_id", "people"])
    return long.pivot_table(index="province", columns="skill_id", values="people", aggfunc="sum", fill_value=0).sort_index(axis=0).sort_index(axis=1)


def suppressed_supply(engine: Engine) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """The province x skill supply, its hidden cells and its hidden national totals (:func:`suppress_matrix`)."""
    matrix = supply_by_province(engine)
    return (matrix, *suppress_matrix(matrix))


def skills_supply_demand(engine: Engine, province_code: str | None = None, lang: str = "id") -> pd.DataFrame:
    """Per skill: people trained, vacancies asking, both as shares and their gap (demand share minus supply share).

    A positive gap is a skill the market asks for more than training supplies.
    Supply is suppressed for skills trained by fewer than 10 people, and
    completed over the whole province x skill table (a national manager sees
    every province's table and the national one, whose shares reveal their
    totals), so no hidden figure can be worked out by subtraction.
    """
    name = Skill.name_id if lang == "id" else Skill.name_en
    matrix, hidden_cells, hidden_totals = suppressed_supply(engine)
    if province_code is None:
        supply, hidden = matrix.sum(axis=0), hidden_totals
    elif province_code in matrix.index:
        supply, hidden = matrix.loc[province_code], hidden_cells.loc[province_code]
    else:
        supply, hidden = pd.Series(dtype="int64"), pd.Series(dtype=bool)
    supply, hidden = supply[supply > 0], hidden[supply > 0]
    demand_query = (
        select(VacancySkill.skill_id, func.count())
        .join(Vacancy, Vacancy.id == VacancySkill.vacancy_id)
        .where(Vacancy.status == "active")
        .group_by(VacancySkill.skill_id)
    )
    if province_code is not None:
        demand_query = demand_query.where(Vacancy.province_code == province_code)
    with engine.connect() as connection:
        demand = dict(connection.execute(demand_query).all())
        names = dict(connection.execute(select(Skill.id, name).where(Skill.id.in_(set(supply.index) | set(demand)))).all())
    frame = pd.DataFrame({"skill_id": sorted(names)})
    frame[SKILL] = frame["skill_id"].map(names)
    frame[SUPPLY] = frame["skill_id"].map(supply).fillna(0).astype("int64")
    frame[DEMAND] = frame["skill_id"].map(demand).fillna(0).astype("int64")
    frame[SUPPLY_SHARE] = frame[SUPPLY] / max(int(frame[SUPPLY].sum()), 1)
    frame[DEMAND_SHARE] = frame[DEMAND] / max(int(frame[DEMAND].sum()), 1)
    frame[GAP] = frame[DEMAND_SHARE] - frame[SUPPLY_SHARE]
    is_hidden = frame["skill_id"].map(hidden).fillna(False).to_numpy(dtype=bool)
    frame = frame.drop(columns=["skill_id"])
    blanked = blank_rows(frame[[SUPPLY, SUPPLY_SHARE, GAP]], is_hidden)
    frame[[SUPPLY, SUPPLY_SHARE, GAP]] = blanked[[SUPPLY, SUPPLY_SHARE, GAP]]
    frame[SUPPRESSED] = is_hidden
    return frame.sort_values(GAP, ascending=False, ignore_index=True)
