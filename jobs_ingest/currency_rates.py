"""The stated rate table that lets :func:`jobs_ingest.salary.parse_salary` convert foreign salaries.

Conversion is never silent: rates move, and a salary converted at an unknown
rate would look exact when it is not. The caller reads a table on purpose and
passes it in; the shipped one (data/reference/currency_rates.csv) holds
approximate August 2024 rates, the month of the sample postings, and says so.
"""

from __future__ import annotations

import csv
from pathlib import Path

from prakerja.errors import UserError
from prakerja.reference.paths import REFERENCE_DIR

CURRENCY_RATES_FILE = REFERENCE_DIR / "currency_rates.csv"


def read_currency_rates(path: Path | None = None) -> dict[str, float]:
    """IDR per one unit of each currency, from a CSV with columns ``currency, idr_per_unit``.

    Raises
    ------
    UserError
        When the file is missing a column or a rate is not a positive number,
        naming the line, so a bad table never converts anything.
    """
    path = Path(path or CURRENCY_RATES_FILE)
    rates: dict[str, float] = {}
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if not {"currency", "idr_per_unit"} <= set(reader.fieldnames or ()):
            raise UserError(f"{path}: a currency rate table needs the columns currency, idr_per_unit")
        for line, row in enumerate(reader, start=2):
            code = (row["currency"] or "").strip().upper()
            try:
                rate = float(row["idr_per_unit"])
            except (TypeError, ValueError):
                rate = -1.0
            if len(code) != 3 or not code.isalpha() or not rate > 0:
                raise UserError(f"{path}:{line}: bad currency rate {row['currency']!r} = {row['idr_per_unit']!r}")
            rates[code] = rate
    return rates
