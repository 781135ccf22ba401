"""How the dashboard writes money, dates, counts and shares for Indonesian readers.

Indonesian groups thousands with dots ("Rp1.300.000") and writes dates as
"23 November 2026"; the English choice keeps Rupiah in the Indonesian form
(it is the currency's own convention) and uses English month names.
"""

from __future__ import annotations

import datetime as dt
import math

MONTHS = {
    "id": ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"),
}
MISSING = "–"


def _is_missing(value) -> bool:
    """None, NaN (or infinity) and NaT: scraped and joined data has all of them for "unknown"."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return True
    return type(value).__name__ in ("NaTType", "NAType")


def number(value, lang: str = "id", digits: int = 0) -> str:
    """A count or amount with the language's separators: 1.234.567 (id) or 1,234,567 (en)."""
    if _is_missing(value):
        return MISSING
    text = f"{float(value):,.{digits}f}" if digits else f"{round(float(value)):,}"
    if lang == "id":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def rupiah(amount) -> str:
    """Rupiah as written in Indonesia: Rp1.300.000 (negative: -Rp50.000); "–" when unknown."""
    if _is_missing(amount):
        return MISSING
    value = round(float(amount))
    sign = "-" if value < 0 else ""
    return f"{sign}Rp{abs(value):,}".replace(",", ".")


#: Word-sized units of large amounts, largest first: (size, Indonesian, English). Indonesia writes Rp47,5 M for miliar.
_UNITS = ((1e12, "T", "tn"), (1e9, "M", "bn"), (1e6, "jt", "m"))


def short_rupiah(amount, lang: str = "id") -> str:
    """A large amount in words-sized units: "Rp47,5 M" (id) / "Rp47.5 bn" (en); small ones in full.

    Headline figures use it so that the value fits its box; the full amount
    (:func:`rupiah`) goes in the hover text.
    """
    if _is_missing(amount):
        return MISSING
    value = float(amount)
    for size, indonesian, english in _UNITS:
        if abs(value) >= size:
            sign = "-" if value < 0 else ""
            return f"{sign}Rp{number(abs(value) / size, lang, digits=1)} {indonesian if lang == 'id' else english}"
    return rupiah(value)


def rupiah_range(low, high) -> str:
    """A salary band: "Rp4.000.000 – Rp5.500.000", or the one bound known."""
    if _is_missing(low) and _is_missing(high):
        return MISSING
    if _is_missing(low) or _is_missing(high) or round(float(low)) == round(float(high)):
        return rupiah(high if _is_missing(low) else low)
    return f"{rupiah(low)} – {rupiah(high)}"


def percent(share, lang: str = "id", digits: int = 1) -> str:
    """A share in 0..1 as a percentage: 12,5% (id) or 12.5% (en)."""
    if _is_missing(share):
        return MISSING
    return number(100.0 * float(share), lang, digits) + "%"


def long_date(value, lang: str = "id") -> str:
    """A date as "23 November 2026" (id) or "23 November 2026" with English months."""
    if _is_missing(value):
        return MISSING
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    return f"{value.day} {MONTHS.get(lang, MONTHS['id'])[value.month - 1]} {value.year}"


def distance(km, lang: str = "id") -> str:
    """A distance in whole kilometres ("12 km"), "< 1 km" for the same place."""
    if _is_missing(km):
        return MISSING
    return "< 1 km" if km < 1 else f"{number(km, lang)} km"
