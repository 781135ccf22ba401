"""The differencing attack against every manager table: no hidden group can be worked out by subtraction.

An attacker knows every visible figure and every total a page shows or
implies (a table of shares reveals its total), subtracts, and repeats with
what they learned. These tests play that attacker on a generated demo world
with many small groups, for the national manager and for a provincial one:
whatever they can solve must be a group of at least 10 people.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard.queries import outcomes, providers, regions, skills
from dashboard.queries.privacy import MIN_GROUP_SIZE, SUPPRESSED, determined_unknowns, hidden_groups, suppress_matrix
from prakerja.db import make_engine


def residual_is_safe(total: float, visible: pd.Series) -> bool:
    """Total minus the visible parts: nobody, or at least 10 people (never one small group)."""
    rest = float(total) - float(visible.fillna(0).sum())
    return rest == 0 or rest >= MIN_GROUP_SIZE


def test_one_table_is_completed_until_the_hidden_rows_hold_ten_people():
    assert hidden_groups([12, 10, 3]).tolist() == [False, True, True]
    assert hidden_groups([12, 10, 3], blocks=["a", "a", "b"]).tolist() == [False, False, True]  # b alone: its block total is itself
    assert hidden_groups([5, 4, 30, 40]).tolist() == [True, True, True, False]  # 5 + 4 = 9: one more
    assert hidden_groups([20, 30], forced=[True, False]).tolist() == [True, False]  # 20 hidden: a sum over 10 people


def test_the_two_way_audit_catches_a_complement_given_back_by_another_line():
    # Sales (8) alone in Jakarta; East Java trained Excel and K3 (15 each). Completing lines alone would hide
    # national Excel as Sales's complement, yet East Java's total minus its K3 gives Excel back, and then Sales.
    counts = pd.DataFrame({"excel": [0, 15], "k3": [0, 15], "sales": [8, 0]}, index=["31", "35"])
    hidden, hidden_totals = suppress_matrix(counts)
    values = counts.to_numpy()
    known_rows = (~hidden.to_numpy() & (values > 0)).any(axis=1)
    solved, solved_totals = determined_unknowns(hidden.to_numpy(), hidden_totals.to_numpy(), known_rows, bool((~hidden_totals & (values.sum(axis=0) > 0)).any()))
    assert not (solved & (values < MIN_GROUP_SIZE) & hidden.to_numpy()).any()
    assert hidden_totals["sales"] and not solved_totals[list(counts.columns).index("sales")]


@pytest.fixture(scope="module")
def attacked(demo_db):
    return make_engine(demo_db.url)


def test_national_total_minus_visible_groups_never_reveals_a_small_group(attacked):
    totals, by_wave = outcomes.overview(attacked)
    assert residual_is_safe(totals[outcomes.PARTICIPANTS], by_wave[outcomes.PARTICIPANTS])
    for dimension in outcomes.DIMENSIONS:
        frame = outcomes.funnel(attacked, dimension)
        assert frame[SUPPRESSED].any() or dimension != "province", "the demo world has small provinces to protect"
        assert residual_is_safe(totals[outcomes.PARTICIPANTS], frame[outcomes.PARTICIPANTS]), dimension
        for step in outcomes.FUNNEL_STEPS:  # each step's total is on the overview or follows from its rates
            raw = outcomes.cohort_counts(attacked, dimension)
            hidden_people = raw.loc[frame[SUPPRESSED].to_numpy(), outcomes.PARTICIPANTS].sum()
            assert hidden_people == 0 or hidden_people >= MIN_GROUP_SIZE, (dimension, step)


def test_a_province_minus_its_visible_regencies_never_reveals_a_small_regency(attacked):
    provinces = outcomes.funnel(attacked, "province").set_index(outcomes.GROUP)
    regencies = regions.regency_outcomes(attacked)
    assert regencies[SUPPRESSED].any() and (~regencies[SUPPRESSED]).any()
    for name, part in regencies.groupby(regions.PROVINCE_NAME):
        if provinces.at[name, SUPPRESSED]:
            assert part[SUPPRESSED].all(), f"{name} is hidden, so are its regencies"
        else:
            assert residual_is_safe(provinces.at[name, outcomes.PARTICIPANTS], part[outcomes.PARTICIPANTS]), name
    national = outcomes.overview(attacked)[0][outcomes.PARTICIPANTS]
    assert residual_is_safe(national, regencies[outcomes.PARTICIPANTS])


def test_a_provincial_manager_cannot_subtract_either(attacked):
    busiest = regions.regency_outcomes(attacked).groupby(regions.PROVINCE_CODE).size().idxmax()
    total = outcomes.overview(attacked, busiest)[0][outcomes.PARTICIPANTS]
    assert residual_is_safe(total, regions.regency_outcomes(attacked, busiest)[outcomes.PARTICIPANTS])
    for dimension in ("wave", "gender", "age_band", "disability", "urban_rural"):
        assert residual_is_safe(total, outcomes.funnel(attacked, dimension, busiest)[outcomes.PARTICIPANTS]), dimension
    courses = providers.training_outcomes(attacked, "course", busiest)
    by_provider = providers.training_outcomes(attacked, "provider", busiest).set_index(providers.NAME)
    for name, part in courses.groupby(providers.PROVIDER):
        if by_provider.at[name, SUPPRESSED]:
            assert part[SUPPRESSED].all()
        else:
            assert residual_is_safe(by_provider.at[name, providers.ENROLLED], part[providers.ENROLLED]), name


def test_a_provider_minus_its_visible_courses_never_reveals_a_small_course(attacked):
    courses = providers.training_outcomes(attacked, "course")
    by_provider = providers.training_outcomes(attacked, "provider").set_index(providers.NAME)
    assert courses[SUPPRESSED].any()
    for name, part in courses.groupby(providers.PROVIDER):
        if by_provider.at[name, SUPPRESSED]:
            assert part[SUPPRESSED].all(), f"{name} is hidden, so are its courses"
            continue
        assert residual_is_safe(by_provider.at[name, providers.ENROLLED], part[providers.ENROLLED]), name
        if pd.isna(by_provider.at[name, providers.GAIN_N]):
            assert part[providers.GAIN_N].isna().all()
        else:
            assert residual_is_safe(by_provider.at[name, providers.GAIN_N], part[providers.GAIN_N]), name


def _solve_by_subtraction(lines: list[tuple[float, dict]], known: dict) -> dict:
    """The attacker's loop: any line (total, cells) with one unknown cell gives it; repeat until nothing new."""
    known = dict(known)
    while True:
        learned = False
        for total, cells in lines:
            if total is None:
                continue
            unknown = [cell for cell in cells if cell not in known]
            if len(unknown) == 1:
                known[unknown[0]] = total - sum(known[c] for c in cells if c in known)
                learned = True
        if not learned:
            return known


def test_skills_tables_of_every_province_and_the_nation_resist_the_attack(attacked, monkeypatch):
    """The national manager opens the national table and every province's; shares give each table's total."""
    once = skills.suppressed_supply(attacked)
    monkeypatch.setattr(skills, "suppressed_supply", lambda engine: once)  # the same tables, computed once for speed
    matrix = once[0]
    tables = {None: skills.skills_supply_demand(attacked, None, "id")}
    tables.update({code: skills.skills_supply_demand(attacked, code, "id") for code in matrix.index})
    names = skills.skills_supply_demand(attacked, None, "id")[skills.SKILL]
    assert tables[None][SUPPRESSED].any()
    known, lines = {}, []
    for code, table in tables.items():
        visible = table[~table[SUPPRESSED] & (table[skills.SUPPLY] > 0)]
        total = float((visible[skills.SUPPLY] / visible[skills.SUPPLY_SHARE]).iloc[0]) if len(visible) else None
        cells = []
        for _, row in table.iterrows():
            cell = (code, row[skills.SKILL])
            cells.append(cell)
            if not row[SUPPRESSED]:
                known[cell] = float(row[skills.SUPPLY])
        lines.append((total, cells))
    for skill in names:  # a skill's national figure is the sum of its provinces' figures
        parts = [(code, skill) for code in matrix.index if skill in set(tables[code][skills.SKILL])]
        national = known.get((None, skill))
        lines.append((national, parts))
        if national is None:
            lines.append((0.0, [*parts, ("minus", skill)]))
    solved = _solve_by_subtraction(lines, known)
    leaked = {cell: value for cell, value in solved.items() if cell not in known and 0 < round(value) < MIN_GROUP_SIZE}
    assert leaked == {}
    # and the figures really were hidden where they are small
    national = tables[None].set_index(skills.SKILL)
    totals = matrix.sum(axis=0)
    assert all(national.loc[national.index[national[SUPPRESSED]], SUPPRESSED]) and (totals < MIN_GROUP_SIZE).any()
