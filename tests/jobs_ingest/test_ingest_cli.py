"""``prakerja ingest csv`` and ``prakerja ingest report`` as a user runs them."""

from __future__ import annotations

import csv
import json

import pytest
import typer
from typer.testing import CliRunner

from jobs_ingest import cli as ingest_cli
from tests.cli_runner import run_in_process


@pytest.fixture
def run(ingest_engine, monkeypatch):
    """Invoke ``prakerja ...`` in-process against the test database."""
    monkeypatch.setenv("DATABASE_URL", ingest_engine.url.render_as_string(hide_password=False))
    app = typer.Typer()
    app.command("noop")(lambda: None)  # a root with two entries keeps the sub-command names in argv
    ingest_cli.register(app)
    runner = CliRunner()

    def invoke(*args: str):
        result = runner.invoke(app, list(args), catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.stdout

    return invoke


def test_dealls_twice_then_report_adds_up(run, shared_data):
    path = shared_data / "jobs" / "dealls.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        rows = sum(1 for _ in csv.DictReader(handle))
    first = run("ingest", "csv", str(path), "--format", "id-jobs", "--now", "2024-08-23T00:00:00")
    second = run("ingest", "csv", str(path), "--now", "2024-08-23T00:00:00")
    assert f"{rows:,} rows" in first and "0 created" in second

    report = json.loads(run("ingest", "report", "--format", "json"))
    assert [r["rows"] for r in report["runs"]] == [rows, rows]
    for run_summary in report["runs"]:
        assert run_summary["archived"] == rows and run_summary["status"] == "finished"
        assert sum(run_summary["outcomes"].values()) == rows
    assert report["sources"]["dealls"]["rows"] == 2 * rows
    assert report["runs"][1]["outcomes"]["unchanged"] == rows

    table = run("ingest", "report")
    assert "dealls" in table and "Per source" in table


def test_mapped_json_lines_file(run, tmp_path):
    mapping = tmp_path / "feed.json"
    mapping.write_text(json.dumps({"source": "feed", "currency": "IDR",
                                   "columns": {"title": "judul", "url": "tautan", "location_text": "lokasi",
                                               "salary_text": "gaji", "company": "perusahaan"}}), encoding="utf-8")
    data = tmp_path / "feed.jsonl"
    lines = [
        {"judul": "Kasir", "tautan": "https://feed.example/1", "lokasi": "Surabaya", "gaji": "Rp 4.000.000",
         "perusahaan": "Toko Makmur"},
        {"judul": "", "tautan": "https://feed.example/2", "lokasi": "Surabaya"},
    ]
    data.write_text("\n".join(json.dumps(line) for line in lines) + "\n{broken\n", encoding="utf-8")
    output = run("ingest", "csv", str(data), "--format", "mapped", "--mapping", str(mapping), "--now", "2024-08-23")
    assert "3 rows" in output and "1 created" in output and "2 quarantined" in output
    assert "missing title: 1" in output and "invalid JSON: 1" in output


def test_user_mistakes_end_as_one_line(tmp_path, monkeypatch, capsys):
    """Through the command line's own main() (and its error handling), in this process: no new process's ~1 s of imports."""
    args = ["ingest", "csv", str(tmp_path / "a.csv"), "--format", "mapped"]
    result = run_in_process(args, {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}, monkeypatch, capsys)
    assert result.returncode == 1
    assert "--format mapped needs --mapping" in result.stderr and "Traceback" not in result.stderr


def test_the_crawler_command_is_attached_to_the_ingest_group():
    app = typer.Typer()
    ingest_cli.register(app)
    names = {command.name for command in ingest_cli.ingest_app.registered_commands}
    assert {"csv", "report", "crawl"} <= names
    ingest_cli.register(typer.Typer())  # registering again does not add a second crawl
    assert [c.name for c in ingest_cli.ingest_app.registered_commands].count("crawl") == 1


def test_mapped_csv_file_with_a_toml_mapping(run, tmp_path):
    mapping = tmp_path / "loker.toml"
    mapping.write_text('source = "loker"\ndelimiter = ";"\n[columns]\ntitle = "judul"\nsource_id = "id"\n'
                       'location_text = "lokasi"\nsalary_text = "gaji"\nfirst_seen = "dilihat"\n', encoding="utf-8")
    data = tmp_path / "loker.csv"
    data.write_text("id;judul;lokasi;gaji;dilihat\n1;Kasir;Kota Malang;5jt/bulan;2024-08-20\n"
                    "2;Barista;Sidoarjo Regency;Rp 50;2024-08-20\n3;Koki;Singapore;;2024-08-20\n4;Satpam;Bandung\n",
                    encoding="utf-8")
    output = run("ingest", "csv", str(data), "--format", "mapped", "--mapping", str(mapping), "--now", "2024-08-23")
    assert "4 rows" in output and "1 created" in output and "3 quarantined" in output
    for reason in ("absurd salary: 1", "foreign location: 1", "wrong column count: 1"):
        assert reason in output
    report = json.loads(run("ingest", "report", "--format", "json", "--source", "loker"))
    assert report["sources"]["loker"]["rows"] == 4
