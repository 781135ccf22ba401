"""``prakerja ingest ...``: load vacancy files, crawl boards, and account for every row.

The crawler's ``ingest crawl URL`` lives with the crawler (``jobs_ingest.crawl.cli``)
and is attached to this group by :func:`_attach_crawl`.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Optional

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from prakerja.errors import UserError

ingest_app = typer.Typer(help="Ingest job vacancies: files, crawls, and the accounting of every row.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the ``ingest`` group to the root app (called by ``prakerja.cli``)."""
    _attach_crawl(ingest_app)
    app.add_typer(ingest_app, name="ingest")


def _attach_crawl(group: typer.Typer) -> None:
    """``ingest crawl URL``: the crawler module provides the command function ``cli_crawl``."""
    if any(command.name == "crawl" for command in group.registered_commands):
        return
    try:
        from jobs_ingest.crawl.cli import cli_crawl
    except ModuleNotFoundError as exc:
        if exc.name != "jobs_ingest.crawl.cli":
            raise
        return
    group.command("crawl")(cli_crawl)


@ingest_app.command("csv")
def ingest_csv(
    path: Path = typer.Argument(..., help="CSV file (id-jobs layout or mapped), or JSON Lines with --format mapped."),
    fmt: str = typer.Option("id-jobs", "--format", help="id-jobs, or mapped (needs --mapping)."),
    mapping: Optional[Path] = typer.Option(None, "--mapping", help="Column mapping file (.json or .toml)."),
    source: Optional[str] = typer.Option(None, "--source", help="Board name (default: from the file or mapping)."),
    currency: Optional[str] = typer.Option(None, "--currency", help="Salary currency when the text names none."),
    rates: Optional[Path] = typer.Option(None, "--rates", help="CSV of IDR per unit (currency,idr_per_unit) to convert foreign salaries."),
    batch_size: int = typer.Option(5000, "--batch-size", min=1, help="Rows per transaction."),
    fresh: bool = typer.Option(False, "--fresh", help="Start a new run instead of resuming an interrupted one."),
    now: Optional[str] = typer.Option(None, "--now", help="Clock for expiry, ISO 8601 (default: the current time)."),
) -> None:
    """Load a file of postings: normalize, deduplicate, and archive every row with its outcome."""
    from jobs_ingest.currency_rates import read_currency_rates
    from jobs_ingest.mapping import ColumnMapping
    from jobs_ingest.normalize import Normalizer
    from jobs_ingest.pipeline import ingest_postings
    from jobs_ingest.sources import FORMATS, id_jobs_file, mapped_file
    from prakerja.console import console, err_console
    from prakerja.db import open_database
    from prakerja.db import session_factory

    if fmt not in FORMATS:
        raise UserError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if fmt == "mapped":
        if mapping is None:
            raise UserError("--format mapped needs --mapping FILE (a .json or .toml column mapping)")
        file_source = mapped_file(path, ColumnMapping.load(mapping), source=source, currency=currency)
    else:
        if mapping is not None:
            raise UserError("--mapping is only for --format mapped")
        file_source = id_jobs_file(path, source=source, currency=currency)
    clock = _parse_now(now)
    engine = open_database()
    _require_regions(engine)
    with session_factory(engine)() as session:
        normalizer = Normalizer.from_session(session, now=clock, rates=read_currency_rates(rates) if rates else None)
    with Progress(
        TextColumn(f"[bold]{file_source.source}[/]"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
        console=err_console, transient=True,
    ) as progress:
        task = progress.add_task("ingest", total=file_source.size)
        report = ingest_postings(
            engine, file_source, source=file_source.source, kind=file_source.kind,
            location=str(file_source.path.resolve()), batch_size=batch_size, now=clock, resume=not fresh,
            normalizer=normalizer, on_batch=lambda _rows: progress.update(task, completed=file_source.bytes_read),
        )
    resumed = f" (resumed run, {report.skipped:,} rows already done)" if report.skipped else ""
    console.print(
        f"run {report.run_id} {report.source}: {report.rows:,} rows{resumed} = {report.created:,} created, "
        f"{report.updated:,} updated, {report.merged:,} merged, {report.unchanged:,} unchanged, "
        f"{report.quarantined:,} quarantined",
        highlight=False, soft_wrap=True,
    )
    for reason, count in sorted(report.quarantine_reasons.items()):
        console.print(f"  quarantined, {reason}: {count:,}", highlight=False)


@ingest_app.command("report")
def ingest_report(
    fmt: str = typer.Option("table", "--format", help="table or json"),
    source: Optional[str] = typer.Option(None, "--source", help="Only this board."),
) -> None:
    """Rows per outcome for every run and every source; each run's counts add up to its input rows."""
    from jobs_ingest.accounting import OUTCOMES
    from jobs_ingest.report import report_json, run_summaries, totals_by_source
    from prakerja.console import console
    from prakerja.db import open_database

    if fmt not in ("table", "json"):
        raise UserError(f"--format must be 'table' or 'json', not {fmt!r}")
    summaries = run_summaries(open_database(), source=source)
    if fmt == "json":
        print(json.dumps(report_json(summaries), indent=2, ensure_ascii=False))
        return
    for summary in summaries:
        outcomes = ", ".join(f"{count:,} {name}" for name, count in summary.outcomes.items() if count) or "no rows"
        check = "" if summary.archived == summary.rows else f" [bold red](archived {summary.archived:,})[/]"
        if summary.quarantine_reasons:
            check += " (" + ", ".join(f"{reason} {n:,}" for reason, n in summary.quarantine_reasons.items()) + ")"
        console.print(
            f"run {summary.run_id} {summary.source} ({summary.kind}, {summary.status}, "
            f"{summary.started_at:%Y-%m-%d %H:%M}): {summary.rows:,} rows = {outcomes}{check}",
            highlight=False, soft_wrap=True,
        )
    sources = Table("source", *OUTCOMES, "rows", title="Per source")
    for name, totals in totals_by_source(summaries).items():
        sources.add_row(name, *(f"{totals[k]:,}" for k in OUTCOMES), f"{totals['rows']:,}")
    console.print(sources)


@ingest_app.command("reclassify")
def ingest_reclassify(
    dry_run: bool = typer.Option(False, "--dry-run", help="Count what would move; write nothing."),
    fmt: str = typer.Option("table", "--format", help="table or json"),
) -> None:
    """Re-classify the occupation of every stored vacancy (after the classifier changed) and count what moved."""
    from jobs_ingest.reclassify import reclassify_vacancies
    from prakerja.console import console
    from prakerja.db import open_database

    if fmt not in ("table", "json"):
        raise UserError(f"--format must be 'table' or 'json', not {fmt!r}")
    result = reclassify_vacancies(open_database(), dry_run=dry_run)
    if fmt == "json":
        print(json.dumps(result.as_dict() | {"dry_run": dry_run}, indent=2))
        return
    verb = "would change" if dry_run else "changed"
    console.print(
        f"{result.vacancies:,} vacancies re-classified: {result.changed:,} {verb} "
        f"({sum(result.moves.values()):,} moved to another group, {result.refined:,} to another unit of the same group)",
        highlight=False,
    )
    if result.moves:
        moves = Table("from", "to", "vacancies", title="Moves between sub-major groups")
        for (before, after), count in sorted(result.moves.items(), key=lambda item: (-item[1], item[0])):
            moves.add_row(before, after, f"{count:,}")
        console.print(moves)


def _parse_now(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise UserError(f"--now must be an ISO 8601 time such as 2024-08-23T00:00:00, not {text!r}") from None
    return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value


def _require_regions(engine) -> None:
    """Vacancies point at regencies and provinces: the reference data must be there first."""
    from prakerja.db import session_factory
    from prakerja.reference.loader import reference_loaded

    with session_factory(engine)() as session:
        if not reference_loaded(session):
            raise UserError("the database has no reference data (regions); run `prakerja init` first")
