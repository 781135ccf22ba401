"""The foundation's command line: init, db stats, db upgrade and their bad inputs.

The init flows run in a real subprocess, as a user runs them. The mistakes and
quick reads (--help, db stats) run in-process through the same
``prakerja.cli.main()`` (tests/cli_runner.py), which saves the ~1 s of imports
of a new process per call; their exit codes and one-line messages are the
ones a user would see.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from prakerja.db import make_engine
from prakerja.models import Province, Regency
from tests.cli_runner import run_in_process

CLI = [sys.executable, "-c", "from prakerja.cli import main; main()"]


def run_cli(*args: str, database_url: str, cwd=None) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run([*CLI, *args], env=env, capture_output=True, text=True, timeout=300, cwd=cwd)


@pytest.fixture
def in_process(monkeypatch, capsys):
    """``run_cli`` in this process, through the same ``main()``."""

    def run(*args: str, database_url: str) -> subprocess.CompletedProcess:
        return run_in_process(args, {"DATABASE_URL": database_url}, monkeypatch, capsys)

    return run


def test_help_lists_commands(tmp_path, in_process):
    result = in_process("--help", database_url=f"sqlite:///{tmp_path/'x.db'}")
    assert result.returncode == 0
    for command in ("init", "db"):
        assert command in result.stdout


@pytest.mark.slow
def test_init_loads_regions_and_second_init_is_refused(db_url, in_process):
    first = run_cli("init", database_url=db_url)
    assert first.returncode == 0, first.stderr
    engine = make_engine(db_url)
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Province)) == 38
        assert connection.scalar(select(func.count()).select_from(Regency)) == 514
        before = connection.scalar(select(func.count()).select_from(Regency))

    second = in_process("init", database_url=db_url)
    assert second.returncode == 1
    assert "already loaded" in second.stderr
    assert "Traceback" not in second.stderr
    assert len(second.stderr.strip().splitlines()) == 1

    kept = run_cli("init", "--skip-existing", database_url=db_url)
    assert kept.returncode == 0, kept.stderr
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Regency)) == before


def test_db_stats_json_counts_rows(db_url, in_process):
    assert run_cli("init", database_url=db_url).returncode == 0
    result = in_process("db", "stats", "--format", "json", database_url=db_url)
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout)
    assert counts["provinces"] == 38
    assert counts["regencies"] == 514
    assert counts["vacancies"] == 0


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("not-a-url", "is not a database URL"),
        ("postgresql://postgres@127.0.0.1:1/nothing", "cannot reach the database"),
        ("mysql+nosuchdriver://x@localhost/db", "names no known database"),
    ],
)
def test_bad_database_url_is_one_clear_line(url, expected, in_process):
    result = in_process("db", "upgrade", database_url=url)
    assert result.returncode == 1
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_bad_format_option_is_refused(tmp_path, in_process):
    result = in_process("db", "stats", "--format", "xml", database_url=f"sqlite:///{tmp_path/'x.db'}")
    assert result.returncode == 1
    assert "--format" in result.stderr


@pytest.mark.parametrize(
    "args, expected",
    [
        (("no-such-command",), "No such command"),
        (("init", "--participants", "many"), "Invalid value for '--participants'"),
        (("recommend", "not-a-number"), "Invalid value"),
    ],
)
def test_usage_mistakes_print_usage_not_a_traceback(tmp_path, args, expected, in_process):
    result = in_process(*args, database_url=f"sqlite:///{tmp_path/'x.db'}")
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Usage:" in result.stderr
    assert "Traceback" not in result.stderr
