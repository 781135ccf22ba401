"""The vocabularies cover real postings and typical Prakerja courses; the catalogue file is reproducible."""

from __future__ import annotations

import csv
import importlib.util
from collections import Counter
from pathlib import Path

import pytest

from jobs_ingest.occupations import read_keywords
from jobs_ingest.skills import SkillExtractor
from prakerja.reference.catalogue import read_courses, read_providers
from prakerja.reference.occupations import read_occupation_groups
from prakerja.reference.paths import REFERENCE_DIR
from prakerja.reference.skills import read_skills

INDONESIAN_BOARDS = ("dealls", "evermos", "vidio")
REQUIRED_COVERAGE = 0.70
PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def extractor() -> SkillExtractor:
    return SkillExtractor.from_reference()


def postings(shared_data: Path, boards) -> list[tuple[str, str]]:
    rows = []
    for board in boards:
        with open(shared_data / "jobs" / f"{board}.csv", newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                department = row["job_department"] if row["job_department"] != "N/A" else ""
                rows.append((row["job_title"], department))
    return rows


def test_most_indonesian_postings_yield_a_skill(shared_data, extractor):
    rows = postings(shared_data, INDONESIAN_BOARDS)
    assert len(rows) > 500
    covered = sum(1 for title, department in rows if extractor.extract(f"{title}\n{department}"))
    from_title = sum(1 for title, _department in rows if extractor.extract(title))
    print(f"skill coverage of {len(rows)} Indonesian postings: {covered / len(rows):.1%} "
          f"(title alone {from_title / len(rows):.1%})")
    assert covered / len(rows) >= REQUIRED_COVERAGE


def test_english_titles_of_the_philippine_board_are_covered_too(shared_data, extractor):
    rows = postings(shared_data, ("kalibrr",))
    covered = sum(1 for title, _department in rows if extractor.extract(title))
    print(f"skill coverage of {len(rows)} kalibrr titles: {covered / len(rows):.1%}")
    assert covered / len(rows) >= 0.6


@pytest.mark.parametrize(
    "topic",
    [
        "digital marketing", "media sosial", "copywriting", "SEO", "pembukuan", "akuntansi", "pajak", "K3",
        "sertifikat BNSP", "pengelasan", "menjahit", "tailor", "memasak", "membuat roti", "barista", "SIM A",
        "SIM B1", "ojek online", "bahasa Inggris", "TOEFL", "bahasa Jepang", "Excel", "Microsoft Office",
        "customer service", "penjualan", "Python", "JavaScript", "PHP", "SQL", "pengembangan web",
        "desain grafis", "edit video", "fotografi", "UI/UX", "analisis data", "administrasi perkantoran",
        "gudang", "logistik", "perhotelan", "salon", "tata rias", "pertanian", "budidaya ikan",
        "instalasi listrik", "servis AC", "mekanik motor", "mekanik mobil", "tukang kayu", "UMKM",
        "jualan online", "marketplace", "komunikasi", "kerja sama tim", "kepemimpinan", "pemecahan masalah",
        "manajemen waktu",
    ],
)
def test_typical_prakerja_course_topics_have_a_skill(extractor, topic):
    assert extractor.extract(topic), topic


def test_every_skill_taught_by_a_course_exists(extractor):
    known = {slug for _key, entries in extractor.skills_by_key_.items() for _id, slug, _alias in entries}
    taught = {slug for course in read_courses() for slug, _level in course.skills}
    assert taught <= known
    providers = {row["slug"] for row in read_providers()}
    assert {course.provider for course in read_courses()} <= providers


def test_shipped_catalogue_is_what_the_generator_writes():
    spec = importlib.util.spec_from_file_location("build_catalogue", PROJECT_ROOT / "tools" / "build_catalogue.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    providers, courses = module.build()
    with open(REFERENCE_DIR / "courses.csv", newline="", encoding="utf-8") as handle:
        shipped = list(csv.DictReader(handle))
    assert [{k: str(v) for k, v in row.items()} for row in courses] == shipped
    assert len(providers) == len(read_providers())


def test_every_unit_group_is_linked_to_enough_skills():
    """The demo world draws 3-6 required skills per vacancy from its unit group's linked skills."""
    linked = Counter(code for skill in read_skills() for code in skill.occupations)
    units = [row["code"] for row in read_occupation_groups() if row["level"] == 4]
    assert [code for code in units if linked[code] < 3] == []


def test_occupation_keyword_rules_point_at_shipped_unit_groups():
    levels = {row["code"]: row["level"] for row in read_occupation_groups()}
    rules = read_keywords()
    assert len(rules) >= 150
    assert {code for code in rules if levels.get(code) != 4} == set()
    assert all(phrase.strip() == phrase and phrase for phrases in rules.values() for phrase in phrases)
