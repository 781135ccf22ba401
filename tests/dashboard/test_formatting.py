"""Rupiah, dates, numbers and shares as Indonesian readers write them."""

import datetime as dt
import math

import pandas as pd
import pytest

from dashboard import formatting


@pytest.mark.parametrize(
    "amount, text",
    [(1_300_000, "Rp1.300.000"), (600_000, "Rp600.000"), (0, "Rp0"), (999, "Rp999"), (-50_000, "-Rp50.000"), (1_234_567.6, "Rp1.234.568"), (12_500_000_000, "Rp12.500.000.000")],
)
def test_rupiah_groups_thousands_with_dots(amount, text):
    assert formatting.rupiah(amount) == text


@pytest.mark.parametrize("missing", [None, float("nan")])
def test_missing_values_are_a_dash(missing):
    assert formatting.rupiah(missing) == formatting.MISSING
    assert formatting.long_date(missing) == formatting.MISSING
    assert formatting.percent(missing) == formatting.MISSING


def test_salary_ranges():
    assert formatting.rupiah_range(4_000_000, 5_500_000) == "Rp4.000.000 – Rp5.500.000"
    assert formatting.rupiah_range(None, 5_000_000) == "Rp5.000.000"
    assert formatting.rupiah_range(3_000_000, 3_000_000) == "Rp3.000.000"
    assert formatting.rupiah_range(None, None) == formatting.MISSING


@pytest.mark.parametrize(
    "value, lang, text",
    [
        (dt.date(2026, 11, 23), "id", "23 November 2026"),
        (dt.date(2024, 8, 5), "id", "5 Agustus 2024"),
        (dt.date(2024, 8, 5), "en", "5 August 2024"),
        (dt.datetime(2021, 5, 1, 13, 30), "id", "1 Mei 2021"),
        (pd.Timestamp("2022-02-14"), "id", "14 Februari 2022"),
        ("2023-12-31T08:00:00", "id", "31 Desember 2023"),
    ],
)
def test_long_dates(value, lang, text):
    assert formatting.long_date(value, lang) == text


def test_numbers_and_percentages_follow_the_language():
    assert formatting.number(1_234_567, "id") == "1.234.567"
    assert formatting.number(1_234_567, "en") == "1,234,567"
    assert formatting.number(1234.5, "id", digits=2) == "1.234,50"
    assert formatting.percent(0.125, "id") == "12,5%"
    assert formatting.percent(0.125, "en") == "12.5%"
    assert formatting.percent(1.0, "id", 0) == "100%"
    assert formatting.distance(0.4) == "< 1 km" and formatting.distance(1520.2, "id") == "1.520 km"
    assert math.isnan(float("nan"))
