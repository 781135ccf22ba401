"""Employment types: board spellings, schema.org values, Indonesian words, combinations."""

from __future__ import annotations

import csv

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobs_ingest.employment import parse_employment_types
from prakerja.vocab import EMPLOYMENT_TYPES


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("fullTime", ("fullTime",)),
        ("Full time", ("fullTime",)),
        ("Full-time", ("fullTime",)),
        ("FULL_TIME", ("fullTime",)),
        ("Penuh waktu", ("fullTime",)),
        ("Tetap", ("fullTime",)),
        ("Karyawan Tetap", ("fullTime",)),
        ("Permanent", ("fullTime",)),
        ("PKWTT", ("fullTime",)),
        ("partTime", ("partTime",)),
        ("Part time", ("partTime",)),
        ("PART_TIME", ("partTime",)),
        ("Paruh waktu", ("partTime",)),
        ("contract", ("contract",)),
        ("Contractual", ("contract",)),
        ("CONTRACTOR", ("contract",)),
        ("Kontrak", ("contract",)),
        ("PKWT", ("contract",)),
        ("Kontrak 1 tahun", ("contract",)),
        ("internship", ("internship",)),
        ("Intern", ("internship",)),
        ("INTERN", ("internship",)),
        ("Magang", ("internship",)),
        ("Internship/Magang", ("internship",)),
        ("freelance", ("freelance",)),
        ("Freelancer", ("freelance",)),
        ("Pekerja lepas", ("freelance",)),
        ("Project based", ("freelance",)),
        ("TEMPORARY", ("temporary",)),
        ("Harian lepas", ("temporary",)),
        ("PER_DIEM", ("temporary",)),
        ("Musiman", ("temporary",)),
        ("VOLUNTEER", ("volunteer",)),
        ("Relawan", ("volunteer",)),
        ("OTHER", ("other",)),
        ("fullTime,contract", ("fullTime", "contract")),
        ("Full-time, Contract", ("fullTime", "contract")),
        ("Contract, Full-time", ("fullTime", "contract")),
        ("fullTime,freelance", ("fullTime", "freelance")),
        ("Full time / Part time", ("fullTime", "partTime")),
        ("Kontrak dan Magang", ("contract", "internship")),
        ('["FULL_TIME", "PART_TIME"]', ("fullTime", "partTime")),
        ("Full time (shift)", ("fullTime",)),
        ("Full time, shift pagi", ("fullTime",)),
        ("Full Time - Contract", ("fullTime", "contract")),
        ("Penuh Waktu (Full Time)", ("fullTime",)),
        ("Magang (Internship)", ("internship",)),
        ("Kontrak (PKWT)", ("contract",)),
    ],
)
def test_known_spellings(text, expected):
    assert parse_employment_types(text) == expected


@pytest.mark.parametrize("text", [None, "", "  ", "N/A", "n/a", "-", "null", "None"])
def test_empty_gives_nothing(text):
    assert parse_employment_types(text) == ()


@pytest.mark.parametrize("text", ["Shift", "Penempatan luar kota", "xyz", "Tempat kerja nyaman"])
def test_unknown_gives_other(text):
    assert parse_employment_types(text) == ("other",)


def test_every_job_type_in_the_shared_samples_is_recognised(shared_data):
    seen = {}
    for board in ("dealls", "kalibrr", "evermos", "vidio"):
        with open(shared_data / "jobs" / f"{board}.csv", newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                seen[row["job_type"]] = parse_employment_types(row["job_type"])
    assert "other" not in {kind for kinds in seen.values() for kind in kinds}, seen
    assert seen["Contractual"] == ("contract",) and seen["Intern"] == ("internship",) and seen["N/A"] == ()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(EMPLOYMENT_TYPES), min_size=1, max_size=5), st.sampled_from([",", ", ", " / ", ";"]))
def test_any_combination_of_vocabulary_values_round_trips(kinds, separator):
    parsed = parse_employment_types(separator.join(kinds))
    assert parsed == tuple(kind for kind in EMPLOYMENT_TYPES if kind in kinds)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_total_ordered_and_unique_on_any_text(text):
    parsed = parse_employment_types(text)
    assert set(parsed) <= set(EMPLOYMENT_TYPES)
    assert list(parsed) == sorted(set(parsed), key=EMPLOYMENT_TYPES.index)


def test_missing_values_from_a_data_frame():
    assert parse_employment_types(float("nan")) == ()
