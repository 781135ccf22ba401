"""Employment type: free text from job boards -> a tuple of ``vocab.EMPLOYMENT_TYPES``.

Boards write the same thing many ways ("Full time", "fullTime", "FULL_TIME",
"Penuh waktu", "Tetap", "PKWT", "Kontrak", "Internship/Magang"), and several
types at once ("fullTime,contract"). The result is in the vocabulary's order,
so "Contract, Full-time" and "Full-time, Contract" give the same tuple and
equal postings compare equal in dedupe.
"""

from __future__ import annotations

import re
from functools import lru_cache

from prakerja.vocab import EMPLOYMENT_TYPES

# Keys are "compact" tokens: lower case, letters and digits only.
_TYPE_BY_TOKEN: dict[str, str] = {
    **dict.fromkeys(
        [
            "fulltime", "full", "fte", "penuhwaktu", "purnawaktu", "tetap", "karyawantetap", "pegawaitetap",
            "permanent", "permanen", "regular", "reguler", "pkwtt", "fulltimeemployee", "fulltimepermanent",
        ],
        "fullTime",
    ),
    **dict.fromkeys(["parttime", "part", "paruhwaktu", "separuhwaktu", "parttimer"], "partTime"),
    **dict.fromkeys(
        [
            "contract", "contractual", "contractor", "kontrak", "karyawankontrak", "pegawaikontrak", "pkwt",
            "fixedterm", "outsource", "outsourcing", "alihdaya", "projectcontract",
        ],
        "contract",
    ),
    **dict.fromkeys(
        [
            "internship", "intern", "interns", "magang", "pemagangan", "apprentice", "apprenticeship", "pkl",
            "praktikkerjalapangan", "kerjapraktik", "ojt", "onthejobtraining",
        ],
        "internship",
    ),
    **dict.fromkeys(
        [
            "freelance", "freelancer", "freelancing", "pekerjalepas", "lepas", "projectbased", "perproject",
            "perproyek", "proyek", "gig", "selfemployed", "mitra", "kemitraan", "partnership",
        ],
        "freelance",
    ),
    **dict.fromkeys(
        [
            "temporary", "temp", "sementara", "harianlepas", "harian", "perdiem", "daily", "dailyworker",
            "seasonal", "musiman", "casual", "borongan",
        ],
        "temporary",
    ),
    **dict.fromkeys(["volunteer", "volunteering", "relawan", "sukarelawan", "sukarela"], "volunteer"),
    "other": "other",
    "lainnya": "other",
}

# Words that say "no information"; they give an empty tuple, not "other".
_EMPTY_TOKENS = frozenset({"", "na", "n", "none", "null", "nan", "unknown", "notspecified", "tidakditentukan"})

# Longest first, so "parttime" wins over "part" and "harianlepas" over "lepas".
# Shorter keys ("temp", "full") are too often parts of other words to search inside a token.
_KEYWORDS = sorted((key for key in _TYPE_BY_TOKEN if len(key) >= 5), key=len, reverse=True)

_SEPARATORS = re.compile(r"[,;/|+&()\[\]\n]|\s[-–]\s|\b(?:and|dan|atau|or)\b", re.IGNORECASE)
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def _compact(token: str) -> str:
    return _NOT_ALNUM.sub("", token.lower())


def _type_of(token: str) -> str | None:
    """The vocabulary value of one token, or None when nothing in it is recognised."""
    compact = _compact(token)
    if compact in _TYPE_BY_TOKEN:
        return _TYPE_BY_TOKEN[compact]
    for keyword in _KEYWORDS:  # "Full time (shift)", "Kontrak 1 tahun", "Internship Program"
        if keyword in compact:
            return _TYPE_BY_TOKEN[keyword]
    return None


@lru_cache(maxsize=4096)
def parse_employment_types(text: str | None) -> tuple[str, ...]:
    """Every employment type named in ``text``, in ``vocab.EMPLOYMENT_TYPES`` order.

    Parameters
    ----------
    text
        A board's job type field: one value or a list ("Full-time, Contract",
        "Internship/Magang", "FULL_TIME", "Harian lepas").

    Returns
    -------
    tuple of str
        ``()`` when the field is empty or says "N/A"; ``("other",)`` when it
        says something that is no known type (the posting is kept, not lost);
        otherwise the recognised types, each once. Unrecognised parts next to
        recognised ones are dropped: they are usually qualifiers ("shift").
    """
    if text is None:
        return ()
    text = str(text)  # a data frame may hand over NaN
    if _compact(text) in _EMPTY_TOKENS:  # before splitting: "N/A" is not "N" and "A"
        return ()
    tokens = [token for token in _SEPARATORS.split(text) if token and token.strip()]
    if all(_compact(token) in _EMPTY_TOKENS for token in tokens):
        return ()
    found = {_type_of(token) for token in tokens} - {None} or {"other"}
    return tuple(kind for kind in EMPLOYMENT_TYPES if kind in found)
