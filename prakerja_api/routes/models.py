"""/v1/models: the recorded model runs, and promoting one (researchers)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from sqlalchemy import select

from prakerja.db import session_factory
from prakerja.models import ModelRun
from recommender.registry import promote_run
from prakerja_api.auth import require
from prakerja_api.context import ServiceContext, service
from prakerja_api.errors import ApiError
from prakerja_api.keys import KeyHolder
from prakerja_api.schemas import ModelList, ModelRunOut, PromoteOut

router = APIRouter(prefix="/v1/models", tags=["models"])

Researcher = Annotated[KeyHolder, Depends(require("researcher"))]
Context = Annotated[ServiceContext, Depends(service)]


def run_out(run: ModelRun) -> ModelRunOut:
    return ModelRunOut(
        id=run.id, algorithm=run.algorithm, params=run.params or {}, metrics=run.metrics or {}, created_at=run.created_at,
        promoted=bool(run.promoted), promoted_at=run.promoted_at, notes=run.notes, has_artifact=bool(run.artifact_path),
    )


def _served(context: ServiceContext) -> int | None:
    state = context.cache.state
    return None if state is None else state.run_id


@router.get("", response_model=ModelList)
def models(_holder: Researcher, context: Context) -> ModelList:
    """Every recorded run, newest first, and the one this worker serves."""
    with session_factory(context.engine)() as session:
        runs = session.scalars(select(ModelRun).order_by(ModelRun.id.desc())).all()
        return ModelList(served_run_id=_served(context), runs=[run_out(r) for r in runs])


@router.post("/{run_id}/promote", response_model=PromoteOut)
def promote(run_id: Annotated[int, Path(ge=1, le=2**31 - 1)], _holder: Researcher, context: Context) -> PromoteOut:
    """Serve ``run_id`` from now on: this worker switches before answering, the others within seconds.

    Requests in flight finish with the model they started with; none fails.
    """
    with session_factory(context.engine)() as session:
        if session.get(ModelRun, run_id) is None:
            raise ApiError(404, f"no model run with id {run_id}")
    promote_run(context.engine, run_id)
    context.cache.warm(context.engine)
    with session_factory(context.engine)() as session:
        return PromoteOut(run=run_out(session.get(ModelRun, run_id)), served_run_id=_served(context))
