"""/v1/vacancies: list (filters, keyset pages), one vacancy, and a partner board's batch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from prakerja import vocab
from prakerja_api.auth import require
from prakerja_api.context import ServiceContext, service
from prakerja_api.errors import ApiError
from prakerja_api.keys import KeyHolder
from prakerja_api.partner_batch import ingest_batch
from prakerja_api.schemas import VacancyBatchIn, VacancyBatchOut, VacancyDetail, VacancyPage, VacancyQuery
from prakerja_api.vacancy_queries import list_vacancies, vacancy_detail

router = APIRouter(prefix="/v1/vacancies", tags=["vacancies"])

#: Vacancies are public postings: every role may read them.
Reader = Annotated[KeyHolder, Depends(require(*vocab.ROLES))]
Context = Annotated[ServiceContext, Depends(service)]


@router.get("", response_model=VacancyPage)
def vacancies(query: Annotated[VacancyQuery, Query()], _holder: Reader, context: Context) -> VacancyPage:
    """Vacancies by id, filtered; follow ``next_after`` for the next page."""
    return list_vacancies(context.engine, query)


@router.get("/{vacancy_id}", response_model=VacancyDetail)
def vacancy(vacancy_id: Annotated[int, Path(ge=1, le=2**62)], _holder: Reader, context: Context) -> VacancyDetail:
    """One vacancy in full: text, place, wage, skills asked, and the boards that carry it."""
    found = vacancy_detail(context.engine, vacancy_id)
    if found is None:
        raise ApiError(404, f"no vacancy with id {vacancy_id}")
    return found


@router.post("", response_model=VacancyBatchOut)
def post_vacancies(
    body: VacancyBatchIn, holder: Annotated[KeyHolder, Depends(require("partner"))], context: Context
) -> VacancyBatchOut:
    """A partner board's postings, normalized, deduplicated and quarantined like every ingested row.

    The answer says per posting whether it created a vacancy, updated or merged
    into one, was unchanged, or was quarantined (and why).
    """
    return ingest_batch(context.engine, holder, body.postings)
