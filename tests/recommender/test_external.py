"""External logs: reading CSVs, one-line errors, and `prakerja evaluate --interactions` end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from prakerja.columns import Columns
from prakerja.errors import UserError
from recommender.external import load_external, read_features, read_interactions
from tests.cli_runner import run_in_process

CLI = [sys.executable, "-c", "from prakerja.cli import main; main()"]
SKILLS = ("las", "kopi", "sopir", "excel")


def run_cli(*args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    # no DATABASE_URL on purpose: an external evaluation must not need the database
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["PRAKERJA_DATA_DIR"] = str(tmp_path / "no-data-here")
    return subprocess.run([*CLI, *args], env=env, capture_output=True, text=True, timeout=600, cwd=tmp_path)


def write_log(folder: Path, *, users: int = 1500, items: int = 600, events: int = 20_000, seed: int = 3) -> tuple[Path, Path, Path]:
    """A job-view log (ids as zero-padded text) with skills on both sides and free-text titles."""
    rng = np.random.default_rng(seed)
    user_skill = rng.integers(0, len(SKILLS), users)
    item_skill = np.arange(items) % len(SKILLS)
    posted = pd.Timestamp("2024-01-01") + pd.to_timedelta(np.sort(rng.integers(0, 150, items)), unit="D")
    who = rng.integers(0, users, events)
    same = rng.random(events) < 0.8
    by_skill = [np.flatnonzero(item_skill == s) for s in range(len(SKILLS))]
    what = np.where(same, [rng.choice(by_skill[user_skill[u]]) for u in who], rng.integers(0, items, events))
    when = posted[what] + pd.to_timedelta(rng.integers(0, 20 * 24 * 60, events), unit="min")
    log = pd.DataFrame(
        {
            "user_id": [f"u{u:05d}" for u in who],
            "item_id": [f"{i:06d}" for i in what],
            "weight": rng.choice([1, 1, 2, 3, -1], events),
            "datetime": when.strftime("%Y-%m-%dT%H:%M:%S"),
        }
    )
    user_features = pd.DataFrame(
        {"id": [f"u{u:05d}" for u in range(users)], "feature": "skill", "value": [SKILLS[s] for s in user_skill]}
    )
    item_rows = []
    for i in range(items):
        item_rows.append((f"{i:06d}", "skill", SKILLS[item_skill[i]]))
        item_rows.append((f"{i:06d}", "title", f"Lowongan {SKILLS[item_skill[i]]} Jakarta"))
        item_rows.append((f"{i:06d}", "salary_million", str(round(2 + rng.random() * 4, 1))))
    paths = folder / "log.csv", folder / "users.csv", folder / "items.csv"
    log.to_csv(paths[0], index=False)
    user_features.to_csv(paths[1], index=False)
    pd.DataFrame(item_rows, columns=["id", "feature", "value"]).to_csv(paths[2], index=False)
    return paths


@pytest.fixture(scope="module")
def external_log(tmp_path_factory) -> tuple[Path, Path, Path]:
    return write_log(tmp_path_factory.mktemp("external"))


def test_reading_keeps_ids_as_text_and_parses_types(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id,weight,datetime\n007,0042,2,2024-03-01T09:30:00\n007,0043,-1,2024-03-02 10:00\n")
    log = read_interactions(path)
    assert log[Columns.User].tolist() == ["007", "007"]
    assert log[Columns.Item].tolist() == ["0042", "0043"]
    assert log[Columns.Weight].tolist() == [2.0, -1.0]
    assert log[Columns.Datetime].tolist() == [pd.Timestamp("2024-03-01 09:30"), pd.Timestamp("2024-03-02 10:00")]


def test_feature_files_make_cold_items_and_numeric_weights(tmp_path):
    (tmp_path / "log.csv").write_text("user_id,item_id,weight,datetime\n1,a,1,2024-01-01\n2,b,1,2024-01-02\n")
    (tmp_path / "items.csv").write_text("id,feature,value\na,title,Welder SMAW\nc,title,Barista\nc,salary,3.5\n")
    dataset = load_external(tmp_path / "log.csv", item_features=tmp_path / "items.csv")
    assert dataset.item_id_map.contains("c")  # only in the feature file: a cold vacancy
    features = dict(zip(dataset.item_features.names, dataset.item_features.matrix[dataset.item_id_map.to_internal(["c"])].toarray()[0]))
    assert features["salary"] == pytest.approx(3.5) and features["title=barista"] == 1.0
    assert read_features(tmp_path / "items.csv", "item")["id"].tolist() == ["a", "c", "c"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "is empty"),
        ("user_id,item_id,weight\n1,a,1\n", "lacks column(s) datetime"),
        ("user_id,item_id,weight,datetime\n", "has a header but no rows"),
        ("user_id,item_id,weight,datetime\n1,a,1,2024-01-01\n1,b,1,kemarin sore\n", "unparseable datetime 'kemarin sore' on line(s) 3"),
        ("user_id,item_id,weight,datetime\n1,a,banyak,2024-01-01\n", "weight is not a number on line(s) 2"),
        ("user_id,item_id,weight,datetime\n,a,1,2024-01-01\n", "empty user_id or item_id"),
    ],
)
def test_bad_interaction_files_raise_user_errors(tmp_path, content, message):
    path = tmp_path / "log.csv"
    path.write_text(content)
    with pytest.raises(UserError) as raised:
        read_interactions(path)
    assert message in str(raised.value) and "\n" not in str(raised.value)


def test_missing_file_and_bad_feature_file(tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        read_interactions(tmp_path / "nope.csv")
    (tmp_path / "f.csv").write_text("id,name\n1,x\n")
    with pytest.raises(UserError, match="lacks column"):
        read_features(tmp_path / "f.csv", "user")


@pytest.mark.slow
def test_cli_evaluates_an_external_log_without_a_database(external_log, tmp_path):
    log, users, items = external_log
    started = time.perf_counter()
    result = run_cli(
        "evaluate", "--interactions", str(log), "--user-features", str(users), "--item-features", str(items),
        "--format", "json", tmp_path=tmp_path,
    )
    elapsed = time.perf_counter() - started
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report["models"]) == {"lightfm", "content", "popularity", "random", "blend", "grounded-content", "grounded", "history"}
    split = report["split"]
    assert split["train_interactions"] + split["test_interactions"] <= 20_000
    assert split["test_items_cold"] > 0 and 0 < split["cold_interaction_share"] < 1
    models = report["models"]
    for name, row in models.items():
        assert row["ndcg@10 warm"] is not None and row["ndcg@10 cold"] is not None, name
    assert report["default_model"] in {"lightfm", "content", "blend", "grounded-content", "grounded", "history"}
    assert models["content"]["ndcg@10"] > models["random"]["ndcg@10"]
    choice = report["choice"]  # the leader on the validation windows, or one as good and simpler
    leader = max(choice["mean_ndcg"], key=choice["mean_ndcg"].get)
    assert choice["chosen"] == report["default_model"]
    assert choice["chosen"] == leader or choice["leader_minus"][choice["chosen"]][1] <= 0
    assert models["grounded"]["within reach@10"] is None  # an external log has no places
    assert not (tmp_path / "no-data-here").exists()  # no database file was created
    assert elapsed < 240, f"20,000 interactions took {elapsed:.0f}s"


def call_evaluate(**options) -> None:
    """The evaluate command in process, with the command line's defaults for what is not given."""
    from recommender.research_cli import evaluate

    defaults = dict(
        fmt="table", k=10, interactions=None, user_features=None, item_features=None, split_kind="temporal",
        test_fraction=0.2, test_waves=1, province_only=False, radius_km=None, record=True,
    )
    evaluate(**{**defaults, **options})


def test_table_output_and_user_errors(tmp_path, capsys):
    log, users, items = write_log(tmp_path, users=200, items=80, events=2000)
    call_evaluate(interactions=log, item_features=items)
    out = capsys.readouterr().out
    for heading in ("NDCG", "warm", "cold", "content", "popularity", "random", "blend", "lightfm", "history"):
        assert heading in out, heading
    assert "test vacancies are cold" in " ".join(out.split())

    for options, message in [
        (dict(interactions=tmp_path / "missing.csv"), "does not exist"),
        (dict(item_features=items), "give it with --interactions"),
        (dict(interactions=log, fmt="xml"), "--format must be"),
        (dict(interactions=log, k=0), "k must be"),
        (dict(interactions=log, province_only=True), "need the project database"),
        (dict(interactions=log, split_kind="wave"), "temporal split only"),
        (dict(interactions=log, test_fraction=1.0), "between 0 and 1"),
    ]:
        with pytest.raises(UserError, match=message):
            call_evaluate(**options)


def test_a_bad_file_is_one_line_on_the_command_line(tmp_path, monkeypatch, capsys):
    """In-process, through the command line's own main() (a new process would add ~1 s of imports)."""
    bad = tmp_path / "bad.csv"
    bad.write_text("user_id,item_id,weight,datetime\n1,a,1,not a date\n")
    no_database = {"DATABASE_URL": None, "PRAKERJA_DATA_DIR": str(tmp_path / "no-data-here")}  # as run_cli
    result = run_in_process(["evaluate", "--interactions", str(bad)], no_database, monkeypatch, capsys, cwd=tmp_path)
    assert result.returncode == 1
    assert "unparseable datetime 'not a date' on line(s) 2" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
