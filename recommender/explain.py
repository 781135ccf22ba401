"""Why a vacancy was recommended: skills matched (and the training that gave each), skills missing,
distance, wage against the wage before, and the model's own feature contributions.

The contributions are the model's score shares (:meth:`recommender.base.Recommender.score_terms`,
computed in :mod:`recommender.score_terms`); a blend shows its parts' shares as
they enter the blend. Every list is explained in one batch, whichever caller asked.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from recommender.filters import EARTH_RADIUS_KM

#: Label of a skill a participant declared at registration (no course gave it).
DECLARED = "declared at registration"
TOP_CONTRIBUTIONS = 5


@dataclass
class Explanation:
    """The reasons for one recommendation."""

    matched_skills: list[tuple[str, str]] = field(default_factory=list)  # (skill name, course title or DECLARED)
    missing_skills: list[str] = field(default_factory=list)
    distance_km: float | None = None
    wage_before: int | None = None
    wage_gain: int | None = None
    contributions: list[tuple[str, float]] = field(default_factory=list)
    connected: bool | None = None  # asks for something the participant holds (None: the model does not say)
    similar_applicants: int | None = None  # participants like this one who applied to it
    chosen_by_similar_applicants: bool = False  # unconnected, ranked on the evidence of similar applicants


# ---------------------------------------------------------------------- skills, place, wage


def skill_sources(declared, trained: list, weights: np.ndarray, slug_to_id: dict) -> dict[int, tuple[str, str]]:
    """skill id -> (skill name, source) from declared (skill id, name) pairs and trained-skill rows with their weights.

    The strongest training for each skill is the one credited (rows in the
    order of a sort by weight, so a training overrides a declaration).
    """
    sources: dict[int, tuple[str, str]] = {int(skill_id): (name, DECLARED) for skill_id, name in declared}
    if len(trained):
        for position in np.argsort(np.asarray(weights, dtype=np.float32), kind="quicksort"):
            row = trained[position]
            sources[int(slug_to_id[row.slug])] = (row.name_id, row.course_title)
    return sources


@dataclass(frozen=True)
class Place:
    """Where a participant or a vacancy is, and the wage it had or offers (NaN when unknown)."""

    latitude: float
    longitude: float
    remote: bool = False
    salary_min: float = np.nan
    salary_max: float = np.nan


def reasons(held: dict, asked: list[tuple[int, str, bool]], wage_before: int | None, user: Place | None, item: Place | None) -> Explanation:
    """Skills matched (with their source) and missing, distance and wage gain of one vacancy (contributions apart).

    ``asked`` is the vacancy's (skill id, name, required), ordered by name.
    """
    matched = [held[s] for s, _, _ in asked if s in held]
    missing = [n for s, n, r in asked if r and s not in held]
    explanation = Explanation(matched_skills=matched, missing_skills=missing, wage_before=wage_before)
    if item is not None and user is not None:
        if not item.remote and pd.notna(item.latitude):
            explanation.distance_km = round(_distance_km(user, item), 1)
        offered = item.salary_max if pd.notna(item.salary_max) else item.salary_min
        if wage_before is not None and pd.notna(offered):
            explanation.wage_gain = int(offered) - wage_before
    return explanation


def _distance_km(a: Place, b: Place) -> float:
    """:func:`recommender.filters.haversine_km` for two places, in plain floats (numpy costs more than the arithmetic here)."""
    lat1, lon1, lat2, lon2 = (math.radians(float(v)) for v in (a.latitude, a.longitude, b.latitude, b.longitude))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(max(h, 0.0), 1.0)))


def rounded(contributions: list[tuple[str, float]]) -> list[tuple[str, float]]:
    return [(n, round(v, 6)) for n, v in contributions]


def explain(engine: Engine, index, participant, user_side, item_rows, *, top: int = TOP_CONTRIBUTIONS) -> list[Explanation]:
    """The reasons for each recommended vacancy of one participant, in order.

    Parameters
    ----------
    index
        The :class:`~recommender.catalogue_index.CatalogueIndex` the list was ranked on.
    participant
        The participant's :class:`~recommender.participant_reads.ParticipantRows`.
    user_side
        The model's user side of the participant (as it was scored).
    item_rows
        Catalogue rows of the recommended vacancies, in rank order.
    """
    item_rows = np.asarray(item_rows, dtype=np.int64)
    skills = index.skills_of(engine, [r.slug for r in participant.declared] + [r.slug for r in participant.trained])
    held = skill_sources([skills[r.slug] for r in participant.declared], participant.trained, participant.trained_weights,
                         {slug: s[0] for slug, s in skills.items()})
    wage_before = None if np.isnan(participant.wage_before) else int(participant.wage_before)
    user = Place(participant.latitude, participant.longitude)
    items = index.items
    terms = index.model.score_terms(user_side, index.item_side, item_rows, top) if len(item_rows) else []
    grounds = index.model.grounds(user_side, index.item_side, item_rows) if len(item_rows) else None
    vacancy_ids = index.catalogue.item_id_map.external_ids[item_rows]
    out = []
    for position, (item_row, vacancy_id) in enumerate(zip(item_rows.tolist(), vacancy_ids.tolist())):
        item = Place(items.latitude[item_row], items.longitude[item_row], items.remote[item_row], items.salary_min[item_row], items.salary_max[item_row])
        explanation = reasons(held, index.display.skills.get(vacancy_id, []), wage_before, user, item)
        explanation.contributions = rounded(terms[position])
        if grounds is not None:
            explanation.connected = bool(grounds.connected[position])
            explanation.similar_applicants = int(grounds.similar_applicants[position])
            explanation.chosen_by_similar_applicants = (not explanation.connected
                                                        and explanation.similar_applicants >= grounds.evidence_needed)
        out.append(explanation)
    return out
