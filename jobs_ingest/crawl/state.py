"""What the last crawl of a board learned about each page, so the next crawl can skip unchanged ones.

Stored as one JSON file per board under the data directory
(``<PRAKERJA_DATA_DIR>/crawl/<source>.json``), not in the database: it is a
cache of HTTP validators, rebuilt by a full crawl if lost, and the shared schema
has no place for it. Per page it keeps the ``ETag`` and ``Last-Modified`` the
board sent, the links found on the page and the records read from it. The next
crawl sends ``If-None-Match`` / ``If-Modified-Since``; on ``304 Not Modified``
the spider re-emits the remembered records (the pipeline sees them as
unchanged, so they stay seen) and follows the remembered links, without
downloading or parsing the page again.

Because the records travel with the validators, a state file that is ahead of
the database (say, a crawl whose ingest failed) does no harm: the records reach
the database on the next crawl anyway. A state written by another version of the
mapping (:data:`jobs_ingest.crawl.mapping.MAPPING_VERSION`) is ignored, so that an
improved mapping reaches unchanged pages too.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import re
from pathlib import Path
from typing import Any

from jobs_ingest.crawl.mapping import MAPPING_VERSION
from prakerja.config import get_settings

STATE_VERSION = 1
STATE_FOLDER = "crawl"

logger = logging.getLogger(__name__)


@dataclasses.dataclass
class PageState:
    """One page as last fetched: validators, outgoing links, serialized records (see :mod:`.serialization`)."""

    etag: str | None = None
    last_modified: str | None = None
    links: list[str] = dataclasses.field(default_factory=list)
    records: list[dict[str, Any]] = dataclasses.field(default_factory=list)

    def conditional_headers(self) -> dict[str, str]:
        """The headers asking the board to answer 304 if the page did not change."""
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers

    def source_ids(self) -> list[str]:
        return [record["fields"]["source_id"] for record in self.records if "source_id" in record["fields"]]


@dataclasses.dataclass
class CrawlState:
    """Pages of one board by URL."""

    pages: dict[str, PageState] = dataclasses.field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None) -> "CrawlState":
        """Read a state file; a missing or unreadable one means a full crawl (logged, never fatal)."""
        if path is None or not path.exists():
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") != STATE_VERSION:
                raise ValueError(f"state version {data.get('version')!r}, expected {STATE_VERSION}")
            if data.get("mapping") != MAPPING_VERSION:
                raise ValueError(f"records of mapping version {data.get('mapping')!r}, now {MAPPING_VERSION}")
            return cls(pages={url: PageState(**page) for url, page in data["pages"].items()})
        except (OSError, ValueError, KeyError, TypeError) as exc:
            logger.warning("ignoring crawl state %s (%s): every page is fetched again", path, exc)
            return cls()

    def save(self, path: Path) -> None:
        """Write atomically, so an interrupted save leaves the previous state intact."""
        path.parent.mkdir(parents=True, exist_ok=True)
        # vars(), not dataclasses.asdict(): the records are JSON already and need no deep copy
        pages = {url: vars(page) for url, page in self.pages.items()}
        payload = {"version": STATE_VERSION, "mapping": MAPPING_VERSION, "pages": pages}
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, path)


def default_state_path(source: str) -> Path:
    """``<data dir>/crawl/<source>.json`` with the source name made file-safe."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", source).strip("._") or "board"
    return get_settings().data_dir / STATE_FOLDER / f"{safe}.json"
