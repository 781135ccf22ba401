"""A word-boundary-aware dictionary matcher: many phrases, one compiled regular expression.

The phrases are folded into a trie and the trie is written out as a single
regex (``(?:a(?:pi|ws)|...)``), so the scan runs in the C regex engine and at
each position tries only the branches that share the next character, like an
Aho-Corasick automaton. Where phrases overlap the leftmost, then longest wins.

Phrases match case-insensitively; spaces, hyphens, slashes and underscores in a
phrase match any run of those characters in the text (``"e-commerce"`` finds
"E commerce"), but never a line break, so fields joined by newlines never run
into each other. A match never starts or ends inside a word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

_SEPARATOR_CHARS = " \t\u00a0-_/"
_SEPARATOR = "[ \\t\\u00a0\\-_/]+"
_SEPARATOR_RUN = re.compile(_SEPARATOR)
_END = ""  # trie key marking "a phrase ends here"
SURFACE_CACHE_SIZE = 200_000


def phrase_key(text: str) -> str:
    """The form two spellings share when the matcher treats them alike: ``"UI/UX"`` -> ``"ui ux"``."""
    return _SEPARATOR_RUN.sub(" ", text.strip(_SEPARATOR_CHARS).lower())


def _units(phrase: str) -> list[str]:
    """The phrase as trie steps: single characters, and one " " per run of separators."""
    return list(phrase_key(phrase).replace(" ", "\x00")) if phrase else []


def _render(node: dict) -> str:
    branches = []
    for unit in sorted(key for key in node if key != _END):
        step = _SEPARATOR if unit == "\x00" else re.escape(unit)
        branches.append(step + _render(node[unit]))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if _END in node:  # a shorter phrase ends here: try the longer ones first, greedily
        return "(?:" + body + ")?"
    return body


@dataclass(frozen=True)
class PhraseHit:
    """A phrase found in a text: its key (see :func:`phrase_key`) and where, as ``text[start:end]``."""

    key: str
    start: int
    end: int


class PhraseMatcher:
    """Finds any of many phrases in texts.

    Parameters
    ----------
    phrases
        The phrases to find; spellings with the same :func:`phrase_key` are one phrase.
    """

    def __init__(self, phrases: Iterable[str]) -> None:
        trie: dict = {}
        self.keys_: set[str] = set()
        for phrase in phrases:
            key = phrase_key(phrase)
            if not key:
                continue
            self.keys_.add(key)
            node = trie
            for unit in _units(key):
                node = node.setdefault(unit, {})
            node[_END] = True
        body = _render(trie) or "(?!)"
        self.pattern_ = re.compile(r"(?<!\w)(?:" + body + r")(?!\w)", re.IGNORECASE)
        self._key_of_surface: dict[str, str] = {}  # "MS-Excel" -> "ms excel": few spellings recur endlessly

    def finditer(self, text: str) -> Iterator[PhraseHit]:
        """Every non-overlapping phrase in ``text``, left to right."""
        cache = self._key_of_surface
        for match in self.pattern_.finditer(text):
            surface = match.group()
            key = cache.get(surface)
            if key is None:
                key = phrase_key(surface)
                if len(cache) < SURFACE_CACHE_SIZE:
                    cache[surface] = key
            if key in self.keys_:  # case folds that change length (rare letters) cannot be mapped back
                yield PhraseHit(key, match.start(), match.end())
