"""Column mappings: how a board's own export names the fields of a :class:`RawPosting`.

A mapping file is JSON or TOML (chosen by its extension), for example::

    # loker.toml
    source = "loker"            # board name of every row (required unless --source is given)
    currency = "IDR"            # salary currency when the salary text names none (default IDR)
    format = "csv"              # "csv" or "jsonl"; default from the data file's extension
    delimiter = ";"             # CSV only (default ",")
    missing = ["N/A", "-"]      # values that mean "no value" (default: empty, N/A, null, none, -)

    [columns]                   # our field = their column; dotted paths reach into JSON objects
    title = "judul"
    source_id = "id"
    url = "link"
    company = "perusahaan.nama"
    location_text = "lokasi"
    salary_text = "gaji"

    [constants]                 # fields the export lacks, the same for every row
    employment_type_text = "fullTime"

Our fields are those of :class:`RawPosting` except ``source``, ``raw`` and
``row_number``. ``title`` and one of ``source_id`` / ``url`` must be mapped.
The id-jobs layout is itself a mapping: :data:`ID_JOBS`.
"""

from __future__ import annotations

import dataclasses
import json
import tomllib
from pathlib import Path
from typing import Any

from jobs_ingest.records import RawPosting, RejectedRow, SourceRecord
from prakerja.errors import UserError

MAPPABLE_FIELDS = tuple(
    field.name for field in dataclasses.fields(RawPosting) if field.name not in ("source", "raw", "row_number")
)
DEFAULT_MISSING = ("", "n/a", "na", "null", "none", "nan", "-")
_TRUE = frozenset({"true", "1", "yes", "y", "aktif", "active", "open", "t"})
_FALSE = frozenset({"false", "0", "no", "n", "tidak", "inactive", "closed", "expired", "f"})


@dataclasses.dataclass(frozen=True)
class ColumnMapping:
    """Where each field of a posting is found in a row (a dict of column -> value)."""

    columns: dict[str, str]
    constants: dict[str, Any] = dataclasses.field(default_factory=dict)
    source: str | None = None
    currency: str | None = None
    format: str | None = None
    delimiter: str = ","
    missing: frozenset[str] | tuple[str, ...] = DEFAULT_MISSING

    def __post_init__(self) -> None:
        unknown = sorted((set(self.columns) | set(self.constants)) - set(MAPPABLE_FIELDS))
        if unknown:
            raise UserError(
                f"mapping names unknown fields {', '.join(unknown)}; known fields: {', '.join(MAPPABLE_FIELDS)}"
            )
        if "title" not in self.columns:
            raise UserError("mapping must map 'title' to a column")
        if "source_id" not in self.columns and "url" not in self.columns:
            raise UserError("mapping must map 'source_id' or 'url' to a column, so postings can be recognised again")
        if self.format not in (None, "csv", "jsonl"):
            raise UserError(f"mapping format must be 'csv' or 'jsonl', not {self.format!r}")
        object.__setattr__(self, "missing", frozenset(self.missing))

    @classmethod
    def load(cls, path: Path) -> ColumnMapping:
        """Read a mapping file (``.json`` or ``.toml``)."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise UserError(f"cannot read mapping file {path}: {exc.strerror}") from None
        try:
            data = tomllib.loads(text) if Path(path).suffix.lower() == ".toml" else json.loads(text)
        except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
            raise UserError(f"mapping file {path} is not valid {Path(path).suffix.lstrip('.').upper()}: {exc}") from None
        if not isinstance(data, dict) or not isinstance(data.get("columns"), dict):
            raise UserError(f"mapping file {path} needs a 'columns' table of our field -> their column")
        extra = set(data) - {"columns", "constants", "source", "currency", "format", "delimiter", "missing"}
        if extra:
            raise UserError(f"mapping file {path} has unknown keys: {', '.join(sorted(extra))}")
        return cls(
            columns={str(k): str(v) for k, v in data["columns"].items()},
            constants=dict(data.get("constants", {})),
            source=data.get("source"),
            currency=data.get("currency"),
            format=data.get("format"),
            delimiter=data.get("delimiter", ","),
            missing=tuple(str(v).lower() for v in data.get("missing", DEFAULT_MISSING)),
        )

    def posting(self, row: dict[str, Any], *, source: str, row_number: int) -> SourceRecord:
        """The posting a row describes (or a :class:`RejectedRow` when it has neither title nor id)."""
        values: dict[str, Any] = dict(self.constants)
        missing, get = self.missing, row.get
        for field, column in self.columns.items():
            value = get(column)
            if value.__class__ is str:  # the common case, inlined: a row is read ~15 times
                if value.strip().lower() not in missing:
                    values[field] = value
                continue
            value = self._value(row, column)
            if value is not None:
                values[field] = value if isinstance(value, str) or field == "is_active" else str(value)
        if values.get("salary_text") is not None and "salary_currency" not in values:
            values["salary_currency"] = self.currency
        if "is_active" in values:
            flag = str(values["is_active"]).strip().lower()
            values["is_active"] = True if flag in _TRUE else False if flag in _FALSE else None
        values.setdefault("source_id", values.get("url"))
        if values.get("title") is None and values.get("source_id") is None:
            return RejectedRow(source=source, raw=row, reason="empty row: no title and no id", row_number=row_number)
        values.setdefault("title", None)
        return RawPosting(source=source, raw=row, row_number=row_number, **values)

    def _value(self, row: dict[str, Any], column: str) -> Any:
        value: Any = row.get(column)
        if value is None and "." in column:  # a dotted path into nested JSON
            value = row
            for part in column.split("."):
                value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, list):
            value = ",".join(str(item) for item in value if item is not None) or None
        if isinstance(value, str) and value.strip().lower() in self.missing:
            return None
        if isinstance(value, float) and value != value:  # NaN
            return None
        return value


ID_JOBS_COLUMNS = (
    "job_title", "job_location", "job_department", "job_url", "first_seen", "base_salary", "job_type", "job_level",
    "job_apply_end_date", "last_seen", "is_active", "company", "company_url", "job_board", "job_board_url",
)

#: The id-jobs layout. ``first_seen`` is the scrape time (so also our first and last sighting);
#: ``last_seen`` is the board's own "updated at", the closest thing to a posting date it has.
ID_JOBS = ColumnMapping(
    columns={
        "title": "job_title",
        "location_text": "job_location",
        "department": "job_department",
        "url": "job_url",
        "source_id": "job_url",
        "first_seen": "first_seen",
        "last_seen": "first_seen",
        "posted_at": "last_seen",
        "salary_text": "base_salary",
        "employment_type_text": "job_type",
        "job_level": "job_level",
        "apply_end": "job_apply_end_date",
        "is_active": "is_active",
        "company": "company",
        "company_url": "company_url",
    },
    currency="IDR",
    format="csv",
)

#: Boards whose id-jobs export is not in IDR (kalibrr is a Philippine board: amounts in PHP).
BOARD_CURRENCIES = {"kalibrr": "PHP"}
