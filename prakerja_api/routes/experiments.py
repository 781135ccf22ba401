"""/v1/experiments: online experiments of recommender models (researchers).

Create a draft, start it (every worker serves the arms within seconds), read
the report at any time (looking often is safe: the decision uses always-valid
intervals), stop it, or carry out the report's decision (promote the winner,
which ends the experiment, or stop it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from starlette.concurrency import run_in_threadpool

from recommender.experiments.analysis import PROMOTE, carry_out, experiment_report
from recommender.experiments.registry import (
    ExperimentInfo,
    create_experiment,
    get_experiment,
    list_experiments,
    promote_arm,
    start_experiment,
    stop_experiment,
)
from prakerja_api.auth import require
from prakerja_api.context import ServiceContext, service
from prakerja_api.errors import ApiError
from prakerja_api.experiment_schemas import DecideOut, DecisionOut, ExperimentIn, ExperimentList, ExperimentOut, ReportOut, StopIn
from prakerja_api.keys import KeyHolder

router = APIRouter(prefix="/v1/experiments", tags=["experiments"])

Researcher = Annotated[KeyHolder, Depends(require("researcher"))]
Context = Annotated[ServiceContext, Depends(service)]
ExperimentId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def experiment_out(experiment: ExperimentInfo) -> ExperimentOut:
    return ExperimentOut.model_validate({**asdict(experiment), "arms": [asdict(arm) for arm in experiment.arms]})


@router.get("", response_model=ExperimentList)
def experiments(_holder: Researcher, context: Context) -> ExperimentList:
    """Every experiment, newest first."""
    return ExperimentList(experiments=[experiment_out(e) for e in list_experiments(context.engine)])


@router.post("", response_model=ExperimentOut, status_code=201)
def create(body: ExperimentIn, _holder: Researcher, context: Context) -> ExperimentOut:
    """Record a draft experiment (control: the promoted run unless given)."""
    if body.planned_start and body.planned_end and body.planned_end <= body.planned_start:
        raise ApiError(422, "planned_end must come after planned_start")
    experiment_id = create_experiment(
        context.engine, body.name, body.treatment_run_ids, control_run_id=body.control_run_id, shares=body.shares,
        province=body.province, wave=body.wave, new_only=body.new_only, primary_metric=body.primary_metric,
        alpha=body.alpha, planned_start=_naive_utc(body.planned_start), planned_end=_naive_utc(body.planned_end),
        hypothesis=body.hypothesis,
    )
    return experiment_out(get_experiment(context.engine, experiment_id))


def _naive_utc(moment):
    """The database keeps naive UTC."""
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


@router.get("/{experiment_id}", response_model=ExperimentOut)
def experiment(experiment_id: ExperimentId, _holder: Researcher, context: Context) -> ExperimentOut:
    """One experiment with its arms."""
    return experiment_out(get_experiment(context.engine, experiment_id))


@router.post("/{experiment_id}/start", response_model=ExperimentOut)
def start(experiment_id: ExperimentId, _holder: Researcher, context: Context) -> ExperimentOut:
    """Start serving the arms (every worker within its check interval)."""
    return experiment_out(start_experiment(context.engine, experiment_id))


@router.post("/{experiment_id}/stop", response_model=ExperimentOut)
def stop(experiment_id: ExperimentId, body: StopIn, _holder: Researcher, context: Context) -> ExperimentOut:
    """End an experiment; with ``promote_arm`` that arm's run becomes the served model."""
    if body.promote_arm:
        done = promote_arm(context.engine, experiment_id, body.promote_arm, body.reason)
        context.cache.warm(context.engine)
        return experiment_out(done)
    return experiment_out(stop_experiment(context.engine, experiment_id, body.reason))


@router.get("/{experiment_id}/report", response_model=ReportOut)
async def report(experiment_id: ExperimentId, _holder: Researcher, context: Context) -> ReportOut:
    """Rates per arm with intervals, differences against control (plain, CUPED, always-valid), the sample-ratio check,
    guard rails, fairness gaps and the decision (promote, stop or continue) with its reason."""
    result = await run_in_threadpool(experiment_report, context.engine, experiment_id)
    return ReportOut.model_validate(result.to_dict())


@router.post("/{experiment_id}/decide", response_model=DecideOut)
def decide(experiment_id: ExperimentId, _holder: Researcher, context: Context) -> DecideOut:
    """Carry out the report's decision: promote the winner (ending the experiment), stop it, or nothing (continue)."""
    result = experiment_report(context.engine, experiment_id)
    decision = result.decision
    if result.experiment.status != "running":
        raise ApiError(409, f"experiment {experiment_id} is {result.experiment.status}, not running")
    done = carry_out(context.engine, result) or result.experiment
    if decision.action == PROMOTE:
        context.cache.warm(context.engine)  # this worker serves the winner before answering
    served = context.cache.state
    return DecideOut(decision=DecisionOut(**asdict(decision)), experiment=experiment_out(done),
                     served_run_id=None if served is None else served.run_id)
