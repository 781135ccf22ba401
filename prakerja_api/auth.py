"""Who is calling, and may they: API-key authentication, roles, rate limits (FastAPI dependencies).

Roles (``prakerja.vocab.ROLES``):

* participant: its own recommendations, feedback and next training; vacancies;
* partner: posts vacancies (a partner board's batch); reads vacancies;
* manager: reads vacancies (aggregates live in the dashboard);
* researcher: model runs (list, promote); any participant's recommendations
  and next training, addressed by pseudonym only; vacancies.

401 without a key or with a bad, expired or revoked one, 403 outside the role,
429 with Retry-After when the key exceeds its per-minute limit (per worker, see
:mod:`prakerja_api.ratelimit`) or when the client's address has failed to
authenticate too often in the last minute (:mod:`prakerja_api.auth_failures`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader
from starlette.concurrency import run_in_threadpool
from sqlalchemy import select

from prakerja.models import Participant
from prakerja_api.context import ServiceContext, service
from prakerja_api.errors import ApiError
from prakerja_api.keys import KeyHolder

API_KEY_HEADER = "X-API-Key"
api_key_header = APIKeyHeader(
    name=API_KEY_HEADER, auto_error=False, description="An API key from `prakerja apikey create --role ROLE`."
)


async def caller(
    request: Request,
    key: Annotated[str | None, Security(api_key_header)],
    context: Annotated[ServiceContext, Depends(service)],
) -> KeyHolder:
    """The verified key holder of this request, counted against its rate limit.

    Dependencies are coroutines: FastAPI runs a plain function in a thread of
    its own, a hand-over per dependency and request. Only a key that must be
    read from the database goes to a thread.
    """
    if not key:
        raise ApiError(401, f"missing API key: send it in the {API_KEY_HEADER} header", {"WWW-Authenticate": "ApiKey"})
    holder = context.cached_holder(key)
    if holder is None:
        address = request.client.host if request.client else "unknown"
        blocked = context.auth_failures.blocked(address)
        if blocked is not None:  # refused before the key is read from the database
            raise ApiError(
                429,
                f"too many failed authentications from this address; retry in {blocked:.0f} s",
                {"Retry-After": context.auth_failures.retry_after_header(blocked)},
            )
        holder = await run_in_threadpool(context.holder, key)
        if holder is None:
            context.auth_failures.record(address)
            raise ApiError(401, "invalid, expired or revoked API key", {"WWW-Authenticate": "ApiKey"})
    wait = context.limiter.acquire(holder.prefix, holder.rate_limit_per_minute)
    if wait is not None:
        raise ApiError(
            429,
            f"rate limit of {holder.rate_limit_per_minute} requests a minute exceeded; retry in {wait:.1f} s",
            {"Retry-After": context.limiter.retry_after_header(wait)},
        )
    return holder


Caller = Annotated[KeyHolder, Depends(caller)]


def require(*roles: str):
    """A dependency that lets only ``roles`` through (403 for the others)."""

    async def check(holder: Caller) -> KeyHolder:
        if holder.role not in roles:
            raise ApiError(403, f"the {holder.role} role may not do this; it needs the {' or '.join(roles)} role")
        return holder

    return check


@dataclass(frozen=True)
class ParticipantRef:
    """A participant resolved from the path: the database id, and the label to answer with."""

    id: int
    label: str


def resolve_participant(context: ServiceContext, holder: KeyHolder, ref: str) -> ParticipantRef:
    """The participant a caller may act for under the path's ``ref``.

    A participant key names its own numeric id (any other id is 403, without
    saying whether it exists); a researcher names a pseudonym (a numeric id is
    403: researchers see pseudonymous ids only) and an unknown one is 404.
    """
    if holder.role == "participant":
        if not ref.isdigit() or int(ref) != holder.participant_id:
            raise ApiError(403, "a participant key may only act for its own participant id")
        return ParticipantRef(int(ref), ref)
    if holder.role == "researcher":
        if ref.isdigit():
            raise ApiError(403, "researchers address participants by pseudonym, not by id")
        with context.engine.connect() as connection:
            found = connection.scalar(select(Participant.id).where(Participant.pseudonym == ref))
        if found is None:
            raise ApiError(404, f"no participant with pseudonym {ref!r}")
        return ParticipantRef(int(found), ref)
    raise ApiError(403, f"the {holder.role} role may not read or act for single participants")
