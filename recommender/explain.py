"""Why a vacancy was recommended: skills matched (and the training that gave each), skills missing,
distance, wage against the wage before, and the model's own feature contributions.

Feature contributions decompose the score exactly. For LightFM, with user
feature weights x_f, item feature weights y_g, embeddings U_f, V_g and biases:

    score = sum_f sum_g x_f y_g (U_f . V_g) + sum_f x_f b_f + sum_g y_g b_g

so every (participant feature, vacancy feature) pair and every vacancy bias
term is a named share of the score; the largest shares are shown. The
participant's own bias terms are the same for every vacancy, so they are
summed into one "participant baseline" term that is never shown as a reason. For the content model
the shares are the per-feature products of the TF-IDF vectors (they sum to
the cosine). A blend shows its LightFM and content shares as they enter the
blend: times the part's weight, divided by the spread (std) of the part's
scores over the participant's items, largest first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select

from prakerja.models import ParticipantSkill, Skill, VacancySkill
from recommender.attributes import ItemAttr, UserAttr
from recommender.base import Recommender
from recommender.dataset import Dataset
from recommender.features import _read, trained_skills
from recommender.filters import EARTH_RADIUS_KM
from recommender.models import Blend, ContentSimilarity, LightFMHybrid, Popularity

if TYPE_CHECKING:  # pragma: no cover
    from recommender.serving_index import ServedUser, ServingIndex

#: Label of a skill a participant declared at registration (no course gave it).
DECLARED = "declared at registration"
TOP_CONTRIBUTIONS = 5
#: The LightFM term that is equal for every vacancy of a participant (it cannot explain a ranking).
PARTICIPANT_BASELINE = "participant baseline (same for every vacancy)"


@dataclass
class Explanation:
    """The reasons for one recommendation."""

    matched_skills: list[tuple[str, str]] = field(default_factory=list)  # (skill name, course title or DECLARED)
    missing_skills: list[str] = field(default_factory=list)
    distance_km: float | None = None
    wage_before: int | None = None
    wage_gain: int | None = None
    contributions: list[tuple[str, float]] = field(default_factory=list)


def readable(name: str) -> str:
    """A feature name for people: "user=17" is the participant's own history, "item=5" the vacancy's."""
    name = str(name)
    if name.startswith("user="):
        return "own history"
    if name.startswith("item="):
        return "this vacancy's history"
    return name


class LightFMTerms:
    """The pair and vacancy-bias terms of one LightFM score, ranked by magnitude; names are made only when asked.

    ``x`` and ``y`` are the participant's and the vacancy's prepared feature
    rows (one row each). The ranking is the one a stable sort by magnitude
    gives the pairs (in ``argsort`` order of their magnitudes) followed by the
    bias terms, so the first ``n`` terms are the first ``n`` of the full list.
    """

    def __init__(self, model: LightFMHybrid, x, y, user_part: np.ndarray | None = None) -> None:
        m = model.model_
        self.model = model
        self.fx, self.wx = x.indices, x.data
        self.gy, wy = y.indices, y.data
        if user_part is None:  # the participant's weighted embeddings (the same for every vacancy: pass them once)
            user_part = self.wx[:, None] * m.user_embeddings[self.fx]
        pairs = user_part @ (wy[:, None] * m.item_embeddings[self.gy]).T
        self.i, self.j = np.unravel_index(np.argsort(-np.abs(pairs), axis=None), pairs.shape)
        self.n_pairs = len(self.i)
        self.values = np.concatenate([pairs[self.i, self.j].astype(np.float64), (wy * m.item_biases[self.gy]).astype(np.float64)])
        self.order = np.argsort(-np.abs(self.values), kind="stable")

    def name(self, position: int) -> str:
        user_names, item_names = self.model.user_feature_names_, self.model.item_feature_names_
        if position < self.n_pairs:
            return f"{readable(user_names[self.fx[self.i[position]]])} x {readable(item_names[self.gy[self.j[position]]])}"
        return f"vacancy bias: {readable(item_names[self.gy[position - self.n_pairs]])}"

    def top(self, n: int | None = None) -> list[tuple[str, float]]:
        """The ``n`` largest terms (all when None), largest magnitude first; never the participant baseline."""
        return [(self.name(int(p)), float(self.values[p])) for p in self.order[:n]]

    def baseline(self) -> float:
        """The participant's own bias terms (equal for every vacancy)."""
        return float(self.wx @ self.model.model_.user_biases[self.fx])


def lightfm_contributions(model: LightFMHybrid, dataset: Dataset, user_row: int, item_row: int) -> list[tuple[str, float]]:
    """Every pair and bias term of the LightFM score of (user_row, item_row), largest magnitude first."""
    users, items = model.prepared_matrices(dataset)
    terms = LightFMTerms(model, users[user_row], items[item_row])
    # The participant's own biases are the same for every vacancy: one term, last, never a reason.
    return terms.top() + [(PARTICIPANT_BASELINE, terms.baseline())]


def content_contributions(model: ContentSimilarity, dataset: Dataset, user_row: int, item_row: int) -> list[tuple[str, float]]:
    """Per shared feature products of the TF-IDF vectors (they sum to the cosine score)."""
    users, items_t = model.weighted_vectors(dataset)
    return content_terms(model, users[user_row], items_t[:, item_row].T)


@dataclass(frozen=True)
class SparseRow:
    """One row of a CSR matrix with sorted column indices, as plain arrays (no scipy object per row)."""

    indices: np.ndarray
    data: np.ndarray

    @classmethod
    def of(cls, matrix, row: int) -> "SparseRow":
        start, stop = matrix.indptr[row], matrix.indptr[row + 1]
        return cls(matrix.indices[start:stop], matrix.data[start:stop])


def content_terms(model: ContentSimilarity, user, item, top: int | None = None) -> list[tuple[str, float]]:
    """The ``top`` largest per-feature products of a participant's and a vacancy's TF-IDF rows (all when None).

    ``item`` is a sparse row vector, or a :class:`SparseRow` with sorted
    indices: the products are then computed in numpy in the order scipy's
    element-wise product gives them (sorted columns when ``user``'s are
    sorted, else ``user``'s stored order reversed), which decides the order of equal shares.
    """
    if isinstance(item, SparseRow):
        found = np.minimum(np.searchsorted(item.indices, user.indices), max(len(item.indices) - 1, 0))
        at_user = np.flatnonzero(item.indices[found] == user.indices) if len(item.indices) else np.zeros(0, np.intp)
        if np.all(np.diff(user.indices) > 0):
            at_user = at_user[np.argsort(user.indices[at_user])]
        else:
            at_user = at_user[::-1]
        columns = user.indices[at_user]
        values = user.data[at_user] * item.data[np.searchsorted(item.indices, columns)]
    else:
        product = user.multiply(item).tocsr()
        columns, values = product.indices, product.data
    keep = values != 0
    columns, values = columns[keep], values[keep].astype(np.float64)
    order = np.argsort(-np.abs(values), kind="stable")[:top]
    return [(str(model.feature_names_[columns[p]]), float(values[p])) for p in order]


def blend_spreads(model: Blend, dataset: Dataset, user_row: int) -> tuple[float, float]:
    """Spread (std) of the LightFM and content scores over the user's items: how a share is scaled in the blend."""
    return tuple(float(part.score(dataset, [user_row]).std()) or 1.0 for part in (model.lightfm_, model.content_))


def feature_contributions(
    model: Recommender,
    dataset: Dataset,
    user_row: int,
    item_row: int,
    top: int = TOP_CONTRIBUTIONS,
    spreads: tuple[float, float] | None = None,
) -> list[tuple[str, float]]:
    """The model's own largest score shares for one (user, item); see the module docstring.

    ``spreads`` (from :func:`blend_spreads`) saves recomputing them for every vacancy of one participant.
    """
    if isinstance(model, LightFMHybrid):
        users, items = model.prepared_matrices(dataset)
        return LightFMTerms(model, users[user_row], items[item_row]).top(top)
    if isinstance(model, ContentSimilarity):
        users, items_t = model.weighted_vectors(dataset)
        return content_terms(model, users[user_row], items_t[:, item_row].T, top)
    if isinstance(model, Blend):
        spreads = spreads or blend_spreads(model, dataset, user_row)
        users, items = model.lightfm_.prepared_matrices(dataset)
        content_users, items_t = model.content_.weighted_vectors(dataset)
        return blend_shares(
            model,
            LightFMTerms(model.lightfm_, users[user_row], items[item_row]).top(top),
            content_terms(model.content_, content_users[user_row], items_t[:, item_row].T, top),
            spreads,
            top,
        )
    if isinstance(model, Popularity):
        score = float(model.score(dataset, [user_row], [item_row])[0, 0])
        return [("popularity in the participant's province", score)]
    return []


def blend_shares(model: Blend, lightfm: list[tuple[str, float]], content: list[tuple[str, float]], spreads, top: int) -> list[tuple[str, float]]:
    """The ``top`` largest shares of a blend from the largest terms of its parts (each largest first).

    Each part enters the blend as weight * (score - mean) / std over the
    user's items: its shares are scaled alike. Scaling keeps each part's order,
    so the ``top`` largest of every part are enough.
    """
    shares = []
    for label, weight, spread, terms in (("lightfm", model.weight, spreads[0], lightfm), ("content", 1 - model.weight, spreads[1], content)):
        shares += [(f"{label}: {n}", v * weight / spread) for n, v in terms[:top]]
    return sorted(shares, key=lambda t: -abs(t[1]))[:top]


# ---------------------------------------------------------------------- skills, place, wage


def participant_skill_sources(engine: Engine, participant_id: int) -> dict[int, tuple[str, str]]:
    """skill id -> (skill name, where it came from: the course title, or DECLARED)."""
    trained = trained_skills(engine, participant_ids=[participant_id])
    declared = _read(
        engine,
        select(Skill.id, Skill.name_id)
        .join(ParticipantSkill, ParticipantSkill.skill_id == Skill.id)
        .where(ParticipantSkill.participant_id == int(participant_id)),
    )
    slug_to_id = {}
    if not trained.empty:
        ids = _read(engine, select(Skill.id, Skill.slug).where(Skill.slug.in_(trained["slug"].unique().tolist())))
        slug_to_id = dict(zip(ids["slug"], ids["id"]))
    return skill_sources(
        zip(declared["id"], declared["name_id"]) if not declared.empty else [],
        list(trained.itertuples(index=False)),
        trained["weight"].to_numpy(dtype=np.float32) if not trained.empty else np.array([], np.float32),
        slug_to_id,
    )


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


def vacancy_skills(engine: Engine, vacancy_ids) -> pd.DataFrame:
    """vacancy_id, skill id, skill name, required."""
    return _read(
        engine,
        select(VacancySkill.vacancy_id, Skill.id.label("skill_id"), Skill.name_id, VacancySkill.required)
        .join(Skill, Skill.id == VacancySkill.skill_id)
        .where(VacancySkill.vacancy_id.in_([int(v) for v in vacancy_ids]))
        .order_by(VacancySkill.vacancy_id, Skill.name_id),
    )


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


def explain(
    engine: Engine,
    model: Recommender,
    dataset: Dataset,
    participant_id: int,
    vacancy_ids,
    *,
    top: int = TOP_CONTRIBUTIONS,
) -> dict[int, Explanation]:
    """Explanations of ``vacancy_ids`` recommended to ``participant_id`` (both must be in ``dataset``)."""
    vacancy_ids = [int(v) for v in vacancy_ids]
    user_row = int(dataset.user_id_map.to_internal([participant_id], what="participant id")[0])
    item_rows = dataset.item_id_map.to_internal(vacancy_ids, what="vacancy id")
    held = participant_skill_sources(engine, participant_id)
    asked = vacancy_skills(engine, vacancy_ids)
    by_vacancy = {int(v): list(zip(g["skill_id"], g["name_id"], g["required"])) for v, g in asked.groupby("vacancy_id", sort=False)}
    user = dataset.user_attributes.iloc[user_row] if dataset.user_attributes is not None else None
    wage_before = None if user is None or pd.isna(user[UserAttr.WageBefore]) else int(user[UserAttr.WageBefore])
    user_place = None if user is None else Place(user[UserAttr.Latitude], user[UserAttr.Longitude])
    items = dataset.item_attributes
    spreads = blend_spreads(model, dataset, user_row) if isinstance(model, Blend) else None
    out: dict[int, Explanation] = {}
    for vacancy_id, item_row in zip(vacancy_ids, item_rows):
        item_place = None
        if items is not None:
            item = items.iloc[int(item_row)]
            item_place = Place(item[ItemAttr.Latitude], item[ItemAttr.Longitude], item[ItemAttr.Remote],
                               item[ItemAttr.SalaryMin], item[ItemAttr.SalaryMax])
        explanation = reasons(held, by_vacancy.get(vacancy_id, []), wage_before, user_place, item_place)
        explanation.contributions = rounded(feature_contributions(model, dataset, user_row, int(item_row), top, spreads))
        out[vacancy_id] = explanation
    return out


def explain_served(engine: Engine, index: "ServingIndex", served: "ServedUser", item_rows, *, top: int = TOP_CONTRIBUTIONS) -> list[Explanation]:
    """:func:`explain` for the served model from the precomputed catalogue (the same reasons, O(k x features)).

    ``item_rows`` are catalogue rows of the recommended vacancies, in order.
    The score shares of all of them are computed together (:mod:`recommender.served_terms`).
    """
    from recommender.served_terms import content_top_terms, lightfm_top_terms

    rows, items, model = served.rows, index.items, index.model
    item_rows = np.asarray(item_rows, dtype=np.int64)
    skills = index.skills_of(engine, [r.slug for r in rows.declared] + [r.slug for r in rows.trained])
    held = skill_sources(
        [skills[r.slug] for r in rows.declared], rows.trained, rows.trained_weights, {slug: s[0] for slug, s in skills.items()}
    )
    wage_before = None if np.isnan(rows.wage_before) else int(rows.wage_before)
    user = Place(rows.latitude, rows.longitude)
    lightfm_model = model.lightfm_ if isinstance(model, Blend) else model
    lightfm_terms = content_shares = None
    if index.lightfm is not None:
        x = served.lightfm.matrix
        lightfm_terms = lightfm_top_terms(lightfm_model, x.indices, x.data, index.lightfm.item_matrix, item_rows, top)
    if index.content is not None:
        content_model = model.content_ if isinstance(model, Blend) else model
        c = served.content
        content_shares = content_top_terms(content_model, c.indices, c.data, index.content.item_rows, item_rows, top)
    spreads = served.spreads() if isinstance(model, Blend) else None
    vacancy_ids = index.catalogue.item_id_map.external_ids[item_rows]
    out = []
    for position, (item_row, vacancy_id) in enumerate(zip(item_rows.tolist(), vacancy_ids.tolist())):
        item = Place(items.latitude[item_row], items.longitude[item_row], items.remote[item_row], items.salary_min[item_row], items.salary_max[item_row])
        explanation = reasons(held, index.display.skills.get(vacancy_id, []), wage_before, user, item)
        if isinstance(model, Blend):
            contributions = blend_shares(model, lightfm_terms[position], content_shares[position], spreads, top)
        elif isinstance(model, LightFMHybrid):
            contributions = lightfm_terms[position]
        else:
            contributions = content_shares[position]
        explanation.contributions = rounded(contributions)
        out.append(explanation)
    return out
