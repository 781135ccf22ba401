"""File sources: id-jobs CSV, and any CSV or JSON Lines export with a column mapping.

Files are streamed row by row (a million-row export never sits in memory).
A row that cannot be read (wrong number of columns, bytes that are not UTF-8,
invalid JSON) becomes a :class:`RejectedRow` with the reason, so that the
pipeline archives and counts it like any other row.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jobs_ingest.mapping import BOARD_CURRENCIES, ID_JOBS, ID_JOBS_COLUMNS, ColumnMapping
from jobs_ingest.records import RejectedRow, SourceRecord
from prakerja.errors import UserError

FORMATS = ("id-jobs", "mapped")
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # job descriptions can be long


_SMUGGLED_BYTE = re.compile("[\udc80-\udcff]")


def _has_broken_bytes(cells: list[str]) -> bool:
    """True when ``surrogateescape`` decoding had to smuggle undecodable bytes into a cell."""
    joined = "".join(cells)
    return not joined.isascii() and _SMUGGLED_BYTE.search(joined) is not None


def _repaired(text: str) -> str:
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


class FileSource:
    """A data file read as postings; iterate it once. ``bytes_read`` / ``size`` drive progress bars.

    Parameters
    ----------
    path
        The CSV or JSON Lines file.
    mapping
        Where each field is in a row.
    source
        Board name of every posting.
    kind
        Recorded on the run: "id-jobs" or "mapped".
    """

    def __init__(self, path: Path, mapping: ColumnMapping, *, source: str, kind: str) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise UserError(f"no such file: {self.path}")
        self.mapping = mapping
        self.source = source
        self.kind = kind
        self.size = self.path.stat().st_size
        self._binary: io.BufferedReader | None = None

    @property
    def bytes_read(self) -> int:
        return self._binary.tell() if self._binary is not None and not self._binary.closed else 0

    def __iter__(self) -> Iterator[SourceRecord]:
        jsonl = (self.mapping.format or ("jsonl" if self.path.suffix.lower() in (".jsonl", ".ndjson") else "csv")) == "jsonl"
        with open(self.path, "rb") as binary:
            self._binary = binary
            rows = self._json_rows(binary) if jsonl else self._csv_rows(binary)
            for row_number, row in enumerate(rows):
                if isinstance(row, RejectedRow):
                    row.row_number = row_number
                    yield row
                else:
                    yield self.mapping.posting(row, source=self.source, row_number=row_number)

    def _csv_rows(self, binary: io.BufferedReader) -> Iterator[dict[str, Any] | RejectedRow]:
        text = io.TextIOWrapper(binary, encoding="utf-8-sig", errors="surrogateescape", newline="")
        reader = csv.reader(text, delimiter=self.mapping.delimiter)
        try:
            header = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise UserError(f"{self.path}: the header line is not CSV: {exc}") from None
        self._check_header(header)
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield RejectedRow(self.source, {"line": reader.line_num}, f"unreadable CSV row: {exc}")
                continue
            if not cells:
                continue  # blank line: not a row
            broken = _has_broken_bytes(cells)
            if broken:
                cells = [_repaired(cell) for cell in cells]
            if len(cells) != len(header):
                yield RejectedRow(
                    self.source, {"line": reader.line_num, "cells": cells},
                    f"wrong column count: expected {len(header)}, got {len(cells)}",
                )
                continue
            row = dict(zip(header, cells))
            if broken:
                yield RejectedRow(self.source, row, "broken encoding: bytes that are not UTF-8")
                continue
            yield row

    def _check_header(self, header: list[str]) -> None:
        duplicated = sorted({name for name in header if header.count(name) > 1})
        if duplicated:  # csv would keep the last of them and silently drop the others' values
            raise UserError(f"{self.path}: the header repeats the column {', '.join(map(repr, duplicated))}; rename or remove the copies")
        missing = sorted({c for c in self.mapping.columns.values() if "." not in c} - set(header))
        if missing:
            raise UserError(
                f"{self.path} lacks the columns {', '.join(missing)} that the {self.kind} format needs; "
                f"it has: {', '.join(header)}"
            )

    def _json_rows(self, binary: io.BufferedReader) -> Iterator[dict[str, Any] | RejectedRow]:
        for line_number, line in enumerate(binary, start=1):
            if not line.strip():
                continue
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError:
                yield RejectedRow(self.source, {"line": line_number, "text": _repaired(line.decode("utf-8", "surrogateescape"))},
                                  "broken encoding: bytes that are not UTF-8")
                continue
            try:
                record = json.loads(text)
            except json.JSONDecodeError as exc:
                yield RejectedRow(self.source, {"line": line_number, "text": text.rstrip("\n")}, f"invalid JSON: {exc.msg}")
                continue
            if not isinstance(record, dict):
                yield RejectedRow(self.source, {"line": line_number, "value": record}, "invalid JSON: not an object")
                continue
            yield record


def id_jobs_file(path: Path, *, source: str | None = None, currency: str | None = None) -> FileSource:
    """A CSV in the id-jobs layout.

    The board name is ``source``, else the ``job_board`` of the first row, else the
    file name ("dealls.csv" -> "dealls"); the salary currency is ``currency``, else the
    board's known export currency (:data:`BOARD_CURRENCIES`), else IDR.
    """
    path = Path(path)
    name = (source or _first_job_board(path) or path.stem).strip().lower()
    mapping = dataclasses.replace(ID_JOBS, currency=(currency or BOARD_CURRENCIES.get(name, "IDR")).upper())
    return FileSource(path, mapping, source=name, kind="id-jobs")


def mapped_file(path: Path, mapping: ColumnMapping, *, source: str | None = None, currency: str | None = None) -> FileSource:
    """A board's own CSV or JSON Lines export, read through a column mapping."""
    name = source or mapping.source
    if not name:
        raise UserError("say which board the file comes from: give --source or set 'source' in the mapping file")
    if currency:
        mapping = dataclasses.replace(mapping, currency=currency.upper())
    return FileSource(Path(path), mapping, source=name.strip().lower(), kind="mapped")


def _first_job_board(path: Path) -> str | None:
    if not path.is_file():
        raise UserError(f"no such file: {path}")
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
        reader = csv.DictReader(handle)
        if not set(ID_JOBS_COLUMNS) <= set(reader.fieldnames or ()):
            return None
        for row in reader:
            board = (row.get("job_board") or "").strip()
            return board if board and board.lower() not in ID_JOBS.missing else None
    return None
