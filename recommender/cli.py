"""CLI of the recommender core: ``prakerja train``, ``prakerja recommend``, ``prakerja score-all``."""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from prakerja.errors import UserError

#: `prakerja train` without --algorithm fits the default the latest `prakerja evaluate` on this database chose
#: (rolling origin, recommender.model_choice), or before any evaluation the default it chose on the make run
#: world, the blend grounded in reach and training (recommender.database_evaluation.chosen_default;
#: docs/evaluation.md, "The default"): what is served is what the evaluation would choose.
ALGORITHMS = ("lightfm", "popularity", "content", "random", "blend", "grounded")

console = Console()


def rupiah(amount: int | None) -> str:
    """Rp1.300.000 (Indonesian thousands separator); "-" when unknown."""
    return "-" if amount is None else "Rp" + f"{int(amount):,}".replace(",", ".")


def train(
    algorithm: Optional[str] = typer.Option(
        None, "--algorithm",
        help="grounded (a model with distance and the connection rule), lightfm, popularity, content, random or blend "
        "(default: what the latest `prakerja evaluate` chose; before any, the grounded blend).",
    ),
    promote: bool = typer.Option(True, "--promote/--no-promote", help="Serve the new model at once."),
    if_missing: bool = typer.Option(False, "--if-missing", help="Do nothing when a promoted model already exists."),
    epochs: Optional[int] = typer.Option(None, "--epochs", min=1, max=1000, help="LightFM epochs (lightfm, blend and grounded)."),
    notes: Optional[str] = typer.Option(None, "--notes", help="Free text stored with the run."),
    holdout: bool = typer.Option(
        True, "--holdout/--no-holdout", help="Also measure the configuration on the validation and test periods (stored with the run)."
    ),
) -> None:
    """Train a recommender on the whole database, record the run with its validation and test metrics, and (by default) promote it."""
    from prakerja.db import open_database
    from recommender.database_evaluation import chosen_default
    from recommender.features import load_dataset
    from recommender.models import make_model
    from recommender.registry import promoted_run_id, record_run

    if algorithm is not None and algorithm not in ALGORITHMS:
        raise UserError(f"unknown algorithm {algorithm!r}; choose from {', '.join(ALGORITHMS)}")
    engine = open_database()
    if if_missing:
        existing = promoted_run_id(engine)
        if existing is not None:
            console.print(f"a promoted model exists (run {existing}); nothing to do")
            return
    dataset = load_dataset(engine)
    if dataset.n_items == 0 or dataset.n_users == 0:
        raise UserError("the database holds no participants or no vacancies; run `prakerja init --demo` or ingest vacancies first")
    params: dict = {}
    if algorithm is None:
        algorithm, params, name, chosen_run = chosen_default(engine)
        console.print(f"default: {name}, " + (f"chosen by the latest evaluation (run {chosen_run})" if chosen_run is not None
                                              else "chosen on the make run world (no evaluation recorded here; docs/evaluation.md)"), highlight=False)
    if epochs is not None:
        if algorithm == "lightfm":
            params["epochs"] = epochs
        elif algorithm == "blend":
            params["lightfm"] = {"epochs": epochs}
        elif algorithm == "grounded" and params.get("base", "blend") in ("blend", "lightfm"):
            params["base_params"] = {"lightfm": {"epochs": epochs}} if params.get("base", "blend") == "blend" else {"epochs": epochs}
    model = make_model(algorithm, **params)
    started = time.perf_counter()
    with console.status(f"training {algorithm} on {len(dataset.interactions):,} interactions"):
        model.fit(dataset)
    seconds = time.perf_counter() - started
    metrics = {"train_seconds": round(seconds, 2), "interactions": len(dataset.interactions), "users": dataset.n_users, "items": dataset.n_items}
    if holdout:
        from recommender.database_evaluation import holdout_metrics

        try:
            with console.status("measuring the same configuration on the validation and test periods"):
                metrics["holdout"] = holdout_metrics(engine, lambda: make_model(algorithm, **params))
        except UserError as exc:  # a log too short to split: the run is still worth keeping
            console.print(f"no validation/test metrics: {exc}", highlight=False)
    run_id = record_run(engine, model, dataset, metrics=metrics, notes=notes, promote=promote)
    state = "promoted" if promote else "not promoted"
    console.print(f"run {run_id}: {algorithm} trained in {seconds:.1f}s on {len(dataset.interactions):,} interactions ({state})")


def recommend(
    participant_id: int = typer.Argument(..., help="A participant id."),
    k: int = typer.Option(10, "--k", help="How many vacancies (1-1000)."),
    fmt: str = typer.Option("table", "--format", help="table or json"),
    province_only: bool = typer.Option(False, "--province-only", help="Only vacancies in the participant's province."),
    radius_km: Optional[float] = typer.Option(None, "--radius-km", help="Only vacancies within this distance."),
    min_wage: Optional[int] = typer.Option(None, "--min-wage", help="Only vacancies offering at least this (IDR/month)."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Replay another day, ISO 8601 (default: today)."),
) -> None:
    """Top-k vacancies for one participant, with the reasons for each."""
    from prakerja.db import open_database
    from recommender.filters import ItemFilters
    from recommender.next_training import suggest_next_training
    from recommender.participant_list import match_participant

    if fmt not in ("table", "json"):
        raise UserError(f"--format must be 'table' or 'json', not {fmt!r}")
    engine = open_database()
    filters = ItemFilters(province_only=province_only, radius_km=radius_km, min_wage=min_wage)
    results = match_participant(engine, participant_id, filters, k, as_of=_moment(as_of))
    advice = suggest_next_training(engine, participant_id, filters, k)
    if fmt == "json":
        payload = {
            "participant_id": participant_id,
            "data_as_of": results.data_as_of.isoformat(),
            "reach": None if results.reach is None else results.reach.__dict__,
            "scope_shown": None if results.shown is None else results.shown.scope,
            "notice": results.notice,
            "empty_reason": results.empty_reason,
            "recommendations": [r.to_dict() for r in results],
            "next_training": None if advice is None else advice.__dict__,
        }
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    console.print(f"Data per {results.data_as_of:%d-%m-%Y}", highlight=False)
    if results.notice:
        console.print(results.notice, highlight=False)
    for r in results:
        place = r.regency_name or r.province_name or "remote / national"
        distance = "" if r.distance_km is None else f" · {r.distance_km:.0f} km"
        console.print(
            f"[bold]{r.rank}. {r.title}[/] — {r.company or '-'} · {place}{distance} · "
            f"{rupiah(r.salary_max or r.salary_min)} · score {r.score:.3f}",
            highlight=False,
        )
        skills = "; ".join(f"{s} ({c})" for s, c in r.matched_skills) or "-"
        console.print(f"   matched skills: {skills}; missing: {', '.join(r.missing_skills) or '-'}", highlight=False)
        if r.wage_before is not None:
            gain = "-" if r.wage_gain is None else ("+" if r.wage_gain >= 0 else "-") + rupiah(abs(r.wage_gain))
            console.print(f"   wage before {rupiah(r.wage_before)}, gain {gain}", highlight=False)
        reasons = ", ".join(f"{name} ({value:+.3f})" for name, value in r.contributions[:3])
        console.print(f"   model: {reasons or '-'}", highlight=False)
    if advice is not None:
        console.print(f"next training: {advice.title} ({advice.provider}) unlocks {advice.unlocks} more vacancies")


def _moment(text: str | None) -> dt.datetime | None:
    """``--as-of`` as a naive datetime, or a UserError that shows the form."""
    if text is None:
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise UserError(f"--as-of must be an ISO 8601 date or time such as 2026-11-30, not {text!r}") from None


def score_all_command(
    k: int = typer.Option(10, "--k", help="List length per participant (1-1000)."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler address (default: this machine)."),
    chunk_size: int = typer.Option(20_000, "--chunk-size", min=1, help="Participants per unit of work."),
) -> None:
    """Write every participant's top-k under the promoted model to the recommendations table."""
    from prakerja.db import open_database
    from recommender.batch import score_all

    engine = open_database()
    with Progress(TextColumn("scoring"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task("scoring", total=None)
        report = score_all(engine, k=k, scheduler=scheduler, chunk_size=chunk_size, progress=lambda n: bar.advance(task, n))
    rate = report.participants / report.seconds if report.seconds else 0.0
    console.print(
        f"run {report.run_id}: {report.rows:,} recommendations for {report.participants:,} participants "
        f"in {report.seconds:.1f}s ({rate:,.0f}/s, {report.executor})"
    )


def register(app: typer.Typer) -> None:
    """Attach train, recommend and score-all to the root app."""
    app.command("train")(train)
    app.command("recommend")(recommend)
    app.command("score-all")(score_all_command)
