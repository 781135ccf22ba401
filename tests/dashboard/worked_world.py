"""A demo world after real work: a training, an evaluation started from the dashboard, an ingest with bad rows.

Shared by the page tests and the browser test: a fresh world hid the crashes
that real use produces (an evaluation's "history" segment, evaluation runs on
the model page, quarantine reasons, job logs). It is built once per test run
(:func:`shared_worked_world`, under a lock that every pytest-xdist worker
takes), and each module works on a copy of its own (:func:`copy_worked_world`).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

CLI = [sys.executable, "-c", "from prakerja.cli import main; main()"]
#: Postings an operator might ingest: two usable ones (one hostile), and rows that land in quarantine.
POSTINGS = [
    "job_title,job_location,job_department,job_url,first_seen,base_salary,job_type,job_level,job_apply_end_date,last_seen,is_active,company,company_url,job_board,job_board_url",
    "Kasir ![x](http://127.0.0.1:9/p.png),Jakarta Selatan,Retail,https://board.example.com/kasir-1,01/01/2022 10:00:00,4500000,N/A,N/A,,2022-01-01T00:00:00Z,True,[Klik di sini](https://evil.example),N/A,Dealls,https://dealls.com/",
    "Staf Gudang,Surabaya,Logistik,https://board.example.com/gudang-2,01/01/2022 10:00:00,3500000,fullTime,N/A,,2022-01-01T00:00:00Z,True,PT Gudang Jaya,N/A,Dealls,https://dealls.com/",
    "Admin,Makati,Ops,https://board.example.com/makati-3,01/01/2022 10:00:00,N/A,fullTime,N/A,,2022-01-01T00:00:00Z,True,ACME PH,N/A,Dealls,https://dealls.com/",
    "Operator,Bandung,Produksi,https://board.example.com/op-4,01/01/2022 10:00:00,9" + "9" * 330 + ",fullTime,N/A,,2022-01-01T00:00:00Z,True,PT Besar,N/A,Dealls,https://dealls.com/",
    "Teknisi,Bandung,Produksi,javascript:alert(1),01/01/2022 10:00:00,N/A,fullTime,N/A,,2022-01-01T00:00:00Z,True,PT Aman,N/A,Dealls,https://dealls.com/",
    ",Bandung,Produksi,https://board.example.com/op-5,01/01/2022 10:00:00,N/A,fullTime,N/A,,2022-01-01T00:00:00Z,True,PT Kosong,N/A,Dealls,https://dealls.com/",
]
ENV_KEYS = ("DATABASE_URL", "PRAKERJA_DATA_DIR", "PRAKERJA_ARTIFACT_DIR")


@dataclass
class WorkedWorld:
    url: str
    folder: Path
    env: dict
    participants: tuple[int, ...]


def _cli(*args: str, env: dict) -> None:
    result = subprocess.run([*CLI, *args], env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]


def build_worked_world(demo_db, folder: Path) -> WorkedWorld:
    """Copy the demo world into ``folder``, then train, ingest and evaluate (the evaluation as a dashboard job)."""
    from dashboard.background import FINISHED, list_jobs, start_job

    target = folder / "worked.db"
    with sqlite3.connect(demo_db.url.removeprefix("sqlite:///")) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    url = f"sqlite:///{target}"
    env = {**os.environ, "DATABASE_URL": url, "PRAKERJA_DATA_DIR": str(folder), "PRAKERJA_ARTIFACT_DIR": str(folder / "models")}
    _cli("train", "--algorithm", "popularity", "--promote", "--notes", "dashboard", env=env)
    postings = folder / "postings.csv"
    postings.write_text("\n".join(POSTINGS) + "\n", encoding="utf-8")
    _cli("ingest", "csv", str(postings), env=env)
    with pytest.MonkeyPatch.context() as patch:
        for key in ENV_KEYS:
            patch.setenv(key, env[key])
        start_job("evaluate", ["evaluate", "--format", "json"], env={key: env[key] for key in ENV_KEYS})
        deadline = time.monotonic() + 900
        while list_jobs(kind="evaluate")[0].state == "running":
            assert time.monotonic() < deadline, "the evaluation did not finish"
            time.sleep(1)
        job = list_jobs(kind="evaluate")[0]
    assert job.state == FINISHED, job.progress_lines
    return WorkedWorld(url=url, folder=folder, env=env, participants=tuple(demo_db.participants))


def shared_worked_world(demo_db, root: Path) -> WorkedWorld:
    """The worked world of the whole run in ``root/worked-world``: built by the first process that asks, reused by the rest.

    ``root`` is the run's temporary folder that every pytest-xdist worker shares;
    ``demo_db`` is called (and the demo world built) only by the process that builds.
    """
    folder = root / "worked-world"
    record = folder / "world.json"
    with open(root / "worked-world.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also when the build fails
        if not record.exists():
            if folder.exists():  # a build that failed half-way: start again
                shutil.rmtree(folder)
            folder.mkdir()
            world = build_worked_world(demo_db(), folder)
            saved = {"url": world.url, "env": {key: world.env[key] for key in ENV_KEYS}, "participants": list(world.participants)}
            record.write_text(json.dumps(saved), encoding="utf-8")
    saved = json.loads(record.read_text(encoding="utf-8"))
    return WorkedWorld(url=saved["url"], folder=folder, env={**os.environ, **saved["env"]}, participants=tuple(saved["participants"]))


def copy_worked_world(world: WorkedWorld, folder: Path) -> WorkedWorld:
    """A private copy of ``world`` in ``folder`` (database, job folders, model files) for tests that write to it.

    The copied database still names the original's model files, which stay in place and are only read.
    """
    shutil.copytree(world.folder, folder, ignore=shutil.ignore_patterns("worked.db*", "world.json"), dirs_exist_ok=True)
    target = folder / "worked.db"
    with sqlite3.connect(world.url.removeprefix("sqlite:///")) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    url = f"sqlite:///{target}"
    env = {**os.environ, "DATABASE_URL": url, "PRAKERJA_DATA_DIR": str(folder), "PRAKERJA_ARTIFACT_DIR": str(folder / "models")}
    return WorkedWorld(url=url, folder=folder, env=env, participants=world.participants)
