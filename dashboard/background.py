"""Training, tuning and evaluation started from the dashboard, run as background processes.

A job is a folder: ``job.json`` (what, when, state, exit code), ``stdout.txt``
(the command's result, JSON for evaluate/tune) and ``progress.txt`` (its
progress messages). A small runner process starts the ``prakerja`` command,
waits for it and records the exit code, so the page only reads files and never
blocks; closing the browser does not stop the job.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

from prakerja.config import get_settings
from prakerja.errors import UserError

JOB_FILE = "job.json"
STDOUT_FILE = "stdout.txt"
PROGRESS_FILE = "progress.txt"
RUNNING, FINISHED, FAILED = "running", "finished", "failed"
KINDS = ("train", "tune", "evaluate")
PRAKERJA = [sys.executable, "-c", "from prakerja.cli import main; main()"]
_TRIAL_DONE = re.compile(r"Trial \d+ (finished|pruned|failed)")


def jobs_folder() -> Path:
    """Where job folders live: ``<data dir>/jobs``."""
    return get_settings().data_dir / "jobs"


def job_arguments(kind: str, *, algorithm: str | None = None, trials: int = 10, promote: bool = False) -> list[str]:
    """The ``prakerja`` arguments of a job; only these three kinds may be started from a page.

    A training without ``algorithm`` trains ``prakerja train``'s default: the model the latest evaluation chose.
    """
    if kind == "train":
        chosen = ["--algorithm", algorithm] if algorithm else []
        return ["train", *chosen, "--promote" if promote else "--no-promote", "--notes", "dashboard"]
    if kind == "tune":
        if not 1 <= trials <= 500:
            raise UserError("trials must be between 1 and 500")
        return ["tune", "--trials", str(trials), "--format", "json"]
    if kind == "evaluate":
        return ["evaluate", "--format", "json"]
    raise UserError(f"unknown job kind {kind!r}; choose from {', '.join(KINDS)}")


@dataclass(frozen=True)
class JobStatus:
    """What a page shows about a job."""

    job_id: str
    kind: str
    arguments: list[str]
    state: str
    started_at: str
    finished_at: str | None
    exit_code: int | None
    progress_lines: list[str]
    fraction: float | None
    folder: Path

    def result_text(self) -> str:
        """What the command printed on stdout."""
        path = self.folder / STDOUT_FILE
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    def result_json(self) -> dict | None:
        """The JSON the command printed, when it finished and printed JSON."""
        if self.state != FINISHED:
            return None
        text = self.result_text()
        start = text.find("{")
        try:
            return json.loads(text[start:]) if start >= 0 else None
        except json.JSONDecodeError:
            return None


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def _write_job(folder: Path, record: dict) -> None:
    temporary = folder / (JOB_FILE + ".tmp")
    temporary.write_text(json.dumps(record, indent=2), encoding="utf-8")
    temporary.replace(folder / JOB_FILE)


def start_job(kind: str, arguments: list[str], folder: Path | None = None, env: dict | None = None) -> str:
    """Start ``prakerja <arguments>`` in the background; returns the job id at once."""
    if kind not in KINDS:
        raise UserError(f"unknown job kind {kind!r}; choose from {', '.join(KINDS)}")
    root = folder or jobs_folder()
    job_id = dt.datetime.now().strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
    job_folder = root / job_id
    job_folder.mkdir(parents=True)
    _write_job(job_folder, {"job_id": job_id, "kind": kind, "arguments": arguments, "state": RUNNING, "started_at": _now()})
    subprocess.Popen(
        [sys.executable, "-c", "import sys; from dashboard.background import run_job; run_job(sys.argv[1])", str(job_folder)],
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    return job_id


def run_job(job_folder: str | Path) -> int:
    """The runner: execute the job's command, then record its exit code (runs in its own process)."""
    folder = Path(job_folder)
    record = json.loads((folder / JOB_FILE).read_text(encoding="utf-8"))
    with open(folder / STDOUT_FILE, "wb") as out, open(folder / PROGRESS_FILE, "wb") as progress:
        code = subprocess.call([*PRAKERJA, *record["arguments"]], stdin=subprocess.DEVNULL, stdout=out, stderr=progress)
    record.update(state=FINISHED if code == 0 else FAILED, exit_code=code, finished_at=_now())
    _write_job(folder, record)
    return code


def _tail(path: Path, lines: int = 8) -> list[str]:
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8", errors="replace")
    return [line for line in text.splitlines() if line.strip()][-lines:]


def job_status(folder: Path) -> JobStatus:
    """The state of one job, read from its folder."""
    record = json.loads((folder / JOB_FILE).read_text(encoding="utf-8"))
    progress_text = (folder / PROGRESS_FILE).read_text(encoding="utf-8", errors="replace") if (folder / PROGRESS_FILE).exists() else ""
    fraction = None
    if record["kind"] == "tune" and "--trials" in record["arguments"]:
        trials = int(record["arguments"][record["arguments"].index("--trials") + 1])
        fraction = 1.0 if record["state"] == FINISHED else min(len(_TRIAL_DONE.findall(progress_text)) / trials, 1.0)
    return JobStatus(
        job_id=record["job_id"],
        kind=record["kind"],
        arguments=record["arguments"],
        state=record["state"],
        started_at=record["started_at"],
        finished_at=record.get("finished_at"),
        exit_code=record.get("exit_code"),
        progress_lines=_tail(folder / PROGRESS_FILE) or _tail(folder / STDOUT_FILE, 3),
        fraction=fraction,
        folder=folder,
    )


def list_jobs(folder: Path | None = None, kind: str | None = None) -> list[JobStatus]:
    """Every job, newest first (optionally of one kind)."""
    root = folder or jobs_folder()
    if not root.is_dir():
        return []
    jobs = [job_status(path) for path in sorted(root.iterdir(), reverse=True) if (path / JOB_FILE).exists()]
    return [job for job in jobs if kind is None or job.kind == kind]
