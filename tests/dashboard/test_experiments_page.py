"""The researchers' experiments page and the participant's matches page with an experiment running (SQLite)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from dashboard.auth import Account
from dashboard.i18n import t
from prakerja.db import make_engine
from prakerja.migrate import upgrade
from prakerja.models import ExperimentAssignment, ExperimentExposure
from recommender.experiments.registry import create_experiment, get_experiment, list_experiments
from recommender.experiments.serving import ExperimentServing, serve_participant
from recommender.features import load_dataset
from recommender.models import make_model
from recommender.registry import record_run
from tests.worlds import private_database

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120


@pytest.fixture
def experiment_world(tmp_path, monkeypatch):
    from prakerja.bootstrap import initialise

    url, drop = private_database("sqlite", tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PRAKERJA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PRAKERJA_ARTIFACT_DIR", str(tmp_path / "models"))
    engine = make_engine(url)
    upgrade(engine)
    initialise(engine, demo=True, participants=150, seed=31)
    dataset = load_dataset(engine)
    record_run(engine, make_model("content").fit(dataset), dataset, promote=True)
    treatment = record_run(engine, make_model("random").fit(dataset), dataset)
    experiment_id = create_experiment(engine, "random against content", [treatment], hypothesis="random is worse")
    yield engine, experiment_id
    engine.dispose()
    drop()


def page(name: str, account: Account, lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard" / "pages" / f"{name}.py"), default_timeout=TIMEOUT)
    at.session_state["account"] = account
    at.session_state["lang"] = lang
    return at.run()


def test_a_researcher_starts_an_experiment_and_reads_its_report(experiment_world):
    engine, experiment_id = experiment_world
    researcher = Account("peneliti", "researcher")
    at = page("experiments", researcher)
    assert not at.exception
    assert t("exp_status_draft", "en") in at.dataframe[0].value.to_string()
    start = next(b for b in at.button if b.label == t("exp_start", "en"))
    at = start.click().run()
    assert not at.exception
    assert get_experiment(engine, experiment_id).status == "running"
    for participant_id in range(1, 21):
        serve_participant(engine, participant_id, experiments=ExperimentServing())
    at = page("experiments", researcher, lang="id")
    assert not at.exception
    texts = " ".join(box.value for box in at.info)
    assert t("exp_decision_continue", "id") in texts  # 20 participants: too few to decide
    ratio = next(c.value for c in at.caption if c.value.startswith("Peserta per kelompok"))
    counts = ratio.split("kelompok ")[1].split(":")[0]
    assert sum(int(n) for n in counts.split(", ")) == 20  # the sample-ratio line counts every participant served


def test_the_participant_page_serves_and_logs_the_arm(experiment_world):
    engine, experiment_id = experiment_world
    from recommender.experiments.registry import start_experiment

    start_experiment(engine, experiment_id)
    at = page("matches", Account("peserta", "participant", 3))
    assert not at.exception
    at.run()  # a rerun shows the same list again
    with engine.connect() as connection:
        assigned = connection.scalar(select(func.count()).select_from(ExperimentAssignment))
        shown = connection.scalar(select(func.count()).select_from(ExperimentExposure))
    assert assigned == 1 and 0 < shown <= 10


def test_a_researcher_creates_a_draft_on_the_page(experiment_world):
    engine, _experiment_id = experiment_world
    at = page("experiments", Account("peneliti", "researcher"))
    at.text_input[0].input("second try")
    at.multiselect[0].select(2)
    at.slider[0].set_value(70)
    at = next(b for b in at.button if b.label == t("exp_create_button", "en")).click().run()
    assert not at.exception and not at.error
    created = [e for e in list_experiments(engine) if e.name == "second try"]
    assert len(created) == 1 and [round(a.share, 2) for a in created[0].arms] == [0.7, 0.3]
    at.text_input[0].input("second try")  # the same name again: refused in the reader's language
    at.multiselect[0].select(2)
    at = next(b for b in at.button if b.label == t("exp_create_button", "en")).click().run()
    assert at.error and at.error[0].value.startswith("Cannot:")
