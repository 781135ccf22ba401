"""One participant's ranked, explained list: the one path used by the CLI, the dashboard and the API.

``participant id -> read the participant (sync or asyncio reader) -> the
model's user side -> candidates after the business filters -> the model's
scores of the candidates (on the catalogue index) -> top k -> explanations``.

:func:`match_participant` runs the whole path; the HTTP service awaits
:func:`read_for_list_async` itself and then calls :func:`rank_participant`,
so the two differ only in the reader. The scores are the model's own
(:mod:`recommender.sides`), so a list equals ``model.recommend`` on a dataset
of the same participant.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from prakerja.errors import UnknownId, UserError
from recommender.attributes import UserAttr
from recommender.base import Recommender, check_k
from recommender.explain import Explanation, explain
from recommender.features import newest_sighting
from recommender.filters import ItemFilters, haversine_km
from recommender.participant_reads import ParticipantRows, read_participant
from recommender.reach import Reach, ReachStep, widening_notice
from recommender.retrieval import select_top_k
from recommender.serving_state import MODEL_CACHE, ModelCache, ServingState, load_catalogue, serving_state

#: The filters of a participant who set none: active vacancies, applied and dismissed ones left out.
NO_FILTERS = ItemFilters()


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
    connected: bool | None = None
    similar_applicants: int | None = None
    chosen_by_similar_applicants: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values."""
        data = asdict(self)
        data["posted_at"] = self.posted_at.isoformat() if self.posted_at else None
        data["matched_skills"] = [list(p) for p in self.matched_skills]
        data["contributions"] = [list(p) for p in self.contributions]
        return data


#: Why a list is empty (codes; ``MatchList.explanation`` says it in Bahasa Indonesia, the dashboard translates).
EMPTY_NO_ACTIVE = "no_active_vacancies"
EMPTY_FILTERS = "filters"
EMPTY_EXCLUDED = "all_acted_on"


class MatchList(list):
    """A participant's ranked :class:`MatchResult` list, with what the reader must be told beside it.

    A list, so callers that iterate it need nothing new. ``data_as_of``: the
    day the list is judged at (the real date unless replayed); ``reach``: the
    participant's reach; ``asked`` / ``shown``: the scope asked for and the
    (possibly wider) scope shown (None when the caller's own place filter
    decided); ``few_connected``: it widened because its own reach held few
    vacancies connected to the participant's training, not none at all;
    ``empty_reason`` (codes above) and ``newest_sighting`` when the list is empty.
    """

    def __init__(self, results=(), *, data_as_of: dt.date, reach: Reach | None = None, asked: ReachStep | None = None,
                 shown: ReachStep | None = None, few_connected: bool = False, empty_reason: str | None = None,
                 newest_sighting: dt.datetime | None = None):
        super().__init__(results)
        self.few_connected = few_connected
        self.data_as_of = data_as_of
        self.reach = reach
        self.asked = asked
        self.shown = shown
        self.empty_reason = empty_reason
        self.newest_sighting = newest_sighting

    @property
    def widened(self) -> bool:
        """The list shows a wider scope than the participant's reach."""
        return self.asked is not None and self.shown is not None and self.shown != self.asked

    @property
    def notice(self) -> str | None:
        """What the list did or why it is empty, in Bahasa Indonesia (None when there is nothing to say)."""
        if self.empty_reason == EMPTY_NO_ACTIVE:
            seen = f"; lowongan terbaru terlihat {self.newest_sighting:%d-%m-%Y}" if self.newest_sighting else ""
            return f"Belum ada lowongan aktif per {self.data_as_of:%d-%m-%Y}{seen}."
        if self.empty_reason == EMPTY_FILTERS:
            return "Tidak ada lowongan aktif yang lolos filter Anda; longgarkan filter (wilayah, gaji, jenis pekerjaan)."
        if self.empty_reason == EMPTY_EXCLUDED:
            return "Anda sudah melamar atau menolak semua lowongan aktif yang sesuai."
        if self.widened:
            return widening_notice(self.asked, self.shown, self.few_connected) + "."
        return None


def check_participant_id(participant_id) -> int:
    """The id as an int, or a UserError for anything that is not a whole number."""
    if isinstance(participant_id, bool) or not isinstance(participant_id, (int, np.integer)):
        raise UserError(f"participant id must be a whole number, not {participant_id!r}")
    return int(participant_id)


def current_state(engine: Engine, model: Recommender | None = None, cache: ModelCache | None = None) -> ServingState:
    """The promoted model's state from ``cache``, or one for a caller's own ``model`` over the cached catalogue."""
    state = (cache or MODEL_CACHE).get(engine)
    if model is None or model is state.model:
        return state
    return serving_state(engine, model, None, state.catalogue)


def read_for_list(engine: Engine, participant_id: int, filters: ItemFilters = NO_FILTERS) -> ParticipantRows:
    """The participant's rows as the list needs them (UnknownId when there is none)."""
    rows = read_participant(engine, check_participant_id(participant_id), filters.exclude_kinds)
    if rows is None:
        raise UnknownId(f"unknown participant id {participant_id}")
    return rows


async def read_for_list_async(read, participant_id: int, filters: ItemFilters = NO_FILTERS) -> ParticipantRows:
    """:func:`read_for_list` through an asyncio reader: the event loop serves others while it waits.

    ``read(participant_id, exclude_kinds)`` is a coroutine giving the
    participant's rows or None: ``functools.partial(read_participant_async, pool, engine)``,
    or the service's batched reads (:mod:`prakerja_api.read_batching`).
    """
    rows = await read(check_participant_id(participant_id), filters.exclude_kinds)
    if rows is None:
        raise UnknownId(f"unknown participant id {participant_id}")
    return rows


def match_participant(
    engine: Engine,
    participant_id: int,
    filters: ItemFilters = NO_FILTERS,
    k: int = 10,
    *,
    model: Recommender | None = None,
    cache: ModelCache | None = None,
    as_of: dt.datetime | None = None,
) -> MatchList:
    """The participant's top-k vacancies with explanations (a :class:`MatchList`: what it shows and why).

    Parameters
    ----------
    engine
        The project database.
    participant_id
        A participant; unknown ids raise :class:`UnknownId`.
    filters
        Place, wage, employment type and exclusions (:class:`~recommender.filters.ItemFilters`).
    k
        List length, 1..1000.
    model
        A fitted model to use instead of the promoted one (results then carry
        ``model_run_id=None``).
    cache
        Where the promoted model comes from (default the process-wide one; the
        HTTP service passes its own, which reloads in the background).
    as_of
        Replay another day: the vacancies open then (default: today, the real clock).
    """
    k = check_k(k)
    state = current_state(engine, model, cache)
    if as_of is not None:
        state = serving_state(engine, state.model, state.run_id, load_catalogue(engine, now=as_of))
    return rank_participant(engine, state, read_for_list(engine, participant_id, filters), filters, k)


def rank_participant(engine: Engine, state: ServingState, rows: ParticipantRows, filters: ItemFilters, k: int) -> MatchList:
    """Score, filter, rank and explain one participant's list on ``state``'s catalogue index.

    Without a place filter of the caller's, the participant's reach decides
    the candidates, widened step by step when nothing within it qualifies
    (:mod:`recommender.reach`); the returned :class:`MatchList` says so.
    """
    k = check_k(k)
    index = state.index
    user_side = state.model.user_side(rows.entities())
    place = {UserAttr.Regency: rows.regency, UserAttr.Province: np.nan if rows.province is None else rows.province,
             UserAttr.Latitude: rows.latitude, UserAttr.Longitude: rows.longitude,
             UserAttr.Reach: rows.reach.kind, UserAttr.CommuteKm: rows.reach.commute_km}
    start = index.active_rows if filters.active_only else np.arange(index.catalogue.n_items)
    candidates, step = filters.user_candidates_and_step(
        index.items, place, start, connected_of=lambda item_rows: index.connected(rows.features, item_rows),
        places=index.active_places if filters.active_only else None)
    steps = rows.reach.steps()
    context = dict(data_as_of=pd.Timestamp(state.catalogue.now).date(), reach=rows.reach,
                   asked=steps[0] if step is not None else None, shown=steps[step] if step is not None else None)
    context["few_connected"] = bool(step) and _asked_scope_had_vacancies(index, rows, steps[0], candidates)
    excluded = index.item_rows(rows.excluded_vacancy_ids)
    before_exclusions = len(candidates)
    if len(excluded):
        candidates = candidates[~np.isin(candidates, excluded, assume_unique=True)]
    if len(candidates) == 0:
        return MatchList(**context, **_why_empty(engine, index, filters, before_exclusions))
    positions, scores = select_top_k(index.scores(user_side, candidates), k)
    found = positions[0] >= 0
    item_rows, scores = candidates[positions[0][found]], scores[0][found]
    reasons = explain(engine, index, rows, user_side, item_rows)
    ids = index.catalogue.item_id_map.external_ids[item_rows]
    return MatchList(
        (_result(index.display.fields(int(item_row)), int(vacancy_id), score, rank, why, state.run_id)
         for rank, (item_row, vacancy_id, score, why) in enumerate(zip(item_rows, ids, scores, reasons), start=1)),
        **context,
    )


def _asked_scope_had_vacancies(index, rows: ParticipantRows, asked: ReachStep, candidates: np.ndarray) -> bool:
    """A widened list's own reach held placed vacancies: it widened for more that fit the participant's training.

    Active candidates read the mask the catalogue remembers for the participant's place and reach.
    """
    items = index.items
    positions = np.searchsorted(index.active_rows, candidates)
    if len(candidates) and positions[-1] < len(index.active_rows) and np.array_equal(index.active_rows[positions], candidates):
        inside = index.active_places.reach_masks(rows.reach, rows.latitude, rows.longitude, rows.province)[0][positions]
    else:
        distance = haversine_km(rows.latitude, rows.longitude, items.latitude[candidates], items.longitude[candidates])
        inside = asked.mask(distance, items.province[candidates] == rows.province, items.remote[candidates])
    return bool((inside & ~items.remote[candidates]).any())


def _why_empty(engine: Engine, index, filters: ItemFilters, before_exclusions: int) -> dict:
    """The reason code of an empty list (and the newest sighting when nothing is active)."""
    if len(index.active_rows) == 0 and filters.active_only:
        return {"empty_reason": EMPTY_NO_ACTIVE, "newest_sighting": newest_sighting(engine)}
    if before_exclusions:
        return {"empty_reason": EMPTY_EXCLUDED}
    return {"empty_reason": EMPTY_FILTERS}


def _result(fields: dict, vacancy_id: int, score, rank, why: Explanation, run_id: int | None) -> MatchResult:
    """A :class:`MatchResult` from a vacancy's display fields and its reasons."""
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
        connected=why.connected,
        similar_applicants=why.similar_applicants,
        chosen_by_similar_applicants=why.chosen_by_similar_applicants,
    )
