"""What every source hands to the pipeline: a posting as received, or a row it could not read.

Sources (CSV readers, the Scrapy crawler) only translate their input into these
two shapes; normalization, dedupe and accounting never see a source format.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import math
import operator
from typing import Any

Timestamp = str | dt.datetime | None


@dataclasses.dataclass(slots=True)
class RawPosting:
    """One job posting exactly as a board published it, before normalization.

    Text fields keep the board's wording; ``None`` means the board gave nothing.
    Dates may be strings in any format the expiry parser reads, or datetimes.

    Attributes
    ----------
    source
        Board name ("dealls", "kalibrr"); the same board must always use the same name.
    source_id
        The board's own id of the posting, or its URL when it has none.
    raw
        The row or record as received (column -> value), archived in ``raw_rows``.
    row_number
        Position in the input (0-based); sources fill it so a crashed run can resume.
    """

    source: str
    source_id: str
    title: str | None
    url: str | None = None
    company: str | None = None
    company_url: str | None = None
    location_text: str | None = None
    department: str | None = None
    description: str | None = None
    salary_text: str | None = None
    salary_currency: str | None = None
    employment_type_text: str | None = None
    job_level: str | None = None
    posted_at: Timestamp = None
    first_seen: Timestamp = None
    last_seen: Timestamp = None
    apply_end: Timestamp = None
    is_active: bool | None = None
    raw: dict[str, Any] = dataclasses.field(default_factory=dict)
    row_number: int | None = None

    def content_hash(self) -> str:
        """Hash of what the posting says, without the crawl times.

        A board scraped again tomorrow repeats ``first_seen``/``last_seen`` with new
        values; only a change of the posting itself should count as an update.
        """
        joined = "\x1f".join(["\x00" if value is None else str(value) for value in _content_values(self)])
        return hashlib.sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()


CONTENT_FIELDS = (
    "title", "url", "company", "company_url", "location_text", "department", "description", "salary_text",
    "salary_currency", "employment_type_text", "job_level", "posted_at", "apply_end", "is_active",
)


_content_values = operator.attrgetter(*CONTENT_FIELDS)
_POSTING_FIELDS = tuple(f.name for f in dataclasses.fields(RawPosting) if f.name not in ("raw", "row_number"))


@dataclasses.dataclass(slots=True)
class RejectedRow:
    """An input row a source could not turn into a :class:`RawPosting`.

    It still flows through the pipeline so that it is archived and counted as
    quarantined: no row is ever silently dropped.
    """

    source: str
    raw: dict[str, Any]
    reason: str
    row_number: int | None = None


SourceRecord = RawPosting | RejectedRow


def payload_of(record: SourceRecord) -> dict[str, Any]:
    """The payload archived for a record: the raw row, else the posting's fields."""
    if record.raw:
        return record.raw
    if isinstance(record, RawPosting):
        return {name: getattr(record, name) for name in _POSTING_FIELDS}
    return {}


def encode_payload(payload: dict[str, Any]) -> str:
    """The payload as canonical JSON text: hashed, and archived as is (serialized once per row).

    Non-finite floats (a board's ``Infinity`` or ``NaN``) become the strings
    "Infinity" and "NaN": the bare tokens are not JSON, and PostgreSQL's json
    type refuses them, which failed the whole batch of such a row.
    """
    try:
        text = _PAYLOAD_ENCODER.encode(payload)
    except ValueError:  # only raised for a non-finite float (allow_nan=False); rare, so walk the payload then
        text = _PAYLOAD_ENCODER.encode(_finite(payload))
    return storable_text(text)


def _finite(value: Any) -> Any:
    """``value`` with every non-finite float replaced by its JSON-ish name ("Infinity", "-Infinity", "NaN")."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if value != value else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value


def storable_text(text: str) -> str:
    """``text`` with lone surrogates (from JSON escapes such as "\\ud800") replaced by U+FFFD.

    Neither database driver can encode them, and one such character would fail
    a whole batch.
    """
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return text


def content_hash(payload: dict[str, Any] | str) -> str:
    """A stable sha256 of a payload (or of its :func:`encode_payload` text), so identical rows are recognised."""
    encoded = payload if isinstance(payload, str) else encode_payload(payload)
    return hashlib.sha256(encoded.encode("utf-8", "surrogatepass")).hexdigest()


def _json_default(value: Any) -> Any:
    """What JSON cannot hold natively: dates as ISO text, sets as lists, anything else as text."""
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    return str(value)


# One encoder for every row: ``json.dumps`` with options builds a new one per call.
_PAYLOAD_ENCODER = json.JSONEncoder(
    sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_json_default, allow_nan=False,
)
