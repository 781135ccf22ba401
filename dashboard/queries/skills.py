"""Skills supply (people trained in a skill) against demand (active vacancies asking for it).

Supply counts distinct participants who completed a course teaching the skill,
by the participant's province; demand counts active vacancies by the
vacancy's province (national and remote vacancies count only nationally).
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, distinct, func, select

from dashboard.queries.privacy import suppress_small_groups
from dashboard.queries.scope import participants_in_scope
from prakerja.models import CourseSkill, Enrollment, Participant, Skill, Vacancy, VacancySkill

SKILL = "skill"
SUPPLY = "trained_people"
DEMAND = "active_vacancies"
SUPPLY_SHARE = "supply_share"
DEMAND_SHARE = "demand_share"
GAP = "gap"


def skills_supply_demand(engine: Engine, province_code: str | None = None, lang: str = "id") -> pd.DataFrame:
    """Per skill: people trained, vacancies asking, both as shares and their gap (demand share minus supply share).

    A positive gap is a skill the market asks for more than training supplies.
    Skills trained by fewer than 10 people have their supply suppressed.
    """
    name = Skill.name_id if lang == "id" else Skill.name_en
    supply_query = participants_in_scope(
        select(CourseSkill.skill_id, func.count(distinct(Participant.id)))
        .select_from(Enrollment)
        .join(Participant, Participant.id == Enrollment.participant_id)
        .join(CourseSkill, CourseSkill.course_id == Enrollment.course_id)
        .where(Enrollment.completed_on.is_not(None)),
        province_code,
    ).group_by(CourseSkill.skill_id)
    demand_query = (
        select(VacancySkill.skill_id, func.count())
        .join(Vacancy, Vacancy.id == VacancySkill.vacancy_id)
        .where(Vacancy.status == "active")
        .group_by(VacancySkill.skill_id)
    )
    if province_code is not None:
        demand_query = demand_query.where(Vacancy.province_code == province_code)
    with engine.connect() as connection:
        supply = dict(connection.execute(supply_query).all())
        demand = dict(connection.execute(demand_query).all())
        names = dict(connection.execute(select(Skill.id, name).where(Skill.id.in_(set(supply) | set(demand)))).all())
    frame = pd.DataFrame({"skill_id": sorted(names)})
    frame[SKILL] = frame["skill_id"].map(names)
    frame[SUPPLY] = frame["skill_id"].map(supply).fillna(0).astype("int64")
    frame[DEMAND] = frame["skill_id"].map(demand).fillna(0).astype("int64")
    frame[SUPPLY_SHARE] = frame[SUPPLY] / max(int(frame[SUPPLY].sum()), 1)
    frame[DEMAND_SHARE] = frame[DEMAND] / max(int(frame[DEMAND].sum()), 1)
    frame[GAP] = frame[DEMAND_SHARE] - frame[SUPPLY_SHARE]
    frame = frame.drop(columns=["skill_id"]).sort_values(GAP, ascending=False, ignore_index=True)
    hidden = suppress_small_groups(frame[[SUPPLY, SUPPLY_SHARE, GAP]], SUPPLY)
    frame[[SUPPLY, SUPPLY_SHARE, GAP]] = hidden[[SUPPLY, SUPPLY_SHARE, GAP]]
    frame["suppressed"] = hidden["suppressed"]
    return frame
