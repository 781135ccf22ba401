"""A small hand-built job world (welders, baristas, drivers, clerks) for recommender tests.

The world is tiny and its signal is stated: a participant trained as a welder
mostly clicks and applies to welding vacancies in their province, and so on.
Tests use it on both databases through the ``engine`` fixture.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pytest
from sqlalchemy import Engine

from prakerja.db import insert_rows, make_engine, transaction
from prakerja.migrate import upgrade
from prakerja.models import (
    Course,
    CourseSkill,
    Enrollment,
    Interaction,
    OccupationGroup,
    Participant,
    ParticipantSkill,
    Provider,
    Skill,
    Vacancy,
    VacancySkill,
)
from prakerja.reference.regions import load_regions
from tests.worlds import emptied

# The world ends now: "today" is the real clock (prakerja.clock), so its open vacancies are open.
TODAY = dt.datetime.now(dt.UTC).replace(tzinfo=None, second=0, microsecond=0) - dt.timedelta(minutes=1)

# occupation code -> (title, parent chain) ; trade -> (occupation, skills, course title, vacancy titles)
OCCUPATIONS = {
    "7": None, "72": "7", "721": "72", "7212": "721",
    "5": None, "51": "5", "513": "51", "5131": "513",
    "8": None, "83": "8", "832": "83", "8322": "832",
    "4": None, "41": "4", "411": "41", "4110": "411",
}
TRADES = {
    "welder": ("7212", ["welding", "k3-safety", "metal-fabrication"], "Pelatihan Juru Las SMAW", ["Welder SMAW", "Tukang Las Konstruksi", "Welder Fabrikasi Baja"]),
    "barista": ("5131", ["coffee-making", "customer-service", "food-hygiene"], "Barista Profesional", ["Barista Kafe", "Barista Coffee Shop", "Head Barista"]),
    "driver": ("8322", ["driving", "vehicle-maintenance", "navigation"], "Mengemudi Aman dan Perawatan Kendaraan", ["Sopir Pribadi", "Driver Ekspedisi", "Pengemudi Taksi Online"]),
    "clerk": ("4110", ["ms-excel", "office-administration", "customer-service"], "Administrasi Perkantoran dengan Excel", ["Staf Administrasi", "Admin Kantor", "Data Entry Excel"]),
}
REGENCIES = ["3171", "3578", "3515", "3273", "1275"]  # Jakarta Pusat, Surabaya, Sidoarjo, Bandung, Medan


@dataclass
class World:
    """Ids of what the tiny world holds, by trade."""

    participants: dict[int, str]  # participant id -> trade
    vacancies: dict[int, str]  # vacancy id -> trade
    courses: dict[str, int]  # trade -> course id
    skills: dict[str, int]  # slug -> id
    today: dt.datetime


def build_world(engine: Engine, *, participants: int = 240, vacancies: int = 160, seed: int = 7, interactions: bool = True) -> World:
    """Load regions, a tiny catalogue, people, vacancies and behaviour with a clear trade signal."""
    rng = np.random.default_rng(seed)
    trades = list(TRADES)
    with transaction(engine) as session:
        load_regions(session)
        groups = [
            {"code": c, "level": len(c), "parent_code": p, "title_id": f"Golongan {c}", "title_en": f"Group {c}", "source": "project"}
            for c, p in OCCUPATIONS.items()
        ]
        insert_rows(session, OccupationGroup, groups)
        slugs = sorted({s for _, skills, _, _ in TRADES.values() for s in skills})
        skill_ids = {slug: i + 1 for i, slug in enumerate(slugs)}
        skills = [{"id": i, "slug": s, "name_id": s.replace("-", " ").title(), "name_en": s.replace("-", " "), "kind": "hard"} for s, i in skill_ids.items()]
        insert_rows(session, Skill, skills)
        insert_rows(session, Provider, [{"id": 1, "slug": "lpk-contoh", "name": "LPK Contoh", "kind": "lpk", "regency_code": "3578"}])
        course_ids = {trade: i + 1 for i, trade in enumerate(trades)}
        courses = [
            {"id": course_ids[t], "code": f"C-{t}", "title": TRADES[t][2], "provider_id": 1, "mode": "online",
             "hours": 20, "price_idr": 1_000_000, "certificate": "BNSP" if t == "welder" else None}
            for t in trades
        ]
        insert_rows(session, Course, courses)
        insert_rows(session, CourseSkill, [{"course_id": course_ids[t], "skill_id": skill_ids[s], "level": 2} for t in trades for s in TRADES[t][1]])
        people: dict[int, str] = {}
        rows, enrollments, declared = [], [], []
        for pid in range(1, participants + 1):
            trade = trades[(pid - 1) % len(trades)]
            people[pid] = trade
            employed = rng.random() < 0.5
            rows.append({
                "id": pid, "pseudonym": f"P{pid:06d}", "birth_year": int(rng.integers(1960, 2003)),
                "gender": "F" if rng.random() < 0.5 else "M", "disability": bool(rng.random() < 0.05),
                "education": "sma", "regency_code": REGENCIES[int(rng.integers(len(REGENCIES)))], "wave": int(rng.integers(1, 22)),
                "registered_on": dt.date(2020, 5, 1), "employment_status": "employed" if employed else "unemployed",
                "wage_before_idr": int(rng.integers(900_000, 2_000_000)) if employed else None,
                "turnover_before_idr": None, "prior_occupation_code": None, "first_time_trainee": True, "incentive_paid_idr": 2_400_000,
            })
            enrollments.append({"participant_id": pid, "course_id": course_ids[trade], "started_on": dt.date(2020, 6, 1),
                                "completed_on": dt.date(2020, 6, 20), "certificate": trade == "welder"})
            if rng.random() < 0.3:
                declared.append({"participant_id": pid, "skill_id": skill_ids[TRADES[trade][1][0]]})
        insert_rows(session, Participant, rows)
        insert_rows(session, Enrollment, enrollments)
        if declared:
            insert_rows(session, ParticipantSkill, declared)
        jobs: dict[int, str] = {}
        vrows, vskills = [], []
        for vid in range(1, vacancies + 1):
            trade = trades[(vid - 1) % len(trades)]
            jobs[vid] = trade
            occupation, skills, _, titles = TRADES[trade]
            posted = TODAY - dt.timedelta(days=int(rng.integers(0, 90)))
            regency = REGENCIES[int(rng.integers(len(REGENCIES)))]
            salary = int(rng.integers(2, 8)) * 1_000_000
            remote = vid % 23 == 0
            vrows.append({
                "id": vid, "title": titles[vid % len(titles)], "title_norm": titles[vid % len(titles)].lower(), "company": f"PT Contoh {vid}",
                "company_norm": f"pt contoh {vid}", "location_kind": "remote" if remote else "regency",
                "regency_code": None if remote else regency, "province_code": None if remote else regency[:2], "remote": remote,
                "salary_min_idr": salary, "salary_max_idr": salary + 1_000_000 if vid % 3 else None,
                "employment_types": "fullTime" if vid % 4 else "contract,partTime", "occupation_code": occupation,
                "posted_at": posted, "expires_at": posted + dt.timedelta(days=45), "first_seen": posted, "last_seen": min(TODAY, posted + dt.timedelta(days=45)),
                "status": "active" if posted + dt.timedelta(days=45) > TODAY else "expired",
            })
            vskills.extend({"vacancy_id": vid, "skill_id": skill_ids[s], "required": i < 2} for i, s in enumerate(skills))
        insert_rows(session, Vacancy, vrows)
        insert_rows(session, VacancySkill, vskills)
        if interactions:
            insert_rows(session, Interaction, _behaviour(rng, people, jobs, vrows))
    return World(people, jobs, course_ids, skill_ids, TODAY)


def _behaviour(rng, people, jobs, vrows) -> list[dict]:
    """Each person views ~12 open vacancies, mostly of their trade; clicks/applies follow the trade."""
    by_trade: dict[str, list[dict]] = {}
    for v in vrows:
        by_trade.setdefault(jobs[v["id"]], []).append(v)
    events, key = [], 0
    for pid, trade in people.items():
        for _ in range(12):
            same = rng.random() < 0.75
            pool = by_trade[trade] if same else vrows
            v = pool[int(rng.integers(len(pool)))]
            when = v["posted_at"] + dt.timedelta(days=int(rng.integers(0, 40)), hours=int(rng.integers(0, 24)))
            when = min(when, TODAY)
            match = jobs[v["id"]] == trade
            kind = "clicked" if match else ("dismissed" if rng.random() < 0.5 else "shown")
            if match and rng.random() < 0.4:
                kind = "applied"
            key += 1
            events.append({"participant_id": pid, "vacancy_id": v["id"], "kind": kind, "occurred_at": when, "client_key": None})
    return events


@pytest.fixture
def world(engine) -> World:
    """The tiny world loaded into a fresh database (SQLite and PostgreSQL)."""
    return build_world(engine)


@pytest.fixture
def sqlite_world(tmp_path):
    """(engine, world) on SQLite only, for tests whose subject does not depend on the database."""
    engine = make_engine(f"sqlite:///{tmp_path / 'world.db'}")
    upgrade(engine)
    world = build_world(engine)
    yield engine, world
    engine.dispose()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def shared_world(request, tmp_path_factory):
    """(engine, world) shared by a whole module of READ-ONLY tests, once per backend.

    Building the world once per module instead of once per test keeps the
    suite fast; a module using this must not use the function-scoped
    ``engine`` fixture (both would own the process's PostgreSQL database).
    """
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('world') / 'world.db'}"
    else:
        url = emptied(request.getfixturevalue("pg_database_url"))
    engine = make_engine(url)
    upgrade(engine)
    world = build_world(engine)
    yield engine, world
    engine.dispose()


# ---------------------------------------------------------------------- the same world as plain frames


def frames_world(users_per_trade: int = 30, items_per_trade: int = 20, seed: int = 3):
    """Interactions and long feature frames (no database): trade-typed users and items.

    Users carry ``skill=`` features from their training and a text ``word``
    (course title); items carry ``skill=`` requirements and a text ``word`` (vacancy title). Users of a
    trade click items of their trade. Returns (interactions, user_features,
    item_features, user_trade, item_trade).
    """
    import pandas as pd

    rng = np.random.default_rng(seed)
    trades = list(TRADES)
    user_trade = {f"u{t}{i}": t for t in trades for i in range(users_per_trade)}
    item_trade = {f"i{t}{i}": t for t in trades for i in range(items_per_trade)}
    user_rows, item_rows, events = [], [], []
    for user, trade in user_trade.items():
        for skill in TRADES[trade][1]:
            user_rows.append((user, f"skill={skill}", 1.0))
        user_rows.append((user, "word", TRADES[trade][2]))
    for item, trade in item_trade.items():
        for skill in TRADES[trade][1][:2]:
            item_rows.append((item, f"skill={skill}", 1.0))
        item_rows.append((item, "word", TRADES[trade][3][int(rng.integers(3))]))
    items_by_trade = {t: [i for i, tt in item_trade.items() if tt == t] for t in trades}
    start = pd.Timestamp("2021-01-01")
    for user, trade in user_trade.items():
        for _ in range(6):
            pool = items_by_trade[trade] if rng.random() < 0.85 else list(item_trade)
            item = pool[int(rng.integers(len(pool)))]
            events.append((user, item, 1.0 if item_trade[item] == trade else -1.0, start + pd.Timedelta(hours=int(rng.integers(0, 24 * 60)))))
    interactions = pd.DataFrame(events, columns=["user_id", "item_id", "weight", "datetime"])
    users = pd.DataFrame(user_rows, columns=["id", "feature", "value"])
    items = pd.DataFrame(item_rows, columns=["id", "feature", "value"])
    return interactions, users, items, user_trade, item_trade


@pytest.fixture(scope="module")
def frames():
    """:func:`frames_world` with its defaults: (interactions, user_features, item_features, user_trade, item_trade)."""
    return frames_world()
