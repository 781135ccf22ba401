"""The one schema shared by jobs_ingest, recommender and dashboard.

SQLAlchemy 2 typed models. Every change goes through an Alembic migration in
``prakerja/migrations/versions``; ``tests/test_migrations.py`` checks that the
migrations and these models agree on SQLite and PostgreSQL.

Choices are stored as short strings with a CHECK constraint (not native enums)
so that bulk COPY/INSERT paths and both databases treat them alike. The allowed
values live in :mod:`prakerja.vocab`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from prakerja import vocab

# Big tables use 64-bit ids on PostgreSQL; SQLite only autoincrements INTEGER.
BigId = BigInteger().with_variant(Integer, "sqlite")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def choice(name: str, values: tuple[str, ...]) -> Enum:
    """A string column restricted to ``values`` by a named CHECK constraint."""
    return Enum(
        *values,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(v) for v in values),
        validate_strings=True,
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


# --------------------------------------------------------------------------
# Reference data: regions, occupations, skills, training catalogue
# --------------------------------------------------------------------------


class Province(Base):
    """A province by its 2-digit Kemendagri code."""

    __tablename__ = "provinces"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    capital: Mapped[str | None] = mapped_column(String(80))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    area_km2: Mapped[float | None] = mapped_column(Float)
    population: Mapped[int] = mapped_column(BigInteger)
    timezone: Mapped[int | None] = mapped_column(SmallInteger)  # UTC offset: 7, 8 or 9

    regencies: Mapped[list[Regency]] = relationship(back_populates="province")


class Regency(Base):
    """A kabupaten (regency) or kota (city) by its 4-digit Kemendagri code."""

    __tablename__ = "regencies"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"), index=True)
    name: Mapped[str] = mapped_column(String(80))  # "Kabupaten Sidoarjo", "Kota Surabaya"
    short_name: Mapped[str] = mapped_column(String(80))  # "Sidoarjo", "Surabaya"
    kind: Mapped[str] = mapped_column(choice("regency_kind", vocab.REGENCY_KINDS))
    capital: Mapped[str | None] = mapped_column(String(80))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    area_km2: Mapped[float | None] = mapped_column(Float)
    population: Mapped[int] = mapped_column(BigInteger)
    urban: Mapped[bool] = mapped_column(Boolean)  # kota and dense kabupaten; used for urban/rural segments

    province: Mapped[Province] = relationship(back_populates="regencies")


class OccupationGroup(Base):
    """A KBJI 2014 / ISCO-08 group: 1-digit major ... 4-digit unit group, 6-digit job."""

    __tablename__ = "occupation_groups"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    level: Mapped[int] = mapped_column(SmallInteger, index=True)  # number of digits
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("occupation_groups.code"), index=True)
    title_id: Mapped[str] = mapped_column(String(255))
    title_en: Mapped[str | None] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(32), default="project")  # "project" or "kbji-file"


class Skill(Base):
    """A canonical skill with its kind; names in both languages, more in aliases."""

    __tablename__ = "skills"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name_id: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(choice("skill_kind", vocab.SKILL_KINDS))

    aliases: Mapped[list[SkillAlias]] = relationship(back_populates="skill", cascade="all, delete-orphan")
    occupations: Mapped[list[SkillOccupation]] = relationship(cascade="all, delete-orphan")


class SkillAlias(Base):
    """A lower-case surface form of a skill, for extraction from text."""

    __tablename__ = "skill_aliases"
    __table_args__ = (UniqueConstraint("alias", "skill_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(120), index=True)
    lang: Mapped[str] = mapped_column(choice("alias_lang", vocab.LANGS))

    skill: Mapped[Skill] = relationship(back_populates="aliases")


class SkillOccupation(Base):
    """Links a skill to the occupation groups that typically ask for it."""

    __tablename__ = "skill_occupations"

    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True)
    occupation_code: Mapped[str] = mapped_column(ForeignKey("occupation_groups.code"), primary_key=True)


class Provider(Base):
    """A training provider (lembaga pelatihan / platform)."""

    __tablename__ = "providers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(choice("provider_kind", vocab.PROVIDER_KINDS))
    regency_code: Mapped[str | None] = mapped_column(ForeignKey("regencies.code"))

    courses: Mapped[list[Course]] = relationship(back_populates="provider")


class Course(Base):
    """A course of the training catalogue."""

    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(255))
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    mode: Mapped[str] = mapped_column(choice("course_mode", vocab.COURSE_MODES))
    hours: Mapped[int] = mapped_column(SmallInteger)
    price_idr: Mapped[int] = mapped_column(Integer)
    certificate: Mapped[str | None] = mapped_column(String(80))  # e.g. "BNSP" when certified
    description: Mapped[str | None] = mapped_column(Text)

    provider: Mapped[Provider] = relationship(back_populates="courses")
    skills: Mapped[list[CourseSkill]] = relationship(cascade="all, delete-orphan")
    occupations: Mapped[list[CourseOccupation]] = relationship(cascade="all, delete-orphan")


class CourseSkill(Base):
    """A skill a course teaches, with the level reached (1 basic, 2 intermediate, 3 advanced)."""

    __tablename__ = "course_skills"

    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id"), primary_key=True, index=True)
    level: Mapped[int] = mapped_column(SmallInteger, default=1)


class CourseOccupation(Base):
    """An occupation group a course prepares for."""

    __tablename__ = "course_occupations"

    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True)
    occupation_code: Mapped[str] = mapped_column(ForeignKey("occupation_groups.code"), primary_key=True)


# --------------------------------------------------------------------------
# Participants and their trainings
# --------------------------------------------------------------------------


class Participant(Base):
    """A Prakerja beneficiary, known to researchers only by ``pseudonym``."""

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(24), unique=True)
    birth_year: Mapped[int] = mapped_column(SmallInteger)
    gender: Mapped[str] = mapped_column(choice("gender", vocab.GENDERS))
    disability: Mapped[bool] = mapped_column(Boolean, default=False)
    education: Mapped[str] = mapped_column(choice("education", vocab.EDUCATION_LEVELS))
    regency_code: Mapped[str] = mapped_column(ForeignKey("regencies.code"), index=True)
    wave: Mapped[int] = mapped_column(SmallInteger, index=True)
    registered_on: Mapped[dt.date] = mapped_column(Date)
    employment_status: Mapped[str] = mapped_column(choice("employment_status", vocab.EMPLOYMENT_STATUSES))
    wage_before_idr: Mapped[int | None] = mapped_column(Integer)  # monthly wage if employed
    turnover_before_idr: Mapped[int | None] = mapped_column(Integer)  # monthly turnover if micro business
    prior_occupation_code: Mapped[str | None] = mapped_column(ForeignKey("occupation_groups.code"))
    first_time_trainee: Mapped[bool] = mapped_column(Boolean, default=True)
    incentive_paid_idr: Mapped[int] = mapped_column(Integer, default=0)
    # How far the participant will go for work (vocab.REACH_KINDS); None: the default from their regency.
    reach: Mapped[str | None] = mapped_column(String(12))
    commute_km: Mapped[int | None] = mapped_column(SmallInteger)  # for reach "commute"; None: the default

    enrollments: Mapped[list[Enrollment]] = relationship(back_populates="participant")


class ParticipantSkill(Base):
    """A skill a participant declared at registration (trained skills come from enrollments)."""

    __tablename__ = "participant_skills"

    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True
    )
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id"), primary_key=True)


class Enrollment(Base):
    """A participant taking a course; ``completed_on`` is None while unfinished."""

    __tablename__ = "enrollments"
    __table_args__ = (Index("ix_enrollments_participant_course", "participant_id", "course_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    started_on: Mapped[dt.date] = mapped_column(Date)
    completed_on: Mapped[dt.date | None] = mapped_column(Date)
    certificate: Mapped[bool] = mapped_column(Boolean, default=False)

    participant: Mapped[Participant] = relationship(back_populates="enrollments")
    course: Mapped[Course] = relationship()


class Outcome(Base):
    """An observed labour-market outcome after training (survey, admin data or demo)."""

    __tablename__ = "outcomes"
    __table_args__ = (Index("ix_outcomes_participant_observed", "participant_id", "observed_on"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    employed: Mapped[bool] = mapped_column(Boolean)
    monthly_wage_idr: Mapped[int | None] = mapped_column(Integer)
    observed_on: Mapped[dt.date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(choice("outcome_source", vocab.OUTCOME_SOURCES))
    vacancy_id: Mapped[int | None] = mapped_column(ForeignKey("vacancies.id", ondelete="SET NULL"))


# --------------------------------------------------------------------------
# Vacancies and their ingestion
# --------------------------------------------------------------------------


class Vacancy(Base):
    """A job vacancy after normalization; one row per real job, however many boards carry it."""

    __tablename__ = "vacancies"
    __table_args__ = (
        Index("ix_vacancies_status_expires", "status", "expires_at"),
        Index("ix_vacancies_company_title", "company_norm", "title_norm"),
        Index("ix_vacancies_updated_at", "updated_at"),  # the serving workers' catalogue check
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    title: Mapped[str] = mapped_column(String(255))
    title_norm: Mapped[str] = mapped_column(String(255))  # lower-case, punctuation-free, for dedupe
    company: Mapped[str | None] = mapped_column(String(255))
    company_norm: Mapped[str | None] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    department: Mapped[str | None] = mapped_column(String(120))
    job_level: Mapped[str | None] = mapped_column(String(60))
    location_text: Mapped[str | None] = mapped_column(String(255))
    location_kind: Mapped[str] = mapped_column(choice("location_kind", vocab.LOCATION_KINDS))
    regency_code: Mapped[str | None] = mapped_column(ForeignKey("regencies.code"), index=True)
    province_code: Mapped[str | None] = mapped_column(ForeignKey("provinces.code"), index=True)
    remote: Mapped[bool] = mapped_column(Boolean, default=False)
    salary_min_idr: Mapped[int | None] = mapped_column(BigInteger)
    salary_max_idr: Mapped[int | None] = mapped_column(BigInteger)
    salary_currency: Mapped[str | None] = mapped_column(String(3))  # set when not converted to IDR
    salary_text: Mapped[str | None] = mapped_column(String(120))
    employment_types: Mapped[str | None] = mapped_column(String(80))  # comma-joined vocab.EMPLOYMENT_TYPES
    occupation_code: Mapped[str | None] = mapped_column(ForeignKey("occupation_groups.code"), index=True)
    occupation_confidence: Mapped[float | None] = mapped_column(Float)
    posted_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    first_seen: Mapped[dt.datetime] = mapped_column(DateTime)
    last_seen: Mapped[dt.datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(choice("vacancy_status", vocab.VACANCY_STATUSES), default="active")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now(), onupdate=func.now())

    skills: Mapped[list[VacancySkill]] = relationship(cascade="all, delete-orphan")
    sources: Mapped[list[VacancySource]] = relationship(back_populates="vacancy", cascade="all, delete-orphan")


class VacancySkill(Base):
    """A skill a vacancy asks for."""

    __tablename__ = "vacancy_skills"

    vacancy_id: Mapped[int] = mapped_column(ForeignKey("vacancies.id", ondelete="CASCADE"), primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id"), primary_key=True, index=True)
    required: Mapped[bool] = mapped_column(Boolean, default=True)


class VacancySource(Base):
    """One board's posting of a vacancy; several sources may share one vacancy (cross-board duplicates)."""

    __tablename__ = "vacancy_sources"
    __table_args__ = (UniqueConstraint("source", "source_id", name="uq_vacancy_sources_source_source_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    vacancy_id: Mapped[int] = mapped_column(ForeignKey("vacancies.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(60))  # board name, e.g. "dealls"
    source_id: Mapped[str] = mapped_column(String(255))  # board's id, or the URL when it has none
    url: Mapped[str | None] = mapped_column(String(1000), index=True)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    first_seen: Mapped[dt.datetime] = mapped_column(DateTime)
    last_seen: Mapped[dt.datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(choice("source_status", vocab.SOURCE_STATUSES), default="active")

    vacancy: Mapped[Vacancy] = relationship(back_populates="sources")


class IngestRun(Base):
    """One ingestion of a file or crawl, with the fate of its rows."""

    __tablename__ = "ingest_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(60), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # id-jobs, mapped, crawl, api
    location: Mapped[str | None] = mapped_column(String(1000))  # path or URL
    started_at: Mapped[dt.datetime] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(choice("run_status", vocab.RUN_STATUSES), default="running")
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class RawRow(Base):
    """An input row exactly as received, with what became of it."""

    __tablename__ = "raw_rows"
    __table_args__ = (Index("ix_raw_rows_run_row", "run_id", "row_number"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("ingest_runs.id", ondelete="CASCADE"))
    row_number: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    outcome: Mapped[str] = mapped_column(choice("row_outcome", vocab.ROW_OUTCOMES))
    vacancy_id: Mapped[int | None] = mapped_column(ForeignKey("vacancies.id", ondelete="SET NULL"))


class Quarantine(Base):
    """A row that could not become a vacancy, kept whole with the reason."""

    __tablename__ = "quarantine"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_runs.id", ondelete="SET NULL"), index=True)
    source: Mapped[str] = mapped_column(String(60), index=True)
    raw: Mapped[dict[str, Any]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())


# --------------------------------------------------------------------------
# Recommender: interactions, model runs, stored recommendations
# --------------------------------------------------------------------------


class ModelRun(Base):
    """One training run: what was trained, how well it did, where the artifact lies."""

    __tablename__ = "model_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    algorithm: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    artifact_path: Mapped[str | None] = mapped_column(String(500))
    data_fingerprint: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())
    promoted: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    promoted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    notes: Mapped[str | None] = mapped_column(Text)


class Interaction(Base):
    """A participant's action on a vacancy; the model learns from these."""

    __tablename__ = "interactions"
    __table_args__ = (
        Index("ix_interactions_participant_time", "participant_id", "occurred_at"),
        Index("ix_interactions_vacancy_kind", "vacancy_id", "kind"),
        Index("ix_interactions_time", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    vacancy_id: Mapped[int] = mapped_column(ForeignKey("vacancies.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(choice("interaction_kind", vocab.INTERACTION_KINDS))
    occurred_at: Mapped[dt.datetime] = mapped_column(DateTime)
    model_run_id: Mapped[int | None] = mapped_column(ForeignKey("model_runs.id", ondelete="SET NULL"))
    client_key: Mapped[str | None] = mapped_column(String(80), unique=True)  # idempotent API feedback


class Recommendation(Base):
    """A stored top-K list entry written by ``prakerja score-all``."""

    __tablename__ = "recommendations"
    __table_args__ = (Index("ix_recommendations_run_participant_rank", "model_run_id", "participant_id", "rank"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    model_run_id: Mapped[int] = mapped_column(ForeignKey("model_runs.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    vacancy_id: Mapped[int] = mapped_column(ForeignKey("vacancies.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(Float)
    rank: Mapped[int] = mapped_column(SmallInteger)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())


class ParticipantStep(Base):
    """How far each participant got (trained, recommended, applied, hired), as of ``refreshed_at``.

    A summary the dashboard rebuilds from enrollments, interactions,
    recommendations and outcomes (``dashboard.queries.steps``), so that
    programme-wide aggregates group one row per participant instead of
    scanning tens of millions of interactions on every page load.
    """

    __tablename__ = "participant_steps"

    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True)
    trained: Mapped[bool] = mapped_column(Boolean)
    recommended: Mapped[bool] = mapped_column(Boolean)
    applied: Mapped[bool] = mapped_column(Boolean)
    hired: Mapped[bool] = mapped_column(Boolean)
    applications: Mapped[int] = mapped_column(Integer)
    wage_after_idr: Mapped[int | None] = mapped_column(Integer)  # latest outcome's wage when employed
    refreshed_at: Mapped[dt.datetime] = mapped_column(DateTime)


# --------------------------------------------------------------------------
# Access: API keys and dashboard accounts
# --------------------------------------------------------------------------


class ApiKey(Base):
    """An API key, stored only as a hash; ``prefix`` lets an operator tell keys apart."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(choice("api_role", vocab.ROLES))
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    province_code: Mapped[str | None] = mapped_column(ForeignKey("provinces.code"))
    rate_limit_per_minute: Mapped[int] = mapped_column(Integer, default=600)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime)  # naive UTC; None: never


class UserAccount(Base):
    """A dashboard sign-in with a hashed password and a role."""

    __tablename__ = "user_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(choice("account_role", vocab.ROLES))
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    province_code: Mapped[str | None] = mapped_column(ForeignKey("provinces.code"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())


class SignInFailure(Base):
    """Failed dashboard sign-ins counted per account and per client, for a growing delay.

    ``key`` is "account:<username>" or "client:<address>"; a success clears
    the account's row. Kept in the database so that every dashboard server
    process sees the same counts.
    """

    __tablename__ = "sign_in_failures"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    last_failure_at: Mapped[dt.datetime] = mapped_column(DateTime)


# --------------------------------------------------------------------------
# The database's own settings
# --------------------------------------------------------------------------


class Setting(Base):
    """A value the database keeps about itself, such as the pseudonym key (see :mod:`prakerja.stored_settings`)."""

    __tablename__ = "settings"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


# --------------------------------------------------------------------------
# Online experiments (recommender.experiments)
# --------------------------------------------------------------------------


class Experiment(Base):
    """An online experiment: model runs served side by side to live traffic, compared on one primary metric."""

    __tablename__ = "experiments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    hypothesis: Mapped[str | None] = mapped_column(Text)
    primary_metric: Mapped[str] = mapped_column(choice("experiment_metric", vocab.EXPERIMENT_METRICS))
    alpha: Mapped[float] = mapped_column(Float, default=0.05)
    segment_province: Mapped[str | None] = mapped_column(ForeignKey("provinces.code"))
    segment_wave: Mapped[int | None] = mapped_column(SmallInteger)
    segment_new_only: Mapped[bool] = mapped_column(Boolean, default=False)
    # participants with an id from this one on registered after the start (set when it starts)
    new_from_participant_id: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(choice("experiment_status", vocab.EXPERIMENT_STATUSES), default="draft", index=True)
    planned_start: Mapped[dt.datetime | None] = mapped_column(DateTime)
    planned_end: Mapped[dt.datetime | None] = mapped_column(DateTime)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    stopped_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    decision: Mapped[str | None] = mapped_column(Text)  # why it stopped: the report's decision or the researcher's word
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())

    arms: Mapped[list[ExperimentArm]] = relationship(back_populates="experiment", order_by="ExperimentArm.id")


class ExperimentArm(Base):
    """One arm of an experiment: the model run it serves and its share of the experiment's participants."""

    __tablename__ = "experiment_arms"
    __table_args__ = (UniqueConstraint("experiment_id", "name", name="uq_experiment_arms_experiment_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    experiment_id: Mapped[int] = mapped_column(ForeignKey("experiments.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    is_control: Mapped[bool] = mapped_column(Boolean, default=False)
    run_id: Mapped[int] = mapped_column(ForeignKey("model_runs.id"))
    share: Mapped[float] = mapped_column(Float)

    experiment: Mapped[Experiment] = relationship(back_populates="arms")


class ExperimentAssignment(Base):
    """A participant who was served while an experiment ran, and the arm the hash gave them (the first time)."""

    __tablename__ = "experiment_assignments"

    experiment_id: Mapped[int] = mapped_column(ForeignKey("experiments.id", ondelete="CASCADE"), primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True)
    arm_id: Mapped[int] = mapped_column(ForeignKey("experiment_arms.id", ondelete="CASCADE"), index=True)
    assigned_at: Mapped[dt.datetime] = mapped_column(DateTime)


class ExperimentExposure(Base):
    """The first time an experiment showed a vacancy to a participant: arm, position and what the list was like."""

    __tablename__ = "experiment_exposures"
    __table_args__ = (
        UniqueConstraint("experiment_id", "participant_id", "vacancy_id", name="uq_experiment_exposures_shown_once"),
        Index("ix_experiment_exposures_participant_vacancy", "participant_id", "vacancy_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    experiment_id: Mapped[int] = mapped_column(ForeignKey("experiments.id", ondelete="CASCADE"))
    arm_id: Mapped[int] = mapped_column(ForeignKey("experiment_arms.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    vacancy_id: Mapped[int] = mapped_column(ForeignKey("vacancies.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(SmallInteger)
    shown_at: Mapped[dt.datetime] = mapped_column(DateTime)
    within_reach: Mapped[bool | None] = mapped_column(Boolean)
    connected: Mapped[bool | None] = mapped_column(Boolean)
