"""Optuna tuning: the study lives in the project database beside our migrations; the best trial is a model run."""

from __future__ import annotations

import json
import re
import os
import subprocess
import sys
import uuid

import optuna
import pytest
from sqlalchemy import inspect
from sqlalchemy.orm import Session

from prakerja.migrate import current_revision, head_revision
from prakerja.models import ModelRun
from recommender.database_evaluation import database_split
from recommender.evaluation_split import evaluation_filters
from recommender.splitters import TemporalSplitter
from recommender.tuning import (
    LIGHTFM_ALONE_SEARCHED,
    LIGHTFM_SEARCHED,
    TUNED_NOTE,
    default_study_name,
    latest_tuned_params,
    optuna_storage,
    tune,
)
from tests.cli_runner import run_in_process

CLI = [sys.executable, "-c", "from prakerja.cli import main; main()"]


def test_tune_stores_the_study_and_records_the_best_trial(engine, world):
    split = database_split(engine, TemporalSplitter(test_fraction=0.25))
    study_name = f"test-{uuid.uuid4().hex[:8]}"  # PostgreSQL's optuna schema outlives one test's public schema
    result = tune(engine, split, trials=2, study_name=study_name)
    assert result.trials == 2 and 0 <= result.best_value <= 1
    # the study is in the project database, and our migration history is untouched
    study = optuna.load_study(study_name=study_name, storage=optuna_storage(engine))
    assert len(study.trials) == 2 and study.best_value == result.best_value
    assert current_revision(engine) == head_revision()
    if engine.dialect.name == "postgresql":
        assert "trials" in inspect(engine).get_table_names(schema="optuna")
        assert "trials" not in inspect(engine).get_table_names()
    # the best parameters became a model run, and evaluate picks them up
    with Session(engine) as session:
        run = session.get(ModelRun, result.run_id)
        assert run.algorithm == "blend" and run.notes.startswith(TUNED_NOTE)
        assert run.metrics["validation ndcg@10"] == result.best_value
    assert latest_tuned_params(engine) == result.best_params
    assert latest_tuned_params(engine, evaluation_filters(province_only=True)) is None  # tuned without that filter
    assert set(result.best_params["lightfm"]) >= set(LIGHTFM_SEARCHED)
    assert 0 <= result.best_params["weight"] <= 1
    # a second session continues the same study
    assert tune(engine, split, trials=1, study_name=study_name).trials == 3


def test_tune_lightfm_alone_records_a_lightfm_run_that_the_blend_search_does_not_see(engine, world):
    split = database_split(engine, TemporalSplitter(test_fraction=0.25))
    study_name = f"test-lightfm-{uuid.uuid4().hex[:8]}"
    result = tune(engine, split, trials=1, study_name=study_name, algorithm="lightfm")
    with Session(engine) as session:
        run = session.get(ModelRun, result.run_id)
        assert run.algorithm == "lightfm" and run.notes.startswith(TUNED_NOTE)
    params = latest_tuned_params(engine, algorithm="lightfm")
    assert params == result.best_params and set(params) >= set(LIGHTFM_ALONE_SEARCHED)
    assert params["loss"] in ("warp", "bpr") and params["exact_families"] == ["reg", "prov"]  # its own defaults kept
    assert latest_tuned_params(engine, algorithm="blend") != params  # another algorithm, another record
    assert default_study_name(10, algorithm="lightfm") == "lightfm-alone-ndcg10"


def test_tune_cli_prints_json(tmp_path, engine, world, monkeypatch, capsys):
    if engine.dialect.name != "sqlite":  # tuning itself runs on both databases above; the command line is the same
        pytest.skip("the tune command line is exercised once, on SQLite")
    url = engine.url.render_as_string(hide_password=False)
    variables = {"DATABASE_URL": url, "PRAKERJA_DATA_DIR": str(tmp_path)}
    env = {**os.environ, **variables}
    result = subprocess.run(  # a real process, as the dashboard's background jobs run it
        [*CLI, "tune", "--trials", "2", "--study", f"cli-{uuid.uuid4().hex[:8]}", "--format", "json"],
        env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["trials_in_study"] == 2 and payload["model_run_id"] >= 1
    # one progress line per trial on stderr (the dashboard counts them)
    assert re.findall(r"Trial \d+ finished", result.stderr) == ["Trial 0 finished", "Trial 1 finished"]
    # the mistakes in-process (same main(), without a new process's ~1 s of imports)
    bad = run_in_process(["tune", "--trials", "0"], variables, monkeypatch, capsys)
    assert bad.returncode == 1 and "--trials must be at least 1" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
    wrong = run_in_process(["tune", "--trials", "1", "--algorithm", "popularity"], variables, monkeypatch, capsys)
    assert wrong.returncode == 1 and "--algorithm must be one of blend, lightfm" in wrong.stderr


def test_each_place_filter_has_its_own_study():
    assert default_study_name(10) == "lightfm-ndcg10"
    assert default_study_name(5, evaluation_filters(province_only=True)) == "lightfm-ndcg5-same-province"
    assert default_study_name(10, evaluation_filters(radius_km=50)) == "lightfm-ndcg10-within-50-km"
