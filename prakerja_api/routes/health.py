"""/healthz (the process answers), /readyz (database and model), /metrics (Prometheus text)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response
from fastapi.responses import JSONResponse
from sqlalchemy import text

from prakerja_api.context import ServiceContext, service
from prakerja_api.metrics import metrics_text
from prakerja_api.schemas import Health, Readiness

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    """The process is alive (says nothing about the database)."""
    return Health(status="ok")


@router.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness, "description": "Not ready."}})
def readyz(context: Annotated[ServiceContext, Depends(service)]):
    """Ready when the database answers and a model is loaded; 503 otherwise, saying what is missing."""
    problems = []
    database = True
    try:
        with context.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # any failure to reach the database means not ready
        database = False
        problems.append(f"database unreachable: {type(exc).__name__}")
    state = context.cache.state
    if state is None:
        problems.append("no model loaded yet" + (f" ({context.cache.last_error})" if context.cache.last_error else ""))
    body = Readiness(
        status="ready" if not problems else "not ready",
        database=database,
        model_loaded=state is not None,
        model_run_id=None if state is None else state.run_id,
        vacancies=None if state is None else int(state.catalogue.id_map.size),
        problems=problems,
    )
    return JSONResponse(body.model_dump(), status_code=200 if not problems else 503)


@router.get("/metrics", response_class=Response, responses={200: {"content": {"text/plain": {}}}})
def metrics() -> Response:
    """Request counts and latency histograms in the Prometheus text format."""
    payload, content_type = metrics_text()
    return Response(payload, media_type=content_type)
