"""CLI of the dashboard: ``prakerja dashboard`` and ``prakerja accounts create|demo``."""

from __future__ import annotations

import getpass
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Optional

import typer

from prakerja.errors import UserError

ENTRY = Path(__file__).resolve().parent / "entry" / "streamlit_app.py"
#: Streamlit settings for serving people (the same as .streamlit/config.toml for `streamlit run` from a checkout):
#: no exception details or tracebacks in the browser, the viewer's toolbar (no Deploy button, no developer menu),
#: no watching of source files: a served app does not change under it, and the watcher's walk over every
#: imported module after each page run was a fifth of the server's CPU; and no full garbage collection after
#: every page run (runner.postScriptGC): with the app's cached state in memory each one took 145 ms on average,
#: up to 400 ms, in front of the next page (9.1 s in the browser test's 56 pages, 0.8 s without; CPython's own
#: generational collector still runs).
PRODUCTION_OPTIONS = {
    "server.headless": "true",
    "browser.gatherUsageStats": "false",
    "client.showErrorDetails": "none",
    "client.toolbarMode": "viewer",
    "global.developmentMode": "false",
    "server.runOnSave": "false",
    "server.fileWatcherType": "none",
    "runner.postScriptGC": "false",
}
#: Signals passed on to the Streamlit child, so stopping `prakerja dashboard` stops the server.
FORWARDED_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def streamlit_command(port: int, host: str) -> list[str]:
    """The ``streamlit run`` command line of the dashboard with the production options."""
    options = {**PRODUCTION_OPTIONS, "server.port": str(port), "server.address": host}
    return [sys.executable, "-m", "streamlit", "run", str(ENTRY), *[part for key, value in options.items() for part in (f"--{key}", value)]]


def run_forwarding_signals(command: list[str], env: dict) -> int:
    """Run ``command`` as a child; SIGTERM, SIGINT and SIGHUP to this process reach the child; returns its exit code.

    Why: with a plain ``subprocess.call`` a SIGTERM (systemd, docker stop,
    kill) ended only this process and left Streamlit serving on its port.
    """
    child = subprocess.Popen(command, env=env)
    previous = {}

    def forward(number, _frame):
        if child.poll() is None:
            child.send_signal(number)

    for number in FORWARDED_SIGNALS:
        previous[number] = signal.signal(number, forward)
    try:
        while True:
            try:
                return child.wait()
            except KeyboardInterrupt:  # SIGINT arrived while waiting: forwarded already, keep waiting for the child
                continue
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
accounts_app = typer.Typer(help="Dashboard accounts (hashed passwords, roles).", no_args_is_help=True)


def dashboard(
    port: int = typer.Option(8501, "--port", min=1, max=65535, help="Port of the web server."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    boundaries: Optional[Path] = typer.Option(None, "--boundaries", help="A TopoJSON file of province areas for the map."),
) -> None:
    """Start the Streamlit dashboard (Ctrl+C stops it)."""
    from dashboard.boundaries import ENV_VARIABLE, load_boundaries
    from dashboard.queries.steps import refresh_participant_steps
    from prakerja.console import console
    from prakerja.db import open_database

    env = dict(os.environ)
    if boundaries is not None:
        load_boundaries(boundaries)  # a bad file is refused now, not on the map page
        env[ENV_VARIABLE] = str(boundaries.resolve())
    engine = open_database()  # migrate first, and fail here with one line when the database is unreachable
    with console.status("rebuilding the funnel summary"):
        rows = refresh_participant_steps(engine)
    console.print(f"funnel summary: {rows:,} participants", highlight=False)
    engine.dispose()
    if not ENTRY.is_file():
        raise UserError(f"the dashboard entry {ENTRY} is missing; reinstall the project")
    raise typer.Exit(run_forwarding_signals(streamlit_command(port, host), env))


@accounts_app.command("create")
def create(
    username: str = typer.Argument(..., help="The sign-in name."),
    role: str = typer.Option(..., "--role", help="participant, manager or researcher."),
    participant: Optional[int] = typer.Option(None, "--participant", help="The participant id (participant accounts)."),
    province: Optional[str] = typer.Option(None, "--province", help="Limit a manager to one province (2-digit code)."),
    password_env: Optional[str] = typer.Option(
        None, "--password-env", help="Read the password from this environment variable instead of asking."
    ),
) -> None:
    """Create an account; the password is asked for (or read from --password-env), never given as an argument."""
    from dashboard.auth import create_account
    from prakerja.console import console
    from prakerja.db import open_database

    if password_env is not None:
        password = os.environ.get(password_env)
        if not password:
            raise UserError(f"environment variable {password_env} is empty or unset")
    else:
        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            raise UserError("the two passwords differ")
    account = create_account(open_database(), username, password, role, participant_id=participant, province_code=province)
    scope = f", participant {account.participant_id}" if account.participant_id else (f", province {account.province_code}" if account.province_code else "")
    console.print(f"account {account.username} created ({account.role}{scope})", highlight=False)


@accounts_app.command("demo")
def demo(
    skip_existing: bool = typer.Option(False, "--skip-existing", help="Keep accounts that exist (used by `make run`)."),
    reset: bool = typer.Option(False, "--reset", help="Give existing demo accounts new passwords."),
) -> None:
    """Create the demo world's accounts with random passwords and print them (once: only hashes are kept)."""
    from dashboard.auth import ensure_demo_accounts, find_account, demo_account_plan
    from prakerja.console import console
    from prakerja.db import open_database

    engine = open_database()
    if not skip_existing and not reset:
        taken = [a.username for a in demo_account_plan(engine) if find_account(engine, a.username) is not None]
        if taken:
            raise UserError(f"demo accounts exist already ({', '.join(taken)}); use --skip-existing or --reset")
    console.print("Demo accounts (demo world only):", highlight=False)
    issued_list = ensure_demo_accounts(engine, reset=reset)
    for issued in issued_list:
        account = issued.account
        scope = f" participant {account.participant_id}" if account.participant_id else (f" province {account.province_code}" if account.province_code else "")
        console.print(f"  {issued.username:<12} {account.role:<11}{scope:<16} password: {issued.password or '(unchanged)'}", highlight=False)
    if any(issued.password is None for issued in issued_list):
        console.print("Passwords are shown only when set; `prakerja accounts demo --reset` sets new ones.", highlight=False)


def register(app: typer.Typer) -> None:
    """Attach ``dashboard`` and ``accounts`` to the root app."""
    app.command("dashboard")(dashboard)
    app.add_typer(accounts_app, name="accounts")
