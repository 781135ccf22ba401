"""The hand-made world of 25 participants behind the query tests (see conftest)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from prakerja.db import transaction
from prakerja.models import (
    Course,
    CourseSkill,
    Enrollment,
    Interaction,
    ModelRun,
    Outcome,
    Participant,
    Province,
    Provider,
    Quarantine,
    Recommendation,
    Regency,
    Skill,
    Vacancy,
    VacancySkill,
    VacancySource,
)

TODAY = dt.date.today()
NOW = dt.datetime(2024, 6, 1, 12, 0)
INCENTIVE = 2_400_000


@dataclass
class SmallWorld:
    """What was written, for the tests to compute expectations from."""

    group_a: list[int] = field(default_factory=list)  # 12 people, Surabaya (35), wave 1, women aged 30, all trained
    group_b: list[int] = field(default_factory=list)  # 10 people, Jakarta Selatan (31), wave 2, men aged 40, 8 trained
    group_c: list[int] = field(default_factory=list)  # 3 people, Sidoarjo (35), wave 3, women aged 20, all trained
    wage_before: dict[int, int | None] = field(default_factory=dict)
    wage_after: dict[int, int] = field(default_factory=dict)  # latest employed outcome
    applications: int = 0
    now: dt.datetime = NOW


def _reference(session) -> None:
    session.add_all(
        [
            Province(code="31", name="DKI Jakarta", latitude=-6.2, longitude=106.8, population=10_000_000),
            Province(code="35", name="Jawa Timur", latitude=-7.5, longitude=112.5, population=40_000_000),
        ]
    )
    session.flush()
    session.add_all(
        [
            Regency(code="3171", province_code="31", name="Kota Jakarta Selatan", short_name="Jakarta Selatan", kind="kota", latitude=-6.26, longitude=106.81, population=2_000_000, urban=True),
            Regency(code="3578", province_code="35", name="Kota Surabaya", short_name="Surabaya", kind="kota", latitude=-7.25, longitude=112.75, population=3_000_000, urban=True),
            Regency(code="3515", province_code="35", name="Kabupaten Sidoarjo", short_name="Sidoarjo", kind="kabupaten", latitude=-7.45, longitude=112.7, population=2_000_000, urban=False),
            Skill(id=1, slug="excel", name_id="Microsoft Excel", name_en="Microsoft Excel", kind="hard"),
            Skill(id=2, slug="k3", name_id="Keselamatan kerja (K3)", name_en="Occupational safety", kind="certificate"),
            Skill(id=3, slug="sales", name_id="Penjualan", name_en="Sales", kind="hard"),
            Provider(id=1, slug="lpk-a", name="LPK Alpha", kind="lpk"),
        ]
    )
    session.flush()
    session.add_all(
        [
            Course(id=1, code="C1", title="Excel & K3", provider_id=1, mode="online", hours=20, price_idr=900_000, certificate="BNSP"),
            Course(id=2, code="C2", title="Teknik Penjualan", provider_id=1, mode="offline", hours=30, price_idr=1_000_000),
        ]
    )
    session.flush()
    session.add_all([CourseSkill(course_id=1, skill_id=1), CourseSkill(course_id=1, skill_id=2), CourseSkill(course_id=2, skill_id=3)])


def _vacancies(session) -> None:
    def vacancy(vid, province, regency, status, posted_days_ago):
        posted = None if posted_days_ago is None else NOW - dt.timedelta(days=posted_days_ago)
        return Vacancy(
            id=vid, title=f"Lowongan {vid}", title_norm=f"lowongan {vid}", company="PT Contoh", location_kind="regency",
            regency_code=regency, province_code=province, salary_min_idr=3_000_000, salary_max_idr=4_000_000,
            posted_at=posted, first_seen=NOW - dt.timedelta(days=30), last_seen=NOW, status=status,
        )

    session.add_all([vacancy(1, "35", "3578", "active", 3), vacancy(2, "31", "3171", "active", 20), vacancy(3, "35", "3578", "expired", 200), vacancy(4, "31", "3171", "active", None)])
    session.flush()
    session.add_all(
        [
            VacancySkill(vacancy_id=1, skill_id=1), VacancySkill(vacancy_id=1, skill_id=3),
            VacancySkill(vacancy_id=2, skill_id=1), VacancySkill(vacancy_id=3, skill_id=2),
            VacancySource(vacancy_id=1, source="dealls", source_id="d1", url="https://example.org/d1", first_seen=NOW, last_seen=NOW),
            VacancySource(vacancy_id=1, source="kalibrr", source_id="k1", first_seen=NOW, last_seen=NOW - dt.timedelta(days=1)),
            VacancySource(vacancy_id=2, source="dealls", source_id="d2", first_seen=NOW, last_seen=NOW - dt.timedelta(days=2)),
            VacancySource(vacancy_id=3, source="vidio", source_id="v3", first_seen=NOW, last_seen=NOW - dt.timedelta(days=100), status="removed"),
            Quarantine(source="dealls", raw={"row": 1}, reason="foreign location: 'Makati' is outside Indonesia"),
            Quarantine(source="dealls", raw={"row": 2}, reason="foreign location: 'Singapore' is outside Indonesia"),
            Quarantine(source="vidio", raw={"row": 3}, reason="unreadable salary: 'lima juta' (from 'lima juta')"),
        ]
    )


def build_small_world(engine) -> SmallWorld:
    """Write the hand-made world into a migrated, empty database."""
    world = SmallWorld()
    with transaction(engine) as session:
        _reference(session)
        _vacancies(session)
        session.flush()
        pid = 0

        def person(regency, wave, gender, age, wage, disability=False, trained=True):
            nonlocal pid
            pid += 1
            session.add(
                Participant(
                    id=pid, pseudonym=f"ps{pid:04d}", birth_year=TODAY.year - age, gender=gender, disability=disability,
                    education="sma", regency_code=regency, wave=wave, registered_on=dt.date(2023, 1, 1),
                    employment_status="employed" if wage else "unemployed", wage_before_idr=wage,
                    incentive_paid_idr=INCENTIVE if trained else 0,
                )
            )
            world.wage_before[pid] = wage
            return pid

        world.group_a = [person("3578", 1, "F", 30, 1_000_000 + i * 100_000) for i in range(12)]
        world.group_b = [person("3171", 2, "M", 40, 1_500_000 if i < 5 else None, disability=i < 3, trained=i < 8) for i in range(10)]
        world.group_c = [person("3515", 3, "F", 20, None) for _ in range(3)]
        session.flush()
        completed = dt.date(2023, 3, 1)
        for p in world.group_a + world.group_c:
            session.add(Enrollment(participant_id=p, course_id=1, started_on=dt.date(2023, 2, 1), completed_on=completed, certificate=True))
        for i, p in enumerate(world.group_b):
            session.add(Enrollment(participant_id=p, course_id=2, started_on=dt.date(2023, 2, 1), completed_on=completed if i < 8 else None))

        def act(p, v, kind, day):
            session.add(Interaction(participant_id=p, vacancy_id=v, kind=kind, occurred_at=NOW - dt.timedelta(days=day)))

        for i, p in enumerate(world.group_a):
            act(p, 1, "shown", 20)
            if i < 6:
                act(p, 1, "applied", 15)
            if i < 3:
                act(p, 1, "hired", 5)
        act(world.group_a[0], 2, "applied", 14)
        for i, p in enumerate(world.group_b):
            if i < 5:
                act(p, 2, "shown", 20)
            if i < 2:
                act(p, 2, "applied", 15)
            if i < 1:
                act(p, 2, "hired", 5)
        world.applications = 6 + 1 + 2
        session.add(ModelRun(id=1, algorithm="popularity", params={"k": 1}, metrics={"ndcg": 0.5}))
        session.flush()
        session.add(Recommendation(model_run_id=1, participant_id=world.group_c[0], vacancy_id=1, score=0.9, rank=1))
        session.add(Outcome(participant_id=world.group_a[0], employed=False, observed_on=dt.date(2024, 1, 1), source="survey"))
        hires = {world.group_a[0]: 2_000_000, world.group_a[1]: 2_100_000, world.group_a[2]: 2_200_000, world.group_b[0]: 3_000_000}
        for p, wage in hires.items():
            session.add(Outcome(participant_id=p, employed=True, monthly_wage_idr=wage, observed_on=dt.date(2024, 5, 1), source="demo"))
        world.wage_after = hires
    return world
