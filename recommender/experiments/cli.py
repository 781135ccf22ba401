"""``prakerja experiment create|start|stop|report|list``: online experiments from the command line."""

from __future__ import annotations

import datetime as dt
import json
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from prakerja import vocab
from prakerja.errors import UserError

console = Console()
experiment_app = typer.Typer(help="Online experiments: model runs side by side on live traffic (docs/experiments.md).",
                             no_args_is_help=True)


def _date(text: Optional[str], option: str) -> Optional[dt.datetime]:
    if text is None:
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise UserError(f"{option} must be a date like 2026-12-31 (or 2026-12-31T18:00), not {text!r}") from None


@experiment_app.command("create")
def create(
    name: str = typer.Argument(..., help="A unique name."),
    treatment: list[int] = typer.Option(..., "--treatment", help="A model run to try (repeat for several)."),
    control: Optional[int] = typer.Option(None, "--control", help="The control run (default: the promoted one)."),
    share: Optional[list[float]] = typer.Option(None, "--share", help="Share per arm, control first, in % (default equal; a sum under 100 leaves the rest out)."),
    province: Optional[str] = typer.Option(None, "--province", help="Only participants of this province (2-digit code)."),
    wave: Optional[int] = typer.Option(None, "--wave", min=1, help="Only participants of this wave."),
    new_only: bool = typer.Option(False, "--new-only", help="Only participants registered after the start."),
    metric: str = typer.Option("applied", "--metric", help="Primary metric: saved, applied or hired per participant."),
    alpha: float = typer.Option(0.05, "--alpha", help="False-positive rate the decision keeps."),
    start: Optional[str] = typer.Option(None, "--start", help="Planned start (date)."),
    end: Optional[str] = typer.Option(None, "--end", help="Planned end (date): an undecided experiment stops then."),
    hypothesis: Optional[str] = typer.Option(None, "--hypothesis", help="What you expect and why (stored with it)."),
) -> None:
    """Record a draft experiment (start it with `prakerja experiment start ID`)."""
    from prakerja.db import open_database
    from recommender.experiments.registry import create_experiment, get_experiment

    if metric not in vocab.EXPERIMENT_METRICS:
        raise UserError(f"unknown metric {metric!r}; choose from {', '.join(vocab.EXPERIMENT_METRICS)}")
    engine = open_database()
    experiment_id = create_experiment(
        engine, name, treatment, control_run_id=control, shares=share, province=province, wave=wave, new_only=new_only,
        primary_metric=metric, alpha=alpha, planned_start=_date(start, "--start"), planned_end=_date(end, "--end"),
        hypothesis=hypothesis,
    )
    experiment = get_experiment(engine, experiment_id)
    arms = ", ".join(f"{a.name} run {a.run_id} {a.share:.0%}" for a in experiment.arms)
    console.print(f"experiment {experiment_id} created (draft): {arms}")


@experiment_app.command("start")
def start(experiment_id: int = typer.Argument(..., help="The experiment.")) -> None:
    """Start serving the arms (every API worker and the dashboard switch within seconds)."""
    from prakerja.db import open_database
    from recommender.experiments.registry import start_experiment

    experiment = start_experiment(open_database(), experiment_id)
    console.print(f"experiment {experiment.id} ({experiment.name}) running since {experiment.started_at:%Y-%m-%d %H:%M} UTC")


@experiment_app.command("stop")
def stop(
    experiment_id: int = typer.Argument(..., help="The experiment."),
    reason: str = typer.Option("stopped by a researcher", "--reason", help="Why (stored with it)."),
    promote: Optional[str] = typer.Option(None, "--promote", help="Promote this arm's run (e.g. treatment) and end the experiment."),
) -> None:
    """End an experiment; with --promote its winner becomes the served model."""
    from prakerja.db import open_database
    from recommender.experiments.registry import promote_arm, stop_experiment

    engine = open_database()
    experiment = promote_arm(engine, experiment_id, promote, reason) if promote else stop_experiment(engine, experiment_id, reason)
    console.print(f"experiment {experiment.id} stopped: {experiment.decision}")


@experiment_app.command("list")
def list_command() -> None:
    """Every experiment, newest first."""
    from prakerja.db import open_database
    from recommender.experiments.registry import list_experiments

    table = Table("id", "name", "status", "metric", "arms", "started", "decision")
    for e in list_experiments(open_database()):
        table.add_row(str(e.id), e.name, e.status, e.primary_metric, ", ".join(f"{a.name}:{a.run_id} {a.share:.0%}" for a in e.arms),
                      f"{e.started_at:%Y-%m-%d}" if e.started_at else "-", e.decision or "-")
    console.print(table)


def _interval(estimate) -> str:
    if estimate is None or estimate.low != estimate.low:  # NaN
        return "-"
    return f"{estimate.value:+.4f} [{estimate.low:+.4f}, {estimate.high:+.4f}]"


def print_report(report) -> None:
    """The report as tables: the primary metric first, then the others, guard rails, fairness, the decision."""
    e = report.experiment
    console.print(f"[bold]experiment {e.id}: {e.name}[/bold] ({e.status}), primary metric {e.primary_metric} per participant, "
                  f"alpha {e.alpha} ({report.alpha_per_treatment:g} per treatment)")
    ratio = report.ratio
    console.print(f"participants per arm {list(ratio.observed)} (expected {[round(x) for x in ratio.expected]}); "
                  f"sample-ratio chi-square {ratio.chi2:.2f}, p = {ratio.p:.3g} {'ok' if ratio.ok else 'MISMATCH'}")
    table = Table("metric", "arm", "n", "rate [95%]", "difference [95%]", "p", "CUPED difference", "variance cut", "always-valid")
    for row in sorted(report.metrics, key=lambda r: r.metric != e.primary_metric):
        table.add_row(row.metric, row.arm, str(row.participants), f"{row.rate.value:.4f} [{row.rate.low:.4f}, {row.rate.high:.4f}]",
                      _interval(row.difference), "-" if row.p is None else f"{row.p:.3g}", _interval(row.cuped_difference),
                      "-" if row.variance_reduction is None else f"{row.variance_reduction:.1%}", _interval(row.always_valid))
    console.print(table)
    rails = Table("arm", "vacancies shown", "within reach", "connected")
    for rail in report.guardrails:
        rails.add_row(rail.arm, str(rail.exposures), f"{rail.within_reach:.1%}", f"{rail.connected:.1%}")
    console.print(rails)
    fairness = Table("arm", "dimension", f"{e.primary_metric} per group", "gap")
    for arm, dimensions in report.fairness.items():
        for dimension, values in dimensions.items():
            rates = ", ".join(f"{group} {rate:.3f}" for group, rate in values["rates"].items()) or "-"
            fairness.add_row(arm, dimension, rates, "-" if values["gap"] is None else f"{values['gap']:.3f}")
    console.print(fairness)
    console.print(f"[bold]decision: {report.decision.action}[/bold]" + (f" {report.decision.arm}" if report.decision.arm else "")
                  + f": {report.decision.reason}")


@experiment_app.command("report")
def report(
    experiment_id: int = typer.Argument(..., help="The experiment."),
    output: str = typer.Option("table", "--format", help="table or json."),
    act: bool = typer.Option(False, "--act", help="Carry out the decision: promote the winner (ending the experiment) or stop it."),
) -> None:
    """Per-arm rates, differences against control, guard rails, fairness gaps and the decision (promote, stop or continue)."""
    from prakerja.db import open_database
    from recommender.experiments.analysis import carry_out, experiment_report

    if output not in ("table", "json"):
        raise UserError(f"--format must be table or json, not {output!r}")
    engine = open_database()
    result = experiment_report(engine, experiment_id)
    if output == "json":
        typer.echo(json.dumps(result.to_dict(), indent=2))
    else:
        print_report(result)
    done = carry_out(engine, result) if act else None
    if done is not None:
        console.print(f"experiment {done.id} stopped: {done.decision}")


def register(app: typer.Typer) -> None:
    """Attach the ``experiment`` group to the root app."""
    app.add_typer(experiment_app, name="experiment")
