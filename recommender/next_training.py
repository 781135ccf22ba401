"""Next training: the catalogue course that, once completed, unlocks the most additional good matches.

A vacancy is a *good match* for a participant when they hold at least
:data:`QUALIFIED_SHARE` of its required skills (skills from completed courses
or declared). A course *unlocks* a candidate vacancy (active, passing the
participant's filters, not applied to or dismissed) that is not a good match
now and would be one after the course. The course with the most unlocks wins
(the cheaper one among equals); its unlocked vacancies are listed in the order
the model would rank them for the participant after the course (their
features recomputed exactly as for a completed training).

Counting qualification rather than "entering the top-K" keeps the advice
meaningful for someone whose top-K is already full: the question is how many
more doors the course opens, not whether it reshuffles the first page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sqlalchemy import Engine, select

from prakerja.models import Course, CourseSkill, Enrollment, Provider, Skill
from prakerja.columns import Columns
from prakerja.errors import UnknownId
from recommender.base import Recommender, check_k
from recommender.dataset import FEATURE_ID, FEATURE_NAME, FEATURE_VALUE, Dataset, Features, IdMap
from recommender.features import CERTIFICATE_BONUS, _read, family, load_interactions, load_participants, title_words
from recommender.filters import ItemFilters
from recommender.participant_list import NO_FILTERS, check_participant_id, current_state
from recommender.serving_state import Catalogue, ModelCache

@dataclass
class NextTraining:
    """The course that would unlock the most additional good matches."""

    course_id: int
    title: str
    provider: str
    unlocks: int
    vacancy_ids: list[int] = field(default_factory=list)


#: Share of a vacancy's required skills a participant must hold for a good match.
QUALIFIED_SHARE = 2 / 3
#: Unlocked vacancies listed with the advice.
LISTED = 10


def course_features(engine: Engine) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The catalogue (id, title, provider, price) and each course's features as a completed training gives them."""
    courses = _read(
        engine,
        select(Course.id, Course.title, Course.price_idr, Course.certificate, Provider.name.label("provider"))
        .join(Provider, Provider.id == Course.provider_id)
        .order_by(Course.id),
    )
    skills = _read(
        engine, select(CourseSkill.course_id, Skill.slug, CourseSkill.level).join(Skill, Skill.id == CourseSkill.skill_id)
    )
    certified = courses.set_index("id")["certificate"].notna()
    level = skills["level"].fillna(1).clip(1, 3).astype(np.float32) / 3.0
    bonus = np.where(skills["course_id"].map(certified).fillna(False).astype(bool), CERTIFICATE_BONUS, 1.0)
    skill_rows = pd.DataFrame(
        {FEATURE_ID: skills["course_id"], FEATURE_NAME: "skill=" + skills["slug"], FEATURE_VALUE: (level * bonus).astype(np.float32)}
    )
    words = courses.assign(word=courses["title"].map(title_words)).explode("word").dropna(subset=["word"])
    word_rows = pd.DataFrame({FEATURE_ID: words["id"], FEATURE_NAME: "word=" + words["word"].astype(str), FEATURE_VALUE: 1.0})
    return courses, pd.concat([skill_rows, word_rows], ignore_index=True)


def completed_courses(engine: Engine, participant_id: int) -> set[int]:
    rows = _read(
        engine,
        select(Enrollment.course_id).where(Enrollment.participant_id == participant_id, Enrollment.completed_on.is_not(None)),
    )
    return set(rows["course_id"].astype(int))


def with_course_variants(dataset: Dataset, user_row: int, course_long: pd.DataFrame, course_ids: np.ndarray) -> Dataset:
    """The participant (row 0) followed by one copy per course, each with that course's features added.

    Every row keeps the participant's external id, so models with identity
    features treat the copies as this participant.
    """
    names = dataset.user_features.names
    base = dataset.user_features.matrix[user_row]
    base_long = pd.DataFrame({FEATURE_ID: -1, FEATURE_NAME: names[base.indices], FEATURE_VALUE: base.data})
    rows = [base_long.assign(**{FEATURE_ID: 0})]
    for position, course_id in enumerate(course_ids, start=1):
        extra = course_long[course_long[FEATURE_ID] == course_id]
        rows.append(pd.concat([base_long, extra], ignore_index=True).assign(**{FEATURE_ID: position}))
    long = pd.concat(rows, ignore_index=True)
    variant_map = IdMap(np.arange(len(course_ids) + 1))
    union = pd.unique(pd.concat([pd.Series(names, dtype=object), course_long[FEATURE_NAME]], ignore_index=True))
    features = Features.from_long(long, variant_map, names=union)
    participant_id = dataset.user_id_map.external_ids[user_row]
    attributes = None
    if dataset.user_attributes is not None:
        attributes = pd.DataFrame([dataset.user_attributes.iloc[user_row]] * (len(course_ids) + 1)).reset_index(drop=True)
    return Dataset(
        user_id_map=IdMap(np.full(len(course_ids) + 1, participant_id)),
        item_id_map=dataset.item_id_map,
        interactions=dataset.interactions.iloc[0:0],
        user_features=features,
        item_features=dataset.item_features,
        user_attributes=attributes,
        item_attributes=dataset.item_attributes,
        meta=dataset.meta,
    )


def skill_columns(features: Features, *, minimum: float) -> tuple[np.ndarray, sp.csr_matrix]:
    """Skill names and a 0/1 matrix of the skills whose weight is at least ``minimum``."""
    columns = np.flatnonzero([family(n) == "skill" for n in features.names])
    block = features.matrix[:, columns]
    block = sp.csr_matrix((block >= minimum).astype(np.float32))
    return features.names[columns], block


def best_next_course(
    engine: Engine, model: Recommender, dataset: Dataset, participant_id: int, filters: ItemFilters, *, k: int = 10
) -> "NextTraining | None":
    """The course with the most unlocked good matches for ``participant_id`` (None when no course unlocks any)."""
    user_row = int(dataset.user_id_map.to_internal([participant_id], what="participant id")[0])
    (_, candidates), = list(filters.candidate_groups(dataset, np.array([user_row]), np.arange(dataset.n_items)))
    excluded = filters.excluded_items(dataset, np.array([user_row]))
    if excluded is not None and excluded.nnz:
        candidates = np.setdiff1d(candidates, excluded.indices)
    courses, course_long = course_features(engine)
    courses = courses[~courses["id"].isin(completed_courses(engine, participant_id))].reset_index(drop=True)
    if len(candidates) == 0 or courses.empty:
        return None
    # required skills of the candidates, in one skill vocabulary with the participant's and the courses'
    skill_names, required = skill_columns(dataset.item_features.rows(candidates), minimum=1.0)
    index = pd.Index(skill_names)
    held = np.zeros(len(skill_names), dtype=np.float32)
    user = dataset.user_features.matrix[user_row]
    user_cols = index.get_indexer(dataset.user_features.names[user.indices])
    held[user_cols[(user_cols >= 0) & (user.data > 0)]] = 1.0
    course_skills = course_long[course_long[FEATURE_NAME].map(family) == "skill"]
    course_row = pd.Index(courses["id"]).get_indexer(course_skills[FEATURE_ID])
    skill_col = index.get_indexer(course_skills[FEATURE_NAME])
    ok = (course_row >= 0) & (skill_col >= 0)
    teaches = sp.csr_matrix(
        (np.ones(int(ok.sum()), np.float32), (course_row[ok], skill_col[ok])), shape=(len(courses), len(skill_names))
    )
    after = (teaches.toarray() + held[None, :]) > 0
    needed = np.asarray(required.sum(axis=1)).ravel()
    asks = needed > 0
    share_before = np.where(asks, required @ held / np.maximum(needed, 1), 0.0)
    share_after = np.asarray(required @ after.T.astype(np.float32)) / np.maximum(needed, 1)[:, None]
    unlocked = (share_after >= QUALIFIED_SHARE) & (share_before < QUALIFIED_SHARE)[:, None] & asks[:, None]
    unlocks = unlocked.sum(axis=0)
    if unlocks.max() <= 0:
        return None
    # most unlocks first; among equals the cheaper course
    best = int(np.lexsort((courses["price_idr"].to_numpy(), -unlocks))[0])
    chosen = courses.iloc[best]
    opened = candidates[unlocked[:, best]]
    variant = with_course_variants(dataset, user_row, course_long, np.array([chosen["id"]]))
    order = np.argsort(-model.score(variant, [1], opened)[0], kind="stable")[:LISTED]
    return NextTraining(
        course_id=int(chosen["id"]),
        title=str(chosen["title"]),
        provider=str(chosen["provider"]),
        unlocks=int(unlocks[best]),
        vacancy_ids=[int(v) for v in dataset.item_id_map.external_ids[opened[order]]],
    )


def participant_dataset(engine: Engine, participant_id: int, catalogue: Catalogue) -> Dataset:
    """One participant (read fresh) against the cached catalogue, as a dataset; UnknownId when the id is unknown."""
    user = load_participants(engine, participant_ids=[check_participant_id(participant_id)])
    if user.id_map.size == 0:
        raise UnknownId(f"unknown participant id {participant_id}")
    interactions = load_interactions(engine, participant_ids=[int(participant_id)])
    interactions = interactions[interactions[Columns.Item].isin(catalogue.id_map.external_ids)].reset_index(drop=True)
    return Dataset(
        user_id_map=user.id_map,
        item_id_map=catalogue.id_map,
        interactions=interactions,
        user_features=user.features,
        item_features=catalogue.features,
        user_attributes=user.attributes,
        item_attributes=catalogue.attributes,
        meta={"now": pd.Timestamp(catalogue.now).isoformat()},
    )


def suggest_next_training(
    engine: Engine,
    participant_id: int,
    filters: ItemFilters = NO_FILTERS,
    k: int = 10,
    *,
    model: Recommender | None = None,
    cache: ModelCache | None = None,
) -> NextTraining | None:
    """The catalogue course that would unlock the most additional good matches (None when none would)."""
    k = check_k(k)
    state = current_state(engine, model, cache)
    dataset = participant_dataset(engine, participant_id, state.catalogue)
    return best_next_course(engine, state.model, dataset, int(participant_id), filters, k=k)
