"""Dates from boards, when a posting expires, and its status."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobs_ingest.expiry import DEFAULT_MAX_AGE_DAYS, expires_at, parse_datetime, vacancy_status
from prakerja.vocab import VACANCY_STATUSES

D = dt.datetime


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("22/08/2024 11:13:58", D(2024, 8, 22, 11, 13, 58)),
        ("22/08/2024", D(2024, 8, 22)),
        ("22-08-2024 09:30", D(2024, 8, 22, 9, 30)),
        ("2024-08-19T01:57:54.882Z", D(2024, 8, 19, 1, 57, 54, 882000)),
        ("2024-08-30T16:00:00+00:00", D(2024, 8, 30, 16)),
        ("2024-08-30T23:00:00+07:00", D(2024, 8, 30, 16)),
        ("2024-08-30", D(2024, 8, 30)),
        ("2024-08-30 10:00:00", D(2024, 8, 30, 10)),
        ("30 Agustus 2024", D(2024, 8, 30)),
        ("1 Januari 2025", D(2025, 1, 1)),
        ("Jumat, 30 Agustus 2024", D(2024, 8, 30)),
        ("30 Agt 2024", D(2024, 8, 30)),
        ("5 Mei 2024 08:00", D(2024, 5, 5, 8)),
        ("17 Desember 2024", D(2024, 12, 17)),
        ("30 August 2024", D(2024, 8, 30)),
        ("Aug 30, 2024", D(2024, 8, 30)),
        ("1724300000", D(2024, 8, 22, 4, 13, 20)),
    ],
)
def test_parse_datetime_formats(text, expected):
    assert parse_datetime(text) == expected


@pytest.mark.parametrize("text", [None, "", "N/A", "-", "tomorrow", "31/02/2024", "2024-13-01", "99"])
def test_unreadable_dates_are_none(text):
    assert parse_datetime(text) is None


def test_objects_pass_through_as_naive_utc():
    aware = dt.datetime(2024, 8, 30, 23, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    assert parse_datetime(aware) == D(2024, 8, 30, 16)
    assert parse_datetime(dt.date(2024, 8, 30)) == D(2024, 8, 30)


def test_every_date_in_the_shared_samples_parses(shared_data):
    unreadable = []
    for board in ("dealls", "kalibrr", "evermos", "vidio"):
        with open(shared_data / "jobs" / f"{board}.csv", newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                for column in ("first_seen", "last_seen", "job_apply_end_date"):
                    value = row[column]
                    if value not in ("", "N/A") and parse_datetime(value) is None:
                        unreadable.append(value)
    assert unreadable == []


def test_apply_end_date_wins_when_sane():
    posted = D(2024, 8, 22, 11)
    assert expires_at(posted_at=posted, apply_end="2024-08-30T16:00:00+00:00") == D(2024, 8, 30, 16)
    assert expires_at(posted_at=posted, apply_end="2024-08-30") == D(2024, 8, 30)
    assert expires_at(posted_at=posted, apply_end=D(2024, 8, 30)) == D(2024, 8, 30)
    assert expires_at(posted_at=None, apply_end="30 Agustus 2024") == D(2024, 8, 30)


@pytest.mark.parametrize("apply_end", ["2099-12-31", "2020-01-01", "N/A", "", None, "soon"])
def test_otherwise_posted_plus_max_age(apply_end):
    posted = D(2024, 8, 22, 11)
    assert expires_at(posted_at=posted, apply_end=apply_end) == posted + dt.timedelta(days=DEFAULT_MAX_AGE_DAYS)
    assert expires_at(posted_at="22/08/2024 11:00:00", apply_end=apply_end, max_age_days=30) == D(2024, 9, 21, 11)


def test_no_dates_no_expiry():
    assert expires_at(posted_at=None, apply_end=None) is None


def test_status():
    now = D(2024, 9, 1)
    assert vacancy_status(expires_at=D(2024, 9, 2), now=now, source_active=True) == "active"
    assert vacancy_status(expires_at=D(2024, 8, 31), now=now, source_active=True) == "expired"
    assert vacancy_status(expires_at=now, now=now, source_active=None) == "expired"
    assert vacancy_status(expires_at=None, now=now, source_active=None) == "active"
    assert vacancy_status(expires_at=D(2024, 9, 2), now=now, source_active=False) == "removed"
    assert vacancy_status(expires_at=D(2024, 8, 1), now=now, source_active=False) == "removed"


moments = st.datetimes(min_value=D(2015, 1, 1), max_value=D(2035, 1, 1))


@settings(max_examples=200, deadline=None)
@given(posted=moments, apply_end=st.one_of(st.none(), moments), max_age=st.integers(min_value=1, max_value=365))
def test_expiry_is_never_before_posting_nor_far_after(posted, apply_end, max_age):
    expiry = expires_at(posted_at=posted, apply_end=apply_end, max_age_days=max_age)
    assert posted <= expiry <= posted + max(dt.timedelta(days=max_age), dt.timedelta(days=367))


@settings(max_examples=200, deadline=None)
@given(moment=moments, style=st.sampled_from(["%d/%m/%Y %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%SZ",
                                               "%Y-%m-%d %H:%M:%S", "%d-%m-%Y %H:%M:%S"]))
def test_formatted_moment_reads_back(moment, style):
    moment = moment.replace(microsecond=0)
    assert parse_datetime(moment.strftime(style)) == moment


INDONESIAN_MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
                     "Oktober", "November", "Desember"]


@settings(max_examples=100, deadline=None)
@given(day=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2050, 12, 31)))
def test_indonesian_month_names_read_back(day):
    assert parse_datetime(f"{day.day} {INDONESIAN_MONTHS[day.month - 1]} {day.year}") == D(day.year, day.month, day.day)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=30))
def test_parse_datetime_is_total(text):
    result = parse_datetime(text)
    assert result is None or (isinstance(result, dt.datetime) and result.tzinfo is None)


@settings(max_examples=100, deadline=None)
@given(expiry=st.one_of(st.none(), moments), now=moments, active=st.sampled_from([True, False, None]))
def test_status_is_in_vocabulary(expiry, now, active):
    assert vacancy_status(expires_at=expiry, now=now, source_active=active) in VACANCY_STATUSES
