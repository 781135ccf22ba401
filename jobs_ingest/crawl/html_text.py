"""Plain text from the HTML that boards put in JobPosting descriptions.

Descriptions arrive as HTML (``<p>``, ``<ul><li>``), as HTML escaped once more
(``&lt;p&gt;``, common in JSON-LD written by templates), or as plain text. The
skill extractor and the dashboard want readable text with its line structure,
not tags.
"""

from __future__ import annotations

import html
import re

import lxml.html
from lxml.etree import ParserError

# Elements after which a reader expects a line break.
_BLOCK_TAGS = ("p", "div", "br", "li", "ul", "ol", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article")
_LOOKS_LIKE_HTML = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def html_to_text(value: str | None) -> str | None:
    """Strip tags and entities from ``value``, keeping paragraphs and list items on their own lines.

    Returns None for empty input so that "no description" stays distinguishable from "".
    """
    if value is None:
        return None
    text = value
    if "&lt;" in text and not _LOOKS_LIKE_HTML.search(text):
        text = html.unescape(text)  # HTML escaped twice: undo the outer layer first
    if _LOOKS_LIKE_HTML.search(text):
        text = _strip_tags(text)
    else:
        text = html.unescape(text)
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    cleaned = _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
    return cleaned or None


def _strip_tags(markup: str) -> str:
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except ParserError:
        return html.unescape(re.sub(r"<[^>]+>", " ", markup))
    for element in root.iter(*_BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
    for script in root.iter("script", "style"):
        script.drop_tree()
    return root.text_content()
