"""The in-process runner of ``prakerja`` (tests/cli_runner.py) gives what a subprocess would."""

from __future__ import annotations

import os

import pytest

from tests.cli_runner import run_in_process


def test_rich_output_and_one_line_errors_reach_the_captured_streams(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    upgraded = run_in_process(["db", "upgrade"], {"DATABASE_URL": url}, monkeypatch, capsys)
    assert upgraded.returncode == 0, upgraded.stderr
    assert upgraded.stdout.startswith("database at revision ") and upgraded.stderr == ""  # prakerja.console.console
    refused = run_in_process(["db", "stats", "--format", "xml"], {"DATABASE_URL": url}, monkeypatch, capsys)
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr == "error: --format must be 'table' or 'json', not 'xml'\n"  # err_console, plain text


def test_main_runs_twice_in_one_process_with_each_command_once(monkeypatch, capsys):
    from prakerja.cli import app

    for _ in range(2):
        shown = run_in_process(["--help"], None, monkeypatch, capsys)
        assert shown.returncode == 0 and "experiment" in shown.stdout
    commands = [command.name for command in app.registered_commands]
    groups = [group.name for group in app.registered_groups]
    assert "train" in commands and "experiment" in groups
    assert len(commands) == len(set(commands)) and len(groups) == len(set(groups))


@pytest.mark.parametrize(("raised", "code", "stderr"), [(None, 0, ""), (3, 3, ""), ("stopped", 1, "stopped\n")])
def test_exit_codes_follow_python(monkeypatch, capsys, raised, code, stderr):
    def main() -> None:
        raise SystemExit(raised)

    monkeypatch.setattr("prakerja.cli.main", main)
    result = run_in_process(["anything"], None, monkeypatch, capsys)
    assert (result.returncode, result.stdout, result.stderr) == (code, "", stderr)


def test_the_environment_is_set_for_the_call_and_restored_after(monkeypatch, capsys):
    seen = {}

    def main() -> None:
        seen.update(url=os.environ.get("DATABASE_URL"), added=os.environ.get("PRAKERJA_TEST_ADDED"))

    monkeypatch.setenv("DATABASE_URL", "sqlite:///before.db")
    with pytest.MonkeyPatch.context() as call_patch:
        call_patch.setattr("prakerja.cli.main", main)
        run_in_process(["x"], {"DATABASE_URL": None, "PRAKERJA_TEST_ADDED": "1"}, call_patch, capsys)
        assert seen == {"url": None, "added": "1"}
    assert os.environ["DATABASE_URL"] == "sqlite:///before.db" and "PRAKERJA_TEST_ADDED" not in os.environ
