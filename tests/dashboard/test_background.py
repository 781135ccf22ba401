"""Background jobs: started at once, run in their own process, their end recorded."""

import json
import time

import pytest

from dashboard.background import FAILED, FINISHED, RUNNING, job_arguments, job_status, list_jobs, start_job
from prakerja.errors import UserError


def _wait(folder, job_id, seconds=180):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = job_status(folder / job_id)
        if status.state != RUNNING:
            return status
        time.sleep(0.5)
    pytest.fail(f"job {job_id} still running after {seconds}s")


def test_training_job_runs_in_the_background_and_records_a_run(demo_db, tmp_path):
    from sqlalchemy import func, select

    from prakerja.db import make_engine
    from prakerja.models import ModelRun

    env = {"DATABASE_URL": demo_db.url, "PRAKERJA_ARTIFACT_DIR": str(tmp_path / "models")}
    started = time.monotonic()
    job_id = start_job("train", job_arguments("train", algorithm="popularity"), folder=tmp_path, env=env)
    assert time.monotonic() - started < 2  # the page is not blocked
    assert job_status(tmp_path / job_id).state == RUNNING
    status = _wait(tmp_path, job_id)
    assert status.state == FINISHED and status.exit_code == 0, status.progress_lines
    assert "popularity trained" in status.result_text()
    engine = make_engine(demo_db.url)
    with engine.connect() as connection:
        notes = connection.scalars(select(ModelRun.notes).where(ModelRun.algorithm == "popularity")).all()
    assert "dashboard" in notes  # a neutral tag the model page shows in the reader's language (dashboard.labels.note_label)
    assert [job.job_id for job in list_jobs(tmp_path, kind="train")] == [job_id]


def test_a_failing_job_is_recorded_as_failed_with_its_message(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}", "PRAKERJA_ARTIFACT_DIR": str(tmp_path / "models")}
    job_id = start_job("train", job_arguments("train"), folder=tmp_path, env=env)
    status = _wait(tmp_path, job_id)
    assert status.state == FAILED and status.exit_code == 1
    assert any("no participants" in line for line in status.progress_lines)
    assert status.result_json() is None


def test_tune_progress_counts_finished_trials(tmp_path):
    folder = tmp_path / "job"
    folder.mkdir()
    (folder / "job.json").write_text(json.dumps({"job_id": "job", "kind": "tune", "arguments": job_arguments("tune", trials=4), "state": RUNNING, "started_at": "now"}))
    (folder / "progress.txt").write_text("[I] Trial 0 finished with value: 0.1\n[I] Trial 1 pruned.\n")
    assert job_status(folder).fraction == pytest.approx(0.5)


def test_only_known_jobs_can_be_started(tmp_path):
    with pytest.raises(UserError):
        job_arguments("rm")
    with pytest.raises(UserError):
        start_job("shell", ["db", "stats"], folder=tmp_path)
    with pytest.raises(UserError):
        job_arguments("tune", trials=0)
    assert job_arguments("train", algorithm="grounded", promote=True)[:4] == ["train", "--algorithm", "grounded", "--promote"]
    assert job_arguments("train")[:2] == ["train", "--no-promote"], "without a choice: train's default, the latest evaluation's"
