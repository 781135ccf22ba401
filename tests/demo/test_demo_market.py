"""Vacancies and the behaviour model: concentration, lifetimes, cold vacancies, learnable signal."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from prakerja.demo import calibration as cal
from prakerja.demo.reference import read_reference
from prakerja.demo.vacancies import current_market_count, current_market_regencies, regency_weights, vacancy_count

from tests.demo.demo_world_helpers import build_world, read_table

PARTICIPANTS = 4_000
# The world's last day: the demo is placed in time to end on the day it is generated.
WORLD_END = dt.date.today()
TABLES = (
    "participants", "participant_skills", "enrollments", "course_skills", "vacancies", "vacancy_skills",
    "vacancy_sources", "skill_occupations", "interactions", "outcomes", "regencies",
)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    engine, counts = build_world(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'world.db'}", PARTICIPANTS, seed=5, today=WORLD_END)
    tables = {name: read_table(engine, name) for name in TABLES}
    tables["interactions"]["occurred_at"] = pd.to_datetime(tables["interactions"]["occurred_at"])
    reference = read_reference(engine)
    engine.dispose()
    return counts, tables, reference


def test_vacancy_count_scales_with_participants():
    assert vacancy_count(1_000_000) == 100_000
    assert vacancy_count(10_000) == cal.MIN_VACANCIES
    assert vacancy_count(300_000) == 30_000
    assert vacancy_count(50_000_000) == cal.MAX_VACANCIES


def _history(vacancies: pd.DataFrame) -> pd.DataFrame:
    """The vacancies of the whole period, without the market open on the last day."""
    window = pd.Timestamp(WORLD_END) + pd.Timedelta(days=1) - pd.Timedelta(days=cal.CURRENT_MARKET_WINDOW_DAYS)
    return vacancies[pd.to_datetime(vacancies["posted_at"]) < window]


def test_vacancies_concentrate_where_the_economy_is(world):
    _, tables, _ = world
    vacancies, regencies = _history(tables["vacancies"]), tables["regencies"]
    placed = vacancies[vacancies["regency_code"].notna()]
    population_share = regencies.groupby("province_code")["population"].sum() / regencies["population"].sum()
    vacancy_share = placed["province_code"].value_counts(normalize=True)
    assert vacancy_share["31"] > 3 * population_share["31"]  # DKI Jakarta
    assert vacancy_share["31"] > vacancy_share.drop("31").quantile(0.9)
    city_share = placed["regency_code"].value_counts(normalize=True)
    city_population = regencies.set_index("code")["population"] / regencies["population"].sum()
    for name in ("Kota Surabaya", "Kota Bandung", "Kota Medan"):
        code = regencies.loc[regencies["name"] == name, "code"].item()
        assert city_share.get(code, 0) > city_population[code], name
    assert placed["province_code"].nunique() >= 36  # present (almost) everywhere even in a small world
    assert vacancies["remote"].mean() == pytest.approx(cal.SHARE_REMOTE, abs=0.015)


def test_farm_work_is_posted_outside_cities(world):
    _, tables, _ = world
    vacancies = tables["vacancies"].merge(tables["regencies"][["code", "urban"]], left_on="regency_code", right_on="code")
    farm = vacancies["occupation_code"].str.startswith("6")
    rural_share = farm[~vacancies["urban"]].mean()
    urban_share = farm[vacancies["urban"]].mean()
    assert rural_share > 0.01
    assert urban_share < rural_share / 3


def test_every_regency_gets_vacancies_in_a_full_world(world):
    _, _, reference = world
    weights = regency_weights(reference)
    expected_at_full_size = weights / weights.sum() * vacancy_count(1_000_000) * (1 - cal.SHARE_REMOTE)
    assert len(weights) == 514
    assert expected_at_full_size.min() > 10  # P(no vacancy) < e^-10 for every regency


def test_lifetimes_status_and_salaries(world):
    _, tables, _ = world
    vacancies = tables["vacancies"]
    lifetime_days = (pd.to_datetime(vacancies["expires_at"]) - pd.to_datetime(vacancies["posted_at"])).dt.days
    assert lifetime_days.between(14, 56).mean() > 0.75
    today = pd.Timestamp(WORLD_END) + pd.Timedelta(days=1)
    open_now = pd.to_datetime(vacancies["expires_at"]) > today
    assert (vacancies.loc[open_now, "status"] == "active").all()
    assert (vacancies.loc[~open_now, "status"] == "expired").all()
    history = _history(vacancies)
    assert 0 < (pd.to_datetime(history["expires_at"]) > today).mean() < 0.2  # most of the period's vacancies have closed
    stated = vacancies["salary_min_idr"].notna()
    assert stated.mean() == pytest.approx(cal.SHARE_SALARY_STATED, abs=0.05)
    assert (vacancies.loc[stated, "salary_min_idr"] <= vacancies.loc[stated, "salary_max_idr"]).all()
    jakarta = vacancies[stated & (vacancies["province_code"] == "31")]["salary_min_idr"].median()
    central_java = vacancies[stated & (vacancies["province_code"] == "33")]["salary_min_idr"].median()
    assert jakarta > central_java  # minimum wages differ by province


def test_vacancy_skills_follow_occupation_groups(world):
    _, tables, _ = world
    links = set(map(tuple, tables["skill_occupations"][["skill_id", "occupation_code"]].to_numpy()))
    asked = tables["vacancy_skills"].merge(tables["vacancies"][["id", "occupation_code"]], left_on="vacancy_id", right_on="id")
    assert all((s, o) in links for s, o in asked[["skill_id", "occupation_code"]].to_numpy())
    per_vacancy = asked.groupby("vacancy_id").size()
    assert per_vacancy.between(1, cal.REQUIRED_SKILLS_RANGE[1]).all()
    sources = tables["vacancy_sources"]
    assert (sources["source"] == "demo").all()
    assert sorted(sources["vacancy_id"]) == sorted(tables["vacancies"]["id"])


def test_most_late_vacancies_are_new(world):
    _, tables, _ = world
    interactions = tables["interactions"]
    start, end = interactions["occurred_at"].min(), interactions["occurred_at"].max()
    cut = start + (end - start) * 0.8
    late = set(interactions.loc[interactions["occurred_at"] >= cut, "vacancy_id"])
    early = set(interactions.loc[interactions["occurred_at"] < cut, "vacancy_id"])
    assert len(late) > 50
    assert len(late - early) / len(late) >= 0.7


def _blind_share(homes: pd.Series, jobs: pd.Series) -> float:
    people = homes.value_counts(normalize=True)
    return float((people * jobs.value_counts(normalize=True).reindex(people.index).fillna(0)).sum())


def test_people_mostly_see_vacancies_near_home(world):
    _, tables, _ = world
    shown = tables["interactions"][tables["interactions"]["kind"] == "shown"]
    seen = shown.merge(tables["participants"][["id", "regency_code"]], left_on="participant_id", right_on="id")
    seen = seen.merge(tables["vacancies"][["id", "regency_code", "remote"]], left_on="vacancy_id", right_on="id",
                      suffixes=("_home", "_job"))
    placed = seen[~seen["remote"]]
    same_province = placed["regency_code_home"].str[:2] == placed["regency_code_job"].str[:2]
    same_regency = placed["regency_code_home"] == placed["regency_code_job"]
    # Were exposure blind to place, the share at home would be sum over places of people share x vacancy share.
    homes = tables["participants"]["regency_code"]
    jobs = tables["vacancies"]["regency_code"].dropna()
    blind_province = _blind_share(homes.str[:2], jobs.str[:2])
    blind_regency = _blind_share(homes, jobs)
    assert same_province.mean() > max(0.5, 4 * blind_province)  # small worlds: empty provinces widen to the country
    assert same_regency.mean() > 10 * blind_regency
    assert 0 < (~same_province).mean()  # some national exposure
    assert seen["remote"].mean() > 0


def test_interaction_volume_and_mix(world):
    _, tables, _ = world
    kinds = tables["interactions"]["kind"].value_counts()
    per_participant = kinds.sum() / PARTICIPANTS
    assert 8 <= per_participant <= 30
    assert kinds["shown"] > kinds["clicked"] > kinds["applied"] > kinds["hired"] > 0
    assert kinds["shown"] + kinds["clicked"] > 0.7 * kinds.sum()


def test_interactions_happen_while_the_vacancy_is_open_and_after_registration(world):
    _, tables, _ = world
    shown = tables["interactions"][tables["interactions"]["kind"] == "shown"]
    joined = shown.merge(tables["vacancies"][["id", "posted_at", "expires_at"]], left_on="vacancy_id", right_on="id")
    assert (joined["occurred_at"] >= pd.to_datetime(joined["posted_at"])).all()
    assert (joined["occurred_at"] < pd.to_datetime(joined["expires_at"])).all()
    people = shown.merge(tables["participants"][["id", "registered_on"]], left_on="participant_id", right_on="id")
    assert (people["occurred_at"] > pd.to_datetime(people["registered_on"])).all()
    assert tables["interactions"]["occurred_at"].max() < pd.Timestamp(WORLD_END) + pd.Timedelta(days=1)


def test_funnel_is_consistent(world):
    _, tables, _ = world
    interactions = tables["interactions"]
    pairs = {kind: set(map(tuple, frame[["participant_id", "vacancy_id"]].to_numpy()))
             for kind, frame in interactions.groupby("kind")}
    assert pairs["clicked"] <= pairs["shown"]
    assert pairs["applied"] <= pairs["clicked"]
    assert pairs["hired"] <= pairs["applied"]
    assert interactions[interactions["kind"] == "hired"]["participant_id"].is_unique
    hired_at = interactions[interactions["kind"] == "hired"].set_index("participant_id")["occurred_at"]
    after = interactions.join(hired_at.rename("hired_at"), on="participant_id")
    assert not (after["occurred_at"] > after["hired_at"]).any()  # the search ends with the hire


def _overlap_of_shown(tables) -> pd.DataFrame:
    """Share of each shown vacancy's skills the participant has (declared + completed training)."""
    enrollments = tables["enrollments"]
    trained = enrollments[enrollments["completed_on"].notna()].merge(tables["course_skills"], on="course_id")
    has = pd.concat([
        tables["participant_skills"][["participant_id", "skill_id"]],
        trained[["participant_id", "skill_id"]],
    ]).drop_duplicates()
    shown = tables["interactions"][tables["interactions"]["kind"] == "shown"][["participant_id", "vacancy_id"]]
    asked = shown.merge(tables["vacancy_skills"][["vacancy_id", "skill_id"]], on="vacancy_id")
    asked = asked.merge(has.assign(has=1), on=["participant_id", "skill_id"], how="left")
    overlap = asked.groupby(["participant_id", "vacancy_id"])["has"].apply(lambda s: s.notna().mean())
    return overlap.rename("overlap").reset_index()


def test_skill_overlap_drives_applications_and_hires(world):
    _, tables, _ = world
    overlap = _overlap_of_shown(tables)
    interactions = tables["interactions"]
    for kind in ("applied", "hired"):
        done = interactions[interactions["kind"] == kind][["participant_id", "vacancy_id"]].assign(**{kind: True})
        overlap = overlap.merge(done, on=["participant_id", "vacancy_id"], how="left")
        overlap[kind] = overlap[kind].fillna(False).astype(bool)
    none = overlap[overlap["overlap"] == 0]
    high = overlap[overlap["overlap"] >= 0.5]
    assert len(none) > 1000 and len(high) > 200
    assert none["applied"].mean() > 0  # noise: people also apply without matching skills
    assert high["applied"].mean() > 2 * none["applied"].mean()
    assert high["hired"].sum() / max(high["applied"].sum(), 1) > none["hired"].sum() / max(none["applied"].sum(), 1)


def test_outcomes_one_per_participant(world):
    _, tables, _ = world
    outcomes = tables["outcomes"]
    assert outcomes["participant_id"].is_unique and len(outcomes) == PARTICIPANTS
    assert (outcomes["source"] == "demo").all()
    via_board = outcomes[outcomes["vacancy_id"].notna()]
    hired = tables["interactions"][tables["interactions"]["kind"] == "hired"]
    assert set(zip(via_board["participant_id"], via_board["vacancy_id"])) == set(zip(hired["participant_id"], hired["vacancy_id"]))
    assert via_board["employed"].all() and via_board["monthly_wage_idr"].gt(0).all()
    assert outcomes.loc[~outcomes["employed"], "monthly_wage_idr"].isna().all()
    assert outcomes["observed_on"].max() <= WORLD_END
    before = tables["participants"]["employment_status"].ne("unemployed").mean()
    assert outcomes["employed"].mean() > before  # training + search moves some people into work


def test_the_world_is_placed_to_end_on_the_day_it_is_generated(tmp_path):
    """Two worlds of one seed a year apart: the same rows, every date a year later, waves in order and spacing."""
    early_end, late_end = dt.date(2023, 3, 1), dt.date(2024, 3, 1)
    early, _ = build_world(f"sqlite:///{tmp_path / 'early.db'}", 60, seed=3, today=early_end)
    late, _ = build_world(f"sqlite:///{tmp_path / 'late.db'}", 60, seed=3, today=late_end)
    shift = pd.Timedelta(days=(late_end - early_end).days)
    for table, column in (("vacancies", "expires_at"), ("interactions", "occurred_at"), ("participants", "registered_on")):
        before = pd.to_datetime(read_table(early, table).sort_values("id")[column]).reset_index(drop=True)
        after = pd.to_datetime(read_table(late, table).sort_values("id")[column]).reset_index(drop=True)
        assert (after - before == shift).all(), table
    vacancies = read_table(late, "vacancies")
    open_ones = vacancies[vacancies["status"] == "active"]
    assert len(open_ones) > 0 and (pd.to_datetime(open_ones["expires_at"]) > pd.Timestamp(late_end)).all()
    assert pd.to_datetime(read_table(late, "interactions")["occurred_at"]).max() < pd.Timestamp(late_end) + pd.Timedelta(days=1)
    people = read_table(late, "participants")
    assert (pd.to_datetime(people["registered_on"]).dt.year - people["birth_year"]).between(18, 65).all()
    early.dispose()
    late.dispose()


def test_every_regency_has_an_open_market_on_the_last_day_in_proportion_to_population(world):
    """Issue 12: a participant anywhere has vacancies within reach; cities somewhat above their population."""
    _, tables, reference = world
    vacancies, regencies = tables["vacancies"], tables["regencies"].set_index("code")
    open_now = vacancies[vacancies["status"] == "active"]
    assert len(open_now) >= current_market_count(reference, PARTICIPANTS) == cal.CURRENT_MARKET_FLOOR * 514 + PARTICIPANTS // 20
    per_regency = open_now["regency_code"].value_counts().reindex(regencies.index, fill_value=0)
    assert per_regency.min() >= cal.CURRENT_MARKET_FLOOR
    current = open_now[open_now["id"] > vacancy_count(PARTICIPANTS)]  # drawn after the period's vacancies
    per_regency = current["regency_code"].value_counts().reindex(regencies.index, fill_value=0)
    assert np.corrcoef(per_regency, regencies["population"])[0, 1] > 0.7
    per_person = (per_regency - cal.CURRENT_MARKET_FLOOR) / regencies["population"]
    assert per_person[regencies["urban"].astype(bool)].median() > per_person[~regencies["urban"].astype(bool)].median()
    assert current["remote"].mean() == pytest.approx(cal.SHARE_REMOTE, abs=0.015)
    days_left = (pd.to_datetime(current["expires_at"]) - pd.Timestamp(WORLD_END)).dt.days
    assert days_left.min() >= cal.CURRENT_MARKET_MIN_DAYS_LEFT


def test_the_open_market_is_placed_exactly():
    """The floor in every regency, the rest by largest remainders: exactly n in all."""
    reference = SimpleNamespace(regency_population=np.array([100.0, 300.0, 600.0]), regency_urban=np.array([False, False, True]))
    placed = current_market_regencies(reference, 20)
    counts = np.bincount(placed, minlength=3)
    assert counts.sum() == 20 and counts.min() >= cal.CURRENT_MARKET_FLOOR
    assert counts[2] > counts[1] > counts[0]
