"""The shipped occupation groups, skills and catalogue load whole and consistent on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prakerja import vocab
from prakerja.db import transaction
from prakerja.models import (
    Course,
    CourseOccupation,
    CourseSkill,
    OccupationGroup,
    Provider,
    Regency,
    Skill,
    SkillAlias,
    SkillOccupation,
)
from prakerja.reference.loader import load_reference


@pytest.fixture
def loaded(engine):
    with transaction(engine) as session:
        counts = load_reference(session)
    with Session(engine) as session:
        yield session, counts


def count(session: Session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_counts_match_what_the_loader_reports(loaded):
    session, counts = loaded
    for model, key in [
        (OccupationGroup, "occupation_groups"), (Skill, "skills"), (SkillAlias, "skill_aliases"),
        (SkillOccupation, "skill_occupations"), (Provider, "providers"), (Course, "courses"),
        (CourseSkill, "course_skills"), (CourseOccupation, "course_occupations"),
    ]:
        assert count(session, model) == counts[key], key
    assert counts["skills"] >= 400 and counts["providers"] >= 40 and counts["courses"] >= 300


def test_every_major_and_sub_major_group_with_both_titles(loaded):
    session, _ = loaded
    levels = Counter(session.scalars(select(OccupationGroup.level)))
    assert levels[1] == 10 and levels[2] == 43
    assert levels[4] >= 100
    untitled = session.scalars(
        select(OccupationGroup.code).where((OccupationGroup.title_en.is_(None)) | (OccupationGroup.title_id == ""))
    ).all()
    assert untitled == []
    groups = {g.code: g for g in session.scalars(select(OccupationGroup))}
    for group in groups.values():
        assert group.source == "project"
        if group.level == 1:
            assert group.parent_code is None
        else:
            parent = groups[group.parent_code]
            assert group.code.startswith(parent.code) and parent.level == group.level - 1


def test_every_skill_has_an_alias_in_each_language_and_aliases_are_clean(loaded):
    session, _ = loaded
    langs = {(skill_id, lang) for skill_id, lang in session.execute(select(SkillAlias.skill_id, SkillAlias.lang))}
    for skill_id in session.scalars(select(Skill.id)):
        assert (skill_id, "id") in langs and (skill_id, "en") in langs, skill_id
    pairs = session.execute(select(SkillAlias.skill_id, SkillAlias.alias)).all()
    assert len(pairs) == len(set(pairs))
    for _skill_id, alias in pairs:
        assert alias == alias.lower().strip() and "  " not in alias and alias


def test_skill_kinds_and_occupation_links(loaded):
    session, _ = loaded
    kinds = Counter(session.scalars(select(Skill.kind)))
    assert set(kinds) == set(vocab.SKILL_KINDS)
    assert kinds["soft"] >= 15 and kinds["certificate"] >= 10
    linked = set(session.scalars(select(SkillOccupation.skill_id)))
    assert linked == set(session.scalars(select(Skill.id)))  # every skill is asked for by some group


def test_courses_have_provider_skills_occupations_and_sensible_prices(loaded):
    session, _ = loaded
    with_skill = set(session.scalars(select(CourseSkill.course_id)))
    with_occupation = set(session.scalars(select(CourseOccupation.course_id)))
    courses = session.scalars(select(Course)).all()
    for course in courses:
        assert course.id in with_skill and course.id in with_occupation, course.code
        assert course.provider is not None
        assert course.mode in vocab.COURSE_MODES and course.hours > 0
        assert 100_000 <= course.price_idr <= 3_500_000
        if course.provider.kind == "digital_platform":
            assert course.mode == "online"
    levels = set(session.scalars(select(CourseSkill.level)))
    assert levels <= {1, 2, 3} and len(levels) == 3
    prices = sorted(course.price_idr for course in courses)
    assert prices[len(prices) // 2] <= 1_000_000  # the typical course fits the 2020-21 Rp1.000.000 budget
    assert sum(1 for course in courses if course.certificate == "BNSP") >= 10


def test_providers_offline_ones_are_spread_over_indonesia(loaded):
    session, _ = loaded
    providers = session.scalars(select(Provider)).all()
    assert {p.kind for p in providers} == set(vocab.PROVIDER_KINDS)
    offline = [p for p in providers if p.kind != "digital_platform"]
    assert all(p.regency_code for p in offline)
    provinces = {session.get(Regency, p.regency_code).province_code for p in offline}
    assert len(provinces) >= 20
    teaching = set(session.scalars(select(Course.provider_id)))
    assert teaching == {p.id for p in providers}  # no provider without a course


def test_major_and_sub_major_groups_are_described(loaded):
    session, _ = loaded
    undescribed = session.scalars(
        select(OccupationGroup.code).where(OccupationGroup.level <= 2, OccupationGroup.description.is_(None))
    ).all()
    assert undescribed == []
