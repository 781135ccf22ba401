"""train, recommend and score-all as a user runs them: exit codes, one-line errors.

The train/recommend/score-all flow runs in real subprocesses; the mistakes run
in-process through the same ``prakerja.cli.main()`` (tests/cli_runner.py), which
saves the ~1 s of imports of a new process per call.
"""

from __future__ import annotations

import datetime as dt

import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from prakerja.models import ModelRun, Recommendation
from tests.cli_runner import run_in_process

CLI = [sys.executable, "-c", "from prakerja.cli import main; main()"]


@pytest.fixture
def run(sqlite_world, tmp_path, monkeypatch, capsys):
    """``prakerja ...`` in a subprocess (``.in_process``: in this process) on the tiny SQLite world."""
    engine, world = sqlite_world
    variables = {"DATABASE_URL": engine.url.render_as_string(hide_password=False), "PRAKERJA_ARTIFACT_DIR": str(tmp_path / "models")}
    env = {**os.environ, **variables}

    def run_cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*CLI, *args], env=env, capture_output=True, text=True, timeout=300)

    def in_process(*args: str) -> subprocess.CompletedProcess:
        return run_in_process(args, variables, monkeypatch, capsys)

    run_cli.engine = engine
    run_cli.in_process = in_process
    run_cli.world = world
    return run_cli


def count(engine, model) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(model))


def test_train_recommend_score_all(run):
    trained = run("train", "--algorithm", "lightfm", "--epochs", "5")
    assert trained.returncode == 0, trained.stderr
    assert "run 1: lightfm trained" in trained.stdout and "(promoted)" in trained.stdout
    again = run("train", "--if-missing")
    assert again.returncode == 0 and "nothing to do" in again.stdout and count(run.engine, ModelRun) == 1

    shown = run("recommend", "1", "--k", "3", "--format", "json")
    assert shown.returncode == 0, shown.stderr
    payload = json.loads(shown.stdout)
    assert [r["rank"] for r in payload["recommendations"]] == [1, 2, 3]
    first = payload["recommendations"][0]
    assert first["model_run_id"] == 1 and first["matched_skills"] and first["contributions"]
    assert run.world.vacancies[first["vacancy_id"]] == "welder"
    assert payload["next_training"]["unlocks"] > 0
    assert payload["data_as_of"] == dt.datetime.now(dt.UTC).date().isoformat() and payload["reach"]["kind"] == "commute"

    table = run("recommend", "1", "--k", "2", "--province-only")
    assert table.returncode == 0 and "1. " in table.stdout and "matched skills" in table.stdout
    assert f"Data per {dt.datetime.now(dt.UTC).date():%d-%m-%Y}" in table.stdout

    scored = run("score-all", "--k", "3")
    assert scored.returncode == 0, scored.stderr
    assert count(run.engine, Recommendation) == 3 * len(run.world.participants)


@pytest.mark.parametrize(
    "args, message",
    [
        (("recommend", "999999"), "unknown participant id 999999"),
        (("recommend", "1", "--k", "0"), "k must be a whole number from 1 to 1000"),
        (("recommend", "1", "--format", "xml"), "--format must be"),
        (("train", "--algorithm", "svd"), "unknown algorithm 'svd'"),
        (("score-all",), "no promoted model"),
    ],
)
def test_mistakes_are_one_line_errors(run, args, message):
    result = run.in_process(*args)
    assert result.returncode == 1
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_train_on_an_empty_history_says_what_to_do(run):
    with run.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM interactions")
    result = run.in_process("train", "--algorithm", "lightfm")
    assert result.returncode == 1 and "no positive interaction" in result.stderr and "--algorithm content" in result.stderr
    assert run("train", "--algorithm", "content").returncode == 0
