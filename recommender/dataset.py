"""The data a recommender learns from and scores on: interactions, id maps, features.

A :class:`Dataset` holds

* ``interactions``: a frame with :attr:`Columns.Interactions` (user_id, item_id,
  weight, datetime; external ids) and, from the database, :attr:`Columns.Kind`;
* ``user_id_map`` / ``item_id_map``: external id <-> row index;
* ``user_features`` / ``item_features``: sparse :class:`Features` matrices with
  names (LightFM style; identity columns are added by the model that wants
  them, see :meth:`Dataset.user_matrix`);
* optionally ``user_attributes`` / ``item_attributes``: frames aligned with the
  id maps that the business filters and explanations read (region, coordinates,
  wages, status). Only the database builds these;
* optionally ``exposures``: (user_id, item_id, datetime) of vacancies *shown*
  to participants. They are not interactions (no preference, weight 0) and
  survive :meth:`Dataset.with_interactions`; a model may use the exposures
  that precede its training interactions as "seen and not taken" negatives
  (:meth:`Dataset.exposure_negatives`).

Users and items that have features but no interactions (cold start) are part
of the maps, so every model can score them.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from collections.abc import Mapping
from typing import Iterable

import numpy as np
import pandas as pd
import scipy.sparse as sp

from prakerja.columns import Columns
from prakerja.errors import UserError


#: Long feature frames (``from_frames``) have these columns.
FEATURE_ID, FEATURE_NAME, FEATURE_VALUE = "id", "feature", "value"

_TOKEN = re.compile(r"[^\W_]{2,}", re.UNICODE)


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens of at least two letters or digits (Bahasa and English alike)."""
    return _TOKEN.findall(str(text).lower())


@dataclass(frozen=True)
class IdMap:
    """External ids in row order; ``to_internal`` maps them back to row indices."""

    external_ids: np.ndarray

    @classmethod
    def from_values(cls, *values: Iterable) -> "IdMap":
        """Unique ids of all ``values`` in first-seen order."""
        frames = [pd.Series(np.asarray(list(v) if not isinstance(v, (np.ndarray, pd.Series)) else v)) for v in values]
        ids = pd.unique(pd.concat(frames, ignore_index=True)) if frames else np.array([])
        return cls(np.asarray(ids))

    @property
    def size(self) -> int:
        return len(self.external_ids)

    @property
    def _index(self) -> pd.Index:
        index = self.__dict__.get("_cached_index")
        if index is None:
            index = pd.Index(self.external_ids)
            object.__setattr__(self, "_cached_index", index)
        return index

    def to_internal(self, ids, *, strict: bool = True, what: str = "id") -> np.ndarray:
        """Row indices of ``ids``; unknown ids raise a UserError (or give -1 when not strict)."""
        positions = self._index.get_indexer(pd.Index(np.asarray(ids)))
        if strict and (positions < 0).any():
            missing = np.asarray(ids)[positions < 0][:5].tolist()
            raise UserError(f"unknown {what}: {', '.join(map(str, missing))}")
        return positions

    def contains(self, external_id) -> bool:
        return external_id in self._index

    def extended(self, ids: Iterable) -> "IdMap":
        """This map with ``ids`` not yet known appended at the end."""
        return IdMap.from_values(self.external_ids, ids)


@dataclass(frozen=True)
class Features:
    """A sparse row-per-entity feature matrix with column names ("skill=welding")."""

    matrix: sp.csr_matrix
    names: np.ndarray

    @classmethod
    def empty(cls, rows: int) -> "Features":
        return cls(sp.csr_matrix((rows, 0), dtype=np.float32), np.array([], dtype=object))

    @classmethod
    def from_long(cls, frame: pd.DataFrame, id_map: IdMap, names: Iterable[str] | None = None) -> "Features":
        """Build from a long frame (id, feature, value) whose features are already names.

        Repeated (id, feature) pairs keep the largest value; ids unknown to
        ``id_map`` are ignored; ``names`` fixes the column order (unknown names dropped).
        """
        if frame is None or frame.empty:
            base = cls.empty(id_map.size)
            return base if names is None else base.aligned_to(names)
        rows = id_map.to_internal(frame[FEATURE_ID].to_numpy(), strict=False)
        keep = rows >= 0
        frame = frame.loc[keep]
        rows = rows[keep]
        if names is None:
            column_names = np.asarray(pd.unique(frame[FEATURE_NAME]), dtype=object)
        else:
            column_names = np.asarray(list(names), dtype=object)
        cols = pd.Index(column_names).get_indexer(frame[FEATURE_NAME])
        ok = cols >= 0
        values = frame[FEATURE_VALUE].to_numpy(dtype=np.float32)[ok]
        matrix = sp.coo_matrix(
            (values, (rows[ok], cols[ok])), shape=(id_map.size, len(column_names)), dtype=np.float32
        ).tocsr()
        # coo -> csr sums duplicates; keep the maximum instead so repeated evidence does not inflate.
        if matrix.nnz != ok.sum():
            dedup = pd.DataFrame({"r": rows[ok], "c": cols[ok], "v": values}).groupby(["r", "c"])["v"].max()
            r, c = (dedup.index.get_level_values(i).to_numpy() for i in (0, 1))
            matrix = sp.csr_matrix((dedup.to_numpy(np.float32), (r, c)), shape=matrix.shape, dtype=np.float32)
        matrix.sort_indices()
        return cls(matrix, column_names)

    @classmethod
    def from_pairs(cls, rows: list[list[tuple[str, float]]]) -> "Features":
        """One row per list of (name, value) pairs: names in first-seen order, a repeated name keeps its largest value.

        The batch loader and serving one participant both build rows here, so a
        participant's row is the same however many are read.
        """
        lookup: dict[str, int] = {}
        indptr, columns, values = [0], [], []
        for pairs in rows:
            row: dict[int, float] = {}
            for name, value in pairs:
                column = lookup.setdefault(name, len(lookup))
                row[column] = max(row[column], value) if column in row else value
            columns.extend(row)
            values.extend(row.values())
            indptr.append(len(columns))
        matrix = sp.csr_matrix(
            (np.asarray(values, dtype=np.float32), np.asarray(columns, dtype=np.int32), np.asarray(indptr, dtype=np.int32)),
            shape=(len(rows), len(lookup)),
        )
        return cls(matrix, np.asarray(list(lookup), dtype=object))

    @property
    def n_features(self) -> int:
        return len(self.names)

    def aligned_to(self, names: Iterable[str]) -> "Features":
        """The same rows with columns ``names`` (missing ones zero, extra ones dropped)."""
        names = np.asarray(list(names), dtype=object)
        if len(names) == len(self.names) and (names == self.names).all():
            return self
        positions = pd.Index(self.names).get_indexer(names) if len(self.names) else np.full(len(names), -1)
        present = np.flatnonzero(positions >= 0)
        selector = sp.csr_matrix(
            (np.ones(len(present), np.float32), (positions[present], present)),
            shape=(len(self.names), len(names)),
        )
        return Features((self.matrix @ selector).tocsr().astype(np.float32), names)

    def rows(self, index: np.ndarray) -> "Features":
        return Features(self.matrix[index], self.names)

    def stacked(self, other: "Features") -> "Features":
        """Rows of ``self`` then ``other`` (aligned to ``self``'s names)."""
        other = other.aligned_to(self.names)
        return Features(sp.vstack([self.matrix, other.matrix]).tocsr(), self.names)


@dataclass(frozen=True)
class Entities:
    """Users or items as a model's side reads them: external ids, feature rows and optional attributes, row-aligned.

    ``attributes`` maps column names to row-aligned values (a DataFrame, or plain arrays for one participant).
    """

    ids: np.ndarray
    features: Features
    attributes: "pd.DataFrame | Mapping[str, np.ndarray] | None" = None

    def __len__(self) -> int:
        return len(self.ids)


def identity_and(features: Features, ids: np.ndarray, *, identity: bool, identity_prefix: str) -> Features:
    """Prepend one identity column per distinct id (LightFM's default) to ``features`` when asked.

    Rows sharing an id (e.g. "this participant after one more course") share its column.
    """
    if not identity:
        return features
    unique, rows_to_column = np.unique(np.asarray(ids).astype(str), return_inverse=True)
    n = features.matrix.shape[0]
    eye = sp.csr_matrix((np.ones(n, dtype=np.float32), (np.arange(n), rows_to_column)), shape=(n, len(unique)))
    names = np.concatenate([np.asarray([f"{identity_prefix}={i}" for i in unique], dtype=object), features.names])
    return Features(sp.hstack([eye, features.matrix]).tocsr(), names)


def feature_family(name) -> str:
    """The family of a feature name: "skill" for "skill=welding" (the whole name when it has no "=")."""
    return str(name).split("=", 1)[0]


#: Weight of each interaction kind; "shown" carries no preference, "dismissed" is negative.
KIND_WEIGHTS: dict[str, float] = {
    "shown": 0.0,
    "clicked": 1.0,
    "saved": 2.0,
    "applied": 3.0,
    "hired": 4.0,
    "dismissed": -1.0,
}


@dataclass
class Dataset:
    """Interactions, id maps and feature matrices; see the module docstring.

    Build with :meth:`from_frames` or :func:`recommender.features.load_dataset`; derive training
    views of the same users, items and features with :meth:`with_interactions`.
    """

    user_id_map: IdMap
    item_id_map: IdMap
    interactions: pd.DataFrame
    user_features: Features
    item_features: Features
    user_attributes: pd.DataFrame | None = None
    item_attributes: pd.DataFrame | None = None
    exposures: pd.DataFrame | None = None
    meta: dict = field(default_factory=dict)

    # ------------------------------------------------------------------ builders

    @classmethod
    def from_frames(
        cls,
        interactions: pd.DataFrame,
        user_features: pd.DataFrame | None = None,
        item_features: pd.DataFrame | None = None,
    ) -> "Dataset":
        """Build from plain frames (external logs, tests).

        Parameters
        ----------
        interactions
            Columns user_id, item_id, weight, datetime (``Columns.Interactions``);
            an optional ``kind`` column is kept.
        user_features, item_features
            Long frames with columns id, feature, value. A numeric value is kept
            as the weight of feature ``feature``; a text value is tokenized into
            features ``feature=token`` of weight 1. Ids that appear only here are
            cold users/items.
        """
        interactions = check_interactions(interactions)
        user_long = long_features(user_features, "user")
        item_long = long_features(item_features, "item")
        user_map = IdMap.from_values(
            interactions[Columns.User], user_long[FEATURE_ID] if user_long is not None else []
        )
        item_map = IdMap.from_values(
            interactions[Columns.Item], item_long[FEATURE_ID] if item_long is not None else []
        )
        return cls(
            user_id_map=user_map,
            item_id_map=item_map,
            interactions=interactions,
            user_features=Features.from_long(user_long, user_map),
            item_features=Features.from_long(item_long, item_map),
        )

    # ------------------------------------------------------------------ views

    def with_interactions(self, interactions: pd.DataFrame) -> "Dataset":
        """The same users, items and features with other interactions (a split's training part).

        Ids unknown to this dataset are an error: a split never invents users or items.
        """
        interactions = check_interactions(interactions)
        self.user_id_map.to_internal(interactions[Columns.User].unique(), what="user id")
        self.item_id_map.to_internal(interactions[Columns.Item].unique(), what="item id")
        return replace(self, interactions=interactions)

    def with_extra_users(self, ids: np.ndarray, features: Features, attributes: pd.DataFrame | None = None) -> "Dataset":
        """This dataset with extra (virtual) users appended, e.g. "this participant after one more course"."""
        user_map = IdMap(np.concatenate([self.user_id_map.external_ids, np.asarray(ids, dtype=self.user_id_map.external_ids.dtype)]))
        attrs = self.user_attributes
        if attrs is not None and attributes is not None:
            attrs = pd.concat([attrs, attributes], ignore_index=True)
        return replace(self, user_id_map=user_map, user_features=self.user_features.stacked(features), user_attributes=attrs)

    # ------------------------------------------------------------------ sides

    def users(self, rows: np.ndarray | None = None):
        """The users at ``rows`` (all when None) as a model's user side reads them."""
        rows = np.arange(self.n_users) if rows is None else np.asarray(rows, dtype=np.int64)
        attributes = None if self.user_attributes is None else self.user_attributes.iloc[rows].reset_index(drop=True)
        return Entities(self.user_id_map.external_ids[rows], self.user_features.rows(rows), attributes)

    def items(self):
        """Every item as a model's item side reads it."""
        return Entities(self.item_id_map.external_ids, self.item_features, self.item_attributes)

    # ------------------------------------------------------------------ matrices

    @property
    def n_users(self) -> int:
        return self.user_id_map.size

    @property
    def n_items(self) -> int:
        return self.item_id_map.size

    def exposure_negatives(self) -> tuple[np.ndarray, np.ndarray]:
        """(user rows, item rows) shown up to the last training interaction and never interacted with.

        Exposures after the last interaction are ignored, so a training view of
        a split never learns from the period it is tested on.
        """
        if self.exposures is None or self.exposures.empty or self.interactions.empty:
            return np.array([], dtype=np.int64), np.array([], dtype=np.int64)
        last = self.interactions[Columns.Datetime].max()
        shown = self.exposures
        if pd.notna(last):
            shown = shown[shown[Columns.Datetime] <= last]
        rows = self.user_id_map.to_internal(shown[Columns.User].to_numpy(), strict=False)
        cols = self.item_id_map.to_internal(shown[Columns.Item].to_numpy(), strict=False)
        known = (rows >= 0) & (cols >= 0)
        pairs = np.unique(rows[known].astype(np.int64) * self.n_items + cols[known])
        touched = self.interaction_matrix()
        taken = np.asarray(touched.row, dtype=np.int64) * self.n_items + touched.col
        pairs = pairs[~np.isin(pairs, taken)]
        return pairs // self.n_items, pairs % self.n_items

    def interaction_matrix(self) -> sp.coo_matrix:
        """One aggregated weight per (user, item): the strongest positive signal, or
        the negative one when the only positive signal was a click.

        A dismissal after a click means "not for me"; after saving or applying
        the stronger act wins. Zero weights ("shown") are dropped.
        """
        frame = self.interactions
        if frame.empty:
            return sp.coo_matrix((self.n_users, self.n_items), dtype=np.float32)
        rows = self.user_id_map.to_internal(frame[Columns.User].to_numpy())
        cols = self.item_id_map.to_internal(frame[Columns.Item].to_numpy())
        w = frame[Columns.Weight].to_numpy(dtype=np.float32)
        grouped = pd.DataFrame({"r": rows, "c": cols, "w": w}).groupby(["r", "c"])["w"].agg(["max", "min"])
        best = grouped["max"].to_numpy()
        worst = grouped["min"].to_numpy()
        weight = np.where((worst < 0) & (best <= KIND_WEIGHTS["clicked"]), worst, best)
        keep = weight != 0
        r = grouped.index.get_level_values(0).to_numpy()[keep]
        c = grouped.index.get_level_values(1).to_numpy()[keep]
        return sp.coo_matrix((weight[keep].astype(np.float32), (r, c)), shape=(self.n_users, self.n_items))

    def user_matrix(self, *, identity: bool) -> Features:
        """User features (+ one identity column per user when ``identity``)."""
        return identity_and(self.user_features, self.user_id_map.external_ids, identity=identity, identity_prefix="user")

    def item_matrix(self, *, identity: bool) -> Features:
        """Item features (+ one identity column per item when ``identity``)."""
        return identity_and(self.item_features, self.item_id_map.external_ids, identity=identity, identity_prefix="item")

    def seen_items(self, user_rows: np.ndarray, kinds: Iterable[str] | None = None) -> sp.csr_matrix:
        """Boolean (len(user_rows), n_items) matrix of items these users interacted with
        (only interactions of ``kinds`` when given and the frame has a kind column)."""
        frame = self.interactions
        if kinds is not None and Columns.Kind in frame.columns:
            frame = frame[frame[Columns.Kind].isin(list(kinds))]
        position = pd.Series(np.arange(len(user_rows)), index=self.user_id_map.external_ids[user_rows])
        position = position[~position.index.duplicated()]
        frame = frame[frame[Columns.User].isin(position.index)]
        rows = position.loc[frame[Columns.User]].to_numpy()
        cols = self.item_id_map.to_internal(frame[Columns.Item].to_numpy())
        return sp.csr_matrix(
            (np.ones(len(rows), dtype=bool), (rows, cols)), shape=(len(user_rows), self.n_items), dtype=bool
        )

    def fingerprint(self) -> str:
        """A short hash of the feature spaces and interaction count: tells whether a model fits this data."""
        digest = hashlib.sha256()
        for names in (self.user_features.names, self.item_features.names):
            digest.update("\x1f".join(map(str, names)).encode())
            digest.update(b"\x1e")
        digest.update(str(len(self.interactions)).encode())
        return digest.hexdigest()[:32]


# ---------------------------------------------------------------------- validation


def check_interactions(frame: pd.DataFrame) -> pd.DataFrame:
    """Validate and normalise an interactions frame; a clear UserError on bad input."""
    if frame is None:
        raise UserError("no interactions given")
    missing = [c for c in (Columns.User, Columns.Item) if c not in frame.columns]
    if missing:
        raise UserError(f"interactions lack column(s) {', '.join(missing)}; need {', '.join(Columns.Interactions)}")
    frame = frame.copy()
    if Columns.Weight not in frame.columns:
        frame[Columns.Weight] = 1.0
    if Columns.Datetime not in frame.columns:
        frame[Columns.Datetime] = pd.NaT
    try:
        frame[Columns.Weight] = pd.to_numeric(frame[Columns.Weight]).astype(np.float32)
    except (TypeError, ValueError) as exc:
        raise UserError(f"interaction weights must be numbers: {exc}") from None
    if not np.isfinite(frame[Columns.Weight].to_numpy()).all():
        raise UserError("interaction weights must be finite numbers")
    if not pd.api.types.is_datetime64_any_dtype(frame[Columns.Datetime]):
        try:
            frame[Columns.Datetime] = pd.to_datetime(frame[Columns.Datetime])
        except (TypeError, ValueError) as exc:
            raise UserError(f"interaction datetimes cannot be parsed: {exc}") from None
    if frame[[Columns.User, Columns.Item]].isna().any().any():
        raise UserError("interactions have empty user or item ids")
    extra = [c for c in (Columns.Kind,) if c in frame.columns]
    return frame[Columns.Interactions + extra].reset_index(drop=True)


def long_features(frame: pd.DataFrame | None, side: str) -> pd.DataFrame | None:
    """Turn an external long feature frame into (id, feature name, weight) rows.

    Numeric values stay weights of the feature itself; text values become one
    ``feature=token`` per token with weight 1.
    """
    if frame is None:
        return None
    missing = [c for c in (FEATURE_ID, FEATURE_NAME, FEATURE_VALUE) if c not in frame.columns]
    if missing:
        raise UserError(f"{side} features lack column(s) {', '.join(missing)}; need id, feature, value")
    frame = frame.dropna(subset=[FEATURE_ID, FEATURE_NAME])
    numeric = pd.to_numeric(frame[FEATURE_VALUE], errors="coerce")
    is_number = numeric.notna()
    numbers = pd.DataFrame(
        {
            FEATURE_ID: frame.loc[is_number, FEATURE_ID].to_numpy(),
            FEATURE_NAME: frame.loc[is_number, FEATURE_NAME].astype(str).to_numpy(),
            FEATURE_VALUE: numeric[is_number].astype(np.float32).to_numpy(),
        }
    )
    texts = frame.loc[~is_number & frame[FEATURE_VALUE].notna()]
    tokens = texts.assign(token=texts[FEATURE_VALUE].astype(str).map(tokenize)).explode("token").dropna(subset=["token"])
    words = pd.DataFrame(
        {
            FEATURE_ID: tokens[FEATURE_ID].to_numpy(),
            FEATURE_NAME: (tokens[FEATURE_NAME].astype(str) + "=" + tokens["token"].astype(str)).to_numpy(),
            FEATURE_VALUE: np.ones(len(tokens), dtype=np.float32),
        }
    )
    return pd.concat([numbers, words], ignore_index=True)
