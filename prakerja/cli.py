"""The ``prakerja`` command line: one Typer app, sub-commands registered by each part.

User mistakes (a wrong URL, a bad file, a second ``init``) end as one line on
stderr and a non-zero exit code, never as a traceback.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from prakerja.console import console, err_console
from prakerja.db import open_database
from prakerja.errors import UserError

app = typer.Typer(
    name="prakerja",
    help="Job matching for Kartu Prakerja: vacancies, recommendations, dashboard.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="Database schema and contents.", no_args_is_help=True)
app.add_typer(db_app, name="db")

@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending schema migration (Alembic)."""
    from prakerja.migrate import current_revision

    engine = open_database()
    console.print(f"database at revision {current_revision(engine)}")


@db_app.command("stats")
def db_stats(fmt: str = typer.Option("table", "--format", help="table or json")) -> None:
    """Print the number of rows in every table."""
    from prakerja.stats import table_counts

    if fmt not in ("table", "json"):
        raise UserError(f"--format must be 'table' or 'json', not {fmt!r}")
    counts = table_counts(open_database())
    if fmt == "json":
        print(json.dumps(counts, indent=2))
        return
    table = Table("table", "rows")
    for name, count in counts.items():
        table.add_row(name, f"{count:,}")
    console.print(table)


@app.command("init")
def init(
    demo: bool = typer.Option(False, "--demo", help="Also generate the synthetic demo world."),
    participants: int = typer.Option(20_000, "--participants", min=1, help="Demo participants."),
    seed: int = typer.Option(20200411, "--seed", help="Seed of the demo world (same seed, same world)."),
    kbji: Optional[Path] = typer.Option(None, "--kbji", help="An official KBJI 2014 CSV (digit,kode,judul,deskripsi)."),
    skip_existing: bool = typer.Option(
        False, "--skip-existing", help="Do nothing, successfully, for parts already loaded (used by `make run`)."
    ),
) -> None:
    """Load the reference data, then (with --demo) a calibrated demo world."""
    from prakerja.bootstrap import initialise

    engine = open_database()
    report = initialise(
        engine,
        demo=demo,
        participants=participants,
        seed=seed,
        kbji_path=kbji,
        skip_existing=skip_existing,
        console=console,
    )
    for line in report:
        console.print(line)


def main() -> None:
    """Console-script entry: run the app, turning user errors into one line."""
    _register_subcommands()
    try:
        app(standalone_mode=False)
    except UserError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False)
        sys.exit(1)
    except (typer.Abort, KeyboardInterrupt):
        err_console.print("aborted")
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:
        if _is_usage_error(exc):
            exc.show()
            sys.exit(exc.exit_code)
        raise


def _is_usage_error(exc: BaseException) -> bool:
    """A click-style usage error (bad option, unknown command), from click or typer's own copy of it.

    Typer 0.29 raises ``typer._click.exceptions.*``, which are not click's
    classes, so the check goes by the class's name in its ancestry.
    """
    return any(cls.__name__ == "ClickException" for cls in type(exc).__mro__) and hasattr(exc, "show")


@functools.cache
def _register_subcommands() -> None:
    """Attach the commands of the packages above the core, found through their entry points.

    Each package declares ``register(app)`` under the ``prakerja.commands``
    entry-point group in pyproject.toml, so the core never names (or imports)
    the packages that depend on it. ``--help`` lists them in a stable order.

    Runs once per process (``functools.cache``): Typer appends every
    registration, so a second ``main()`` in the same process (the tests run
    the command line in-process) would otherwise attach each command again.
    """
    from importlib.metadata import entry_points

    found = sorted(entry_points(group=COMMAND_GROUP), key=lambda ep: (COMMAND_ORDER.get(ep.name, len(COMMAND_ORDER)), ep.name))
    for entry in found:
        entry.load()(app)


COMMAND_GROUP = "prakerja.commands"
#: The order of the parts in ``prakerja --help``; a part not listed comes last.
COMMAND_ORDER = {"ingest": 0, "recommender": 1, "research": 2, "dashboard": 3, "api": 4}
