"""Online experiments on the demo world: the stopping rule's false-positive rate (A/A) and power (A/B).

``python -m benchmarks experiments [--participants N] [--aa 200] [--ab 50] [--looks 10] [--metric hired]``

A demo world (SQLite, in a temporary folder) of ``--participants`` people
(seed 11); the default model (blend) is the promoted one, random the
deliberately worse one. Every participant's list under each model is made
once (``model.recommend``, equal to the served list by the one-path
contract); then each simulated experiment hashes participants into two
equal arms (a fresh experiment id each time), lets them arrive evenly over
``--looks`` looks, answers their lists with the demo world's own behaviour
model (:class:`prakerja.demo.responder.DemoResponder`) and applies the
report's decision after every look (:func:`recommender.experiments.analysis.decide`).

Printed: the always-valid rule's false-positive rate over the A/A runs with
its exact (Clopper-Pearson) 95% interval against the stated 5%; what naive
peeking at a fixed 95% interval would have claimed; the A/B runs' power and
when they stopped. Then (unless ``--no-live``) one A/B experiment end to end
through the database: recorded runs, ``experiment create/start``, every
participant served through the serving path (assignment, the arm's model,
exposures logged), answers stored as feedback, the report read after each
simulated day until it decides.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

from scipy import stats

from prakerja.bootstrap import initialise
from prakerja.db import make_engine
from prakerja.demo.responder import DemoResponder
from prakerja.migrate import upgrade
from recommender.experiments.analysis import PROMOTE, STOP
from recommender.experiments.simulation import false_positive, prepare_study, study
from recommender.features import load_dataset
from recommender.models import make_model

SEED = 11


def clopper_pearson(successes: int, trials: int, level: float = 0.95) -> tuple[float, float]:
    """The exact binomial interval of a rate."""
    tail = (1 - level) / 2
    low = stats.beta.ppf(tail, successes, trials - successes + 1) if successes else 0.0
    high = stats.beta.ppf(1 - tail, successes + 1, trials - successes) if successes < trials else 1.0
    return float(low), float(high)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks experiments", description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=3_000)
    parser.add_argument("--aa", type=int, default=200, help="A/A experiments")
    parser.add_argument("--ab", type=int, default=50, help="A/B experiments (random against the promoted blend)")
    parser.add_argument("--looks", type=int, default=10)
    parser.add_argument("--metric", default="hired", choices=("saved", "applied", "hired"))
    parser.add_argument("--alpha", type=float, default=0.05)
    parser.add_argument("--no-live", action="store_true", help="skip the end-to-end experiment through the database")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-experiments-") as folder:
        started = time.perf_counter()
        engine = make_engine(f"sqlite:///{Path(folder) / 'world.db'}")
        upgrade(engine)
        initialise(engine, demo=True, participants=args.participants, seed=SEED)
        dataset = load_dataset(engine)
        models = {"promoted": make_model("blend").fit(dataset), "random": make_model("random").fit(dataset)}
        world = prepare_study(engine, DemoResponder.from_database(engine, SEED), models, dt.datetime.now())
        print(f"world of {args.participants:,} participants, models and lists ready in {time.perf_counter() - started:.0f} s")

        started = time.perf_counter()
        aa = study(world, ["promoted", "promoted"], args.aa, args.looks, alpha=args.alpha, primary_metric=args.metric, seed=1)
        fired = int(false_positive(aa).sum())
        low, high = clopper_pearson(fired, len(aa))
        naive = int(aa.naive_fired.sum())
        print(f"A/A: {len(aa)} experiments, {args.looks} looks each, primary metric {args.metric} per participant "
              f"({time.perf_counter() - started:.0f} s)")
        print(f"  always-valid rule: {fired} false positives = {fired / len(aa):.1%} "
              f"(95% interval {low:.1%} to {high:.1%}; stated level {args.alpha:.0%}; "
              f"binomial tolerance: at most {stats.binom.ppf(0.975, len(aa), args.alpha) / len(aa):.1%})")
        print(f"  naive peeking at a fixed 95% interval: {naive} = {naive / len(aa):.1%}")
        print(f"  sample-ratio alarms: {int(aa.srm_failed.sum())}")

        started = time.perf_counter()
        ab = study(world, ["promoted", "random"], args.ab, args.looks, alpha=args.alpha, primary_metric=args.metric, seed=2)
        stopped = ab[ab.action == STOP]
        low, high = clopper_pearson(len(stopped), len(ab))
        print(f"A/B (treatment: random): {len(ab)} experiments ({time.perf_counter() - started:.0f} s)")
        print(f"  stopped as worse: {len(stopped)} = {len(stopped) / len(ab):.0%} (95% interval {low:.0%} to {high:.0%}); "
              f"promoted: {int((ab.action == PROMOTE).sum())}; still undecided at the last look: {int((ab.action == 'continue').sum())}")
        if len(stopped):
            print(f"  stopped at look (1-based): median {stopped.look.median() + 1:.0f}, "
                  f"mean {stopped.look.mean() + 1:.1f} of {args.looks}")
        if not args.no_live:
            live(engine, dataset, models, args)
        engine.dispose()


def live(engine, dataset, models, args) -> None:
    """One A/B experiment (random against the promoted blend) through registry, serving, logging, feedback and report."""
    import numpy as np

    from recommender.experiments.registry import create_experiment, start_experiment
    from recommender.experiments.simulation import simulate_live
    from recommender.registry import record_run

    started = time.perf_counter()
    record_run(engine, models["promoted"], dataset, promote=True, notes="bench_experiments")
    treatment = record_run(engine, models["random"], dataset, notes="bench_experiments")
    experiment_id = create_experiment(engine, "random against the blend", [treatment], primary_metric=args.metric, alpha=args.alpha)
    start_experiment(engine, experiment_id)
    run = simulate_live(engine, DemoResponder.from_database(engine, SEED), experiment_id, days=args.looks,
                        visits_per_day=args.participants // args.looks, rng=np.random.default_rng(7))
    print(f"live A/B through the database: {run.lists_served:,} lists served in {time.perf_counter() - started:.0f} s")
    for day, report in enumerate(run.reports, start=1):
        treated = next(row for row in report.primary() if row.arm != report.experiment.control.name)
        print(f"  day {day}: participants {list(report.ratio.observed)}, {args.metric} per participant control "
              f"{report.primary()[0].rate.value:.4f} treatment {treated.rate.value:.4f}, always-valid difference "
              f"[{treated.always_valid.low:+.4f}, {treated.always_valid.high:+.4f}] -> {report.decision.action}")
    print(f"  decision: {run.final.decision.action}: {run.final.decision.reason}")
