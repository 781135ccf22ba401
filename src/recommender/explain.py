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

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select

from prakerja.models import ParticipantSkill, Skill, VacancySkill
from recommender.attributes import ItemAttr, UserAttr
from recommender.base import Recommender
from recommender.dataset import Dataset
from recommender.features import _read, trained_skills
from recommender.filters import haversine_km
from recommender.models import Blend, ContentSimilarity, LightFMHybrid, Popularity

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


def lightfm_contributions(model: LightFMHybrid, dataset: Dataset, user_row: int, item_row: int) -> list[tuple[str, float]]:
    """Every pair and bias term of the LightFM score of (user_row, item_row), largest magnitude first."""
    users, items = model.prepared_matrices(dataset)
    x, y = users[user_row], items[item_row]
    m = model.model_
    fx, wx = x.indices, x.data
    gy, wy = y.indices, y.data
    user_part = wx[:, None] * m.user_embeddings[fx]
    item_part = wy[:, None] * m.item_embeddings[gy]
    pairs = user_part @ item_part.T
    terms: list[tuple[str, float]] = []
    user_names = model.user_feature_names_[fx]
    item_names = model.item_feature_names_[gy]
    for i, j in zip(*np.unravel_index(np.argsort(-np.abs(pairs), axis=None), pairs.shape)):
        terms.append((f"{readable(user_names[i])} x {readable(item_names[j])}", float(pairs[i, j])))
    terms += [(f"vacancy bias: {readable(n)}", float(w * m.item_biases[g])) for n, w, g in zip(item_names, wy, gy)]
    terms.sort(key=lambda t: -abs(t[1]))
    # The participant's own biases are the same for every vacancy: one term, last, never a reason.
    terms.append((PARTICIPANT_BASELINE, float(wx @ m.user_biases[fx])))
    return terms


def content_contributions(model: ContentSimilarity, dataset: Dataset, user_row: int, item_row: int) -> list[tuple[str, float]]:
    """Per shared feature products of the TF-IDF vectors (they sum to the cosine score)."""
    users, items_t = model.weighted_vectors(dataset)
    product = users[user_row].multiply(items_t[:, item_row].T).tocsr()
    terms = [(str(model.feature_names_[c]), float(v)) for c, v in zip(product.indices, product.data) if v != 0]
    return sorted(terms, key=lambda t: -abs(t[1]))


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
        return _reasons(lightfm_contributions(model, dataset, user_row, item_row))[:top]
    if isinstance(model, ContentSimilarity):
        return content_contributions(model, dataset, user_row, item_row)[:top]
    if isinstance(model, Blend):
        # each part enters the blend as weight * (score - mean) / std over the user's items: scale its shares alike
        spreads = spreads or blend_spreads(model, dataset, user_row)
        parts = [
            ("lightfm", model.weight, spreads[0], _reasons(lightfm_contributions(model.lightfm_, dataset, user_row, item_row))),
            ("content", 1 - model.weight, spreads[1], content_contributions(model.content_, dataset, user_row, item_row)),
        ]
        shares = []
        for label, weight, spread, terms in parts:
            shares += [(f"{label}: {n}", v * weight / spread) for n, v in terms]
        return sorted(shares, key=lambda t: -abs(t[1]))[:top]
    if isinstance(model, Popularity):
        score = float(model.score(dataset, [user_row], [item_row])[0, 0])
        return [("popularity in the participant's province", score)]
    return []


def _reasons(terms: list[tuple[str, float]]) -> list[tuple[str, float]]:
    return [t for t in terms if t[0] != PARTICIPANT_BASELINE]


# ---------------------------------------------------------------------- skills, place, wage


def participant_skill_sources(engine: Engine, participant_id: int) -> dict[int, tuple[str, str]]:
    """skill id -> (skill name, where it came from: the course title, or DECLARED)."""
    trained = trained_skills(engine, participant_ids=[participant_id])
    sources: dict[int, tuple[str, str]] = {}
    declared = _read(
        engine,
        select(Skill.id, Skill.name_id)
        .join(ParticipantSkill, ParticipantSkill.skill_id == Skill.id)
        .where(ParticipantSkill.participant_id == int(participant_id)),
    )
    for row in declared.itertuples(index=False):
        sources[int(row.id)] = (row.name_id, DECLARED)
    if not trained.empty:
        ids = _read(engine, select(Skill.id, Skill.slug).where(Skill.slug.in_(trained["slug"].unique().tolist())))
        slug_to_id = dict(zip(ids["slug"], ids["id"]))
        # the strongest training for each skill is the one credited
        for row in trained.sort_values("weight").itertuples(index=False):
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
    user = dataset.user_attributes.iloc[user_row] if dataset.user_attributes is not None else None
    wage_before = None if user is None or pd.isna(user[UserAttr.WageBefore]) else int(user[UserAttr.WageBefore])
    spreads = blend_spreads(model, dataset, user_row) if isinstance(model, Blend) else None
    out: dict[int, Explanation] = {}
    for vacancy_id, item_row in zip(vacancy_ids, item_rows):
        skills = asked[asked["vacancy_id"] == vacancy_id]
        matched = [held[s] for s in skills["skill_id"] if s in held]
        missing = [n for s, n, r in zip(skills["skill_id"], skills["name_id"], skills["required"]) if r and s not in held]
        explanation = Explanation(matched_skills=matched, missing_skills=missing, wage_before=wage_before)
        if dataset.item_attributes is not None and user is not None:
            item = dataset.item_attributes.iloc[int(item_row)]
            if not item[ItemAttr.Remote] and pd.notna(item[ItemAttr.Latitude]):
                explanation.distance_km = round(
                    float(haversine_km(user[UserAttr.Latitude], user[UserAttr.Longitude], item[ItemAttr.Latitude], item[ItemAttr.Longitude])), 1
                )
            offered = item[ItemAttr.SalaryMax] if pd.notna(item[ItemAttr.SalaryMax]) else item[ItemAttr.SalaryMin]
            if wage_before is not None and pd.notna(offered):
                explanation.wage_gain = int(offered) - wage_before
        explanation.contributions = [(n, round(v, 6)) for n, v in feature_contributions(model, dataset, user_row, int(item_row), top, spreads)]
        out[vacancy_id] = explanation
    return out
