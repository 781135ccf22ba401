"""``prakerja accounts`` and ``prakerja dashboard`` as a user runs them (exit codes, one-line errors).

The accounts flows and the dashboard server run in real subprocesses (a new
account is hashed with production's parameters only there); the refusals and
``--help`` run in-process through the same ``prakerja.cli.main()``
(tests/cli_runner.py), which saves the ~1 s of imports of a new process per call.
"""

import os
import subprocess
import sys

import pytest

from dashboard.auth import authenticate
from prakerja.db import make_engine
from tests.cli_runner import run_in_process

CLI = [sys.executable, "-c", "from prakerja.cli import main; main()"]


def run_cli(*args: str, url: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], env={**os.environ, "DATABASE_URL": url, **env}, capture_output=True, text=True, timeout=120)


@pytest.fixture
def in_process(monkeypatch, capsys):
    """``run_cli`` in this process, through the same ``main()``; a command that would start Streamlit fails instead."""

    def no_streamlit(*_args, **_kwargs):
        raise AssertionError("the command started the Streamlit server instead of refusing")

    monkeypatch.setattr("dashboard.cli.run_forwarding_signals", no_streamlit)

    def run(*args: str, url: str, **env: str) -> subprocess.CompletedProcess:
        return run_in_process(args, {"DATABASE_URL": url, **env}, monkeypatch, capsys)

    return run


def _passwords(stdout: str) -> dict[str, str]:
    found = {}
    for line in stdout.splitlines():
        if "password:" in line:
            name, secret = line.split()[0], line.rsplit("password:", 1)[1].strip()
            found[name] = secret
    return found


def test_accounts_demo_prints_working_passwords_once(demo_copy_env, in_process):
    first = run_cli("accounts", "demo", "--skip-existing", url=demo_copy_env.url)
    assert first.returncode == 0, first.stderr
    passwords = _passwords(first.stdout)
    assert {"peserta1", "peserta2", "manajer", "peneliti"} <= set(passwords)
    engine = make_engine(demo_copy_env.url)
    assert all(authenticate(engine, name, secret) is not None for name, secret in passwords.items())
    again = run_cli("accounts", "demo", "--skip-existing", url=demo_copy_env.url)
    assert again.returncode == 0 and set(_passwords(again.stdout).values()) == {"(unchanged)"}
    refused = in_process("accounts", "demo", url=demo_copy_env.url)
    assert refused.returncode == 1 and "--skip-existing or --reset" in refused.stderr and "Traceback" not in refused.stderr


def test_accounts_create_reads_the_password_from_the_environment(demo_copy_env, in_process):
    url = demo_copy_env.url
    made = run_cli("accounts", "create", "jatim", "--role", "manager", "--province", "35", "--password-env", "PW", url=url, PW="rahasia-jatim")
    assert made.returncode == 0, made.stderr
    assert authenticate(make_engine(url), "jatim", "rahasia-jatim").province_code == "35"
    with make_engine(url).connect() as connection:  # the command's own process hashes as production does
        stored = connection.exec_driver_sql("select password_hash from user_accounts where username = 'jatim'").scalar()
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$"), stored
    bad = in_process("accounts", "create", "x", "--role", "manager", "--province", "99", "--password-env", "PW", url=url, PW="rahasia-jatim")
    assert bad.returncode == 1 and "unknown province" in bad.stderr
    empty = in_process("accounts", "create", "y", "--role", "researcher", "--password-env", "NOPE", url=url)
    assert empty.returncode == 1 and "NOPE" in empty.stderr


def test_dashboard_command_refuses_a_bad_boundaries_file(demo_copy_env, tmp_path, in_process):
    bad = tmp_path / "areas.json"
    bad.write_text("{}")
    result = in_process("dashboard", "--boundaries", str(bad), url=demo_copy_env.url)
    assert result.returncode == 1 and "not TopoJSON" in result.stderr
    assert "dashboard" in in_process("--help", url=demo_copy_env.url).stdout


def test_the_checkout_config_and_the_command_line_agree_on_production_settings():
    import tomllib
    from pathlib import Path

    from dashboard.cli import PRODUCTION_OPTIONS, streamlit_command

    config = tomllib.loads((Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    for dotted, value in PRODUCTION_OPTIONS.items():
        section, name = dotted.split(".")
        assert str(config[section][name]).lower() == value, dotted
    assert PRODUCTION_OPTIONS["client.showErrorDetails"] == "none" and PRODUCTION_OPTIONS["client.toolbarMode"] == "viewer"
    command = streamlit_command(8765, "127.0.0.1")
    assert command[command.index("--client.showErrorDetails") + 1] == "none"
    assert command[command.index("--server.port") + 1] == "8765"


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(port: int) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as answer:
            return answer.status == 200
    except OSError:
        return False


def test_sigterm_to_prakerja_dashboard_stops_the_streamlit_child(demo_copy_env):
    import signal
    import time

    import psutil

    port = _free_port()
    env = {**os.environ, "DATABASE_URL": demo_copy_env.url}
    parent = subprocess.Popen([*CLI, "dashboard", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while not _answers(port):
            assert parent.poll() is None and time.monotonic() < deadline, "the dashboard did not start"
            time.sleep(0.5)
        children = psutil.Process(parent.pid).children(recursive=True)
        assert children, "streamlit runs as a child of prakerja dashboard"
        parent.send_signal(signal.SIGTERM)
        parent.wait(timeout=30)
        gone, alive = psutil.wait_procs(children, timeout=20)
        assert alive == [], "the streamlit child kept running after SIGTERM"
        assert not _answers(port)
    finally:
        if parent.poll() is None:
            parent.kill()
        for child in psutil.Process().children(recursive=True):
            if child.pid != parent.pid and "streamlit" in " ".join(child.cmdline()) and str(port) in " ".join(child.cmdline()):
                child.kill()
