"""Every page of every role, in both languages, after a training, an evaluation and an ingest.

A fresh world hides what real use produces: the evaluation's "history"
segment crashed the fairness page, evaluation runs crowded the model page,
quarantine reasons and job logs arrived in English. Here the world has been
worked on first (through the same commands and background jobs a researcher
and an operator use), then each page must render without an exception or an
error, without a translation key or a raw machine name on screen, and with
the Indonesian interface free of Streamlit's English placeholders.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.auth import Account
from dashboard.background import list_jobs
from dashboard.i18n import LANGUAGES, t
from dashboard.navigation import ROLE_PAGES
from prakerja.db import make_engine
from tests.dashboard.worked_world import ENV_KEYS, WorkedWorld, copy_worked_world

pytestmark = pytest.mark.slow  # a worked world (train, ingest, evaluate) first

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "streamlit_app.py")
#: What must never reach a reader: translation keys, machine names, Python's None/NaN, a traceback.
RAW = ("dim_", "param.", "metric.", "reason_", "group_", "None", "nan", "Traceback", "KeyError")
ENGLISH_PLACEHOLDERS = ("Choose an option", "Choose options", "Press Enter", "No options to select")


@pytest.fixture(scope="module")
def worked_copy(worked_world, tmp_path_factory) -> WorkedWorld:
    world = copy_worked_world(worked_world, tmp_path_factory.mktemp("worked-world"))
    job = list_jobs(world.folder / "jobs", kind="evaluate")[0]
    assert {row["segment"] for row in job.result_json()["fairness"]} >= {"history", "gender"}
    progress = (job.folder / "progress.txt").read_text(encoding="utf-8")
    assert "validation: " in progress or "test: done" in progress  # prakerja evaluate's bar over models and folds
    assert re.search(r"\b(\d+)/\1\b", progress)  # the bar ends complete: every model on every fold
    with make_engine(world.url).connect() as connection:
        assert connection.exec_driver_sql("select count(*) from quarantine").scalar() >= 3
    return world


@pytest.fixture
def worked_env(worked_copy, monkeypatch):
    for key in ENV_KEYS:
        monkeypatch.setenv(key, worked_copy.env[key])
    return worked_copy


def _texts(at: AppTest) -> list[str]:
    """Every text a reader sees on the page, tables included."""
    texts = []
    for kind in ("title", "subheader", "header", "caption", "markdown", "info", "warning", "success", "text"):
        texts += [str(element.value) for element in getattr(at, kind)]
    texts += [f"{m.label} {m.value}" for m in at.metric]
    for frame in at.dataframe:
        value = frame.value
        texts += [str(c) for c in value.columns] + [str(v) for v in value.astype(str).to_numpy().ravel()]
    for widget in (*at.selectbox, *at.multiselect):
        texts.append(str(widget.label))
        texts.append(str(widget.placeholder) if hasattr(widget, "placeholder") else "")
        texts += [str(option) for option in widget.options]
    return texts


PAGES = [(role, stem, title, lang) for role, pages in ROLE_PAGES.items() for stem, title, _ in pages for lang in LANGUAGES]


@pytest.mark.parametrize("role, page, title, lang", PAGES, ids=[f"{r}-{p}-{lang}" for r, p, _, lang in PAGES])
def test_every_page_after_real_work(worked_env, role, page, title, lang):
    account = {
        "participant": Account("peserta1", "participant", worked_env.participants[0]),
        "manager": Account("manajer", "manager"),
        "researcher": Account("peneliti", "researcher"),
    }[role]
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["account"] = account
    at.session_state["lang"] = lang
    at.run()
    at.switch_page(f"dashboard/pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert [element.value for element in at.title] == [t(title, lang)]
    texts = _texts(at)
    words = " ".join(texts).split()
    leaked = sorted({word for word in words for raw in RAW if word.startswith(raw) or word == raw.strip()})
    assert leaked == [], leaked
    if lang == "id":
        shown = " ".join(texts)
        assert not [p for p in ENGLISH_PLACEHOLDERS if p in shown]


def test_the_model_page_keeps_evaluation_runs_apart_and_out_of_the_promote_box(worked_env):
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["account"] = Account("peneliti", "researcher")
    at.run()
    at.switch_page("dashboard/pages/model_runs.py")
    at.run()
    with make_engine(worked_env.url).connect() as connection:
        kinds = dict(connection.exec_driver_sql("select id, artifact_path is not null from model_runs").all())
    promotable = {run for run, has_file in kinds.items() if has_file}
    assert set(kinds) - promotable, "the evaluation recorded runs without a model file"
    assert set(at.selectbox[0].options) == {label for label in at.selectbox[0].options}  # labels are readable
    offered = {int(option.split()[1]) for option in at.selectbox[0].options}
    assert offered == promotable
    trained = at.dataframe[0].value
    assert trained[t("run")].tolist()  # the trained runs' own table
    newest = max(promotable)
    row = trained[trained[t("run")] == t("run_label", run=newest)].iloc[0]
    assert "[" in row["NDCG@10"] and "–" in row["NDCG@10"]  # test NDCG with its 95% interval
    assert row[t("notes")] == t("note_dashboard")
