"""``prakerja ingest reclassify``: stored vacancies get the current model's occupation, and the moves are counted."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import typer
from sqlalchemy import select
from typer.testing import CliRunner

from jobs_ingest import cli as ingest_cli
from jobs_ingest.occupations import OccupationClassifier
from jobs_ingest.reclassify import NONE, UNCERTAIN, reclassify_vacancies
from prakerja.db import transaction
from prakerja.models import Vacancy

NOW = dt.datetime(2024, 8, 23)
# (title, department, the occupation an older classifier stored, its confidence)
STORED = [
    ("Account Receivable Officer", "Finance And Accounting", "2411", 0.8),  # old rules: accountant
    ("Content Creator", "Marketing And Social Media", "2431", 0.7),  # old rules: advertising
    ("Barista", None, "5132", 0.9),  # already right
    ("Lorem ipsum dolor", None, "4110", 0.2),  # a guess that should be flagged instead
    ("[3 Months Contract]", None, None, None),  # names nothing
]


@pytest.fixture
def stored(ingest_engine):
    with transaction(ingest_engine) as session:
        for number, (title, department, code, confidence) in enumerate(STORED, start=1):
            session.add(Vacancy(
                id=number, title=title, title_norm=title.lower(), department=department, location_kind="unknown",
                occupation_code=code, occupation_confidence=confidence, first_seen=NOW, last_seen=NOW,
            ))
    return ingest_engine


def stored_occupations(engine) -> dict[int, tuple]:
    with engine.connect() as connection:
        rows = connection.execute(select(Vacancy.id, Vacancy.occupation_code, Vacancy.occupation_confidence))
        return {vid: (code, confidence) for vid, code, confidence in rows}


def test_reclassify_stores_the_current_answer_and_counts_the_moves(stored):
    before = stored_occupations(stored)
    dry = reclassify_vacancies(stored, dry_run=True)
    assert stored_occupations(stored) == before  # a dry run writes nothing

    result = reclassify_vacancies(stored, batch_size=2)  # several batches
    assert result.as_dict() == dry.as_dict()
    after = stored_occupations(stored)
    classifier = OccupationClassifier.from_reference()
    for vid, (title, department, _code, _confidence) in enumerate(STORED, start=1):
        match = classifier.classify(title, department=department)
        expected = (None, None) if match is None else (match.code if match.confident else None, match.confidence)
        assert after[vid] == (expected[0], pytest.approx(expected[1]))
    assert after[1][0].startswith("33") and after[2][0].startswith("26") and after[3][0] == "5132"
    assert after[4] == (None, pytest.approx(after[4][1])) and after[4][1] is not None  # flagged: no group, a confidence
    assert result.vacancies == 5
    assert result.moves[("24", "33")] == 1 and result.moves[("24", "26")] == 1
    assert result.moves[("41", UNCERTAIN)] == 1
    assert (NONE, NONE) not in result.moves
    assert result.changed == sum(before[vid] != after[vid] for vid in before)

    again = reclassify_vacancies(stored)
    assert again.changed == 0 and not again.moves


def test_reclassify_command_prints_what_moved(stored, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", stored.url.render_as_string(hide_password=False))
    app = typer.Typer()
    app.command("noop")(lambda: None)
    ingest_cli.register(app)
    runner = CliRunner()

    preview = runner.invoke(app, ["ingest", "reclassify", "--dry-run", "--format", "json"], catch_exceptions=False)
    assert preview.exit_code == 0, preview.output
    counted = json.loads(preview.stdout)
    assert counted["dry_run"] and counted["vacancies"] == 5
    assert {"from": "24", "to": "33", "vacancies": 1} in counted["moves"]

    done = runner.invoke(app, ["ingest", "reclassify"], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    assert "5 vacancies re-classified" in done.stdout and f"{counted['changed']} changed" in done.stdout
    assert "Moves between sub-major groups" in done.stdout and "uncertain" in done.stdout

    again = runner.invoke(app, ["ingest", "reclassify"], catch_exceptions=False)
    assert "0 changed" in again.stdout


def test_the_managers_occupation_view_counts_what_it_leaves_out(stored):
    from dashboard.queries.occupations import left_out_of_occupations, vacancies_by_occupation

    assert left_out_of_occupations(stored) == {"uncertain": 0, "unrecognised": 1}  # the old guesses count as sure
    reclassify_vacancies(stored)
    assert left_out_of_occupations(stored) == {"uncertain": 1, "unrecognised": 1}
    frame = vacancies_by_occupation(stored, lang="en")
    assert dict(zip(frame["occupation_code"], frame["active_vacancies"])) == {"33": 1, "26": 1, "51": 1}
    assert frame["occupation_group"].str.len().min() > 5  # group titles, not bare codes
    assert left_out_of_occupations(stored, province_code="35") == {"uncertain": 0, "unrecognised": 0}
