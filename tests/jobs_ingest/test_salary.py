"""Salary parsing: the formats boards use, conversion only with a stated rate, absurd values flagged."""

from __future__ import annotations

import csv

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from jobs_ingest.currency_rates import read_currency_rates
from jobs_ingest.salary import PERIODS, Salary, format_rupiah, parse_salary
from prakerja.errors import UserError


@pytest.mark.parametrize(
    ("text", "low", "high", "period"),
    [
        ("Rp 5.000.000 - 7.000.000", 5_000_000, 7_000_000, "month"),
        ("Rp 5.000.000 - Rp 7.000.000", 5_000_000, 7_000_000, "month"),
        ("IDR 5,000,000 to 7,000,000", 5_000_000, 7_000_000, "month"),
        ("Rp4.000.000 – Rp6.000.000 / bulan", 4_000_000, 6_000_000, "month"),
        ("5jt/bulan", 5_000_000, 5_000_000, "month"),
        ("5 juta", 5_000_000, 5_000_000, "month"),
        ("5 - 7 juta", 5_000_000, 7_000_000, "month"),
        ("4 sampai 6 jt", 4_000_000, 6_000_000, "month"),
        ("Rp 5.000.000 s/d Rp 7.000.000", 5_000_000, 7_000_000, "month"),
        ("3jt hingga 4,5jt per bulan", 3_000_000, 4_500_000, "month"),
        ("5,5 juta", 5_500_000, 5_500_000, "month"),
        ("Rp5.5jt", 5_500_000, 5_500_000, "month"),
        ("IDR 150rb per hari", 150_000 * 22, 150_000 * 22, "day"),
        ("Rp 150.000/hari", 150_000 * 22, 150_000 * 22, "day"),
        ("Rp 25.000 per jam", 25_000 * 173, 25_000 * 173, "hour"),
        ("Rp 1.500.000/minggu", round(1_500_000 * 52 / 12), round(1_500_000 * 52 / 12), "week"),
        ("Rp 120.000.000 per tahun", 10_000_000, 10_000_000, "year"),
        ("IDR 60 juta / year", 5_000_000, 5_000_000, "year"),
        ("800k - 1.2m monthly", 800_000, 1_200_000, "month"),
        ("4500k", 4_500_000, 4_500_000, "month"),
        ("3000000", 3_000_000, 3_000_000, "month"),
        ("3000000.0", 3_000_000, 3_000_000, "month"),
        ("5.000.000,00", 5_000_000, 5_000_000, "month"),
        ("Rp 3.500.000", 3_500_000, 3_500_000, "month"),
        ("4.5 - 6 mio", 4_500_000, 6_000_000, "month"),
        ("Gaji pokok 4,2 juta", 4_200_000, 4_200_000, "month"),
        ("UMR Rp 4.900.000", 4_900_000, 4_900_000, "month"),
        ("5-7jt", 5_000_000, 7_000_000, "month"),
        ("Rp 5 000 000", 5_000_000, 5_000_000, "month"),
        ("Rp 100 000 - 200 000 per hari", 2_200_000, 4_400_000, "day"),
        ("Rp 5.000.000/bulan - Rp 7.000.000/bulan", 5_000_000, 7_000_000, "month"),
        ("Rp 5jt per bulan s/d 7jt per bulan", 5_000_000, 7_000_000, "month"),
        ("Rp5jt-Rp7jt", 5_000_000, 7_000_000, "month"),
        ("Rp 5jt + insentif", 5_000_000, 5_000_000, "month"),
        ("Rp 3.000.000 - Rp 4.000.000,-", 3_000_000, 4_000_000, "month"),
    ],
)
def test_indonesian_formats(text, low, high, period):
    salary = parse_salary(text)
    assert (salary.min_idr, salary.max_idr, salary.period, salary.currency) == (low, high, period, "IDR")
    assert salary.problem is None
    assert not salary.converted


@pytest.mark.parametrize(
    "text", [None, "", "  ", "N/A", "n/a", "-", "Competitive", "Negotiable", "Nego", "Kompetitif", "Dirahasiakan",
             "Confidential", "TBD", "Sesuai kesepakatan"]
)
def test_no_amount_is_no_salary_and_no_problem(text):
    salary = parse_salary(text)
    assert (salary.min_idr, salary.max_idr, salary.problem, salary.known) == (None, None, None, False)


def test_open_ended_ranges():
    up_to = parse_salary("up to 8jt")
    assert (up_to.min_idr, up_to.max_idr) == (None, 8_000_000)
    start = parse_salary("mulai dari Rp 4.000.000")
    assert (start.min_idr, start.max_idr) == (4_000_000, None)
    plus = parse_salary("5jt+")
    assert (plus.min_idr, plus.max_idr) == (5_000_000, None)
    assert (parse_salary("Min. Rp 4jt").min_idr, parse_salary("Min. Rp 4jt").max_idr) == (4_000_000, None)
    assert (parse_salary("Maks. 8jt").min_idr, parse_salary("Maks. 8jt").max_idr) == (None, 8_000_000)


@pytest.mark.parametrize(
    ("text", "currency", "low"),
    [("USD 1,000 - 2,000 per month", "USD", 1000), ("$3k/month", "USD", 3000), ("S$ 4,000", "SGD", 4000),
     ("SGD 4000", "SGD", 4000), ("RM 3500", "MYR", 3500), ("MYR 3,500", "MYR", 3500), ("₱25,000", "PHP", 25000),
     ("PHP 18,000 - 22,000", "PHP", 18000), ("US$ 2.500", "USD", 2500)],
)
def test_foreign_currency_without_rate_is_kept_and_flagged(text, currency, low):
    salary = parse_salary(text)
    assert (salary.currency, salary.amount_min, salary.min_idr, salary.max_idr) == (currency, low, None, None)
    assert salary.problem == f"{currency} amount kept unconverted: no rate given"
    assert not salary.converted


def test_foreign_currency_with_stated_rate_is_converted():
    salary = parse_salary("USD 1,000 - 2,000", rates={"USD": 15_500.0})
    assert (salary.min_idr, salary.max_idr, salary.converted, salary.currency) == (15_500_000, 31_000_000, True, "USD")
    assert salary.problem is None
    hourly = parse_salary("$20/hour", rates={"usd": 15_000})
    assert hourly.min_idr == 20 * 173 * 15_000


def test_board_default_currency_for_bare_numbers():
    # kalibrr's export gives bare PHP amounts
    kept = parse_salary("25000", default_currency="PHP")
    assert (kept.currency, kept.min_idr) == ("PHP", None)
    converted = parse_salary("25000", default_currency="PHP", rates={"PHP": 275.0})
    assert (converted.min_idr, converted.converted) == (6_875_000, True)


@pytest.mark.parametrize(
    ("text", "reason"),
    [("Rp 50", "absurd salary: Rp50/month"), ("Rp 5.000", "absurd salary: Rp5.000/month"),
     ("2 miliar per bulan", "absurd salary: Rp2.000.000.000/month"),
     ("Rp 7.000.000 - 5.000.000", "absurd salary: maximum 5e+06 below minimum 7e+06 IDR")],
)
def test_absurd_values_are_flagged_for_quarantine(text, reason):
    assert parse_salary(text).problem == reason


def test_reversed_range_keeps_what_was_read_but_no_idr_range():
    salary = parse_salary("Rp 7.000.000 - 5.000.000")
    assert (salary.amount_min, salary.amount_max, salary.min_idr, salary.max_idr) == (7e6, 5e6, None, None)


def test_unreadable_amount_is_a_problem_not_a_crash():
    assert parse_salary("Rp 1.2.3").problem.startswith("unreadable")
    words_only = parse_salary("Gaji menarik + bonus")
    assert (words_only.known, words_only.problem) == (False, None)


def test_every_salary_in_the_shared_samples_parses(shared_data):
    """Dealls amounts are IDR per month; kalibrr's are PHP (its board currency)."""
    outcomes = {"dealls": [], "kalibrr": []}
    for board, currency in (("dealls", "IDR"), ("kalibrr", "PHP")):
        with open(shared_data / "jobs" / f"{board}.csv", newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                outcomes[board].append(parse_salary(row["base_salary"], default_currency=currency, rates={"PHP": 275}))
    dealls = [salary for salary in outcomes["dealls"] if salary.known]
    assert len(dealls) > 100
    assert all(salary.min_idr == salary.max_idr and salary.currency == "IDR" for salary in dealls)
    # one dealls posting says Rp500.000/month: a real part-time wage, above the absurd floor
    assert all(salary.problem is None for salary in dealls)
    kalibrr = [salary for salary in outcomes["kalibrr"] if salary.known]
    assert kalibrr and all(salary.converted and salary.problem is None for salary in kalibrr)


def test_rupiah_formatting():
    assert format_rupiah(1_300_000) == "Rp1.300.000"
    assert format_rupiah(50) == "Rp50"


def test_shipped_rate_table_reads(tmp_path):
    rates = read_currency_rates()
    assert {"USD", "PHP", "SGD", "MYR"} <= set(rates)
    assert all(rate > 0 for rate in rates.values())
    broken = tmp_path / "rates.csv"
    broken.write_text("currency,idr_per_unit\nUSD,abc\n", encoding="utf-8")
    with pytest.raises(UserError, match="rates.csv:2"):
        read_currency_rates(broken)
    missing = tmp_path / "missing_column.csv"
    missing.write_text("code,rate\nUSD,1\n", encoding="utf-8")
    with pytest.raises(UserError, match="columns"):
        read_currency_rates(missing)


# Styles in which boards write a monthly IDR amount; each must read back to the same amount.
def _dots(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


STYLES = {
    "bare": lambda amount: str(amount),
    "bare float": lambda amount: f"{amount}.0",
    "Rp dots": lambda amount: f"Rp {_dots(amount)}",
    "Rp dots no space": lambda amount: f"Rp{_dots(amount)}",
    "IDR commas": lambda amount: f"IDR {amount:,}",
    "dots with decimals": lambda amount: f"Rp {_dots(amount)},00",
    "per bulan": lambda amount: f"Rp {_dots(amount)} per bulan",
    "/month": lambda amount: f"IDR {amount:,}/month",
    "spaces": lambda amount: f"Rp {amount:,}".replace(",", " "),
    "rb": lambda amount: f"{amount // 1000}rb",
    "ribu": lambda amount: f"{amount // 1000} ribu",
    "k": lambda amount: f"{amount // 1000}k",
    "jt decimal comma": lambda amount: f"{str(amount / 1_000_000).replace('.', ',')} jt",
    "juta decimal point": lambda amount: f"Rp{amount / 1_000_000} juta",
}


@settings(max_examples=300, deadline=None)
@given(thousands=st.integers(min_value=100, max_value=999_999), style=st.sampled_from(sorted(STYLES)))
def test_any_amount_in_any_style_reads_back(thousands, style):
    amount = thousands * 1000
    if style.startswith("j"):
        assume(amount % 10_000 == 0)  # boards write "5,5 jt" or "5,25 jt", not "5,123 jt"
    salary = parse_salary(STYLES[style](amount))
    assert (salary.min_idr, salary.max_idr, salary.problem) == (amount, amount, None), STYLES[style](amount)


@settings(max_examples=200, deadline=None)
@given(
    low=st.integers(min_value=1, max_value=500),
    spread=st.integers(min_value=0, max_value=100),
    period=st.sampled_from(["per hari", "per jam", "per minggu", "per bulan", "per tahun"]),
    join=st.sampled_from([" - ", "-", " – ", " to ", " s/d ", " sampai ", " hingga "]),
)
def test_ranges_scale_by_period_and_keep_min_below_max(low, spread, period, join):
    high = low + spread
    salary = parse_salary(f"Rp {low * 100}.000{join}{high * 100}.000 {period}")
    assert salary.min_idr is not None and salary.min_idr <= salary.max_idr
    factor = {"per hari": 22, "per jam": 173, "per minggu": 52 / 12, "per bulan": 1, "per tahun": 1 / 12}[period]
    assert salary.min_idr == round(low * 100_000 * factor)
    assert salary.max_idr == round(high * 100_000 * factor)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=40))
def test_parse_is_total_and_consistent_on_any_text(text):
    salary = parse_salary(text)
    assert isinstance(salary, Salary) and salary.period in PERIODS
    if salary.min_idr is not None and salary.max_idr is not None:  # even when flagged
        assert salary.min_idr <= salary.max_idr
    if salary.problem is None and salary.known:
        assert salary.currency == "IDR" or salary.converted
