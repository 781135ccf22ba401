"""Import of an official KBJI 2014 file (digit, kode, judul, deskripsi) over the project's groups.

BPS publishes KBJI 2014 with five levels: golongan pokok (1 digit), golongan (2),
sub golongan (3), kelompok (4) and jabatan ("0111.01"). The file is checked
whole before anything is written, so a bad file changes nothing; rows already in
the table (the project's own titles) are replaced by the official ones.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from prakerja.db import insert_rows
from prakerja.errors import UserError
from prakerja.models import OccupationGroup
from prakerja.reference.occupations import code_level, parent_of

KBJI_SOURCE = "kbji-file"
REQUIRED_COLUMNS = ("digit", "kode", "judul", "deskripsi")
_CODE = re.compile(r"^(\d{1,4}|\d{4}\.\d{2})$")
TITLE_WIDTH = 255


def _problem(path: Path, line: int | None, message: str) -> UserError:
    where = f"{path}, line {line}" if line else str(path)
    return UserError(f"KBJI file {where}: {message}")


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _problem(path, None, f"cannot be read ({exc.strerror or exc})") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _problem(path, line, "is not UTF-8 text; save it as UTF-8 and try again") from exc


def read_kbji(path: Path) -> list[dict]:
    """Rows for ``occupation_groups`` from an official KBJI CSV, checked whole.

    Raises
    ------
    UserError
        One line naming the file, the line and the problem: unreadable or not
        UTF-8, empty, missing columns, a code that is not a KBJI code, a digit
        count that disagrees with the code, a duplicate or a missing title.
        Parents are checked by :func:`import_kbji`, which knows the table.
    """
    path = Path(path)
    text = _read_text(path)
    if not text.strip():
        raise _problem(path, None, "is empty")
    header_line = text.split("\n", 1)[0]
    # spreadsheets saved in an Indonesian locale separate fields with semicolons
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise _problem(path, 1, f"missing column(s) {', '.join(missing)}; expected {','.join(REQUIRED_COLUMNS)}")
    reader.fieldnames = header
    rows: list[dict] = []
    seen: set[str] = set()
    ended = reader.line_num  # descriptions span lines: a record starts on the line after the last one ended
    try:
        for record in reader:
            line, ended = ended + 1, reader.line_num
            code = (record.get("kode") or "").strip()
            if not _CODE.match(code):
                raise _problem(path, line, f"code {code!r} is not a KBJI code (1-4 digits, or 4 digits.2 digits)")
            digit = (record.get("digit") or "").strip()
            if not digit.isdigit() or int(digit) != code_level(code):
                raise _problem(path, line, f"digit {digit!r} does not match code {code!r} ({code_level(code)} digits)")
            if code in seen:
                raise _problem(path, line, f"code {code!r} appears twice")
            title = (record.get("judul") or "").strip()
            if not title:
                raise _problem(path, line, f"code {code!r} has no title (judul)")
            seen.add(code)
            rows.append(
                {
                    "code": code,
                    "level": code_level(code),
                    "parent_code": parent_of(code),
                    "title_id": title[:TITLE_WIDTH],
                    "description": (record.get("deskripsi") or "").strip() or None,
                    "source": KBJI_SOURCE,
                    "_line": line,
                }
            )
    except csv.Error as exc:
        raise _problem(path, reader.line_num, f"is not valid CSV ({exc})") from exc
    if not rows:
        raise _problem(path, None, "has a header but no rows")
    return rows


def import_kbji(session: Session, path: Path) -> dict[str, int]:
    """Upsert every group of an official KBJI file; parents must exist in the file or the table.

    English titles of groups the project already ships are kept (the file has
    none). Runs inside the caller's transaction and writes nothing when the
    file is bad.
    """
    path = Path(path)
    rows = read_kbji(path)
    existing = set(session.scalars(select(OccupationGroup.code)))
    known = existing | {row["code"] for row in rows}
    for row in rows:
        if row["parent_code"] is not None and row["parent_code"] not in known:
            raise _problem(path, row["_line"], f"code {row['code']!r} has no parent group {row['parent_code']!r}")
    for row in rows:
        del row["_line"]
    rows.sort(key=lambda row: (row["level"], row["code"]))
    updates = [row for row in rows if row["code"] in existing]
    inserts = [{**row, "title_en": None} for row in rows if row["code"] not in existing]
    if updates:
        session.execute(update(OccupationGroup), updates)
    if inserts:
        insert_rows(session, OccupationGroup, inserts)
    return {"kbji_groups_updated": len(updates), "kbji_groups_added": len(inserts)}
