"""Importing an official KBJI 2014 file: the real one from the shared data, and broken copies of it."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prakerja.bootstrap import initialise
from prakerja.db import make_engine, transaction
from prakerja.errors import UserError
from prakerja.models import OccupationGroup
from prakerja.reference.kbji import import_kbji, read_kbji
from prakerja.reference.loader import load_reference
from prakerja.reference.occupations import load_occupation_groups, read_occupation_groups
from tests.cli_runner import run_in_process

EXPECTED_LEVELS = {1: 10, 2: 43, 3: 130, 4: 446, 6: 2137}


@pytest.fixture(scope="module")
def kbji_text(shared_data) -> str:
    return (shared_data / "reference" / "kbji2014.csv").read_text(encoding="utf-8")


def write(tmp_path: Path, text: str | bytes, name: str = "kbji.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def snapshot(engine) -> tuple[int, Counter, str]:
    with Session(engine) as session:
        total = session.scalar(select(func.count()).select_from(OccupationGroup))
        sources = Counter(session.scalars(select(OccupationGroup.source)))
        title = session.get(OccupationGroup, "2512").title_id
    return total, sources, title


def test_reading_the_real_file(shared_data):
    rows = read_kbji(shared_data / "reference" / "kbji2014.csv")
    assert Counter(row["level"] for row in rows) == EXPECTED_LEVELS
    by_code = {row["code"]: row for row in rows}
    assert by_code["0111.01"]["parent_code"] == "0111" and by_code["0111"]["parent_code"] == "011"
    assert by_code["01"]["parent_code"] == "0" and by_code["0"]["parent_code"] is None
    assert "\n" in by_code["0"]["description"]  # multi-line quoted descriptions survive


def test_semicolon_separated_copy_reads_the_same(shared_data, tmp_path):
    real = shared_data / "reference" / "kbji2014.csv"
    with open(real, newline="", encoding="utf-8") as handle:
        records = list(csv.reader(handle))
    path = tmp_path / "kbji-semicolon.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, delimiter=";").writerows(records)
    assert read_kbji(path) == read_kbji(real)


def test_project_groups_are_real_kbji_groups(shared_data):
    official = {row["code"]: row["level"] for row in read_kbji(shared_data / "reference" / "kbji2014.csv")}
    for row in read_occupation_groups():
        assert official.get(row["code"]) == row["level"], row["code"]


def test_import_on_top_of_project_groups(engine, shared_data):
    path = shared_data / "reference" / "kbji2014.csv"
    with transaction(engine) as session:
        counts = load_reference(session, kbji_path=path)
    project = len(read_occupation_groups())
    assert counts["kbji_groups_updated"] == project
    assert counts["kbji_groups_added"] == sum(EXPECTED_LEVELS.values()) - project
    with Session(engine) as session:
        levels = Counter(session.scalars(select(OccupationGroup.level)))
        assert dict(levels) == EXPECTED_LEVELS
        assert set(session.scalars(select(OccupationGroup.source))) == {"kbji-file"}
        software = session.get(OccupationGroup, "2512")
        assert software.title_id == "Pengembang Perangkat Lunak"  # the official title replaces ours
        assert software.title_en == "Software developers"  # our English title is kept
        orphans = session.scalar(
            select(func.count()).select_from(OccupationGroup).where(
                OccupationGroup.parent_code.is_not(None),
                OccupationGroup.parent_code.not_in(select(OccupationGroup.code)),
            )
        )
        assert orphans == 0
    with transaction(engine) as session:  # a second import changes nothing and adds nothing
        again = import_kbji(session, path)
    assert again == {"kbji_groups_updated": sum(EXPECTED_LEVELS.values()), "kbji_groups_added": 0}


def test_skip_existing_imports_the_file_into_an_initialised_database(engine, shared_data):
    initialise(engine)
    assert snapshot(engine)[1] == Counter({"project": len(read_occupation_groups())})
    report = initialise(engine, skip_existing=True, kbji_path=shared_data / "reference" / "kbji2014.csv")
    assert any(line.startswith("KBJI file:") for line in report)
    total, sources, _title = snapshot(engine)
    assert total == sum(EXPECTED_LEVELS.values()) and set(sources) == {"kbji-file"}


def broken_copies(text: str) -> dict[str, tuple[str | bytes, str]]:
    """name -> (file content, words the error message must contain)."""
    header, body = text.split("\n", 1)
    header += "\n"
    return {
        "missing column": ("digit,kode,judul\n1,1,Manajer\n", "missing column(s) deskripsi"),
        "non-numeric code": (text.replace('\n2,11,', '\n2,1X,', 1), "'1X' is not a KBJI code"),
        "orphan": (text + '4,9999,"Pekerja Tanpa Induk",""\n', "has no parent group '999'"),
        "digit disagrees": (text.replace("\n2,11,", "\n3,11,", 1), "digit '3' does not match code '11'"),
        "duplicate": (text + '1,1,"Manajer lagi",""\n', "appears twice"),
        "latin-1": (text.replace("Manajer", "Manajér").encode("latin-1", errors="replace"), "is not UTF-8"),
        "empty": ("", "is empty"),
        "header only": (header, "has a header but no rows"),
        "no title": (header + '1,1,"",""\n' + body, "has no title"),
    }


@pytest.fixture
def project_groups(engine):
    """A database holding the project's occupation groups only (what a KBJI import lands on)."""
    with transaction(engine) as session:
        load_occupation_groups(session)
    return engine


@pytest.mark.parametrize("case", list(broken_copies("x\n").keys()))
def test_broken_file_is_refused_whole_with_one_line_naming_file_line_and_problem(
    project_groups, tmp_path, kbji_text, case
):
    before = snapshot(project_groups)
    content, words = broken_copies(kbji_text)[case]
    path = write(tmp_path, content)
    with pytest.raises(UserError) as caught, transaction(project_groups) as session:
        import_kbji(session, path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message and words in message
    if case not in ("empty", "header only", "latin-1"):
        assert ", line " in message
    assert snapshot(project_groups) == before  # nothing written


def test_init_skip_existing_with_a_broken_file_keeps_the_database(engine, tmp_path, kbji_text):
    initialise(engine)
    before = snapshot(engine)
    path = write(tmp_path, kbji_text + '4,9999,"Pekerja Tanpa Induk",""\n')
    with pytest.raises(UserError, match="has no parent group"):
        initialise(engine, skip_existing=True, kbji_path=path)
    assert snapshot(engine) == before


def test_error_line_points_at_the_bad_record(tmp_path, kbji_text):
    lines = kbji_text.split("\n")
    bad_at = next(i for i, line in enumerate(lines) if line.startswith("2,11,"))
    path = write(tmp_path, kbji_text.replace("\n2,11,", "\n2,1X,", 1))
    with pytest.raises(UserError, match=rf", line {bad_at + 1}\b"):
        read_kbji(path)


def test_refused_file_in_a_fresh_init_leaves_the_database_empty(engine, tmp_path):
    path = write(tmp_path, "kode;judul\n1;Manajer\n")
    with pytest.raises(UserError, match="missing column"):
        initialise(engine, kbji_path=path)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(OccupationGroup)) == 0


def test_cli_init_with_a_broken_kbji_file_prints_one_line_and_exits_1(tmp_path, kbji_text, monkeypatch, capsys):
    """``prakerja init --kbji FILE`` as a user runs it: one line on stderr, exit 1, an empty database.

    In-process through the command line's own main() (tests/cli_runner.py): a new process would add ~1 s of imports.
    """
    database = tmp_path / "cli.db"
    path = write(tmp_path, kbji_text.replace("\n2,11,", "\n2,1X,", 1))
    result = run_in_process(["init", "--kbji", str(path)], {"DATABASE_URL": f"sqlite:///{database}"}, monkeypatch, capsys)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "KBJI file" in lines[0] and "'1X'" in lines[0] and "Traceback" not in result.stderr
    engine = make_engine(f"sqlite:///{database}")
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(OccupationGroup)) == 0
    engine.dispose()
