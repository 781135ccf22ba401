"""Hyperparameter search with Optuna, the study kept in the project database.

The objective is NDCG@k on the *validation* period carved from the end of the
training part of the temporal split (see :mod:`recommender.evaluation`); the
test period is never seen while tuning. Two searches (``algorithm``):

- ``blend`` (default): one trial fits a :class:`Blend` of the LightFM hybrid
  and content similarity: the search covers LightFM's ``no_components,
  learning_rate, loss, item_alpha, user_alpha, epochs, shown_negatives`` and
  the blend weight (weight 1 ranks exactly as LightFM alone, 0 as content alone).
- ``lightfm``: one trial fits the stand-alone :class:`LightFMHybrid` with its
  own defaults (family normalisation, aligned start, exact place) and
  searches ``no_components, learning_rate, loss, item_alpha, user_alpha,
  epochs, max_sampled``: the model the issue asks to beat every baseline
  can be tuned on its own, without the blend's content part hiding it.

Where the study lives: Optuna's ``RDBStorage`` on the same ``DATABASE_URL``.
Optuna keeps its own Alembic revision in a table named ``alembic_version``,
the name our migrations use too. So

- on PostgreSQL the study lives in its own schema ``optuna`` (search_path),
  beside ``public``: neither migration history sees the other;
- on SQLite (no schemas) Optuna's tables (``studies``, ``trials``,
  ``trial_params``, ... no name shared with ours) sit in the same file, and
  Optuna is told to skip its schema-version check, which would otherwise read
  *our* revision from ``alembic_version``. Optuna then never writes to that table.

The best trial is recorded as a model run (algorithm ``blend`` or
``lightfm``, notes starting with :data:`TUNED_NOTE`); ``prakerja evaluate``
adds it to the line-up as ``blend-tuned`` or ``lightfm-tuned``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

import optuna
from sqlalchemy import Engine, select, text

from prakerja.errors import UserError
from prakerja.models import ModelRun
from recommender.evaluation import recommend_for_split
from recommender.evaluation_split import EvaluationSplit, describe_filters, validation_split
from recommender.metrics import NDCG
from recommender.models import Blend, LightFMHybrid
from recommender.registry import json_safe, record_run

OPTUNA_SCHEMA = "optuna"
TUNED_NOTE = "tuned:"
FILTER_NOTE = "place filter:"
LOSSES = ("warp", "bpr", "logistic")
#: What a study tunes: the blend of LightFM and content, or the stand-alone LightFM.
ALGORITHMS = ("blend", "lightfm")
#: LightFM parameters the blend search covers (``shown_negatives`` acts with the logistic loss only).
LIGHTFM_SEARCHED = ("no_components", "learning_rate", "loss", "item_alpha", "user_alpha", "epochs", "shown_negatives")
#: Parameters the stand-alone LightFM search covers. Ranking losses only: the logistic loss samples no
#: negatives and, without exposures, learns only from dismissals.
LIGHTFM_ALONE_SEARCHED = ("no_components", "learning_rate", "loss", "item_alpha", "user_alpha", "epochs", "max_sampled")
LIGHTFM_ALONE_LOSSES = ("warp", "bpr")
#: How a trial's end is said in progress lines (the dashboard counts "Trial N finished|pruned|failed").
TRIAL_OUTCOMES = {
    optuna.trial.TrialState.COMPLETE: "finished",
    optuna.trial.TrialState.PRUNED: "pruned",
    optuna.trial.TrialState.FAIL: "failed",
}


def optuna_storage(engine: Engine) -> optuna.storages.RDBStorage:
    """Optuna's storage in the project database, kept apart from our migrations (module docstring)."""
    url = engine.url.render_as_string(hide_password=False)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA IF NOT EXISTS {OPTUNA_SCHEMA}"))
        return optuna.storages.RDBStorage(
            url, engine_kwargs={"connect_args": {"options": f"-csearch_path={OPTUNA_SCHEMA}"}}
        )
    return optuna.storages.RDBStorage(url, skip_compatibility_check=True)


def check_algorithm(algorithm: str) -> str:
    if algorithm not in ALGORITHMS:
        raise UserError(f"--algorithm must be one of {', '.join(ALGORITHMS)}, not {algorithm!r}")
    return algorithm


def default_study_name(k: int = 10, filters=None, algorithm: str = "blend") -> str:
    """``lightfm-ndcg10`` (the blend) or ``lightfm-alone-ndcg10``, with the place filter appended when one is set.

    Another objective or another search space is another study.
    """
    name = f"lightfm-ndcg{k}" if algorithm == "blend" else f"lightfm-alone-ndcg{k}"
    label = describe_filters(filters)
    return name if label == "none" else f"{name}-{label.replace(',', '').replace(' ', '-')}"


def suggest_params(trial: optuna.Trial, num_threads: int = 2) -> dict:
    """Blend parameters for one trial: the LightFM hyperparameters and the blend weight."""
    lightfm = {
        "no_components": trial.suggest_int("no_components", 8, 96, log=True),
        "learning_rate": trial.suggest_float("learning_rate", 0.005, 0.2, log=True),
        "loss": trial.suggest_categorical("loss", LOSSES),
        "item_alpha": trial.suggest_float("item_alpha", 1e-8, 1e-3, log=True),
        "user_alpha": trial.suggest_float("user_alpha", 1e-8, 1e-3, log=True),
        "epochs": trial.suggest_int("epochs", 5, 60, log=True),
        "shown_negatives": trial.suggest_categorical("shown_negatives", (True, False)),
        "num_threads": num_threads,
    }
    return {"weight": trial.suggest_float("blend_weight", 0.0, 1.0), "lightfm": lightfm}


def blend_from_trial_params(params: dict, num_threads: int = 2) -> dict:
    """Blend constructor parameters from a finished trial's flat ``params``."""
    lightfm = {name: params[name] for name in LIGHTFM_SEARCHED if name in params}
    return {"weight": params["blend_weight"], "lightfm": {**lightfm, "num_threads": num_threads}}


def suggest_lightfm_params(trial: optuna.Trial, num_threads: int = 2) -> dict:
    """Stand-alone LightFM parameters for one trial; ranges around its defaults (128 components, lr 0.003, 15 epochs)."""
    return {
        "no_components": trial.suggest_int("no_components", 16, 256, log=True),
        "learning_rate": trial.suggest_float("learning_rate", 0.001, 0.05, log=True),
        "loss": trial.suggest_categorical("loss", LIGHTFM_ALONE_LOSSES),
        "item_alpha": trial.suggest_float("item_alpha", 1e-8, 1e-3, log=True),
        "user_alpha": trial.suggest_float("user_alpha", 1e-8, 1e-3, log=True),
        "epochs": trial.suggest_int("epochs", 3, 40, log=True),
        "max_sampled": trial.suggest_int("max_sampled", 5, 50, log=True),
        "num_threads": num_threads,
    }


def lightfm_from_trial_params(params: dict, num_threads: int = 2) -> dict:
    """Stand-alone LightFM constructor parameters from a finished trial's flat ``params``."""
    return {**{name: params[name] for name in LIGHTFM_ALONE_SEARCHED if name in params}, "num_threads": num_threads}


def _trial_model(algorithm: str, trial: optuna.Trial, num_threads: int):
    if algorithm == "lightfm":
        return LightFMHybrid(**suggest_lightfm_params(trial, num_threads))
    return Blend(**suggest_params(trial, num_threads))


def _best_model(algorithm: str, params: dict, num_threads: int):
    if algorithm == "lightfm":
        return LightFMHybrid(**lightfm_from_trial_params(params, num_threads))
    return Blend(**blend_from_trial_params(params, num_threads))


@dataclass
class TuningResult:
    """What a tuning session found and where it was recorded."""

    study_name: str
    trials: int
    best_value: float
    best_params: dict
    run_id: int


def tune(
    engine: Engine,
    split: EvaluationSplit,
    *,
    trials: int,
    timeout: float | None = None,
    k: int = 10,
    study_name: str | None = None,
    seed: int = 42,
    num_threads: int = 2,
    on_trial: Callable[[str], None] | None = None,
    algorithm: str = "blend",
) -> TuningResult:
    """Search blend (or stand-alone LightFM) parameters for NDCG@k on the validation period; record the best as a model run.

    The study is loaded when it exists, so repeated calls add trials to it.
    ``on_trial`` receives one line per finished trial ("Trial 3 finished: ..."),
    which the dashboard counts to show progress.
    """
    check_algorithm(algorithm)
    study_name = study_name or default_study_name(k, split.filters, algorithm)
    inner = validation_split(split)
    metric = NDCG(k)

    def objective(trial: optuna.Trial) -> float:
        model = _trial_model(algorithm, trial, num_threads).fit(inner.train_dataset)
        return metric.calc(recommend_for_split(model, inner, k), inner.test)

    optuna.logging.set_verbosity(logging.WARNING)
    study = optuna.create_study(
        study_name=study_name,
        storage=optuna_storage(engine),
        direction="maximize",
        sampler=optuna.samplers.TPESampler(seed=seed),
        load_if_exists=True,
    )
    def report(study: optuna.Study, trial: optuna.trial.FrozenTrial) -> None:
        if on_trial is not None:
            value = "-" if trial.value is None else f"{trial.value:.4f}"
            on_trial(
                f"Trial {trial.number} {TRIAL_OUTCOMES.get(trial.state, 'ended')}: validation NDCG@{k} {value} "
                f"(best {study.best_value:.4f})"
            )

    study.optimize(objective, n_trials=trials, timeout=timeout, callbacks=[report])
    best = study.best_trial
    # the run record holds the best parameters fitted on the whole training part (no artifact: not for serving)
    model = _best_model(algorithm, best.params, num_threads).fit(split.train_dataset)
    run_id = record_run(
        engine,
        model,
        split.train_dataset,
        metrics={f"validation ndcg@{k}": float(best.value), "split": split.summary(), "k": k},
        notes=f"{TUNED_NOTE} optuna study {study_name}, best trial {best.number}, {FILTER_NOTE} {describe_filters(split.filters)}",
        save_artifact=False,
    )
    # the parameters as recorded (JSON: tuples become lists), so they equal latest_tuned_params'
    return TuningResult(study_name, len(study.trials), float(best.value), json_safe(model.get_params()), run_id)


def latest_tuned_params(engine: Engine, filters=None, algorithm: str = "blend") -> dict | None:
    """Parameters of the most recent tuned run of ``algorithm`` under the same place filter, or None."""
    wanted = describe_filters(filters)
    query = (
        select(ModelRun.params, ModelRun.notes)
        .where(ModelRun.algorithm == check_algorithm(algorithm), ModelRun.notes.like(f"{TUNED_NOTE}%"))
        .order_by(ModelRun.id.desc())
    )
    with engine.connect() as connection:
        for params, notes in connection.execute(query):
            label = notes.rsplit(FILTER_NOTE, 1)[1].strip() if FILTER_NOTE in notes else "none"
            if label == wanted:
                return params
    return None
