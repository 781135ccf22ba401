"""Find schema.org JobPosting objects in one HTML page, with extruct.

Boards embed postings in many shapes: one JSON-LD object, a JSON-LD array, an
``@graph`` whose JobPosting points at an Organization by ``@id``, or microdata
attributes on the visible HTML. This module returns every JobPosting in a
uniform JSON-LD-like dict, whatever the shape, and reports each JSON-LD block it
could not read instead of dropping the page silently.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

import extruct
import lxml.etree
from extruct.jsonld import JsonLdExtractor
from extruct.utils import parse_html

JOB_POSTING_TYPE = "JobPosting"
JSON_LD = "json-ld"
MICRODATA = "microdata"

# How much of an unreadable block is kept for the quarantine record.
INVALID_BLOCK_KEEP_CHARS = 4000

_JSON_LD_SCRIPTS = lxml.etree.XPath('descendant-or-self::script[@type="application/ld+json"]')


@dataclasses.dataclass(frozen=True)
class FoundPosting:
    """A JobPosting as a JSON-LD-like dict (``@id`` references resolved) and the syntax it came in."""

    data: dict[str, Any]
    syntax: str


@dataclasses.dataclass(frozen=True)
class InvalidBlock:
    """A JSON-LD block that is not valid JSON, kept (truncated) with the parser's message."""

    error: str
    text: str

    @property
    def mentions_job_posting(self) -> bool:
        """Whether the block looks like a posting, so that it must reach quarantine rather than be ignored."""
        return JOB_POSTING_TYPE.lower() in self.text.lower()


@dataclasses.dataclass(frozen=True)
class PageMetadata:
    """What one page says about jobs: its postings, its unreadable blocks and its canonical URL."""

    postings: tuple[FoundPosting, ...]
    invalid_blocks: tuple[InvalidBlock, ...]
    canonical_url: str | None


def extract_job_postings(body: bytes | str, base_url: str, encoding: str = "utf-8") -> PageMetadata:
    """Read every schema.org JobPosting of a page.

    Parameters
    ----------
    body
        The page as received (bytes with ``encoding``) or already decoded text.
    base_url
        The page's URL: relative ``@id``, ``url`` and canonical links resolve against it.
    encoding
        Encoding of ``body`` when it is bytes.

    Returns
    -------
    PageMetadata
        JobPostings from JSON-LD first, then microdata; the unreadable JSON-LD blocks.
    """
    if isinstance(body, str):
        body = body.encode(encoding, "replace")
    try:
        tree = parse_html(body, encoding=encoding)
    except lxml.etree.ParserError:  # "Document is empty": nothing but blanks, comments or an XML declaration
        return PageMetadata(postings=(), invalid_blocks=(), canonical_url=None)
    json_ld_items, invalid_blocks = _read_json_ld(tree)
    references = _index_by_id(json_ld_items)
    postings = [
        FoundPosting(data=_resolve_references(node, references, frozenset()), syntax=JSON_LD)
        for node in _find_job_postings(json_ld_items)
    ]
    postings.extend(FoundPosting(data=node, syntax=MICRODATA) for node in _find_job_postings(_read_microdata(tree, base_url)))
    return PageMetadata(
        postings=tuple(postings),
        invalid_blocks=tuple(invalid_blocks),
        canonical_url=_canonical_url(tree, base_url),
    )


def is_job_posting(node: Any) -> bool:
    """Whether ``node`` is typed JobPosting (``"JobPosting"``, ``"schema:JobPosting"``, a full IRI, or in a list)."""
    if not isinstance(node, dict):
        return False
    types = node.get("@type")
    if isinstance(types, str):
        types = [types]
    if not isinstance(types, list):
        return False
    return any(isinstance(t, str) and _local_name(t) == JOB_POSTING_TYPE for t in types)


def _local_name(type_name: str) -> str:
    """``https://schema.org/JobPosting`` and ``schema:JobPosting`` both name ``JobPosting``."""
    return type_name.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]


def _read_json_ld(tree) -> tuple[list[Any], list[InvalidBlock]]:
    """Parse each JSON-LD script on its own, so one broken block does not hide the others."""
    extractor = JsonLdExtractor()
    items: list[Any] = []
    invalid: list[InvalidBlock] = []
    for script in _JSON_LD_SCRIPTS(tree):
        try:
            items.extend(extractor.extract_items(script))
        except (ValueError, RecursionError) as exc:  # json and jstyleson decode errors, absurd nesting
            text = script.xpath("string()").strip()
            invalid.append(InvalidBlock(error=_first_line(exc), text=text[:INVALID_BLOCK_KEEP_CHARS]))
    return items, invalid


def _read_microdata(tree, base_url: str) -> list[Any]:
    """Microdata items in extruct's uniform (JSON-LD-like) shape."""
    extracted = extruct.extract(tree, base_url=base_url, syntaxes=[MICRODATA], uniform=True)
    return extracted.get(MICRODATA, [])


def _find_job_postings(value: Any) -> Iterator[dict[str, Any]]:
    """Every JobPosting anywhere in ``value``: top level, lists, ``@graph``, ``ItemList``, ``mainEntity``."""
    if is_job_posting(value):
        yield value
    elif isinstance(value, dict):
        for child in value.values():
            yield from _find_job_postings(child)
    elif isinstance(value, list):
        for child in value:
            yield from _find_job_postings(child)


def _index_by_id(value: Any, index: dict[str, dict[str, Any]] | None = None) -> dict[str, dict[str, Any]]:
    """Nodes that define something under an ``@id`` (not bare references), by that id."""
    index = {} if index is None else index
    if isinstance(value, dict):
        node_id = value.get("@id")
        if isinstance(node_id, str) and len(value) > 1:
            index.setdefault(node_id, value)
        for child in value.values():
            _index_by_id(child, index)
    elif isinstance(value, list):
        for child in value:
            _index_by_id(child, index)
    return index


def _resolve_references(value: Any, index: dict[str, dict[str, Any]], resolving: frozenset[str]) -> Any:
    """Replace ``{"@id": ...}`` references by the node they name (an ``@graph`` habit), cycle-safe."""
    if isinstance(value, list):
        return [_resolve_references(child, index, resolving) for child in value]
    if not isinstance(value, dict):
        return value
    node_id = value.get("@id")
    if isinstance(node_id, str) and len(value) == 1 and node_id in index and node_id not in resolving:
        return _resolve_references(index[node_id], index, resolving | {node_id})
    inner = resolving | {node_id} if isinstance(node_id, str) else resolving
    return {key: _resolve_references(child, index, inner) for key, child in value.items()}


def _canonical_url(tree, base_url: str) -> str | None:
    hrefs = tree.xpath('//link[@rel="canonical"]/@href')
    return urljoin(base_url, hrefs[0].strip()) if hrefs and hrefs[0].strip() else None


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
