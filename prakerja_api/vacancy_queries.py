"""Reading vacancies for the API: a filtered, keyset-paginated list and one vacancy in full."""

from __future__ import annotations

from sqlalchemy import Engine, and_, func, or_, select

from prakerja.models import Province, Regency, Skill, Vacancy, VacancySkill, VacancySource
from prakerja_api.schemas import (
    VacancyDetail,
    VacancyPage,
    VacancyQuery,
    VacancySkillOut,
    VacancySourceOut,
    VacancySummary,
    parse_types,
)

_SUMMARY_COLUMNS = (
    Vacancy.id,
    Vacancy.title,
    Vacancy.company,
    Vacancy.regency_code,
    Regency.name.label("regency"),
    Vacancy.province_code,
    Province.name.label("province"),
    Vacancy.remote,
    Vacancy.salary_min_idr,
    Vacancy.salary_max_idr,
    Vacancy.employment_types,
    Vacancy.occupation_code,
    Vacancy.posted_at,
    Vacancy.expires_at,
    Vacancy.status,
)


def _with_places(statement):
    return statement.outerjoin(Regency, Regency.code == Vacancy.regency_code).outerjoin(
        Province, Province.code == Vacancy.province_code
    )


def _summary_values(row) -> dict:
    return {
        "id": int(row.id),
        "title": row.title,
        "company": row.company,
        "regency_code": row.regency_code,
        "regency": row.regency,
        "province_code": row.province_code,
        "province": row.province,
        "remote": bool(row.remote),
        "salary_min": row.salary_min_idr,
        "salary_max": row.salary_max_idr,
        "employment_types": [t for t in (row.employment_types or "").split(",") if t],
        "occupation_code": row.occupation_code,
        "posted_at": row.posted_at,
        "expires_at": row.expires_at,
        "status": row.status,
    }


def list_vacancies(engine: Engine, query: VacancyQuery) -> VacancyPage:
    """Vacancies matching ``query`` with an id above ``query.after``, by id, one page."""
    conditions = [Vacancy.id > query.after]
    if query.status is not None:
        conditions.append(Vacancy.status == query.status)
    if query.province is not None:
        conditions.append(Vacancy.province_code == query.province)
    if query.regency is not None:
        conditions.append(Vacancy.regency_code == query.regency)
    if query.occupation is not None:
        conditions.append(Vacancy.occupation_code.startswith(query.occupation, autoescape=True))
    if query.min_wage is not None:
        conditions.append(func.coalesce(Vacancy.salary_max_idr, Vacancy.salary_min_idr) >= query.min_wage)
    types = parse_types(query.types)
    if types:
        conditions.append(or_(*(Vacancy.employment_types.contains(t, autoescape=True) for t in types)))
    if query.remote is not None:
        conditions.append(Vacancy.remote.is_(query.remote))
    if query.q is not None:
        conditions += [func.lower(Vacancy.title).contains(word, autoescape=True) for word in query.q.lower().split()]
    statement = _with_places(select(*_SUMMARY_COLUMNS)).where(and_(*conditions)).order_by(Vacancy.id).limit(query.limit + 1)
    with engine.connect() as connection:
        rows = connection.execute(statement).all()
    page = [VacancySummary(**_summary_values(row)) for row in rows[: query.limit]]
    return VacancyPage(vacancies=page, next_after=page[-1].id if len(rows) > query.limit else None)


def vacancy_detail(engine: Engine, vacancy_id: int) -> VacancyDetail | None:
    """One vacancy with its skills and the boards that carry it; None when the id is unknown."""
    columns = (
        *_SUMMARY_COLUMNS, Vacancy.description, Vacancy.department, Vacancy.job_level, Vacancy.location_text,
        Vacancy.location_kind, Vacancy.salary_text,
    )
    with engine.connect() as connection:
        row = connection.execute(_with_places(select(*columns)).where(Vacancy.id == vacancy_id)).first()
        if row is None:
            return None
        skills = connection.execute(
            select(Skill.slug, Skill.name_id, VacancySkill.required)
            .join(Skill, Skill.id == VacancySkill.skill_id)
            .where(VacancySkill.vacancy_id == vacancy_id)
            .order_by(VacancySkill.required.desc(), Skill.slug)
        ).all()
        sources = connection.execute(
            select(VacancySource.source, VacancySource.url, VacancySource.status, VacancySource.first_seen, VacancySource.last_seen)
            .where(VacancySource.vacancy_id == vacancy_id)
            .order_by(VacancySource.id)
        ).all()
    return VacancyDetail(
        **_summary_values(row),
        description=row.description,
        department=row.department,
        job_level=row.job_level,
        location_text=row.location_text,
        location_kind=row.location_kind,
        salary_text=row.salary_text,
        skills=[VacancySkillOut(slug=s.slug, name=s.name_id, required=bool(s.required)) for s in skills],
        sources=[
            VacancySourceOut(board=s.source, url=s.url, status=s.status, first_seen=s.first_seen, last_seen=s.last_seen)
            for s in sources
        ],
    )
