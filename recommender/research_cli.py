"""``prakerja evaluate`` and ``prakerja tune``: the researcher's commands.

``evaluate`` runs every model of the line-up on the same split (the project
database, or an external CSV log without any database) and prints one table
with warm and cold vacancies apart, the split's sizes, and for the project
database the per-segment fairness of the default model. ``tune`` runs an
Optuna study on the validation period and records the best parameters.
Progress goes to stderr so that ``--format json`` output stays clean.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Optional

from typing import TYPE_CHECKING

import typer

from prakerja.errors import UserError

if TYPE_CHECKING:  # the commands import pandas, rich tables and the models when they run, not when `prakerja` starts
    import pandas as pd
    from rich.table import Table

    from recommender.evaluation import EvaluationReport
    from recommender.evaluation_split import EvaluationSplit

FORMATS = ("table", "json")
SPLITS = ("temporal", "wave")
#: Models that may become the default: the learned and content models and their blends, not the baselines.
#: Where the data can connect participants to vacancies, only the grounded ones (recommender.model_choice).
DEFAULT_CANDIDATES = ("lightfm", "content", "blend", "blend-tuned", "lightfm-tuned", "grounded-content", "grounded", "history")
#: Segments printed in the table view (provinces are many; they are in the JSON).
TABLE_SEGMENTS = ("history", "urban_rural", "gender", "disability", "age_band")


def _check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise UserError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    return fmt


def _rupiah(amount: float) -> str:
    """Rp1.300.000 (dots grouping thousands); a dash when unknown."""
    if amount is None or (isinstance(amount, float) and math.isnan(amount)):
        return "-"
    return f"Rp{round(amount):,}".replace(",", ".")


def _number(value: float, digits: int = 4) -> str:
    import pandas as pd

    return "-" if value is None or pd.isna(value) else f"{value:.{digits}f}"


def _progress(message: str) -> None:
    from prakerja.console import err_console

    err_console.print(message, highlight=False)


def _project_split(split_kind: str, test_fraction: float, test_waves: int):
    """The project database's engine and split."""
    from prakerja.db import open_database
    from recommender.database_evaluation import database_split, database_wave_split
    from recommender.splitters import TemporalSplitter

    engine = open_database()
    if split_kind == "wave":
        return engine, database_wave_split(engine, test_waves)
    return engine, database_split(engine, TemporalSplitter(test_fraction=test_fraction))


def _external_split(interactions: Path, user_features: Optional[Path], item_features: Optional[Path], test_fraction: float):
    from recommender.evaluation_split import temporal_split
    from recommender.splitters import TemporalSplitter
    from recommender.external import load_external

    dataset = load_external(interactions, user_features, item_features)
    return temporal_split(dataset, TemporalSplitter(test_fraction=test_fraction))


def run_evaluation(split: EvaluationSplit, k: int, tuned_params: dict | None, tuned_lightfm: dict | None = None) -> EvaluationReport:
    """Choose the default on validation data, then evaluate the whole line-up on the test period.

    ``tuned_params`` / ``tuned_lightfm``: the latest tuned blend / stand-alone LightFM, added as
    ``blend-tuned`` / ``lightfm-tuned``. A progress bar on stderr counts every model on each
    fold (validation, then test), as ``prakerja init`` does for the demo world.
    """
    from prakerja.console import err_console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from recommender.evaluation import evaluate_models, lineup, recommend_for_split
    from recommender.model_choice import choose_model, eligible_candidates
    from recommender.models import make_model

    factories = lineup()
    if tuned_params:
        factories["blend-tuned"] = lambda: make_model("blend", **tuned_params)
    if tuned_lightfm:
        factories["lightfm-tuned"] = lambda: make_model("lightfm", **tuned_lightfm)
    external = split.train_dataset.user_attributes is None
    if external:  # an external log: the history profile is a candidate too
        factories["history"] = lambda: make_model("history")
    from recommender.connection import connection_names

    # The connection rule is promised to participants (the project database), not to the users of a researcher's log.
    connectable = not external and len(connection_names(split.train_dataset.user_features, split.train_dataset.item_features)) > 0
    eligible = eligible_candidates([n for n in factories if n in DEFAULT_CANDIDATES], connectable)
    candidates = {n: factories[n] for n in eligible}
    _progress(f"choosing the default model on a rolling origin of the training period ({', '.join(candidates)})")
    columns = (TextColumn("{task.description:<28}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err_console, transient=False) as bar:
        task = bar.add_task("validation", total=None)

        def fitting(name: str, window: int) -> None:
            bar.update(task, description=f"validation {window + 1}: {name}")

        choice = choose_model(candidates, split, k, recommend=recommend_for_split, on_fit=fitting)
        default, validation = choice.name, choice.mean_ndcg
        _progress(f"default: {choice.reason}")
        bar.update(task, total=len(factories), completed=0, description=f"test: {next(iter(factories))}")
        names = list(factories)

        def done(result) -> None:
            _progress(f"  {result.name}: fitted in {result.fit_seconds:.1f}s, recommended in {result.recommend_seconds:.1f}s")
            position = names.index(result.name)
            following = names[position + 1] if position + 1 < len(names) else "done"
            bar.update(task, completed=position + 1, description=f"test: {following}")

        report = evaluate_models(
            {name: factory() for name, factory in factories.items()}, split, k, default_model=default, validation=validation, on_model=done
        )
        bar.update(task, completed=len(factories), description="test: done")
    report.choice = choice.to_dict()
    return report


def evaluate(
    fmt: str = typer.Option("table", "--format", help="table or json"),
    k: int = typer.Option(10, "--k", help="List length and metric cut-off."),
    interactions: Optional[Path] = typer.Option(
        None, "--interactions", help="External log CSV (user_id,item_id,weight,datetime); no database needed."
    ),
    user_features: Optional[Path] = typer.Option(None, "--user-features", help="Long CSV id,feature,value of users."),
    item_features: Optional[Path] = typer.Option(None, "--item-features", help="Long CSV id,feature,value of items."),
    split_kind: str = typer.Option("temporal", "--split", help="temporal, or wave (project database only)."),
    test_fraction: float = typer.Option(0.2, "--test-fraction", help="Share of the latest interactions held out."),
    test_waves: int = typer.Option(1, "--test-waves", help="Waves held out by --split wave."),
    province_only: bool = typer.Option(
        False, "--province-only", help="Rank only vacancies in the participant's province (every model alike)."
    ),
    radius_km: Optional[float] = typer.Option(None, "--radius-km", help="Rank only vacancies within this distance."),
    reach: bool = typer.Option(
        True, "--reach/--no-reach", help="Rank within each participant's reach, widened as served (project database; default on)."
    ),
    record: bool = typer.Option(True, "--record/--no-record", help="Record every model's run in model_runs (project database)."),
) -> None:
    """Compare every model (lightfm, content, popularity, random, blend) on one split, warm and cold vacancies apart."""
    from recommender.base import check_k
    from recommender.evaluation_split import evaluation_filters

    _check_format(fmt)
    k = check_k(k)
    if split_kind not in SPLITS:
        raise UserError(f"--split must be one of {', '.join(SPLITS)}, not {split_kind!r}")
    if interactions is None and (user_features is not None or item_features is not None):
        raise UserError("--user-features and --item-features describe an external log; give it with --interactions")
    if interactions is not None and split_kind != "temporal":
        raise UserError("an external log is evaluated on the temporal split only (it has no waves)")
    if interactions is not None and (province_only or radius_km is not None):
        raise UserError("--province-only and --radius-km need the project database (an external log has no places)")
    filters = evaluation_filters(province_only=province_only, radius_km=radius_km, reach=reach and interactions is None)
    engine, tuned, tuned_lightfm = None, None, None
    if interactions is not None:
        split = _external_split(interactions, user_features, item_features, test_fraction)
    else:
        from recommender.tuning import latest_tuned_params

        engine, split = _project_split(split_kind, test_fraction, test_waves)
        split.filters = filters
        tuned = latest_tuned_params(engine, filters)
        tuned_lightfm = latest_tuned_params(engine, filters, algorithm="lightfm")
    report = run_evaluation(split, k, tuned, tuned_lightfm)
    if engine is not None and record:
        from recommender.database_evaluation import record_run

        for result in report.results.values():
            record_run(engine, result, split, report)
    if fmt == "json":
        print(json.dumps(report.to_dict(), indent=2, default=str))
        return
    print_report(report)


def print_report(report: EvaluationReport) -> None:
    """The metric table, the split's sizes, skipped models and the default model's fairness."""
    from prakerja.console import console
    from recommender.evaluation_split import COLD, WARM
    from recommender.list_quality import CONNECTED, MEDIAN_KM, WIDENED_OR_EMPTY, WITHIN_REACH

    k = report.k
    table = report.metric_table()
    quality = [
        (f"validation ndcg@{k}", "val NDCG"),
        (f"ndcg@{k}", "NDCG"),
        (f"ndcg@{k} {WARM}", "NDCG warm"),
        (f"ndcg@{k} {COLD}", "NDCG cold"),
        (f"recall@{k}", "Recall"),
        (f"recall@{k} {WARM}", "Recall warm"),
        (f"recall@{k} {COLD}", "Recall cold"),
    ]
    more = [
        (f"precision@{k}", "Prec"),
        (f"map@{k}", "MAP"),
        (f"hit_rate@{k}", "Hits"),
        (f"auc@{k}", "AUC"),
        (f"coverage@{k}", "Cover"),
        (f"novelty@{k}", "Novel"),
        ("fit_seconds", "fit s"),
    ]
    title = f"Models on the {report.split['split']} split (k={k}; * = default, chosen on validation; warm/cold = vacancies seen/unseen in training)"
    console.print(_metric_view(table, quality, report.default_model, title))
    console.print(_metric_view(table, more, report.default_model, f"More metrics @{k} (all test interactions)"))
    lists = [
        (f"{WITHIN_REACH}@{k}", "within reach"),
        (f"{CONNECTED}@{k}", "connected"),
        (f"{MEDIAN_KM}@{k}", "median km"),
        (f"{WIDENED_OR_EMPTY}@{k}", "widened/empty"),
    ]
    console.print(_metric_view(table, lists, report.default_model,
                               f"The lists @{k}: within 100 km, the home province or remote; connected to skills or training; "
                               "median distance; participants whose list widened or is empty"))
    s = report.split
    cold_share = s.get("cold_interaction_share")
    console.print(
        f"split {s['split']}" + (f" at {s['cut']}" if s.get("cut") else "")
        + (f", place filter: {s['filters']}" if s.get("filters", "none") != "none" else "")
        + f": {s['train_interactions']:,} training and {s['test_interactions']:,} test interactions; "
        f"{s['test_users']:,} test users ({s['test_users_cold']:,} without history); "
        f"{s['test_items_cold']:,} of {s['test_items']:,} test vacancies are cold"
        + (f", {cold_share:.0%} of positive test interactions" if cold_share is not None else ""),
        highlight=False,
    )
    comparisons = report.comparisons()
    if len(comparisons):
        console.print(
            f"NDCG@{k} of {report.default_model} minus (95% paired bootstrap interval): "
            + "; ".join(
                f"{row.model} {row.difference:+.4f} [{row.ci_low:+.4f}, {row.ci_high:+.4f}]"
                for row in comparisons.itertuples()
            ),
            highlight=False,
        )
    if report.choice:
        console.print(f"default: {report.choice['reason']}", highlight=False)
    for name, reason in report.skipped.items():
        console.print(f"skipped {name}: {reason}", highlight=False)
    if report.fairness is not None and report.default_model in report.results:
        console.print(fairness_view(report))


def _metric_view(table: pd.DataFrame, columns: list[tuple[str, str]], default_model: str | None, title: str) -> Table:
    """A rich table of some metric columns, one row per model."""
    from rich.table import Table

    from recommender.list_quality import MEDIAN_KM

    columns = [(key, label) for key, label in columns if key in table.columns]
    view = Table(title=title)
    view.add_column("model", no_wrap=True)
    for _, label in columns:
        view.add_column(label, justify="right", min_width=6)
    for name, row in table.iterrows():
        marker = " *" if name == default_model else ""
        digits = {key: 1 if key.endswith("seconds") or key.startswith(MEDIAN_KM) else 2 if key.startswith("novelty") else 4
                  for key, _ in columns}
        view.add_row(f"{name}{marker}", *[_number(row[key], digits[key]) for key, _ in columns])
    return view


def fairness_view(report: EvaluationReport) -> Table:
    """Per-group NDCG, exposure and recommended wage of the default model."""
    import pandas as pd
    from rich.table import Table

    from recommender.fairness import EXPOSURE_RATIO, GROUP, MEAN_WAGE, SEGMENT, SMALL, USERS, WAGE_GAP_PCT

    k, model = report.k, report.default_model
    fairness = report.fairness[report.fairness["model"] == model]
    segments = report.segments[report.segments["model"] == model][[SEGMENT, GROUP, f"ndcg@{k}"]]
    merged = fairness.merge(segments, on=[SEGMENT, GROUP], how="left")
    merged = merged[merged[SEGMENT].isin(TABLE_SEGMENTS)]
    view = Table(
        title=f"{model} by group: exposure ratio, position-weighted mean recommended wage and its gap "
        "(every group in --format json; ! = fewer than 10 users)"
    )
    for label in ("segment", "group", "users", f"NDCG@{k}", "exposure", "wage", "gap"):
        view.add_column(label, justify="left" if label in ("segment", "group") else "right", no_wrap=True)
    for _, row in merged.iterrows():
        gap = row[WAGE_GAP_PCT]
        view.add_row(
            row[SEGMENT],
            row[GROUP] + (" !" if row[SMALL] else ""),
            f"{int(row[USERS]):,}",
            _number(row[f"ndcg@{k}"]),
            _number(row[EXPOSURE_RATIO], 2),
            _rupiah(row[MEAN_WAGE]),
            "-" if pd.isna(gap) else f"{gap:+.1f}%",
        )
    return view


def tune(
    trials: int = typer.Option(..., "--trials", help="Number of Optuna trials (at least 1)."),
    timeout: Optional[float] = typer.Option(None, "--timeout", help="Stop after this many seconds."),
    k: int = typer.Option(10, "--k", help="NDCG cut-off of the objective."),
    study: Optional[str] = typer.Option(
        None, "--study", help="Study name (default lightfm-ndcg10, lightfm-alone-ndcg10 with --algorithm lightfm, plus the place filter when set)."
    ),
    test_fraction: float = typer.Option(0.2, "--test-fraction", help="Test share of the temporal split (left untouched)."),
    province_only: bool = typer.Option(False, "--province-only", help="Tune with the same-province filter."),
    radius_km: Optional[float] = typer.Option(None, "--radius-km", help="Tune with a distance filter."),
    fmt: str = typer.Option("table", "--format", help="table or json"),
    algorithm: str = typer.Option(
        "blend", "--algorithm", help="blend (LightFM and the blend weight) or lightfm (the stand-alone LightFM)."
    ),
) -> None:
    """Tune the blend (or the stand-alone LightFM) for NDCG@k on the validation period; the study is kept in the database."""
    from prakerja.console import console
    from recommender.tuning import check_algorithm
    from recommender.tuning import tune as run_tuning
    from recommender.base import check_k
    from recommender.evaluation_split import evaluation_filters

    _check_format(fmt)
    check_algorithm(algorithm)
    k = check_k(k)
    if trials < 1:
        raise UserError(f"--trials must be at least 1, not {trials}")
    if timeout is not None and timeout <= 0:
        raise UserError(f"--timeout must be a positive number of seconds, not {timeout}")
    engine, split = _project_split("temporal", test_fraction, 1)
    split.filters = evaluation_filters(province_only=province_only, radius_km=radius_km)
    _progress(f"tuning {algorithm} on the validation period before {split.cut}: {trials} trial(s)")
    result = run_tuning(
        engine, split, trials=trials, timeout=timeout, k=k, study_name=study, on_trial=_progress, algorithm=algorithm
    )
    payload = {
        "algorithm": algorithm,
        "study": result.study_name,
        "trials_in_study": result.trials,
        f"best_validation_ndcg@{k}": result.best_value,
        "best_params": result.best_params,
        "model_run_id": result.run_id,
    }
    if fmt == "json":
        print(json.dumps(payload, indent=2))
        return
    console.print(
        f"study {result.study_name}: {result.trials} trial(s); best validation NDCG@{k} {result.best_value:.4f}; "
        f"recorded as model run {result.run_id}",
        highlight=False,
    )
    console.print_json(json.dumps(result.best_params))


def register(app: typer.Typer) -> None:
    """Attach evaluate and tune to the root app."""
    app.command("evaluate")(evaluate)
    app.command("tune")(tune)
