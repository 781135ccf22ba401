"""One step from a board's posting to a row of ``vacancies``: every field in the project's terms.

The field parsers live in their own modules (locations, salary, employment,
expiry, occupations, skills); this module only composes them, decides what is
fit to become a vacancy, and caches: real boards repeat the same place, salary
and title thousands of times, so each distinct text is parsed once per run.

Decisions (docs/ingest.md explains them):

- A posting abroad (``kind == "foreign"``) is quarantined with the reason
  ``foreign location``: Prakerja participants cannot take a job in Manila, so
  it must never reach the recommender, yet its row is archived and counted.
- An absurd salary quarantines the posting (a typo in the amount would
  mislead wage filters); a currency without a stated rate keeps the posting,
  with ``salary_currency`` set and no IDR amounts.
- A posting URL that is not http or https (``javascript:``, ``data:``,
  ``file:``) quarantines the posting: the URL is shown to participants as a
  link, and only a web address may ever become one.
- Descriptions are cut at :data:`DESCRIPTION_MAX` characters: enough for any
  real posting, and one huge field cannot bloat every read of the catalogue.
- A value that no parser can handle (an unforeseen ``ValueError`` or
  ``OverflowError``) quarantines that one posting with the error as its
  reason; it never fails the batch, so the rest of the input still loads.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from jobs_ingest.dedupe import company_key, place_key, title_key
from jobs_ingest.records import RawPosting, storable_text

CACHE_SIZE = 200_000

# Column widths of ``vacancies`` / ``vacancy_sources``: longer text is cut, never rejected by the database.
_WIDTHS = {
    "title": 255, "company": 255, "department": 120, "job_level": 60, "location_text": 255, "salary_text": 120,
}
SOURCE_ID_WIDTH = 255
URL_WIDTH = 1000
#: Characters of a description that are kept (the rest is cut); docs/ingest.md states it.
DESCRIPTION_MAX = 20_000
#: The only URL schemes stored and linked.
WEB_SCHEMES = ("http", "https")


class RowRejected(Exception):
    """A posting that cannot become a vacancy; ``str(exc)`` is the quarantine reason."""


@dataclasses.dataclass(slots=True)
class NormalizedPosting:
    """A posting in the project's terms, ready for dedupe and loading.

    Attributes
    ----------
    vacancy
        Values for the ``vacancies`` columns (without ``id``).
    place
        The dedupe block's place: regency code, else province code, else the kind.
    day
        The date dedupe compares (posted, else first seen).
    source_active
        False when the board marks the posting inactive.
    content_hash
        :meth:`RawPosting.content_hash`: equal hashes mean nothing changed.
    """

    source: str
    source_id: str
    url: str | None
    vacancy: dict[str, Any]
    skill_ids: tuple[int, ...]
    place: str
    day: dt.date | None
    source_active: bool
    content_hash: str


class Normalizer:
    """Turns :class:`RawPosting` objects into :class:`NormalizedPosting` or raises :class:`RowRejected`.

    Parameters
    ----------
    skills, occupations
        A ``SkillExtractor`` and an ``OccupationClassifier`` (None: no skills / no occupation).
    now
        The clock for expiry (UTC, naive); a fixed value makes runs reproducible.
    max_age_days
        A posting without an apply-by date expires this long after it was posted.
    rates
        IDR per unit of foreign currency, e.g. ``{"PHP": 280.0}``; other currencies stay unconverted.
    """

    def __init__(
        self,
        *,
        skills=None,
        occupations=None,
        now: dt.datetime | None = None,
        max_age_days: int = 60,
        rates: dict[str, float] | None = None,
    ) -> None:
        from jobs_ingest import employment, expiry, locations, salary

        self.now = _utc_naive(now) if now else dt.datetime.now(dt.UTC).replace(tzinfo=None)
        self.max_age_days = max_age_days
        self._expiry = expiry
        self._location = lru_cache(CACHE_SIZE)(locations.resolve_location)
        self._employment = lru_cache(CACHE_SIZE)(employment.parse_employment_types)
        self._salary = lru_cache(CACHE_SIZE)(
            lambda text, currency: salary.parse_salary(text, default_currency=currency, rates=rates)
        )
        self._datetime = lru_cache(CACHE_SIZE)(_datetime_parser(expiry.parse_datetime))
        self._expires = lru_cache(CACHE_SIZE)(
            lambda posted, end: expiry.expires_at(posted_at=posted, apply_end=end, max_age_days=max_age_days)
        )
        self._meaning = _meaning_finder(skills, occupations)
        # Titles repeat across thousands of rows; descriptions almost never do (and are long): cache without them.
        self._meaning_of_title = lru_cache(CACHE_SIZE)(self._meaning)

    @classmethod
    def from_session(cls, session, **options) -> Normalizer:
        """A normalizer using the skills and occupation vocabularies stored in the database."""
        from jobs_ingest.occupations import OccupationClassifier
        from jobs_ingest.skills import SkillExtractor

        return cls(
            skills=SkillExtractor.from_session(session),
            occupations=OccupationClassifier.from_session(session),
            **options,
        )

    def normalize(self, posting: RawPosting) -> NormalizedPosting:
        """Normalize one posting.

        Raises
        ------
        RowRejected
            Missing title or id, an unreadable date, a place abroad, an absurd
            salary, a URL that is not a web address, or any value a parser could
            not handle (so that one bad row is quarantined, never a whole batch).
        """
        try:
            return self._normalize(posting)
        except (ValueError, OverflowError, ArithmeticError) as exc:
            raise RowRejected(f"unreadable value: {type(exc).__name__}: {exc}"[:500]) from exc

    def _normalize(self, posting: RawPosting) -> NormalizedPosting:
        title = _clean(posting.title)
        if not title:
            raise RowRejected("missing title")
        source_id, url = identity(posting)
        if not source_id:
            raise RowRejected("missing source id: the row has neither an id nor a URL")
        if url and len(url) > URL_WIDTH:
            raise RowRejected(f"URL longer than {URL_WIDTH} characters")
        if url and not is_web_url(url):
            raise RowRejected(f"unsafe URL: only http and https links are kept, not {url[:40]!r}")

        first_seen, last_seen = self.sighting(posting)
        posted_at = self._date(posting.posted_at, "posted_at")
        apply_end = self._date(posting.apply_end, "apply_end")

        location_text = _clean(posting.location_text)
        place = self._location(location_text) if location_text else None
        if place is not None and place.kind == "foreign":
            raise RowRejected(f"foreign location: {location_text!r} is outside Indonesia")
        location_kind = place.kind if place is not None else "unknown"

        salary_text = _clean(posting.salary_text)
        salary_fields = self._salary_fields(salary_text, _clean(posting.salary_currency) or "IDR")

        company = _clean(posting.company)
        department = _clean(posting.department)
        description = _clean(posting.description)
        if description is not None and len(description) > DESCRIPTION_MAX:
            description = description[:DESCRIPTION_MAX]
        if description is None:
            occupation, skill_ids = self._meaning_of_title(title, department, None)
        else:
            occupation, skill_ids = self._meaning(title, department, description)

        expires = self._expires(posted_at or first_seen, apply_end)
        source_active = posting.is_active is not False
        status = self._expiry.vacancy_status(expires_at=expires, now=self.now, source_active=source_active)
        employment = self._employment(_clean(posting.employment_type_text) or "")

        vacancy = {
            "title": title[: _WIDTHS["title"]],
            "title_norm": title_key(title),
            "company": company[: _WIDTHS["company"]] if company else None,
            "company_norm": company_key(company),
            "description": description,
            "department": department[: _WIDTHS["department"]] if department else None,
            "job_level": _cut(_clean(posting.job_level), "job_level"),
            "location_text": _cut(location_text, "location_text"),
            "location_kind": location_kind,
            "regency_code": place.regency_code if place is not None else None,
            "province_code": place.province_code if place is not None else None,
            "remote": bool(place.remote) if place is not None else False,
            **salary_fields,
            "employment_types": ",".join(employment) or None,
            "occupation_code": occupation[0] if occupation else None,
            "occupation_confidence": occupation[1] if occupation else None,
            "posted_at": posted_at,
            "expires_at": expires,
            "first_seen": first_seen,
            "last_seen": last_seen,
            "status": status,
        }
        block_place = place_key(location_kind, vacancy["regency_code"], vacancy["province_code"], location_text)
        return NormalizedPosting(
            source=posting.source,
            source_id=source_id,
            url=url,
            vacancy=vacancy,
            skill_ids=skill_ids,
            place=block_place,
            day=(posted_at or first_seen).date(),
            source_active=source_active,
            content_hash=posting.content_hash(),
        )

    def sighting(self, posting: RawPosting) -> tuple[dt.datetime, dt.datetime]:
        """When the posting was first and last seen (naive UTC); the clock when the source does not say.

        Raises
        ------
        RowRejected
            When either date cannot be read.
        """
        first_seen = self._date(posting.first_seen, "first_seen") or self.now
        return first_seen, max(self._date(posting.last_seen, "last_seen") or first_seen, first_seen)

    def _date(self, value, field: str) -> dt.datetime | None:
        if value is None or isinstance(value, dt.datetime):
            return _utc_naive(value) if value else None
        text = str(value).strip()
        if not text:
            return None
        parsed = self._datetime(text)
        if parsed is None:
            raise RowRejected(f"unparseable date: {field}={text!r}")
        return parsed

    def _salary_fields(self, text: str | None, currency: str) -> dict[str, Any]:
        empty = {"salary_min_idr": None, "salary_max_idr": None, "salary_currency": None, "salary_text": None}
        if not text:
            return empty
        parsed = self._salary(text, currency.upper())
        if parsed.problem and parsed.problem.startswith("absurd"):
            raise RowRejected(f"{parsed.problem} (from {text!r})")
        return {
            "salary_min_idr": parsed.min_idr,
            "salary_max_idr": parsed.max_idr,
            "salary_currency": None if parsed.converted or parsed.currency == "IDR" else parsed.currency,
            "salary_text": _cut(text, "salary_text"),
        }


def identity(posting: RawPosting) -> tuple[str | None, str | None]:
    """The posting's key as ``vacancy_sources`` stores it: (source id, URL); the URL stands in for a missing id."""
    url = _clean(posting.url)
    source_id = _clean(posting.source_id) or url
    return (stored_source_id(source_id) if source_id else None), url


def is_web_url(url: str) -> bool:
    """True for an absolute http(s) URL with a host; False for ``javascript:``, ``data:``, relative links."""
    scheme, _, rest = url.partition(":")
    return scheme.strip().lower() in WEB_SCHEMES and rest.startswith("//") and len(rest) > 2


def source_status(posting: RawPosting) -> str:
    """ "removed" when the board marks the posting inactive, else "active"."""
    return "removed" if posting.is_active is False else "active"


def stored_source_id(source_id: str) -> str:
    """The id as ``vacancy_sources`` stores it: long URLs used as ids become a hash, unique and short."""
    source_id = source_id.strip()
    if len(source_id) > SOURCE_ID_WIDTH:
        return "sha256:" + hashlib.sha256(source_id.encode("utf-8", "surrogatepass")).hexdigest()
    return source_id


def _meaning_finder(skills, occupations) -> Callable[[str, str | None, str | None], tuple]:
    """Occupation and skills of a title (+ department, description), as one cacheable call."""

    def find(title: str, department: str | None, description: str | None) -> tuple:
        occupation = None
        if occupations is not None:
            match = occupations.classify(title, department=department, description=description)
            if match is not None:  # below the classifier's threshold: the confidence is kept, the group is not
                occupation = (match.code if match.confident else None, float(match.confidence))
        skill_ids: tuple[int, ...] = ()
        if skills is not None:
            text = "\n".join(part for part in (title, department, description) if part)
            skill_ids = tuple(sorted({match.skill_id for match in skills.extract(text)}))
        return occupation, skill_ids

    return find


def _datetime_parser(parse: Callable[[str], dt.datetime | None]) -> Callable[[str], dt.datetime | None]:
    def parse_utc(text: str) -> dt.datetime | None:
        try:
            parsed = parse(text)
        except (ValueError, TypeError, OverflowError):
            return None
        return _utc_naive(parsed) if parsed is not None else None

    return parse_utc


def _utc_naive(value: dt.datetime | dt.date) -> dt.datetime:
    """The schema stores naive UTC times; boards send aware and naive ones."""
    if not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def _clean(value) -> str | None:
    """Text without surrounding space, or None; NUL characters dropped (PostgreSQL text refuses them),
    lone surrogates replaced (no driver can store them)."""
    if value is None:
        return None
    if value.__class__ is not str:
        value = str(value)
    if "\x00" in value:
        value = value.replace("\x00", "")
    if not value.isascii():
        value = storable_text(value)
    return value.strip() or None


def _cut(text: str | None, column: str) -> str | None:
    return text[: _WIDTHS[column]] if text else None
