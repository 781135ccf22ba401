"""One schema.org JobPosting -> one :class:`jobs_ingest.records.RawPosting`.

schema.org lets a board write the same fact in many shapes (a string or an
Organization, one Place or a list, a number or a QuantitativeValue). The
mapping flattens them into the board-neutral text fields the pipeline's
normalizers already read, so the crawler adds no second parser for places,
salaries or employment types:

- ``jobLocation.address`` -> ``"Kabupaten Sidoarjo, Jawa Timur, Indonesia"``
  (several places joined by ``" / "``); ``jobLocationType: TELECOMMUTE`` ->
  ``"Remote"``, with the applicant country in brackets;
- ``baseSalary`` -> ``"IDR 4500000 - 5500000 per month"`` plus ``salary_currency``;
- ``employmentType`` (string or list) -> ``"FULL_TIME, CONTRACTOR"``;
- ``identifier`` -> ``source_id``, else the posting's canonical URL;
- ``skills``, ``qualifications`` and the other requirement properties are appended to
  the description, where the skill extractor reads them.
"""

from __future__ import annotations

import math
import numbers
from typing import Any
from urllib.parse import urljoin

from w3lib.url import canonicalize_url

from jobs_ingest.crawl.html_text import html_to_text
from jobs_ingest.crawl.jobposting import JSON_LD, FoundPosting, InvalidBlock
from jobs_ingest.records import RawPosting, RejectedRow

# Bump when what the mapping produces changes: remembered records of the old mapping are then
# not replayed for unchanged (304) pages; the next crawl fetches every page again.
MAPPING_VERSION = 2

REMOTE_LOCATION = "Remote"
TELECOMMUTE = "TELECOMMUTE"
PLACE_SEPARATOR = " / "

# JobPosting properties that hold requirements apart from the description, with the label they get
# in it: the skill extractor reads the description, and boards often list skills only here.
REQUIREMENT_SECTIONS = {
    "skills": "Keterampilan",
    "qualifications": "Kualifikasi",
    "responsibilities": "Tanggung jawab",
    "educationRequirements": "Pendidikan",
    "experienceRequirements": "Pengalaman",
}

# schema.org / Google unitText values -> the words the salary parser reads.
SALARY_PERIODS = {"HOUR": "hour", "DAY": "day", "WEEK": "week", "MONTH": "month", "YEAR": "year"}

# ISO 3166 codes boards put in addressCountry, as names the location resolver knows.
COUNTRY_NAMES = {
    "ID": "Indonesia", "IDN": "Indonesia",
    "PH": "Philippines", "PHL": "Philippines",
    "SG": "Singapore", "SGP": "Singapore",
    "MY": "Malaysia", "MYS": "Malaysia",
    "TH": "Thailand", "VN": "Vietnam", "BN": "Brunei", "TL": "Timor-Leste",
    "AU": "Australia", "JP": "Japan", "KR": "South Korea", "CN": "China", "HK": "Hong Kong",
    "TW": "Taiwan", "IN": "India", "AE": "United Arab Emirates", "SA": "Saudi Arabia",
    "GB": "United Kingdom", "US": "USA", "USA": "USA", "NL": "Netherlands", "DE": "Germany",
}


def to_raw_posting(found: FoundPosting, *, source: str, page_url: str, canonical_url: str | None = None) -> RawPosting:
    """Map one JobPosting found on ``page_url`` to the pipeline's input record.

    Parameters
    ----------
    found
        The JobPosting (JSON-LD-like dict) and the syntax it was read from.
    source
        The board's name, the same on every crawl.
    page_url
        Where it was read; relative URLs resolve against it.
    canonical_url
        The page's ``<link rel="canonical">``, preferred to ``page_url`` as the posting's address.

    Returns
    -------
    RawPosting
        Text fields as the board wrote them (``title`` None when missing: the pipeline
        quarantines it), the JobPosting kept whole in ``raw``.
    """
    job = found.data
    url = _posting_url(job, page_url, canonical_url)
    salary_text, salary_currency = salary_text_of(job.get("baseSalary") or job.get("estimatedSalary"))
    return RawPosting(
        source=source,
        source_id=_source_id(job, url),
        title=text_of(job.get("title")) or text_of(job.get("name")),
        url=url,
        company=text_of(job.get("hiringOrganization")),
        company_url=_organization_url(job.get("hiringOrganization"), page_url),
        location_text=location_text_of(job),
        department=text_of(job.get("occupationalCategory")) or text_of(job.get("industry")),
        description=description_of(job),
        salary_text=salary_text,
        salary_currency=salary_currency,
        employment_type_text=_joined(job.get("employmentType")),
        posted_at=text_of(job.get("datePosted")),
        apply_end=text_of(job.get("validThrough")),
        is_active=True,
        raw={"page_url": page_url, "syntax": found.syntax, "job_posting": job},
    )


def to_rejected_row(block: InvalidBlock, *, source: str, page_url: str) -> RejectedRow:
    """A JSON-LD block that mentions JobPosting but is not valid JSON: quarantined with the parser's reason."""
    return RejectedRow(
        source=source,
        raw={"page_url": page_url, "syntax": JSON_LD, "error": block.error, "text": block.text},
        reason=f"invalid JSON-LD on {page_url}: {block.error}",
    )


# --------------------------------------------------------------------------
# schema.org value shapes -> text
# --------------------------------------------------------------------------


def text_of(value: Any, *, keep_lines: bool = False) -> str | None:
    """The text of a schema.org value: a string, a number, a node's name/value, or the first of a list."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip() if keep_lines else " ".join(value.split())
        return text or None
    if isinstance(value, numbers.Number):  # a board's NaN or Infinity (JSON-LD parsed by Python) is no text
        return _number_text(value) if math.isfinite(value) else None
    if isinstance(value, dict):
        for key in ("name", "value", "@value", "codeValue", "text"):
            text = text_of(value.get(key), keep_lines=keep_lines)
            if text:
                return text
        return None
    if isinstance(value, list):
        for item in value:
            text = text_of(item, keep_lines=keep_lines)
            if text:
                return text
    return None


def location_text_of(job: dict[str, Any]) -> str | None:
    """Where the job is, as one string the location resolver reads (first place first)."""
    places = [text for text in (_place_text(place) for place in _as_list(job.get("jobLocation"))) if text]
    if _is_telecommute(job.get("jobLocationType")):
        applicant_area = _joined(
            [_country_name(text_of(area)) for area in _as_list(job.get("applicantLocationRequirements"))]
        )
        remote = f"{REMOTE_LOCATION} ({applicant_area})" if applicant_area else REMOTE_LOCATION
        places.insert(0, remote)
    return PLACE_SEPARATOR.join(dict.fromkeys(places)) or None


def description_of(job: dict[str, Any]) -> str | None:
    """The description as text, followed by the requirement properties a board keeps apart.

    ``"skills": ["Microsoft Excel", "SAP"]`` becomes a line ``Keterampilan: Microsoft Excel, SAP``.
    """
    parts = [html_to_text(text_of(job.get("description"), keep_lines=True))]
    for name, label in REQUIREMENT_SECTIONS.items():
        values = [_requirement_text(value) for value in _as_list(job.get(name))]
        text = ", ".join(dict.fromkeys(value for value in values if value))
        if text:
            parts.append(f"{label}: {text}")
    return "\n\n".join(part for part in parts if part) or None


def salary_text_of(salary: Any) -> tuple[str | None, str | None]:
    """``baseSalary`` as text the salary parser reads, and its currency.

    A MonetaryAmount with a QuantitativeValue becomes ``"IDR 4500000 - 5500000 per month"``;
    a bare number or string is passed on as written.
    """
    salary = _first(salary)
    if salary is None:
        return None, None
    if not isinstance(salary, dict):
        return text_of(salary), None
    currency = (text_of(salary.get("currency")) or "").upper() or None
    value = _first(salary.get("value"))
    quantity = value if isinstance(value, dict) else {"value": value}
    low = _amount(quantity.get("minValue", salary.get("minValue")))
    high = _amount(quantity.get("maxValue", salary.get("maxValue")))
    exact = _amount(quantity.get("value"))
    if low and high and low != high:
        amount = f"{low} - {high}"
    else:
        amount = low or high or exact
    if not amount:
        return None, currency
    unit = text_of(quantity.get("unitText")) or text_of(salary.get("unitText"))
    period = SALARY_PERIODS.get(unit.upper(), unit.lower()) if unit else None
    parts = [currency, amount, f"per {period}" if period else None]
    return " ".join(part for part in parts if part), currency


# --------------------------------------------------------------------------
# helpers for single properties
# --------------------------------------------------------------------------


def _source_id(job: dict[str, Any], url: str) -> str:
    """The board's identifier (string, number or PropertyValue), else the canonical URL, whole."""
    identifier = _first(job.get("identifier"))
    if isinstance(identifier, dict):  # PropertyValue: the id is its value, not its name
        identifier = identifier.get("value", identifier.get("@value"))
    return text_of(identifier) or url  # the pipeline hashes ids too long to store


def _posting_url(job: dict[str, Any], page_url: str, canonical_url: str | None) -> str:
    """The posting's own ``url`` if it has one, else the page's canonical link, else the page."""
    own = text_of(job.get("url"))
    chosen = urljoin(page_url, own) if own else (canonical_url or page_url)
    return canonicalize_url(chosen)


def _organization_url(organization: Any, page_url: str) -> str | None:
    organization = _first(organization)
    if not isinstance(organization, dict):
        return None
    link = text_of(organization.get("sameAs")) or text_of(organization.get("url"))
    return urljoin(page_url, link) if link else None


def _place_text(place: Any) -> str | None:
    """``Place.address`` (PostalAddress or string) as "locality, region, country"; else the place's name."""
    if not isinstance(place, dict):
        return text_of(place)
    address = _first(place.get("address"))
    if isinstance(address, dict):
        parts = [
            text_of(address.get("addressLocality")),
            text_of(address.get("addressRegion")),
            _country_name(text_of(address.get("addressCountry"))),
        ]
        joined = ", ".join(dict.fromkeys(part for part in parts if part))
        if joined:
            return joined
    return text_of(address) if address is not None and not isinstance(address, dict) else text_of(place.get("name"))


def _requirement_text(value: Any) -> str | None:
    """A requirement as text: plain or HTML text, a DefinedTerm's name, a credential, months of experience."""
    if isinstance(value, dict):
        months = _amount(value.get("monthsOfExperience"))
        if months:
            return f"{months} bulan"
        value = value.get("credentialCategory") or value.get("name") or value.get("description") or value
    text = html_to_text(text_of(value, keep_lines=True))
    return " ".join(text.split()) if text else None


def _country_name(country: str | None) -> str | None:
    if country is None:
        return None
    return COUNTRY_NAMES.get(country.upper(), country)


def _is_telecommute(location_type: Any) -> bool:
    return any((text_of(value) or "").upper() == TELECOMMUTE for value in _as_list(location_type))


def _amount(value: Any) -> str | None:
    """A salary figure as plain digits ("4500000"); strings that are not plain numbers pass unchanged."""
    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        if value != value:  # NaN: no amount at all
            return None
        return _number_text(value) if math.isfinite(value) else "Infinity"  # the salary parser calls it absurd
    text = text_of(value)
    if text is None:
        return None
    try:
        number = float(text)
    except ValueError:
        return text
    return _number_text(number) if math.isfinite(number) else text  # 400 digits stay digits: the parser rejects them


def _number_text(value: numbers.Number) -> str:
    """4500000.0 -> "4500000"; 12.5 -> "12.5" (no thousands separators: they are ambiguous in Indonesia)."""
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


def _joined(value: Any) -> str | None:
    texts = [text for text in (text_of(item) for item in _as_list(value)) if text]
    return ", ".join(dict.fromkeys(texts)) or None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _first(value: Any) -> Any:
    if isinstance(value, list):
        return value[0] if value else None
    return value
