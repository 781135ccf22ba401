"""A model's ranking grounded in where the participant can go and what they were trained for.

:class:`Grounded` wraps any model of the line-up (the blend by default) and
changes its score in two ways, inside the model contract (item side, user
side, score), so ``recommend()``, batch scoring and the served list all rank
by it and stay equal:

* **distance**: ``score + w * -log(1 + km / 50)`` between the participant's and
  the vacancy's regency centres (remote vacancies and vacancies without a
  place: 0 km). ``w`` is fitted on validation interactions: the last 20% of
  the training log is held out, the wrapped model is fitted on the rest, and
  the ``w`` (a multiple of the spread of its scores) with the best NDCG@10 on
  the held-out interactions is kept; then the wrapped model is refitted on
  everything. The form follows how people meet and take vacancies: the
  first kilometres cost most.
* **connection**: a vacancy *connected* to the participant (a skill they hold
  from training or declared that it asks for, a related occupation - the same
  KBJI minor group or finer, from their prior work - or a word of a completed
  course's title in its title; :mod:`recommender.connection`) ranks above every vacancy that is not,
  unless the model has strong evidence for the unconnected one: at least
  ``evidence_applicants_`` participants similar to this one (sharing a
  skill, occupation or course word with them) applied to it in the training
  log. The threshold is fitted on the same validation interactions as the
  distance weight, jointly, from :data:`EVIDENCE_GRID` (at least 2: one other
  applicant is no evidence); a fixed ``evidence_applicants`` skips that. Unconnected vacancies without that evidence get :data:`LOWER_TIER`
  subtracted, so they fill a list only after every connected one. The rule
  and its evidence are in each explanation (:meth:`Grounded.grounds`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import scipy.sparse as sp

from prakerja.columns import Columns
from prakerja.errors import UserError
from recommender import shared_fits
from recommender.attributes import ItemAttr, UserAttr
from recommender.connection import connection_names, held_names
from recommender.base import Recommender
from recommender.dataset import Dataset, Entities, IdMap
from recommender.feature_space import KeptFeatureSpace
from recommender.filters import haversine_km
from recommender.metrics import mean_ndcg_at
from recommender.models.blend import Blend
from recommender.models.content import ContentSimilarity
from recommender.models.lightfm_hybrid import LightFMHybrid
from recommender.models.popularity import Popularity
from recommender.models.random_baseline import Random
from recommender.sides import Grounds

#: The models a :class:`Grounded` can wrap, by algorithm name (``recommender.models.MODEL_CLASSES`` adds it).
BASE_MODELS: dict[str, type[Recommender]] = {cls.algorithm: cls for cls in (LightFMHybrid, ContentSimilarity, Popularity, Random, Blend)}

#: Similar participants who applied that make an unconnected vacancy worth its model score (the default
#: when validation cannot choose: too few interactions, or no places).
EVIDENCE_APPLICANTS = 5
#: Thresholds validation chooses among (with the distance weight); the smaller of equals wins.
EVIDENCE_GRID = (2, 3, 5, 10, 20)
#: What an unconnected vacancy without evidence loses: more than any model's score spread.
LOWER_TIER = 1000.0
#: km at which the distance term has fallen by log 2.
DISTANCE_SCALE_KM = 50.0
#: Candidate distance weights, in units of the spread of the wrapped model's scores.
DISTANCE_WEIGHT_GRID = (0.0, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0)
#: Interaction weight from which an interaction counts as an application (applied 3, hired 4).
APPLIED_WEIGHT = 3.0
VALIDATION_FRACTION = 0.2
VALIDATION_USERS = 3000


class Grounded(KeptFeatureSpace, Recommender):
    """Any model's score with a fitted distance term and the connection rule (module docstring).

    Parameters
    ----------
    base
        The wrapped model's algorithm name.
    base_params
        Its parameters.
    distance_weight
        The distance term's weight; None fits it on validation interactions.
    connection_rule
        Rank unconnected vacancies without evidence below the connected ones.
    evidence_applicants
        Similar applicants that count as strong evidence; None fits it on
        validation interactions (:data:`EVIDENCE_GRID`).
    """

    algorithm = "grounded"
    space_names = "connection_names_"  # its feature space: the names that connect a participant and a vacancy

    def __init__(
        self,
        base: str = "blend",
        base_params: dict | None = None,
        distance_weight: float | None = None,
        connection_rule: bool = True,
        evidence_applicants: int | None = None,
    ) -> None:
        self.base = base
        self.base_params = base_params
        self.distance_weight = distance_weight
        self.connection_rule = connection_rule
        self.evidence_applicants = evidence_applicants

    # ------------------------------------------------------------------ learning

    def _new_base(self) -> Recommender:
        if self.base not in BASE_MODELS:
            raise UserError(f"unknown base model {self.base!r}; choose from {', '.join(BASE_MODELS)}")
        return BASE_MODELS[self.base](**(self.base_params or {}))

    def _fit(self, dataset: Dataset) -> None:
        self.connection_names_ = connection_names(dataset.user_features, dataset.item_features)
        self.__dict__.pop("_space", None)
        self._cache = None
        self.has_places_ = dataset.user_attributes is not None and dataset.item_attributes is not None
        self.evidence_applicants_ = int(self.evidence_applicants or EVIDENCE_APPLICANTS)
        if (self.distance_weight is not None and self.evidence_applicants is not None) or not self.has_places_:
            self.distance_weight_ = float(self.distance_weight or 0.0)
            self.validation_ = {}
        else:
            self.distance_weight_, self.evidence_applicants_, self.validation_ = self._fitted_distance_weight(dataset)
        self.base_ = shared_fits.fit(self._new_base(), dataset)
        self._learn_evidence(dataset)

    def _learn_evidence(self, dataset: Dataset) -> None:
        """Per vacancy and connection name: how many applicants held that name (the evidence table)."""
        log = dataset.interactions
        applied = log[log[Columns.Weight] >= APPLIED_WEIGHT]
        users = dataset.user_id_map.to_internal(applied[Columns.User].to_numpy(), strict=False)
        items = dataset.item_id_map.to_internal(applied[Columns.Item].to_numpy(), strict=False)
        known = (users >= 0) & (items >= 0)
        pairs = np.unique(np.stack([items[known], users[known]], axis=1), axis=0) if known.any() else np.zeros((0, 2), np.int64)
        who_applied = sp.csr_matrix(
            (np.ones(len(pairs), np.float32), (pairs[:, 0], pairs[:, 1])), shape=(dataset.n_items, dataset.n_users)
        )
        held = self._binary(dataset.users())
        self.evidence_items_ = IdMap(dataset.item_id_map.external_ids.copy())
        self.evidence_ = (who_applied @ held).tocsr().astype(np.float32)

    def _fitted_distance_weight(self, dataset: Dataset) -> tuple[float, int, dict]:
        """The distance weight and evidence threshold with the best NDCG@10 on the last 20% of the training log.

        A fixed ``distance_weight`` or ``evidence_applicants`` is kept; the other is chosen.
        """
        log = dataset.interactions
        positive = log[log[Columns.Weight] > 0]
        fixed_weight = None if self.distance_weight is None else float(self.distance_weight)
        default = (fixed_weight or 0.0, self.evidence_applicants_, {})
        if len(positive) < 20:
            return default
        cut = positive[Columns.Datetime].quantile(1 - VALIDATION_FRACTION)
        early, late = log[log[Columns.Datetime] < cut], positive[positive[Columns.Datetime] >= cut]
        if early[Columns.Weight].gt(0).sum() == 0 or late.empty:
            return default
        early_view = dataset.with_interactions(early.reset_index(drop=True))
        probe = replace_base(self, self._new_base().fit(early_view))
        probe._learn_evidence(early_view)
        users = np.unique(late[Columns.User].to_numpy())
        if len(users) > VALIDATION_USERS:
            users = np.random.default_rng(0).choice(users, VALIDATION_USERS, replace=False)
        user_rows = dataset.user_id_map.to_internal(users)
        item_rows = np.unique(dataset.item_id_map.to_internal(log[log[Columns.Datetime] >= cut][Columns.Item].unique()))
        items = probe.item_side(dataset.items())
        user_side = probe.user_side(dataset.users(user_rows))
        base = probe.base_.score_sides(user_side.base, items.base, item_rows).astype(np.float64)
        distance = probe._distance_term(user_side, items, item_rows)
        connected, applicants = probe._connection(user_side, items, item_rows)
        seen = early_view.seen_items(user_rows)[:, item_rows].toarray() if len(early) else np.zeros_like(base, dtype=bool)
        truth = _relevance(late, users, dataset.item_id_map.external_ids[item_rows])
        spread = float(np.nanstd(base)) or 1.0
        factors = DISTANCE_WEIGHT_GRID if fixed_weight is None else (fixed_weight / spread,)
        thresholds = EVIDENCE_GRID if self.evidence_applicants is None else (int(self.evidence_applicants),)
        scores = {}
        for threshold in thresholds:
            lower = np.where(connected | (applicants >= threshold), 0.0, LOWER_TIER) if self.connection_rule else 0.0
            for factor in factors:
                ranked = np.where(seen, -np.inf, base + factor * spread * distance - lower)
                scores[(factor, threshold)] = mean_ndcg_at(ranked, truth, 10)
        factor, threshold = max(scores, key=lambda key: (round(scores[key], 4), -key[0], -key[1]))
        table = {f"{f:g}|{t}": value for (f, t), value in scores.items()}
        return factor * spread, int(threshold), {"distance_factor": factor, "evidence_applicants": int(threshold), "spread": spread,
                                                 "validation_ndcg@10": table}

    # ------------------------------------------------------------------ the sides

    def _binary(self, entities: Entities) -> sp.csr_matrix:
        return held_names(self.space(), entities.features)

    def _item_side(self, items: Entities) -> "GroundedItems":
        rows = self.evidence_items_.to_internal(items.ids, strict=False)  # vacancies new since fitting have no evidence
        evidence = self.evidence_[np.maximum(rows, 0)] if self.evidence_.shape[0] else sp.csr_matrix((len(items), len(self.connection_names_)))
        evidence = sp.csr_matrix(evidence.multiply((rows >= 0)[:, None]), dtype=np.float32)
        return GroundedItems(self.base_.item_side(items), self._binary(items), evidence, *_item_places(items.attributes, len(items)))

    def _user_side(self, users: Entities) -> "GroundedUsers":
        latitude, longitude = _user_places(users.attributes, len(users))
        return GroundedUsers(self.base_.user_side(users), self._binary(users), latitude, longitude)

    def _distance_term(self, users: "GroundedUsers", items: "GroundedItems", item_rows) -> np.ndarray:
        """``-log(1 + km / 50)`` per (user, item); 0 for remote and unplaced vacancies and for users without a place."""
        rows = slice(None) if item_rows is None else item_rows
        km = haversine_km(users.latitude[:, None], users.longitude[:, None], items.latitude[rows][None, :], items.longitude[rows][None, :])
        km = np.where(items.remote[rows][None, :], 0.0, km)
        return -np.log1p(np.nan_to_num(km, nan=0.0) / DISTANCE_SCALE_KM)

    def _connection(self, users: "GroundedUsers", items: "GroundedItems", item_rows) -> tuple[np.ndarray, np.ndarray]:
        """(connected, similar applicants) per (user, item)."""
        rows = np.arange(items.connections.shape[0]) if item_rows is None else item_rows
        connected = (users.connections @ items.connections[rows].T).toarray() > 0
        applicants = np.zeros(connected.shape, dtype=np.float32)
        evidence = items.evidence[rows].tocsc()
        for position in range(users.connections.shape[0]):
            held = users.connections.indices[users.connections.indptr[position]:users.connections.indptr[position + 1]]
            if len(held) and evidence.nnz:
                applicants[position] = evidence[:, held].max(axis=1).toarray().ravel()
        return connected, applicants

    def _lower_tier(self, users, items, item_rows) -> np.ndarray:
        connected, applicants = self._connection(users, items, item_rows)
        return np.where(connected | (applicants >= self._threshold()), 0.0, LOWER_TIER)

    def _threshold(self) -> int:
        """The evidence threshold in force (artifacts from before it was fitted hold only the parameter)."""
        return int(getattr(self, "evidence_applicants_", None) or self.evidence_applicants or EVIDENCE_APPLICANTS)

    def _score_sides(self, users: "GroundedUsers", items: "GroundedItems", item_rows: np.ndarray | None) -> np.ndarray:
        scores = self.base_.score_sides(users.base, items.base, item_rows).astype(np.float64)
        if self.distance_weight_:
            scores += self.distance_weight_ * self._distance_term(users, items, item_rows)
        if self.connection_rule:
            scores -= self._lower_tier(users, items, item_rows)
        return scores.astype(np.float32)

    def _score_terms(self, users, items, item_rows: np.ndarray, top: int) -> list[list[tuple[str, float]]]:
        terms = self.base_.score_terms(users.base, items.base, item_rows, top)
        if not self.distance_weight_:
            return terms
        distance = self.distance_weight_ * self._distance_term(users, items, item_rows)[0]
        return [sorted([*shares, *([("distance", float(d))] if d else [])], key=lambda t: -abs(t[1]))[:top] for shares, d in zip(terms, distance)]

    def grounds(self, users, items, item_rows) -> Grounds:
        connected, applicants = self._connection(users, items, np.asarray(item_rows, dtype=np.int64))
        return Grounds(connected[0], applicants[0].astype(np.int64), self._threshold())


def replace_base(model: Grounded, base: Recommender) -> Grounded:
    """A copy of ``model`` wrapping another fitted ``base`` (the validation probe)."""
    probe = Grounded(**model.get_params())
    probe.connection_names_ = model.connection_names_
    probe.base_ = base
    probe.distance_weight_ = 0.0
    probe.evidence_applicants_ = model.evidence_applicants_
    probe.is_fitted_ = True
    return probe


@dataclass(frozen=True)
class GroundedItems:
    """The wrapped model's item side, connection names, evidence rows and places, row-aligned."""

    base: object
    connections: sp.csr_matrix
    evidence: sp.csr_matrix
    latitude: np.ndarray
    longitude: np.ndarray
    remote: np.ndarray

    def take(self, rows: np.ndarray) -> "GroundedItems":
        rows = np.asarray(rows, dtype=np.int64)
        return replace(self, base=self.base.take(rows), connections=self.connections[rows], evidence=self.evidence[rows],
                       latitude=self.latitude[rows], longitude=self.longitude[rows], remote=self.remote[rows])


@dataclass(frozen=True)
class GroundedUsers:
    """The wrapped model's user side, connection names and home coordinates (NaN when unknown)."""

    base: object
    connections: sp.csr_matrix
    latitude: np.ndarray
    longitude: np.ndarray


def _item_places(attributes: pd.DataFrame | None, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if attributes is None:
        return np.full(n, np.nan), np.full(n, np.nan), np.zeros(n, dtype=bool)
    return (attributes[ItemAttr.Latitude].to_numpy(np.float64), attributes[ItemAttr.Longitude].to_numpy(np.float64),
            attributes[ItemAttr.Remote].fillna(False).to_numpy(bool))


def _user_places(attributes: pd.DataFrame | None, n: int) -> tuple[np.ndarray, np.ndarray]:
    if attributes is None or UserAttr.Latitude not in attributes:
        return np.full(n, np.nan), np.full(n, np.nan)
    return np.asarray(attributes[UserAttr.Latitude], dtype=np.float64), np.asarray(attributes[UserAttr.Longitude], dtype=np.float64)


def _relevance(late: pd.DataFrame, users: np.ndarray, item_ids: np.ndarray) -> np.ndarray:
    """Boolean (users x items): a positive held-out interaction."""
    user_position = pd.Series(np.arange(len(users)), index=users)
    item_position = pd.Series(np.arange(len(item_ids)), index=item_ids)
    u = user_position.reindex(late[Columns.User].to_numpy()).to_numpy()
    i = item_position.reindex(late[Columns.Item].to_numpy()).to_numpy()
    keep = ~(np.isnan(u) | np.isnan(i))
    truth = np.zeros((len(users), len(item_ids)), dtype=bool)
    truth[u[keep].astype(np.int64), i[keep].astype(np.int64)] = True
    return truth
