"""/v1/participants/{id}/...: recommendations, feedback, next training, reach."""

from __future__ import annotations

from typing import Annotated

import pydantic_core
from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from recommender.feedback import record_feedback
from recommender.filters import ItemFilters
from recommender.next_training import suggest_next_training
from recommender.participant_list import MatchList, MatchResult, rank_participant, read_for_list, read_for_list_async
from recommender.reach import Reach
from recommender.reach_preference import read_reach, save_reach
from prakerja_api.auth import require, resolve_participant
from prakerja_api.context import ServiceContext, service
from prakerja_api.keys import KeyHolder
from prakerja_api.schemas import (
    CourseSuggestion,
    FeedbackIn,
    FeedbackOut,
    NextTrainingOut,
    ReachAnswer,
    ReachIn,
    ReachOut,
    RecommendationList,
    RecommendationQuery,
    as_utc,
    parse_types,
)

router = APIRouter(prefix="/v1/participants", tags=["participants"])

ParticipantPath = Annotated[
    str,
    Path(
        min_length=1, max_length=24, pattern=r"^[A-Za-z0-9_-]+$",
        description="The participant's id (participant keys: their own) or pseudonym (researcher keys).",
    ),
]
Reader = Annotated[KeyHolder, Depends(require("participant", "researcher"))]
Context = Annotated[ServiceContext, Depends(service)]


def match_filters(query: RecommendationQuery) -> ItemFilters:
    """The API's query as the recommender's filters (the one filter type)."""
    return ItemFilters(
        radius_km=query.radius_km,
        province_only=query.province,
        min_wage=query.min_wage,
        employment_types=parse_types(query.types),
        remote_allowed=query.remote,
    )


def recommendation(result: MatchResult) -> dict:
    """One :class:`Recommendation` as plain values, ready for JSON.

    The route's answer is built from values the service computed itself, so
    it is encoded without building and validating pydantic objects (0.1 ms
    of a 2.5 ms request); ``test_service_recommendations`` checks the bytes
    equal those of the validated :class:`RecommendationList`.
    """
    return {
        "rank": result.rank,
        "score": result.score,
        "vacancy_id": result.vacancy_id,
        "title": result.title,
        "company": result.company,
        "regency": result.regency_name,
        "province": result.province_name,
        "salary_min": result.salary_min,
        "salary_max": result.salary_max,
        "employment_types": result.employment_types,
        "posted_at": None if result.posted_at is None else as_utc(result.posted_at),
        "url": result.url,
        "explanation": {
            "matched_skills": [{"skill": skill, "source": source} for skill, source in result.matched_skills],
            "missing_skills": result.missing_skills,
            "distance_km": result.distance_km,
            "wage_before": result.wage_before,
            "wage_gain": result.wage_gain,
            "contributions": [{"feature": name, "value": value} for name, value in result.contributions],
            "connected": result.connected,
            "similar_applicants": result.similar_applicants,
            "chosen_by_similar_applicants": result.chosen_by_similar_applicants,
        },
    }


def reach_json(reach: Reach) -> dict:
    """A :class:`ReachOut` as plain values."""
    return {"kind": reach.kind, "commute_km": reach.commute_km, "chosen": reach.chosen}


def recommendation_list_json(label: str, model_run_id: int | None, results: MatchList) -> bytes:
    """The JSON of a :class:`RecommendationList` of ``results``.

    A NaN or infinity (a value the recommender could not compute) is written
    as null, never as a bare ``NaN``: that is not JSON, and ``JSON.parse``
    in the participant's browser fails on the whole answer.
    """
    return pydantic_core.to_json(
        {
            "participant": label,
            "model_run_id": model_run_id,
            "data_as_of": results.data_as_of.isoformat(),
            "reach": reach_json(results.reach),
            "scope_shown": None if results.shown is None else results.shown.scope,
            "notice": results.notice,
            "empty_reason": results.empty_reason,
            "recommendations": [recommendation(r) for r in results],
        },
        inf_nan_mode="null",
    )


@router.get("/{participant}/recommendations", response_model=RecommendationList)
async def recommendations(
    participant: ParticipantPath, query: Annotated[RecommendationQuery, Query()], holder: Reader, context: Context
) -> Response:
    """The participant's best vacancies now, with the reasons for each and the model run that ranked them.

    A coroutine: the database reads are awaited (asyncio psycopg on
    PostgreSQL, a thread elsewhere), the ranking (about 2 ms of numpy with the
    GIL held) runs in the event loop. Run in a thread too, it
    cost 0.8 ms more per request in hand-overs and GIL contention, and
    answered 25% fewer requests at 32 connections.
    """
    who = await _resolve(context, holder, participant)
    if context.cache.state is not None:
        state = context.cache.get(context.engine)
    else:  # nothing loaded yet (the startup load failed): loading takes seconds, not in the event loop
        state = await run_in_threadpool(context.cache.get, context.engine)
    filters = match_filters(query)
    if context.read_pool is not None:  # PostgreSQL: read without a thread
        rows = await read_for_list_async(context.participant_reads.read_participant, who.id, filters)
    else:
        rows = await run_in_threadpool(read_for_list, context.engine, who.id, filters)
    state, assignment = await _experiment_arm(context, state, rows)
    results = rank_participant(context.engine, state, rows, filters, query.k)
    if holder.role == "participant":  # what the participant saw (a researcher's look is not an exposure)
        context.experiments.record(context.engine, assignment, who.id, results)
    run_id = results[0].model_run_id if results else state.run_id
    # encoded once here (FastAPI would dump, re-validate and encode a response model again)
    return Response(recommendation_list_json(who.label, run_id, results), media_type="application/json")


async def _experiment_arm(context: ServiceContext, state, rows):
    """The state of the participant's experiment arm (a hash, no database read), loading the experiments in a thread the first time."""
    if context.experiments.ready:
        return context.experiments.state_for(context.engine, state, rows)
    return await run_in_threadpool(context.experiments.state_for, context.engine, state, rows)


async def _resolve(context: ServiceContext, holder: KeyHolder, participant: str):
    """:func:`resolve_participant`, in a thread only when it reads the database (a researcher's pseudonym)."""
    if holder.role == "researcher":
        return await run_in_threadpool(resolve_participant, context, holder, participant)
    return resolve_participant(context, holder, participant)


@router.post("/{participant}/feedback", response_model=FeedbackOut, status_code=201)
def feedback(
    participant: ParticipantPath,
    body: FeedbackIn,
    holder: Annotated[KeyHolder, Depends(require("participant"))],
    context: Context,
) -> FeedbackOut:
    """Store what the participant did with a vacancy; applied and dismissed vacancies leave the next recommendations.

    Idempotent with ``client_key``: the same key again answers with the first
    interaction's id and stores nothing (409 when the key was used for another action).
    """
    who = resolve_participant(context, holder, participant)
    interaction_id = record_feedback(
        context.engine, who.id, body.vacancy_id, body.kind, client_key=body.client_key, model_run_id=body.model_run_id
    )
    return FeedbackOut(
        interaction_id=interaction_id, participant=who.label, vacancy_id=body.vacancy_id, kind=body.kind,
        client_key=body.client_key,
    )


@router.get("/{participant}/next-training", response_model=NextTrainingOut)
def next_training(
    participant: ParticipantPath, query: Annotated[RecommendationQuery, Query()], holder: Reader, context: Context
) -> NextTrainingOut:
    """The catalogue course that would unlock the most additional good matches under these filters."""
    who = resolve_participant(context, holder, participant)
    with context.compute:
        advice = suggest_next_training(context.engine, who.id, match_filters(query), query.k, cache=context.cache)
    if advice is None:
        return NextTrainingOut(participant=who.label, suggestion=None)
    return NextTrainingOut(
        participant=who.label,
        suggestion=CourseSuggestion(
            course_id=advice.course_id, title=advice.title, provider=advice.provider, unlocks=advice.unlocks,
            vacancy_ids=[int(v) for v in advice.vacancy_ids],
        ),
    )



@router.get("/{participant}/reach", response_model=ReachAnswer)
def get_reach(participant: ParticipantPath, holder: Reader, context: Context) -> ReachAnswer:
    """How far the participant will go for work (the default from their home regency until they choose)."""
    who = resolve_participant(context, holder, participant)
    return ReachAnswer(participant=who.label, reach=ReachOut(**reach_json(read_reach(context.engine, who.id))))


@router.put("/{participant}/reach", response_model=ReachAnswer)
def put_reach(
    participant: ParticipantPath,
    body: ReachIn,
    holder: Annotated[KeyHolder, Depends(require("participant"))],
    context: Context,
) -> ReachAnswer:
    """Set how far the participant will go for work (their own only); ``kind: null`` returns to the default.

    The next recommendations use it at once (the participant's side is read fresh on every request).
    """
    who = resolve_participant(context, holder, participant)
    commute_km = body.commute_km if body.kind == "commute" else None
    reach = save_reach(context.engine, who.id, body.kind, commute_km)
    return ReachAnswer(participant=who.label, reach=ReachOut(**reach_json(reach)))
