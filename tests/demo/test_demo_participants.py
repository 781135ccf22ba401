"""Participants and their training match the calibration targets of docs/demo-data.md."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from prakerja import vocab
from prakerja.demo import calibration as cal

from tests.demo.demo_world_helpers import build_world, read_table

PARTICIPANTS = 5_000


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    # on the programme's own calendar (not moved to end today), to check it against the waves' dates
    engine, counts = build_world(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'world.db'}", PARTICIPANTS, seed=11, today=cal.WORLD_TODAY)
    tables = {name: read_table(engine, name) for name in ("participants", "regencies", "enrollments", "courses", "providers")}
    engine.dispose()
    return counts, tables


def test_counts_reported_match_rows(world):
    counts, tables = world
    assert counts["participants"] == len(tables["participants"]) == PARTICIPANTS
    assert counts["enrollments"] == len(tables["enrollments"])


def test_regencies_follow_population(world):
    _, tables = world
    people = tables["participants"]["regency_code"].value_counts()
    regencies = tables["regencies"].set_index("code")
    joined = regencies["population"].to_frame().join(people.rename("people")).fillna(0)
    assert np.corrcoef(joined["population"], joined["people"])[0, 1] > 0.9
    # With this many people most regencies appear; every one has a positive chance (checked exactly below).
    assert joined["people"].gt(0).mean() > 0.9
    # A full 1M world expects more than 10 people in even the smallest regency: P(none) < e^-10 each.
    assert (regencies["population"] / regencies["population"].sum() * 1_000_000).min() > 10


def test_waves_dates_and_ages(world):
    _, tables = world
    people = tables["participants"]
    assert set(people["wave"]) == set(range(1, 22))
    assert people["registered_on"].min() >= dt.date(2020, 4, 11)
    assert people["registered_on"].max() <= dt.date(2021, 7, 31)
    first_wave_dates = people.loc[people["wave"] == 1, "registered_on"]
    assert first_wave_dates.max() < dt.date(2020, 5, 1)
    age = pd.to_datetime(people["registered_on"]).dt.year - people["birth_year"]
    assert age.between(18, 64).all()
    assert age.median() < 36  # about two thirds are 18-35


def test_gender_disability_education_shares(world):
    _, tables = world
    people = tables["participants"]
    assert people["gender"].eq("F").mean() == pytest.approx(cal.SHARE_FEMALE, abs=0.025)
    assert people["disability"].mean() == pytest.approx(cal.SHARE_DISABILITY, abs=0.004)
    shares = people["education"].value_counts(normalize=True)
    for level, target in cal.EDUCATION_SHARES.items():
        assert shares.get(level, 0.0) == pytest.approx(target, abs=0.025), level
    assert set(shares.index) <= set(vocab.EDUCATION_LEVELS)


def test_employment_wage_and_turnover(world):
    _, tables = world
    people = tables["participants"]
    shares = people["employment_status"].value_counts(normalize=True)
    for status, target in cal.EMPLOYMENT_SHARES.items():
        assert shares[status] == pytest.approx(target, abs=0.025)
    employed = people["employment_status"] == "employed"
    business = people["employment_status"] == "self_employed"
    assert people.loc[employed, "wage_before_idr"].median() == pytest.approx(1_300_000, rel=0.15)
    assert people.loc[business, "turnover_before_idr"].median() == pytest.approx(1_100_000, rel=0.15)
    assert people.loc[~employed, "wage_before_idr"].isna().all()
    assert people.loc[~business, "turnover_before_idr"].isna().all()
    assert people.loc[employed | business, "prior_occupation_code"].notna().all()


def test_first_timers_completion_and_incentive(world):
    _, tables = world
    people = tables["participants"].set_index("id")
    enrollments = tables["enrollments"]
    assert people["first_time_trainee"].mean() == pytest.approx(0.87, abs=0.025)
    completed = enrollments.loc[enrollments["completed_on"].notna(), "participant_id"].unique()
    completion = len(completed) / len(people)
    assert completion == pytest.approx(0.99, abs=0.01)
    full = vocab.INCENTIVE_PER_MONTH_IDR * vocab.INCENTIVE_MONTHS
    assert full == 2_400_000
    assert (people.loc[completed, "incentive_paid_idr"] == full).all()
    assert (people.drop(index=completed)["incentive_paid_idr"] == 0).all()


def test_enrollment_dates_and_certificates(world):
    _, tables = world
    enrollments = tables["enrollments"].merge(
        tables["participants"][["id", "registered_on"]], left_on="participant_id", right_on="id"
    )
    assert (enrollments["started_on"] > enrollments["registered_on"]).all()
    done = enrollments["completed_on"].notna()
    assert (enrollments.loc[done, "completed_on"] > enrollments.loc[done, "started_on"]).all()
    certified = tables["courses"].set_index("id")["certificate"].notna()
    with_certificate = enrollments[enrollments["certificate"]]
    assert with_certificate["completed_on"].notna().all()
    assert certified.loc[with_certificate["course_id"]].all()
    per_person = enrollments.groupby("participant_id").size()
    assert per_person.between(1, cal.MAX_COURSES).all()
    assert per_person.mean() == pytest.approx(1 + cal.EXTRA_COURSES_MEAN, abs=0.15)


def test_offline_courses_are_taken_near_home(world):
    _, tables = world
    courses = tables["courses"].merge(tables["providers"][["id", "regency_code"]], left_on="provider_id", right_on="id",
                                      suffixes=("", "_provider"))
    placed_offline = courses[(courses["mode"] != "online") & courses["regency_code"].notna()]
    enrollments = tables["enrollments"].merge(tables["participants"][["id", "regency_code"]], left_on="participant_id", right_on="id")
    taken = enrollments.merge(placed_offline[["id", "regency_code"]], left_on="course_id", right_on="id",
                              suffixes=("_home", "_course"))
    assert len(taken) > 20, "the catalogue should have offline courses with a provider regency"
    same_province = taken["regency_code_home"].str[:2] == taken["regency_code_course"].str[:2]
    assert same_province.mean() > 0.8
