"""The SQL aggregates against the hand-made world, on SQLite and PostgreSQL.

Expected values are worked out from the world's own lists (conftest), so a
wrong join, a lost filter or a double count shows up as a different number.
"""

from __future__ import annotations

import math
import statistics

import numpy as np
import pandas as pd
import pytest

from dashboard.queries import outcomes, participant, providers, regions, research, skills, vacancies
from dashboard.queries.medians import weighted_median
from dashboard.queries.privacy import MIN_GROUP_SIZE, SUPPRESSED, suppress_small_groups

from tests.dashboard.dashboard_small_world import INCENTIVE


def _row(frame: pd.DataFrame, group) -> pd.Series:
    return frame.set_index(outcomes.GROUP).loc[group]


def test_funnel_by_wave_counts_each_step_and_hides_the_small_wave(small_world):
    engine, world = small_world
    raw = outcomes.cohort_counts(engine, "wave")
    wave1, wave2 = (_row(raw, w) for w in (1, 2))
    assert (wave1.participants, wave1.trained, wave1.recommended, wave1.applied, wave1.hired) == (12, 12, 12, 6, 3)
    assert (wave2.participants, wave2.trained, wave2.recommended, wave2.applied, wave2.hired) == (10, 8, 5, 2, 1)
    frame = outcomes.funnel(engine, "wave")
    assert list(frame[outcomes.GROUP]) == [1, 2, 3]
    assert _row(frame, 1).hire_rate == pytest.approx(3 / 12)
    wave2, wave3 = _row(frame, 2), _row(frame, 3)
    assert bool(wave3[SUPPRESSED]) and all(pd.isna(wave3[c]) for c in ("participants", "trained", "hired", "hire_rate"))
    # 25 people in total are shown on the overview: with wave 2 visible, 25 - 12 - 10 would give wave 3's 3 people
    assert bool(wave2[SUPPRESSED]) and pd.isna(wave2.participants)


@pytest.mark.parametrize(
    "dimension, expected",
    [
        ("gender", {"F": 15, "M": 10}),
        ("province", {"Jawa Timur": 15, "DKI Jakarta": 10}),
        ("urban_rural", {"urban": None, "rural": None}),  # 25 - 22 would give the 3 rural people
        ("disability", {"yes": None, "no": None}),
        ("age_band", {"25-34": 12, "35-44": None, "18-24": None}),
    ],
)
def test_funnel_groups_by_every_dimension(small_world, dimension, expected):
    engine, _ = small_world
    frame = outcomes.funnel(engine, dimension).set_index(outcomes.GROUP)
    assert set(frame.index) == set(expected)
    for group, size in expected.items():
        if size is None:
            assert frame.at[group, SUPPRESSED] and pd.isna(frame.at[group, outcomes.PARTICIPANTS])
        else:
            assert frame.at[group, outcomes.PARTICIPANTS] == size


def test_the_summary_is_as_of_its_rebuild(small_world):
    import datetime as dt

    from dashboard.queries.steps import ensure_fresh_steps, refresh_participant_steps, steps_refreshed_at
    from prakerja.db import transaction
    from prakerja.models import Interaction

    engine, world = small_world
    assert steps_refreshed_at(engine) is None
    assert outcomes.cohort_counts(engine, "wave").set_index(outcomes.GROUP).at[2, outcomes.HIRED] == 1  # built on first use
    built = steps_refreshed_at(engine)
    with transaction(engine) as session:
        session.add(Interaction(participant_id=world.group_b[5], vacancy_id=2, kind="hired", occurred_at=world.now))
    assert outcomes.cohort_counts(engine, "wave").set_index(outcomes.GROUP).at[2, outcomes.HIRED] == 1  # fresh enough: as of the build
    assert ensure_fresh_steps(engine, max_age=dt.timedelta(0), wait=True) > built  # too old: rebuilt
    assert outcomes.cohort_counts(engine, "wave").set_index(outcomes.GROUP).at[2, outcomes.HIRED] == 2
    assert refresh_participant_steps(engine) == 25


def test_a_stale_summary_is_rebuilt_in_the_background(small_world):
    import datetime as dt
    import time

    from dashboard.queries.steps import ensure_fresh_steps, refresh_participant_steps, steps_refreshed_at

    engine, _ = small_world
    old = dt.datetime(2020, 1, 1)
    refresh_participant_steps(engine, now=old)
    assert ensure_fresh_steps(engine) == old  # the reader keeps the old summary ...
    deadline = time.monotonic() + 30
    while steps_refreshed_at(engine) == old and time.monotonic() < deadline:
        time.sleep(0.1)
    assert steps_refreshed_at(engine) > old  # ... while a thread rebuilds it


def test_recommended_counts_stored_recommendations_too(small_world):
    engine, world = small_world
    raw = outcomes.cohort_counts(engine, "wave").set_index(outcomes.GROUP)
    assert raw.at[3, outcomes.RECOMMENDED] == 1  # group C: one stored recommendation, nothing shown


def test_overview_totals_match_the_hand_computed_figures(small_world):
    engine, world = small_world
    totals, _ = outcomes.overview(engine)
    assert totals[outcomes.PARTICIPANTS] == 25
    assert totals[outcomes.COMPLETION_RATE] == pytest.approx(23 / 25)
    assert totals[outcomes.MATCH_RATE] == pytest.approx((12 + 5 + 1) / 25)
    assert totals[outcomes.APPLICATIONS] == world.applications
    assert totals[outcomes.HIRED] == 4
    assert totals[outcomes.WAGE_BEFORE] == statistics.median(w for w in world.wage_before.values() if w is not None)
    assert totals[outcomes.WAGE_AFTER] == statistics.median(world.wage_after.values())
    assert totals[outcomes.INCENTIVE] == INCENTIVE * 23


def test_overview_by_wave_uses_the_latest_outcome_only(small_world):
    engine, world = small_world
    _, frame = outcomes.overview(engine)
    wave1 = _row(frame, 1)
    # group A's first person was unemployed in January and hired in May: only May counts
    assert wave1[outcomes.WAGE_AFTER] == statistics.median(world.wage_after[p] for p in world.group_a[:3])
    assert wave1[outcomes.WAGE_BEFORE] == statistics.median(world.wage_before[p] for p in world.group_a)
    assert wave1[outcomes.APPLICATIONS] == 7
    assert _row(frame, 3)[SUPPRESSED]


def test_a_provincial_scope_sees_only_its_province(small_world):
    engine, world = small_world
    totals, _ = outcomes.overview(engine, "35")
    assert totals[outcomes.PARTICIPANTS] == len(world.group_a) + len(world.group_c)
    assert totals[outcomes.HIRED] == 3
    assert totals[outcomes.APPLICATIONS] == 7
    frame = outcomes.funnel(engine, "wave", "35")
    assert set(frame[outcomes.GROUP]) == {1, 3}
    assert outcomes.overview(engine, "31")[0][outcomes.PARTICIPANTS] == 10
    regencies = regions.regency_outcomes(engine, "35")
    assert set(regencies[regions.REGENCY_CODE]) == {"3578", "3515"}


def test_a_scope_under_ten_people_shows_no_totals(small_world):
    engine, world = small_world
    from sqlalchemy import delete

    from prakerja.models import Participant

    with engine.begin() as connection:  # leave Jakarta with 9 people (the database cascades)
        connection.execute(delete(Participant).where(Participant.id == world.group_b[-1]))
    totals, by_wave = outcomes.overview(engine, "31")
    assert totals[outcomes.PARTICIPANTS] is None and set(totals) == {outcomes.PARTICIPANTS, outcomes.AS_OF}
    assert by_wave[SUPPRESSED].all()


def test_regency_points_carry_coordinates_and_hire_rates(small_world):
    engine, _ = small_world
    frame = regions.regency_outcomes(engine).set_index(regions.REGENCY_CODE)
    assert frame.at["3171", outcomes.PARTICIPANTS] == 10 and frame.at["3171", outcomes.HIRE_RATE] == pytest.approx(1 / 10)
    assert frame.at["3578", regions.LATITUDE] == pytest.approx(-7.25)
    assert frame.at["3515", SUPPRESSED] and pd.isna(frame.at["3515", outcomes.HIRED])
    assert frame.at["3515", regions.REGENCY_NAME] == "Kabupaten Sidoarjo"  # the label stays
    # East Java's 15 are on the funnel by province: Surabaya's 12 would give Sidoarjo's 3, so Surabaya is hidden too
    assert frame.at["3578", SUPPRESSED] and frame.at["3578", regions.PROVINCE_CODE] == "35"


def test_skills_supply_against_active_demand(small_world):
    engine, _ = small_world
    raw = skills.supply_by_province(engine)  # people who completed a course teaching the skill, by province
    assert raw.loc["35", 1] == 15 and raw.loc["35", 2] == 15 and raw.loc["31", 3] == 8 and raw.loc["31", 1] == 0
    national = skills.skills_supply_demand(engine, None, "en").set_index(skills.SKILL)
    # Sales (8) is hidden; with K3 or Excel shown, the national shares (total 38) and East Java's table
    # (15 + 15) would give Sales back, so every supply figure of this tiny world is hidden
    assert national[SUPPRESSED].all() and national[skills.SUPPLY].isna().all()
    assert national.at["Microsoft Excel", skills.DEMAND] == 2  # vacancies 1 and 2 (3 is expired)
    assert national.at["Occupational safety", skills.DEMAND] == 0
    assert national.at["Sales", skills.DEMAND] == 1
    assert national.at["Microsoft Excel", skills.DEMAND_SHARE] == pytest.approx(2 / 3)
    east_java = skills.skills_supply_demand(engine, "35", "id").set_index(skills.SKILL)
    assert east_java.at["Microsoft Excel", skills.DEMAND] == 1
    assert east_java.at["Penjualan", skills.DEMAND] == 1


def test_provider_and_course_tables_with_intervals(small_world):
    engine, _ = small_world
    by_provider = providers.training_outcomes(engine, "provider").set_index(providers.NAME)
    alpha = by_provider.loc["LPK Alpha"]
    assert (alpha[providers.ENROLLED], alpha[providers.COMPLETED], alpha[outcomes.HIRED]) == (25, 23, 4)
    low, high = providers.wilson_interval(np.array([4]), np.array([23]))
    assert alpha[providers.HIRE_LOW] == pytest.approx(low[0]) and alpha[providers.HIRE_HIGH] == pytest.approx(high[0])
    assert alpha[providers.HIRE_LOW] < 4 / 23 < alpha[providers.HIRE_HIGH]
    assert pd.isna(alpha[providers.GAIN]) and pd.isna(alpha[providers.GAIN_N])  # 4 wage gains: too few to show
    by_course = providers.training_outcomes(engine, "course").set_index(providers.NAME)
    assert by_course.at["Excel & K3", providers.ENROLLED] == 15
    assert by_course.at["Teknik Penjualan", providers.COMPLETION_RATE] == pytest.approx(8 / 10)


def test_interval_helpers_agree_with_textbook_formulas():
    values = np.array([100.0, 250.0, 175.0, 90.0, 310.0])
    mean, low, high = providers.mean_interval(values.sum(), (values**2).sum(), len(values))
    half = 1.959964 * values.std(ddof=1) / math.sqrt(len(values))
    assert (mean, low, high) == pytest.approx((values.mean(), values.mean() - half, values.mean() + half))
    low, high = providers.wilson_interval(np.array([0]), np.array([10]))
    assert low[0] == pytest.approx(0.0) and 0 < high[0] < 0.35


def test_vacancy_sources_freshness_and_quarantine(small_world):
    engine, world = small_world
    boards = vacancies.sources(engine).set_index(vacancies.SOURCE)
    assert boards.at["dealls", vacancies.POSTINGS] == 2 and boards.at["dealls", vacancies.ACTIVE] == 2
    assert boards.at["vidio", vacancies.ACTIVE] == 0
    assert list(vacancies.sources(engine, "31")[vacancies.SOURCE]) == ["dealls"]
    fresh = vacancies.freshness(engine, now=world.now).set_index(vacancies.AGE)[vacancies.VACANCIES].to_dict()
    assert fresh == {"0-7": 1, "8-30": 1, "31-90": 0, "90+": 0, "?": 1}
    quarantined = vacancies.quarantine_counts(engine)
    assert quarantined.values.tolist() == [["dealls", "reason_foreign_location", 2], ["vidio", "reason_unreadable_salary", 1]]


def test_participant_sees_own_trainings_and_saved_vacancies(small_world):
    engine, world = small_world
    me = world.group_b[9]
    rows = participant.trainings(engine, me)
    assert rows[participant.COURSE].tolist() == ["Teknik Penjualan"]
    assert rows[participant.COMPLETED].isna().all() or rows[participant.COMPLETED].tolist() == [None]
    assert participant.profile(engine, me)["province"] == "DKI Jakarta"
    assert participant.profile(engine, 10_000) is None
    assert participant.saved_vacancies(engine, me).empty


def test_model_runs_are_flattened_for_side_by_side(small_world):
    engine, _ = small_world
    runs = research.model_runs(engine)
    assert runs.loc[0, research.RUN] == 1 and runs.loc[0, research.PARAMS] == {"k": 1} and runs.loc[0, research.TEST] == {"ndcg": 0.5}
    assert runs.loc[0, research.KIND] == research.EVALUATION  # no model file: it cannot be served
    assert research.participant_by_pseudonym(engine, "ps0001") == 1
    assert research.participant_by_pseudonym(engine, "nobody") is None


def test_suppression_blanks_numbers_and_keeps_labels():
    frame = pd.DataFrame({"group": ["a", "b", "c", "d"], "people": [9, 10, 0, 25], "share": [0.1, 0.2, 0.3, 0.4], "name": ["x", "y", "z", "w"]})
    hidden = suppress_small_groups(frame, "people", ["group"])
    assert hidden[SUPPRESSED].tolist() == [True, True, True, False]  # b hides with a: 44 - 25 gives 19, not a's 9
    assert hidden["group"].tolist() == ["a", "b", "c", "d"]
    assert pd.isna(hidden.loc[0, "people"]) and pd.isna(hidden.loc[0, "share"]) and pd.isna(hidden.loc[0, "name"])
    assert hidden.loc[3, "people"] == 25 and hidden.loc[3, "name"] == "w"
    assert MIN_GROUP_SIZE == 10
    assert frame.loc[0, "people"] == 9  # the input is not changed


@pytest.mark.parametrize("values, counts", [([1, 2, 3], [1, 1, 1]), ([5, 1, 3, 2], [2, 1, 4, 1]), ([7], [3]), ([1, 2], [1, 1])])
def test_weighted_median_equals_the_median_of_the_repeated_values(values, counts):
    assert weighted_median(np.array(values), np.array(counts)) == statistics.median(np.repeat(values, counts))
