"""One participant's own records: profile, trainings and certificates.

Every function takes the participant id of the signed-in account; pages never
let a participant choose another id.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, func, select

from prakerja.models import Course, Enrollment, Interaction, Participant, Province, Provider, Regency, Vacancy

COURSE = "course"
PROVIDER = "provider"
MODE = "mode"
HOURS = "hours"
STARTED = "started_on"
COMPLETED = "completed_on"
CERTIFICATE = "certificate"
CERTIFIED_BY = "certified_by"


def profile(engine: Engine, participant_id: int) -> dict | None:
    """Place, wave and wage before of one participant (None when unknown)."""
    query = (
        select(Participant.pseudonym, Participant.wave, Participant.wage_before_idr, Regency.name.label("regency"), Province.name.label("province"))
        .join(Regency, Regency.code == Participant.regency_code)
        .join(Province, Province.code == Regency.province_code)
        .where(Participant.id == int(participant_id))
    )
    with engine.connect() as connection:
        row = connection.execute(query).first()
    return None if row is None else dict(row._mapping)


def trainings(engine: Engine, participant_id: int) -> pd.DataFrame:
    """The participant's enrollments, newest first: course, provider, mode, hours, dates, certificate."""
    query = (
        select(Course.title, Provider.name, Course.mode, Course.hours, Enrollment.started_on, Enrollment.completed_on, Enrollment.certificate, Course.certificate)
        .select_from(Enrollment)
        .join(Course, Course.id == Enrollment.course_id)
        .join(Provider, Provider.id == Course.provider_id)
        .where(Enrollment.participant_id == int(participant_id))
        .order_by(Enrollment.started_on.desc(), Course.title)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return pd.DataFrame(rows, columns=[COURSE, PROVIDER, MODE, HOURS, STARTED, COMPLETED, CERTIFICATE, CERTIFIED_BY])


def saved_vacancies(engine: Engine, participant_id: int) -> pd.DataFrame:
    """Vacancies the participant saved, newest first: vacancy_id, title, company, saved_at."""
    query = (
        select(Vacancy.id, Vacancy.title, Vacancy.company, func.max(Interaction.occurred_at).label("saved_at"))
        .join(Interaction, Interaction.vacancy_id == Vacancy.id)
        .where(Interaction.participant_id == int(participant_id), Interaction.kind == "saved")
        .group_by(Vacancy.id, Vacancy.title, Vacancy.company)
        .order_by(func.max(Interaction.occurred_at).desc())
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return pd.DataFrame(rows, columns=["vacancy_id", "title", "company", "saved_at"])
