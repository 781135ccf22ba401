"""``prakerja serve`` (the HTTP service under uvicorn) and ``prakerja apikey create|list|revoke``."""

from __future__ import annotations

import os
import tempfile
from typing import Optional

import typer
from rich.console import Console

from prakerja.errors import UserError

apikey_app = typer.Typer(help="API keys of the HTTP service (stored hashed; a new key is shown once).", no_args_is_help=True)
console = Console()


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    workers: int = typer.Option(1, "--workers", min=1, max=64, help="Worker processes (each loads the model once)."),
    log_level: str = typer.Option("info", "--log-level", help="critical, error, warning, info or debug."),
) -> None:
    """Run the recommendation API (docs at http://HOST:PORT/docs).

    With several workers each listens on the port itself (see
    :mod:`prakerja_api.workers`), so connections spread over them.
    """
    from prakerja.db import open_database

    refuse_missing_sqlite()
    if log_level not in ("critical", "error", "warning", "info", "debug"):
        raise UserError(f"--log-level must be critical, error, warning, info or debug, not {log_level!r}")
    engine = open_database()  # fails here, in one line, when the database is unreachable; migrates it
    engine.dispose()
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="prakerja-metrics-")
    console.print(f"serving on http://{host}:{port} ({workers} worker{'s' if workers > 1 else ''}); API docs at /docs")
    from prakerja_api.workers import ServeOptions, run

    try:
        run(ServeOptions(host=host, port=port, workers=workers, log_level=log_level))
    except OSError as exc:
        raise UserError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def refuse_missing_sqlite(url: str | None = None) -> None:
    """Refuse to serve a SQLite database file that does not exist.

    Opening it would create an empty database, and the service would answer
    every request with nothing (no vacancies, no participants, no model)
    instead of telling the operator that ``DATABASE_URL`` or the data folder is wrong.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from prakerja.config import get_settings

    url = url or get_settings().database_url
    try:
        parsed = make_url(url)
    except ArgumentError:
        return  # open_database says what is wrong with it
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    if not os.path.exists(parsed.database):
        raise UserError(
            f"no database at {parsed.database}; run `prakerja init` first (or set DATABASE_URL to the database to serve)"
        )


@apikey_app.command("create")
def apikey_create(
    role: str = typer.Option(..., "--role", help="participant, partner, manager or researcher."),
    participant: Optional[int] = typer.Option(None, "--participant", help="The participant a participant key acts for."),
    province: Optional[str] = typer.Option(None, "--province", help="2-digit province code scoping a manager key."),
    rate_limit: int = typer.Option(600, "--rate-limit", help="Requests a minute (per worker)."),
    expires_in: Optional[str] = typer.Option(
        None, "--expires-in", help="Refuse the key this long from now: a number and s, m, h, d or w (90d, 12h). Default: never."
    ),
) -> None:
    """Create a key and print it once: it is stored only as a hash and cannot be shown again."""
    from prakerja.db import open_database
    from prakerja_api.keys import create_key, parse_lifetime

    lifetime = parse_lifetime(expires_in) if expires_in is not None else None
    new = create_key(open_database(), role, participant_id=participant, province_code=province,
                     rate_limit_per_minute=rate_limit, expires_in=lifetime)
    until = f", expires {new.holder.expires_at:%Y-%m-%dT%H:%M}Z" if new.holder.expires_at else ""
    console.print(f"created {new.holder.role} key {new.holder.prefix}{until} (shown once, store it now):", highlight=False)
    print(new.secret)


@apikey_app.command("list")
def apikey_list() -> None:
    """Every key: prefix, role, scope, limit, state (never the key itself)."""
    from prakerja.db import open_database
    from prakerja_api.keys import list_keys, utc_now

    now = utc_now()
    rows = [("prefix", "role", "participant", "province", "per_minute", "created", "expires", "state")]
    for key in list_keys(open_database()):
        expired = key.expires_at is not None and key.expires_at <= now
        rows.append((
            key.prefix, key.role, str(key.participant_id or "-"), key.province_code or "-", str(key.rate_limit_per_minute),
            key.created_at.strftime("%Y-%m-%dT%H:%M") if key.created_at else "-",
            key.expires_at.strftime("%Y-%m-%dT%H:%M") if key.expires_at else "never",
            "revoked" if key.revoked else "expired" if expired else "active",
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(value.ljust(width) for value, width in zip(row, widths)).rstrip())


@apikey_app.command("revoke")
def apikey_revoke(prefix: str = typer.Argument(..., help="The key's prefix (from `apikey list`).")) -> None:
    """Revoke a key: every worker refuses it within 2 s (each reads the revoked keys every 2 s, cached keys included)."""
    from prakerja.db import open_database
    from prakerja_api.keys import revoke_key

    revoke_key(open_database(), prefix)
    console.print(f"key {prefix} revoked")


def register(app: typer.Typer) -> None:
    """Attach ``serve`` and the ``apikey`` group to the root app."""
    app.command("serve")(serve)
    app.add_typer(apikey_app, name="apikey")
