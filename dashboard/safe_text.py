"""Scraped text shown as text, never as markdown; links only to http(s) addresses.

Titles, companies and places come from job boards. Streamlit renders most
text as markdown, so a title like ``![x](http://host/pixel)`` would make the
participant's browser fetch an outside address, ``[Klik](https://evil)``
would become a live link and ``:red[...]`` would restyle the card. Every
ASCII punctuation character of such text is escaped with a backslash (which
CommonMark allows for any of them), so nothing in it can open a link, an
image, an autolink, a directive, math or HTML.
"""

from __future__ import annotations

import math
import re
import string
from urllib.parse import urlsplit

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
#: Hosts that never resolve (RFC 2606 / 6761): the demo world's postings live there.
EXAMPLE_SUFFIXES = (".invalid", ".example", ".test", ".localhost")


def plain(text) -> str:
    """``text`` escaped so that markdown shows it literally (empty for None/NaN); newlines become spaces."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    flat = " ".join(str(text).split())
    return _PUNCTUATION.sub(r"\\\1", flat)


def link_target(url) -> str | None:
    """The URL when it may be linked: http or https with a host; None for anything else (javascript:, data:, ...)."""
    if not isinstance(url, str) or not url.strip():
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url):
        return None
    return url


def is_example(url) -> bool:
    """Whether the URL points at a reserved example domain (a demo posting, not a real one)."""
    target = link_target(url)
    host = urlsplit(target).hostname if target else None
    return bool(host) and host.lower().rstrip(".").endswith(EXAMPLE_SUFFIXES)
