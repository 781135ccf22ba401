"""prakerja experiment as a researcher runs it: exit codes, one-line errors (SQLite).

The create/start/report/promote flow runs in real subprocesses; the mistakes run
in-process through the same ``prakerja.cli.main()`` (tests/cli_runner.py), which
saves the ~1 s of imports of a new process per call.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import pytest

from prakerja.db import make_engine
from prakerja.migrate import upgrade
from recommender.features import load_dataset
from recommender.models import make_model
from recommender.registry import promoted_run_id, record_run
from tests.cli_runner import run_in_process
from tests.worlds import private_database

CLI = [sys.executable, "-c", "from prakerja.cli import main; main()"]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A small demo world with a promoted content model (run 1) and a random one (run 2), built once per module."""
    from prakerja.bootstrap import initialise

    folder = tmp_path_factory.mktemp("experiment-world")
    url = f"sqlite:///{folder / 'world.db'}"
    engine = make_engine(url)
    upgrade(engine)
    initialise(engine, demo=True, participants=120, seed=41)
    dataset = load_dataset(engine)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PRAKERJA_ARTIFACT_DIR", str(folder / "models"))
        record_run(engine, make_model("content").fit(dataset), dataset, promote=True)
        record_run(engine, make_model("random").fit(dataset), dataset)
    engine.dispose()
    return folder


@pytest.fixture
def run(world, tmp_path, monkeypatch, capsys):
    """``prakerja experiment ...`` in a subprocess (``.in_process``: in this process), on a copy of the module's world of its own."""
    monkeypatch.setenv("PRAKERJA_ARTIFACT_DIR", str(world / "models"))  # the model files are only read
    url, drop = private_database("sqlite", tmp_path)
    with sqlite3.connect(world / "world.db") as source, sqlite3.connect(url.removeprefix("sqlite:///")) as copy:
        source.backup(copy)
    engine = make_engine(url)
    variables = {"DATABASE_URL": url, "PRAKERJA_ARTIFACT_DIR": str(world / "models")}
    env = {**os.environ, **variables}

    def run_cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*CLI, "experiment", *args], env=env, capture_output=True, text=True, timeout=300)

    def in_process(*args: str) -> subprocess.CompletedProcess:
        return run_in_process(["experiment", *args], variables, monkeypatch, capsys)

    run_cli.engine = engine
    run_cli.in_process = in_process
    yield run_cli
    engine.dispose()
    drop()


@pytest.mark.slow
def test_create_start_report_and_promote(run):
    created = run("create", "random vs content", "--treatment", "2", "--metric", "hired", "--end", "2030-01-31")
    assert created.returncode == 0, created.stderr
    assert "experiment 1 created (draft): control run 1 50%, treatment run 2 50%" in created.stdout
    assert run("start", "1").returncode == 0
    listed = run("list")
    assert listed.returncode == 0 and "running" in listed.stdout
    report = run("report", "1", "--format", "json")
    assert report.returncode == 0, report.stderr
    body = json.loads(report.stdout)
    assert body["decision"]["action"] == "continue" and body["experiment"]["primary_metric"] == "hired"
    table = run("report", "1")
    assert table.returncode == 0 and "decision: continue" in table.stdout
    stopped = run("stop", "1", "--promote", "treatment", "--reason", "a test")
    assert stopped.returncode == 0, stopped.stderr
    assert "promoted treatment (model run 2): a test" in stopped.stdout
    assert promoted_run_id(run.engine) == 2


@pytest.mark.parametrize(
    "args, message",
    [
        (("create", "x", "--treatment", "2", "--share", "50", "--share", "60"), "shares must be positive and sum to at most 100%"),
        (("create", "x", "--treatment", "9"), "no model run with id 9"),
        (("create", "x", "--treatment", "2", "--metric", "clicked"), "unknown metric 'clicked'"),
        (("create", "x", "--treatment", "2", "--end", "soon"), "--end must be a date"),
        (("start", "7"), "no experiment with id 7"),
        (("report", "7"), "no experiment with id 7"),
    ],
)
def test_mistakes_are_one_line_errors(run, args, message):
    result = run.in_process(*args)
    assert result.returncode == 1
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
