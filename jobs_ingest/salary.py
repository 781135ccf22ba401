"""Salary text -> IDR per month, with the original amounts and currency kept.

Indonesian boards write "Rp 5.000.000 - 7.000.000", "5jt/bulan", "IDR 150rb
per hari", "5,5 juta"; regional boards write "PHP 25,000", "$3k/month"; the
id-jobs export has bare numbers ("3000000", "3000000.0"). Everything is
brought to one comparable figure, IDR per month, because that is what a
participant's wage and the programme's reports use.

Rules (docs/normalization.md gives the reasons):

- dots and commas: a separator followed by exactly three digits groups
  thousands ("5.000.000", "150,000"); otherwise it is the decimal mark
  ("5,5 juta", "Rp5.5jt", "3000000.0"); with both, the last one is decimal;
- "jt"/"juta"/"million"/"m" x 1,000,000; "rb"/"ribu"/"k"/"thousand" x 1,000;
  "miliar"/"billion" x 1,000,000,000; in a range the multiplier written on one
  end applies to the other ("5 - 7 juta");
- per day x 22 working days, per hour x 173 hours, per week x 52/12, per year / 12;
- another currency is converted only with a rate table given by the caller;
  without one the amounts are kept in their currency and the problem says so;
- less than Rp100.000 or more than Rp1.000.000.000 a month, a maximum below
  the minimum, or a number too long to be finite (310+ digits) is absurd: ``problem`` starts with "absurd" and the row is
  quarantined by the pipeline.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

ABSURD_MIN_IDR_PER_MONTH = 100_000
ABSURD_MAX_IDR_PER_MONTH = 1_000_000_000

WORKING_DAYS_PER_MONTH = 22
WORKING_HOURS_PER_MONTH = 173  # 40 h x 52 weeks / 12, the usual Indonesian payroll divisor
MONTHS_PER_PERIOD = {"month": 1.0, "day": WORKING_DAYS_PER_MONTH, "hour": WORKING_HOURS_PER_MONTH,
                     "week": 52 / 12, "year": 1 / 12}
PERIODS = tuple(MONTHS_PER_PERIOD)


@dataclass(frozen=True)
class Salary:
    """A parsed salary.

    ``min_idr``/``max_idr`` are IDR per month (None when unknown or not
    convertible); ``amount_min``/``amount_max`` are as written, in
    ``currency`` per ``period``. A single amount gives min == max; "up to X"
    gives only a max, "from X" only a min.
    """

    min_idr: int | None = None
    max_idr: int | None = None
    currency: str = "IDR"
    period: str = "month"
    converted: bool = False
    problem: str | None = None
    amount_min: float | None = None
    amount_max: float | None = None

    @property
    def known(self) -> bool:
        """True when the text stated an amount at all."""
        return self.amount_min is not None or self.amount_max is not None


# Text that states no amount on purpose: no salary, and no problem either.
_NO_SALARY = re.compile(
    r"^(?:|-+|n/?a|none|null|nan|0|0\.0|tbd|tba|competitive|negotiable|nego|negotiated|undisclosed|confidential"
    r"|kompetitif|dirahasiakan|rahasia|sesuai kesepakatan|sesuai pengalaman|bisa nego|depends on experience|doe"
    r"|not specified|not disclosed|tidak disebutkan|menarik|attractive|salary: ?competitive)\.?$"
)

# A board's JSON may say Infinity (Python's json reads it as float inf): an amount, but no number.
_INFINITE = re.compile(r"(?<![a-z])(?:inf|infinity|∞)(?![a-z])")

# Longest spellings first so "us$" is not read as "$".
_CURRENCY_BY_MARK = {
    "idr": "IDR", "rp": "IDR", "rupiah": "IDR",
    "usd": "USD", "us$": "USD", "$": "USD", "dollar": "USD", "dollars": "USD",
    "sgd": "SGD", "s$": "SGD", "sg$": "SGD",
    "php": "PHP", "₱": "PHP", "peso": "PHP", "pesos": "PHP",
    "myr": "MYR", "rm": "MYR", "ringgit": "MYR",
    "eur": "EUR", "€": "EUR", "gbp": "GBP", "£": "GBP", "aud": "AUD", "a$": "AUD",
    "jpy": "JPY", "¥": "JPY", "thb": "THB", "฿": "THB", "vnd": "VND", "₫": "VND",
}
_CURRENCY_MARK = re.compile(
    "|".join(
        (re.escape(mark) if not mark.isalpha() else rf"(?<![a-z]){re.escape(mark)}(?![a-z])")
        for mark in sorted(_CURRENCY_BY_MARK, key=len, reverse=True)
    )
)

_PERIOD_WORDS = (
    ("hour", r"jam|hour|hours|hourly|/ ?hrs?|per hrs?|/h"),  # a bare "HR" is human resources
    ("day", r"hari|harian|day|daily|diem"),
    ("week", r"minggu|mingguan|pekan|week|weekly|wk"),
    ("year", r"tahun|tahunan|thn|year|yearly|annual|annually|annum|yr|p\.?a\.?"),
    ("month", r"bulan|bulanan|bln|month|monthly|mo|mth|pm|p\.?m\.?"),
)
_PERIOD = [(period, re.compile(rf"(?<![a-z])(?:{words})(?![a-z])")) for period, words in _PERIOD_WORDS]

_MULTIPLIERS = {
    "jt": 1e6, "juta": 1e6, "jutaan": 1e6, "million": 1e6, "millions": 1e6, "mio": 1e6, "mil": 1e6, "m": 1e6,
    "rb": 1e3, "ribu": 1e3, "ribuan": 1e3, "k": 1e3, "thousand": 1e3, "rbu": 1e3,
    "miliar": 1e9, "milyar": 1e9, "milyard": 1e9, "billion": 1e9, "bn": 1e9,
}
_MULTIPLIER_WORD = "|".join(sorted(_MULTIPLIERS, key=len, reverse=True))
# "5 000 000" (spaces grouping thousands) is one number; otherwise digits with dots and commas.
_AMOUNT = re.compile(
    rf"(?P<number>\d{{1,3}}(?: \d{{3}})+(?![\d.,])|\d[\d.,]*\d|\d)\s*(?P<mult>(?:{_MULTIPLIER_WORD})(?![a-z]))?"
)
_RANGE_JOIN = re.compile(r"^\s*(?:-|–|—|~|to|s/d|s\.d\.?|sd|sampai(?: dengan)?|hingga|until|upto|up to)\s*$")
_UP_TO = re.compile(r"(?:up ?to|max(?:imum|imal)?|maks(?:imal)?|hingga|sampai|s/d|under|below|<|≤|paling banyak)\s*$")
_OPEN_ABOVE = re.compile(r"\s*\+(?!\s*[a-z])")  # "5jt+", but not "5jt + bonus"
_FROM = re.compile(r"(?:from|start(?:ing)?(?: from| at)?|min(?:imum|imal)?|mulai(?: dari)?|dari|at least|>|≥)\s*$")


def _number(text: str) -> float | None:
    """Read "5.000.000", "150,000", "5,5", "3000000.0", "5.000.000,00", "5 000 000" as a float."""
    text = text.replace(" ", "")
    dots, commas = text.count("."), text.count(",")
    if dots and commas:
        decimal = "." if text.rfind(".") > text.rfind(",") else ","
        thousands = "," if decimal == "." else "."
        text = text.replace(thousands, "").replace(decimal, ".")
    elif dots or commas:
        mark = "." if dots else ","
        head, _, tail = text.rpartition(mark)
        groups_of_three = (dots or commas) > 1 or len(tail) == 3
        if groups_of_three and all(len(group) == 3 for group in text.split(mark)[1:]):
            text = text.replace(mark, "")
        elif (dots or commas) == 1:
            text = f"{head}.{tail}"
        else:
            return None  # "1.2.3": no reading is safe
    try:
        return float(text)
    except ValueError:
        return None


def _without_units(text: str) -> str:
    """What joins two amounts once currencies and periods are out: "/bulan - Rp " -> "-"."""
    text = _CURRENCY_MARK.sub(" ", text)
    for _, pattern in _PERIOD:
        text = pattern.sub(" ", text)
    return re.sub(r"(?<![a-z])per(?![a-z])|(?<![a-z])/|/(?![a-z])", " ", text)  # but keep "s/d"


def _currency(text: str, default: str) -> str:
    match = _CURRENCY_MARK.search(text)
    return _CURRENCY_BY_MARK[match.group(0)] if match else default


def _period(text: str) -> str:
    # The first period word in the text wins: "Rp 150rb per hari (dibayar per minggu)" is per day.
    found = [(match.start(), period) for period, pattern in _PERIOD for match in pattern.finditer(text)]
    return min(found)[1] if found else "month"


def _amounts(text: str) -> tuple[float | None, float | None, str | None]:
    """The minimum and maximum written in ``text`` (original currency and period), and a problem."""
    matches = list(_AMOUNT.finditer(text))
    if not matches:
        return None, None, "unreadable salary: no amount"
    values = []
    for match in matches[:2]:
        number = _number(match.group("number"))
        if number is None:
            return None, None, f"unreadable salary: {match.group('number')!r}"
        values.append((number, _MULTIPLIERS.get(match.group("mult") or "", None), match))
    if len(values) == 2 and _RANGE_JOIN.match(_without_units(text[values[0][2].end() : values[1][2].start()])):
        (low, low_mult, _), (high, high_mult, _) = values
        # "5 - 7 juta": the multiplier written on the high end covers the low end too.
        low_mult = low_mult or (high_mult if low <= high else None)
        return low * (low_mult or 1), high * (high_mult or 1), None
    number, multiplier, match = values[0]
    amount = number * (multiplier or 1)
    before = _CURRENCY_MARK.sub("", text[: match.start()]).rstrip(" .:")
    if _UP_TO.search(before):
        return None, amount, None
    if _FROM.search(before) or _OPEN_ABOVE.match(text[match.end() :]):
        return amount, None, None
    return amount, amount, None


def _to_monthly_idr(amount: float | None, factor: float) -> int | None:
    """IDR a month, or None; an amount that overflows on conversion (a huge rate) becomes 2**63,
    which :func:`_absurdity` then rejects, rather than raising."""
    if amount is None:
        return None
    monthly = amount * factor
    return int(round(monthly)) if math.isfinite(monthly) else 2**63


def parse_salary(
    text: str | None,
    *,
    default_currency: str = "IDR",
    rates: Mapping[str, float] | None = None,
) -> Salary:
    """Parse one salary field.

    Parameters
    ----------
    text
        The board's salary text or number.
    default_currency
        ISO code when the text names none: "IDR" for Indonesian boards; a
        regional board's own currency otherwise (kalibrr's export is in PHP).
    rates
        IDR per one unit of each other currency (``{"USD": 15500.0}``), e.g.
        from :func:`jobs_ingest.currency_rates.read_currency_rates`. Without
        a rate a foreign amount is kept unconverted and flagged.

    Returns
    -------
    Salary
        Never raises on bad text: what could not be read is in ``problem``.
    """
    return _parse_salary(None if text is None else str(text), default_currency, _frozen(rates))


def _frozen(rates: Mapping[str, float] | None) -> tuple[tuple[str, float], ...]:
    return tuple(sorted((code.upper(), float(rate)) for code, rate in (rates or {}).items()))


@lru_cache(maxsize=65536)
def _parse_salary(text: str | None, default_currency: str, rates: tuple[tuple[str, float], ...]) -> Salary:
    default_currency = default_currency.upper()
    cleaned = " ".join((text or "").lower().split())
    if _INFINITE.search(cleaned):
        return Salary(currency=default_currency, problem="absurd salary: an amount too large to be a number")
    if _NO_SALARY.match(cleaned) or not any("0" <= char <= "9" for char in cleaned):
        return Salary(currency=default_currency)  # "Gaji menarik", "Attractive package": words, no amount
    currency = _currency(cleaned, default_currency)
    period = _period(cleaned)
    low, high, problem = _amounts(cleaned)
    if problem:
        return Salary(currency=currency, period=period, problem=problem)
    if any(value is not None and not math.isfinite(value) for value in (low, high)):
        # 310+ digits read as float infinity: no month's pay, and int(round(inf)) would raise
        return Salary(currency=currency, period=period, problem="absurd salary: an amount too large to be a number")
    base = Salary(currency=currency, period=period, amount_min=low, amount_max=high)
    if low is not None and high is not None and high < low:
        return _replace(base, problem=f"absurd salary: maximum {high:g} below minimum {low:g} {currency}")
    rate = 1.0 if currency == "IDR" else dict(rates).get(currency)
    if rate is None:
        return _replace(base, problem=f"{currency} amount kept unconverted: no rate given")
    factor = MONTHS_PER_PERIOD[period] * rate
    monthly = _replace(
        base,
        min_idr=_to_monthly_idr(low, factor),
        max_idr=_to_monthly_idr(high, factor),
        converted=currency != "IDR",
    )
    return _replace(monthly, problem=_absurdity(monthly))


def _absurdity(salary: Salary) -> str | None:
    for value in (salary.min_idr, salary.max_idr):
        if value is not None and not ABSURD_MIN_IDR_PER_MONTH <= value <= ABSURD_MAX_IDR_PER_MONTH:
            return f"absurd salary: {format_rupiah(value)}/month"
    return None


def _replace(salary: Salary, **changes) -> Salary:
    return Salary(**{**salary.__dict__, **changes})


def format_rupiah(amount: int) -> str:
    """Rp1.300.000: the Indonesian way, dots grouping thousands."""
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(amount):,}".replace(",", ".")
