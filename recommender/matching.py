"""Serving functions for the HTTP API and the dashboard: match, feedback, next training.

The promoted model and the vacancy catalogue (features and attributes of every
vacancy) are cached per process in a :class:`ModelCache`, which reloads when
the promoted run or the catalogue changes (or after ``ttl_seconds``). The
participant's own side is read fresh on every call, so a training completed or
a vacancy dismissed a second ago counts at once.

Without a promoted run the documented fallback is the content model (it needs
no interactions); such results carry ``model_run_id=None``.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError

from prakerja import vocab
from prakerja.columns import Columns
from prakerja.db import reading, transaction
from prakerja.errors import UserError
from prakerja.models import Interaction, Participant, Province, Regency, Vacancy, VacancySource
from recommender.attributes import UserAttr
from recommender.base import Recommender, check_k
from recommender.dataset import Dataset, Features, IdMap
from recommender.explain import explain, explain_served
from recommender.features import _read, default_now, load_interactions, load_participants, load_vacancies
from recommender.filters import ItemFilters
from recommender.models import ContentSimilarity
from recommender.registry import load_run, promoted_run_key
from recommender.retrieval import select_top_k
from recommender.serving_index import (
    ParticipantRows,
    ServingIndex,
    load_display,
    load_skills,
    read_participant,
    read_participant_async,
)

log = logging.getLogger("prakerja.recommender")


class UnknownId(UserError):
    """A participant or vacancy id that does not exist (the HTTP API answers 404)."""


class FeedbackConflict(UserError):
    """A client key already used for another feedback (the HTTP API answers 409)."""


@dataclass(frozen=True)
class MatchFilters:
    """What a participant asks for (see :mod:`recommender.filters` for the exact rules)."""

    radius_km: float | None = None
    province_only: bool = False
    same_regency: bool = False
    remote_allowed: bool = True
    min_wage: int | None = None
    employment_types: tuple[str, ...] | None = None
    k: int = 10

    def item_filters(self) -> ItemFilters:
        """The business filters: these choices, active vacancies only, applied/dismissed excluded."""
        return ItemFilters(
            active_only=True,
            radius_km=self.radius_km,
            province_only=self.province_only,
            same_regency=self.same_regency,
            remote_allowed=self.remote_allowed,
            min_wage=self.min_wage,
            employment_types=tuple(self.employment_types) if self.employment_types else None,
        )


@dataclass
class MatchResult:
    """One recommended vacancy with its reasons."""

    vacancy_id: int
    title: str
    company: str | None
    regency_name: str | None
    province_name: str | None
    salary_min: int | None
    salary_max: int | None
    employment_types: list[str]
    posted_at: dt.datetime | None
    url: str | None
    score: float
    rank: int
    matched_skills: list[tuple[str, str]] = field(default_factory=list)
    missing_skills: list[str] = field(default_factory=list)
    distance_km: float | None = None
    wage_before: int | None = None
    wage_gain: int | None = None
    contributions: list[tuple[str, float]] = field(default_factory=list)
    model_run_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values."""
        data = asdict(self)
        data["posted_at"] = self.posted_at.isoformat() if self.posted_at else None
        data["matched_skills"] = [list(p) for p in self.matched_skills]
        data["contributions"] = [list(p) for p in self.contributions]
        return data


@dataclass
class NextTraining:
    """The course that would unlock the most additional good matches."""

    course_id: int
    title: str
    provider: str
    unlocks: int
    vacancy_ids: list[int] = field(default_factory=list)


# ---------------------------------------------------------------------- the cache


@dataclass
class Catalogue:
    """Every vacancy's features and attributes, judged active at ``now``."""

    id_map: IdMap
    features: Features
    attributes: pd.DataFrame
    now: dt.datetime


@dataclass
class ServingState:
    """What serving needs: a fitted model, its run id, the catalogue."""

    model: Recommender
    run_id: int | None
    catalogue: Catalogue
    key: tuple
    loaded_at: float
    index: ServingIndex | None = None


def catalogue_version(engine: Engine) -> tuple:
    """A token that changes when vacancies are added or updated: two index probes, however large the table.

    Serving workers ask every few seconds. Counting the rows would notice a
    deleted vacancy too, but scans the table (38 ms at 100,000 vacancies, per
    worker and check); nothing in the project deletes vacancies (they expire),
    and the cache's time-to-live reloads anyway.
    """
    with reading(engine) as connection:
        row = connection.execute(select(func.max(Vacancy.id), func.max(Vacancy.updated_at))).one()
    return tuple(str(x) for x in row)


def load_catalogue(engine: Engine, now=None) -> Catalogue:
    """Read every vacancy into a :class:`Catalogue`."""
    moment = now if now is not None else default_now(engine)
    part = load_vacancies(engine, now=moment)
    return Catalogue(part.id_map, Features.from_long(part.features, part.id_map), part.attributes, moment)


def content_fallback(catalogue: Catalogue) -> ContentSimilarity:
    """The content model fitted on the catalogue alone (every vacancy feature may be shared)."""
    names = catalogue.features.names
    dataset = Dataset(
        user_id_map=IdMap(np.array([], dtype=np.int64)),
        item_id_map=catalogue.id_map,
        interactions=pd.DataFrame(columns=Columns.Interactions),
        user_features=Features(sp.csr_matrix((0, len(names)), dtype=np.float32), names),
        item_features=catalogue.features,
    )
    return ContentSimilarity().fit(dataset)


class ModelCache:
    """The promoted model and the catalogue, loaded once per process and reloaded on change.

    Parameters
    ----------
    ttl_seconds
        Reload at least this often even when nothing seems changed (vacancies
        expire as time passes).
    """

    def __init__(self, ttl_seconds: float = 300.0) -> None:
        self.ttl_seconds = ttl_seconds
        self._states: dict[str, ServingState] = {}
        self._lock = threading.Lock()

    def get(self, engine: Engine) -> ServingState:
        """The current state for ``engine``'s database (loading it when stale)."""
        key = (promoted_run_key(engine), catalogue_version(engine))
        url = engine.url.render_as_string(hide_password=True)
        with self._lock:
            state = self._states.get(url)
            fresh = state is not None and state.key == key and time.monotonic() - state.loaded_at < self.ttl_seconds
            if not fresh:
                state = self._load(engine, key)
                self._states[url] = state
            return state

    def clear(self) -> None:
        with self._lock:
            self._states.clear()

    @staticmethod
    def _load(engine: Engine, key: tuple) -> ServingState:
        run_id = key[0][0] if key[0] is not None else None
        catalogue = load_catalogue(engine)
        if run_id is None:
            model: Recommender = content_fallback(catalogue)
        else:
            loaded = load_run(engine, run_id)
            loaded.check_compatible(_catalogue_only(catalogue))
            model = loaded.model
        return ServingState(model, run_id, catalogue, key, time.monotonic(), serving_index(engine, model, catalogue))


#: The process-wide cache used when callers pass no model.
MODEL_CACHE = ModelCache()


def serving_index(engine: Engine, model: Recommender, catalogue: Catalogue) -> ServingIndex | None:
    """The precomputed serving state of ``model`` over ``catalogue`` (None, and the generic path, if it cannot be built)."""
    try:
        dataset = _catalogue_only(catalogue)
        display = load_display(engine, catalogue.id_map, vacancy_details(engine, None))
        return ServingIndex(model, dataset, display, load_skills(engine))
    except Exception:  # never fail serving for want of a shortcut: the generic path gives the same answers
        log.exception("serving index not built; requests take the generic path")
        return None


def _catalogue_only(catalogue: Catalogue) -> Dataset:
    return Dataset(
        user_id_map=IdMap(np.array([], dtype=np.int64)),
        item_id_map=catalogue.id_map,
        interactions=pd.DataFrame(columns=Columns.Interactions),
        user_features=Features.empty(0),
        item_features=catalogue.features,
        item_attributes=catalogue.attributes,
    )


def participant_dataset(engine: Engine, participant_id: int, catalogue: Catalogue) -> Dataset:
    """One participant (read fresh) against the cached catalogue; UserError when the id is unknown."""
    _check_participant_id(participant_id)
    user = load_participants(engine, participant_ids=[int(participant_id)])
    if user.id_map.size == 0:
        raise UnknownId(f"unknown participant id {participant_id}")
    interactions = load_interactions(engine, participant_ids=[int(participant_id)])
    interactions = interactions[interactions[Columns.Item].isin(catalogue.id_map.external_ids)].reset_index(drop=True)
    return Dataset(
        user_id_map=user.id_map,
        item_id_map=catalogue.id_map,
        interactions=interactions,
        user_features=Features.from_long(user.features, user.id_map),
        item_features=catalogue.features,
        user_attributes=user.attributes,
        item_attributes=catalogue.attributes,
        meta={"now": pd.Timestamp(catalogue.now).isoformat()},
    )


def _check_participant_id(participant_id) -> None:
    if isinstance(participant_id, bool) or not isinstance(participant_id, (int, np.integer)):
        raise UserError(f"participant id must be a whole number, not {participant_id!r}")


def _serving(state: ServingState, model: Recommender | None) -> tuple[Recommender, int | None, Catalogue]:
    """The model to rank with (the promoted one unless the caller gives its own, which has no run id) and the catalogue."""
    if model is None:
        return state.model, state.run_id, state.catalogue
    return model, None, state.catalogue


# ---------------------------------------------------------------------- match


def vacancy_details(engine: Engine, vacancy_ids) -> pd.DataFrame:
    """Display fields of vacancies (names of regency and province, a source URL), indexed by id in the order given.

    ``vacancy_ids=None`` gives every vacancy (the serving index keeps them per catalogue).
    """
    ids = None if vacancy_ids is None else [int(v) for v in vacancy_ids]
    query = (
        select(
            Vacancy.id,
            Vacancy.title,
            Vacancy.company,
            Regency.name.label("regency_name"),
            Province.name.label("province_name"),
            Vacancy.salary_min_idr,
            Vacancy.salary_max_idr,
            Vacancy.employment_types,
            Vacancy.posted_at,
        )
        .outerjoin(Regency, Regency.code == Vacancy.regency_code)
        .outerjoin(Province, Province.code == Vacancy.province_code)
    )
    url_query = select(VacancySource.vacancy_id, func.min(VacancySource.url).label("url")).group_by(VacancySource.vacancy_id)
    if ids is not None:
        query = query.where(Vacancy.id.in_(ids))
        url_query = url_query.where(VacancySource.vacancy_id.in_(ids))
    frame = _read(engine, query).set_index("id")
    urls = _read(engine, url_query)
    frame["url"] = pd.Series(dict(zip(urls["vacancy_id"], urls["url"]))) if not urls.empty else None
    if ids is None:
        return frame.sort_index()
    return frame.reindex([i for i in dict.fromkeys(ids) if i in frame.index])


def _int_or_none(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def match_participant(
    engine: Engine,
    participant_id: int,
    filters: MatchFilters = MatchFilters(),
    model: Recommender | None = None,
    cache: ModelCache | None = None,
) -> list[MatchResult]:
    """The participant's top-k vacancies with explanations.

    Parameters
    ----------
    engine
        The project database.
    participant_id
        A participant; unknown ids raise a UserError.
    filters
        Place, wage, employment type and list length (k in 1..1000).
    model
        A fitted model to use instead of the promoted one (results then carry
        ``model_run_id=None``).
    cache
        Where the promoted model comes from (default :data:`MODEL_CACHE`; the
        HTTP service passes its own, which reloads in the background).
    """
    k = check_k(filters.k)
    state = (cache or MODEL_CACHE).get(engine)
    if model is None and state.index is not None and state.index.fast:
        return _match_served(engine, state, participant_id, filters, k)
    model, run_id, catalogue = _serving(state, model)
    dataset = participant_dataset(engine, participant_id, catalogue)
    reco = model.recommend([int(participant_id)], dataset, k=k, filters=filters.item_filters())
    if reco.empty:
        return []
    ids = reco[Columns.Item].astype(int).tolist()
    reasons = explain(engine, model, dataset, int(participant_id), ids)
    details = vacancy_details(engine, ids)
    return [
        _result(display_fields(details.loc[vacancy_id]), vacancy_id, score, rank, reasons[vacancy_id], run_id)
        for vacancy_id, score, rank in zip(ids, reco[Columns.Score], reco[Columns.Rank])
    ]


def _match_served(engine: Engine, state: ServingState, participant_id: int, filters: MatchFilters, k: int) -> list[MatchResult]:
    """:func:`match_participant` from the serving index: the same results without a per-request dataset."""
    return rank_served(engine, state, read_served(engine, participant_id, filters), filters)


def read_served(engine: Engine, participant_id: int, filters: MatchFilters = MatchFilters()) -> ParticipantRows:
    """The database half of a served match: the participant's rows (UnknownId when there is none).

    The HTTP service runs this part in a thread and :func:`rank_served` in its
    event loop: waiting on the database must not hold the loop, computing
    gains nothing from a thread (the GIL) and loses a hand-over.
    """
    _check_participant_id(participant_id)
    rows = read_participant(engine, int(participant_id), filters.item_filters().exclude_kinds)
    if rows is None:
        raise UnknownId(f"unknown participant id {participant_id}")
    return rows


async def read_served_async(pool, engine: Engine, participant_id: int, filters: MatchFilters = MatchFilters()) -> ParticipantRows:
    """:func:`read_served` through an asyncio connection pool: no thread, and the event loop serves others while it waits."""
    _check_participant_id(participant_id)
    rows = await read_participant_async(pool, engine, int(participant_id), filters.item_filters().exclude_kinds)
    if rows is None:
        raise UnknownId(f"unknown participant id {participant_id}")
    return rows


def rank_served(engine: Engine, state: ServingState, rows: ParticipantRows, filters: MatchFilters) -> list[MatchResult]:
    """The computing half of a served match: score, filter, rank and explain (``state.index`` must be fast)."""
    k = check_k(filters.k)
    index = state.index
    item_filters = filters.item_filters()
    served = index.user(rows)
    catalogue = index.catalogue
    place = {UserAttr.Regency: rows.regency, UserAttr.Province: np.nan if rows.province is None else rows.province, UserAttr.Latitude: rows.latitude,
             UserAttr.Longitude: rows.longitude}
    start = index.active_rows if item_filters.active_only else np.arange(catalogue.n_items)
    candidates = item_filters.user_candidates(index.items, place, start)
    excluded = index.item_rows(rows.excluded_vacancy_ids)
    if len(excluded):
        candidates = candidates[~np.isin(candidates, excluded, assume_unique=True)]
    # only the candidates are scored (a z-score blend's statistics come from the items' moments)
    positions, scores = select_top_k(index.scores(served, candidates), k)
    found = positions[0] >= 0
    item_rows, scores = candidates[positions[0][found]], scores[0][found]
    reasons = explain_served(engine, index, served, item_rows)
    ids = catalogue.item_id_map.external_ids[item_rows]
    return [
        _result(index.display.fields(int(item_row)), int(vacancy_id), score, rank, why, state.run_id)
        for rank, (item_row, vacancy_id, score, why) in enumerate(zip(item_rows, ids, scores, reasons), start=1)
    ]


def display_fields(d) -> dict:
    """The :class:`MatchResult` fields of a vacancy from its display row (a row of :func:`vacancy_details`), as plain values."""
    posted = d["posted_at"]
    return dict(
        title=d["title"],
        company=d["company"],
        regency_name=d["regency_name"] if pd.notna(d["regency_name"]) else None,
        province_name=d["province_name"] if pd.notna(d["province_name"]) else None,
        salary_min=_int_or_none(d["salary_min_idr"]),
        salary_max=_int_or_none(d["salary_max_idr"]),
        employment_types=[t for t in str(d["employment_types"] or "").split(",") if t],
        posted_at=pd.Timestamp(posted).to_pydatetime() if pd.notna(posted) else None,
        url=d["url"] if pd.notna(d["url"]) else None,
    )


def _result(fields: dict, vacancy_id: int, score, rank, why, run_id: int | None) -> MatchResult:
    """A :class:`MatchResult` from a vacancy's :func:`display_fields` and its reasons."""
    return MatchResult(
        vacancy_id=int(vacancy_id),
        **{**fields, "employment_types": list(fields["employment_types"])},  # its own list: ``fields`` may be a kept one
        score=float(score),
        rank=int(rank),
        matched_skills=why.matched_skills,
        missing_skills=why.missing_skills,
        distance_km=why.distance_km,
        wage_before=why.wage_before,
        wage_gain=why.wage_gain,
        contributions=why.contributions,
        model_run_id=run_id,
    )


# ---------------------------------------------------------------------- feedback


def record_feedback(
    engine: Engine,
    participant_id: int,
    vacancy_id: int,
    kind: str,
    client_key: str | None = None,
    model_run_id: int | None = None,
) -> int:
    """Store a participant's action on a vacancy; returns the interaction id.

    Idempotent on ``client_key``: sending the same key again returns the first
    row's id and writes nothing (a different action under a used key is a
    UserError). Applied and dismissed vacancies disappear from the next
    :func:`match_participant`.
    """
    if kind not in vocab.INTERACTION_KINDS:
        raise UserError(f"unknown feedback kind {kind!r}; choose from {', '.join(vocab.INTERACTION_KINDS)}")
    if client_key is not None and not (0 < len(client_key) <= 80):
        raise UserError("client_key must be 1 to 80 characters")
    existing = _by_client_key(engine, client_key)
    if existing is not None:
        return _same_or_conflict(existing, participant_id, vacancy_id, kind, client_key)
    try:
        with transaction(engine) as session:
            if session.get(Participant, int(participant_id)) is None:
                raise UnknownId(f"unknown participant id {participant_id}")
            if session.get(Vacancy, int(vacancy_id)) is None:
                raise UnknownId(f"unknown vacancy id {vacancy_id}")
            row = Interaction(
                participant_id=int(participant_id),
                vacancy_id=int(vacancy_id),
                kind=kind,
                occurred_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
                model_run_id=model_run_id,
                client_key=client_key,
            )
            session.add(row)
            session.flush()
            return int(row.id)
    except IntegrityError:
        # a concurrent request with the same client_key won the race
        existing = _by_client_key(engine, client_key)
        if existing is None:
            raise UserError(f"feedback could not be stored (model run {model_run_id} unknown?)") from None
        return _same_or_conflict(existing, participant_id, vacancy_id, kind, client_key)


def _by_client_key(engine: Engine, client_key: str | None):
    if client_key is None:
        return None
    with engine.connect() as connection:
        return connection.execute(
            select(Interaction.id, Interaction.participant_id, Interaction.vacancy_id, Interaction.kind).where(
                Interaction.client_key == client_key
            )
        ).first()


def _same_or_conflict(existing, participant_id, vacancy_id, kind, client_key) -> int:
    if (existing.participant_id, existing.vacancy_id, existing.kind) != (int(participant_id), int(vacancy_id), kind):
        raise FeedbackConflict(f"client_key {client_key!r} was already used for another feedback")
    return int(existing.id)


# ---------------------------------------------------------------------- next training


def suggest_next_training(
    engine: Engine,
    participant_id: int,
    filters: MatchFilters = MatchFilters(),
    model: Recommender | None = None,
    cache: ModelCache | None = None,
) -> NextTraining | None:
    """The catalogue course that would unlock the most additional good matches (None when none would)."""
    from recommender.next_training import best_next_course

    check_k(filters.k)
    model, _, catalogue = _serving((cache or MODEL_CACHE).get(engine), model)
    dataset = participant_dataset(engine, participant_id, catalogue)
    return best_next_course(engine, model, dataset, int(participant_id), filters.item_filters(), k=filters.k)
