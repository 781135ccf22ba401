"""Request and response models of /v1/experiments (researchers)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from prakerja_api.schemas import ApiModel, Text, UtcDatetime

Metric = Literal["saved", "applied", "hired"]


class ExperimentIn(ApiModel):
    """A new (draft) experiment: the runs it compares, on whom, on what."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    name: Annotated[Text, Field(min_length=1, max_length=120)]
    treatment_run_ids: Annotated[list[Annotated[int, Field(ge=1, le=2**31 - 1)]], Field(min_length=1, max_length=5)]
    control_run_id: Annotated[int | None, Field(ge=1, le=2**31 - 1, description="Default: the promoted run.")] = None
    shares: Annotated[list[Annotated[float, Field(gt=0, le=100)]] | None,
                      Field(description="Share per arm, control first (fractions or %); default equal.")] = None
    province: Annotated[str | None, Field(pattern=r"^\d{2}$")] = None
    wave: Annotated[int | None, Field(ge=1, le=1000)] = None
    new_only: bool = False
    primary_metric: Metric = "applied"
    alpha: Annotated[float, Field(gt=0, lt=0.5)] = 0.05
    planned_start: dt.datetime | None = None
    planned_end: dt.datetime | None = None
    hypothesis: Annotated[Text | None, Field(max_length=2000)] = None


class StopIn(ApiModel):
    """Why an experiment stops, and optionally the arm to promote."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    reason: Annotated[Text, Field(min_length=1, max_length=2000)] = "stopped by a researcher"
    promote_arm: Annotated[str | None, Field(max_length=40)] = None


class ArmOut(ApiModel):
    id: int
    name: str
    run_id: int
    share: float
    is_control: bool


class ExperimentOut(ApiModel):
    id: int
    name: str
    hypothesis: str | None
    primary_metric: Metric
    alpha: float
    segment_province: str | None
    segment_wave: int | None
    segment_new_only: bool
    status: Literal["draft", "running", "stopped"]
    planned_start: UtcDatetime | None
    planned_end: UtcDatetime | None
    started_at: UtcDatetime | None
    stopped_at: UtcDatetime | None
    decision: str | None
    arms: list[ArmOut]


class ExperimentList(ApiModel):
    experiments: list[ExperimentOut]


class EstimateOut(ApiModel):
    value: float | None
    se: float | None
    low: float | None
    high: float | None


class MetricRowOut(ApiModel):
    metric: Metric
    arm: str
    participants: int
    rate: EstimateOut
    difference: EstimateOut | None
    p: float | None
    relative: float | None
    cuped_difference: EstimateOut | None
    variance_reduction: float | None
    always_valid: EstimateOut | None
    always_valid_p: float | None


class RatioOut(ApiModel):
    observed: list[int]
    expected: list[float]
    chi2: float
    p: float
    ok: bool


class GuardrailOut(ApiModel):
    arm: str
    exposures: int
    within_reach: float | None
    connected: float | None


class DimensionOut(ApiModel):
    rates: dict[str, float]
    gap: float | None


class DecisionOut(ApiModel):
    action: Literal["promote", "stop", "continue"]
    arm: str | None
    reason: str


class ReportOut(ApiModel):
    """The report: per-arm rates and differences (plain, CUPED, always-valid), checks, guard rails, fairness, decision."""

    experiment: ExperimentOut
    as_of: UtcDatetime
    alpha_per_treatment: float
    ratio: RatioOut
    metrics: list[MetricRowOut]
    guardrails: list[GuardrailOut]
    fairness: dict[str, dict[str, DimensionOut]]
    decision: DecisionOut


class DecideOut(ApiModel):
    """What carrying out the report's decision did."""

    decision: DecisionOut
    experiment: ExperimentOut
    served_run_id: int | None
