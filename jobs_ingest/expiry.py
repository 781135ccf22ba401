"""When a vacancy stops being shown: dates from job boards, expiry, status.

Boards rarely say when a job closes. A posting is shown until its apply end
date when it has a sane one, otherwise until it is ``max_age_days`` old: most
Indonesian vacancies are filled or abandoned within two months, and showing a
participant a stale vacancy costs more than missing an old live one. A posting
that left its source is "removed" whatever its dates say.

All datetimes are naive UTC, as the database stores them.
"""

from __future__ import annotations

import datetime as dt
import re

DEFAULT_MAX_AGE_DAYS = 60
# An apply end date further than this after posting is a typo or a placeholder ("31/12/2099").
MAX_APPLY_WINDOW = dt.timedelta(days=366)

_MONTHS = {
    **dict.fromkeys(["januari", "january", "jan"], 1),
    **dict.fromkeys(["februari", "pebruari", "february", "feb", "peb"], 2),
    **dict.fromkeys(["maret", "march", "mar"], 3),
    **dict.fromkeys(["april", "apr"], 4),
    **dict.fromkeys(["mei", "may"], 5),
    **dict.fromkeys(["juni", "june", "jun"], 6),
    **dict.fromkeys(["juli", "july", "jul"], 7),
    **dict.fromkeys(["agustus", "august", "agu", "agt", "ags", "aug"], 8),
    **dict.fromkeys(["september", "sept", "sep"], 9),
    **dict.fromkeys(["oktober", "october", "okt", "oct"], 10),
    **dict.fromkeys(["november", "nopember", "nov", "nop"], 11),
    **dict.fromkeys(["desember", "december", "des", "dec"], 12),
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_TIME = r"(?:[ ,T]+(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?:[:.](?P<second>\d{2}))?)?"
# "22/08/2024 11:13:58", "22-08-2024", "22.08.2024": Indonesia writes day first.
_DAY_FIRST = re.compile(r"^(?P<day>\d{1,2})[/.-](?P<month>\d{1,2})[/.-](?P<year>\d{4})" + _TIME + r"$")
# "30 Agustus 2024", "30 Aug 2024 10:00", "Jumat, 30 Agustus 2024"
_DAY_MONTHNAME = re.compile(
    rf"^(?:[a-z']+,?\s+)?(?P<day>\d{{1,2}})\s+(?P<monthname>{_MONTH})\.?,?\s+(?P<year>\d{{4}})" + _TIME + r"$"
)
# "August 30, 2024"
_MONTHNAME_DAY = re.compile(rf"^(?P<monthname>{_MONTH})\.?\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})" + _TIME + r"$")
_EMPTY = frozenset({"", "n/a", "na", "none", "null", "nan", "-", "unknown"})
# Whole seconds since 1970 in a plausible range (2000..2100) are Unix timestamps.
_EPOCH_RANGE = (946_684_800, 4_102_444_800)


def _to_naive_utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


def _from_match(match: re.Match) -> dt.datetime | None:
    parts = match.groupdict()
    month = _MONTHS[parts["monthname"]] if parts.get("monthname") else int(parts["month"])
    try:
        return dt.datetime(
            int(parts["year"]),
            month,
            int(parts["day"]),
            int(parts["hour"] or 0),
            int(parts["minute"] or 0),
            int(parts["second"] or 0),
        )
    except ValueError:  # 31/02/2024
        return None


def parse_datetime(text: str | dt.datetime | dt.date | None) -> dt.datetime | None:
    """A board's date or datetime as naive UTC, or None when there is none or it is unreadable.

    Parameters
    ----------
    text
        ISO 8601 with or without zone ("2024-08-19T01:57:54.882Z",
        "2024-08-30T16:00:00+00:00", "2024-08-30", schema.org datePosted and
        validThrough), day-first numeric ("22/08/2024 11:13:58"), month names
        in Indonesian or English ("30 Agustus 2024", "Aug 30, 2024"), or a Unix
        timestamp. Datetime and date objects pass through (zones converted).

    Returns
    -------
    datetime or None
        Naive UTC. Times without a zone are taken as given: the id-jobs scrape
        times carry none and are kept as the scraper wrote them.
    """
    if text is None:
        return None
    if isinstance(text, dt.datetime):
        return _to_naive_utc(text)
    if isinstance(text, dt.date):
        return dt.datetime(text.year, text.month, text.day)
    cleaned = " ".join(str(text).strip().split())
    if cleaned.lower() in _EMPTY:
        return None
    try:
        return _to_naive_utc(dt.datetime.fromisoformat(cleaned.replace("z", "Z")))
    except ValueError:
        pass
    if cleaned.isascii() and cleaned.isdigit() and _EPOCH_RANGE[0] <= int(cleaned) <= _EPOCH_RANGE[1]:
        return dt.datetime.fromtimestamp(int(cleaned), dt.timezone.utc).replace(tzinfo=None)
    lowered = cleaned.lower()
    for pattern in (_DAY_FIRST, _DAY_MONTHNAME, _MONTHNAME_DAY):
        match = pattern.match(lowered)
        if match:
            return _from_match(match)
    return None


def expires_at(
    *,
    posted_at: dt.datetime | str | None,
    apply_end: dt.datetime | str | None,
    max_age_days: int = DEFAULT_MAX_AGE_DAYS,
) -> dt.datetime | None:
    """When a posting stops being shown.

    Parameters
    ----------
    posted_at
        When the board published it (or first saw it).
    apply_end
        The board's application deadline, if any, as given (a bare date is its
        midnight, as everywhere else in the pipeline). Used when it is sane:
        not before ``posted_at`` and at most a year after it.
    max_age_days
        How long a posting without a usable deadline stays live.

    Returns
    -------
    datetime or None
        None only when neither date is known.
    """
    posted = parse_datetime(posted_at)
    deadline = parse_datetime(apply_end)
    if deadline is not None and (posted is None or posted <= deadline <= posted + MAX_APPLY_WINDOW):
        return deadline
    if posted is None:
        return None
    return posted + dt.timedelta(days=max_age_days)


def vacancy_status(*, expires_at: dt.datetime | None, now: dt.datetime, source_active: bool | None) -> str:
    """The status a vacancy has at ``now``: one of ``vocab.VACANCY_STATUSES``.

    Parameters
    ----------
    expires_at
        From :func:`expires_at`; None means no known end.
    now
        Naive UTC.
    source_active
        False when the posting has left its source (the board removed it, or a
        crawl no longer finds it); None when the source does not say.

    Returns
    -------
    str
        "removed" when the source dropped it, else "expired" from ``expires_at``
        on, else "active". ("filled" comes from outcomes, never from dates.)
    """
    if source_active is False:
        return "removed"
    if expires_at is not None and now >= expires_at:
        return "expired"
    return "active"
