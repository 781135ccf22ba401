"""Business filters on recommendations: what a participant may be shown at all.

Rules (documented in docs/recommender.md):

* ``active_only``: the vacancy is active and not expired at the dataset's "now".
* Reach (``reach``, on by default): when no place rule below is set and the
  participants' attributes carry their reach (:mod:`recommender.reach`), each
  participant is shown the narrowest scope of their reach holding any vacancy
  that passes the other rules (widening step by step).
* Place: ``same_regency``, ``province_only`` and ``radius_km`` are constraints
  that must all hold when set (distance is the haversine distance between the
  regencies' coordinates; a vacancy known only by province uses the province's
  coordinates). Remote vacancies pass every place constraint when
  ``remote_allowed``; with ``remote_allowed=False`` remote vacancies are left out.
* ``min_wage``: the vacancy's best stated salary (max, else min) is at least
  this; a vacancy without a stated salary is left out, because a filter the
  user sets must be a promise.
* ``employment_types``: the vacancy offers at least one of them; vacancies
  without a stated type are left out.
* Exclusions: items the user has interactions of ``exclude_kinds`` with
  (applied, dismissed by default), plus ``exclude_items`` given live by the
  caller (serving reads fresh feedback from the database).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Iterator

import numpy as np
import pandas as pd
import scipy.sparse as sp

from prakerja import vocab
from prakerja.errors import UserError
from recommender.attributes import ItemAttr, UserAttr
from recommender.connection import ConnectionIndex
from recommender.reach import Reach, chosen_steps, step_masks

if TYPE_CHECKING:  # pragma: no cover
    from recommender.dataset import Dataset

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance in km (broadcasting over arrays)."""
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(x, dtype=np.float64)) for x in (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


@dataclass(frozen=True)
class ItemFilters:
    """Which items a user may be recommended; see the module docstring for the rules."""

    active_only: bool = True
    radius_km: float | None = None
    province_only: bool = False
    same_regency: bool = False
    remote_allowed: bool = True
    min_wage: int | None = None
    employment_types: tuple[str, ...] | None = None
    exclude_kinds: tuple[str, ...] = ("applied", "dismissed")
    exclude_items: Mapping[object, Collection] | None = None
    reach: bool = True

    def __post_init__(self) -> None:
        if self.radius_km is not None and not (0 < float(self.radius_km) <= 5000):
            raise UserError(f"radius_km must be between 0 and 5000 km, not {self.radius_km!r}")
        if self.min_wage is not None and int(self.min_wage) < 0:
            raise UserError(f"min_wage must not be negative, not {self.min_wage!r}")
        if self.employment_types is not None:
            unknown = set(self.employment_types) - set(vocab.EMPLOYMENT_TYPES)
            if unknown:
                raise UserError(
                    f"unknown employment type(s) {', '.join(sorted(unknown))}; choose from {', '.join(vocab.EMPLOYMENT_TYPES)}"
                )

    @property
    def uses_place(self) -> bool:
        """A place rule of the caller's is set (it replaces the participant's reach)."""
        return bool(self.same_regency or self.province_only or self.radius_km)

    def uses_reach(self, user_attributes) -> bool:
        """Each participant's reach decides their place: on, no caller place rule, and the attributes carry it."""
        return bool(self.reach and not self.uses_place and user_attributes is not None and UserAttr.Reach in user_attributes)

    # ------------------------------------------------------------------ items

    def item_mask(self, dataset: "Dataset", item_rows: np.ndarray) -> np.ndarray:
        """Boolean mask over ``item_rows`` of the user-independent rules."""
        attrs = _item_attributes(dataset, self)
        if attrs is None:
            return np.ones(len(item_rows), dtype=bool)
        return self.items_mask(ItemArrays.of(attrs), item_rows)

    def items_mask(self, a: "ItemArrays", item_rows: np.ndarray) -> np.ndarray:
        """:meth:`item_mask` on the arrays of an item attribute frame."""
        mask = np.ones(len(item_rows), dtype=bool)
        if self.active_only:
            mask &= a.active[item_rows]
        if not self.remote_allowed:
            mask &= ~a.remote[item_rows]
        if self.min_wage is not None:
            mask &= a.best_salary[item_rows] >= float(self.min_wage)
        if self.employment_types:
            mask &= a.offers_any(self.employment_types)[item_rows]
        return mask

    def place_mask(self, dataset: "Dataset", user_row: int, item_rows: np.ndarray) -> np.ndarray:
        """Boolean mask over ``item_rows`` of the place rules (or the reach) for one user."""
        if not (self.uses_place or self.uses_reach(dataset.user_attributes)):
            return np.ones(len(item_rows), dtype=bool)
        return self._place_choice(_user_attributes(dataset).iloc[user_row], PlaceColumns.of(dataset, item_rows))[0]

    def _place_choice(self, user: Mapping, items: "PlaceColumns", connected: np.ndarray | None = None) -> tuple[np.ndarray, int | None]:
        """The place mask for one user and, when their reach decided it, the index of the reach step shown.

        ``connected``: per item, whether it is connected to the user (a commuting reach widens for more of them).
        """
        if not self.uses_place:
            if self.uses_reach(user):
                reach, masks = self._reach_masks(user, items)
                step = int(chosen_steps(reach, masks, items.remote, None if connected is None else connected[None, :])[0])
                return masks[step], step
            return np.ones(len(items.regency), dtype=bool), None
        mask = np.ones(len(items.regency), dtype=bool)
        if self.same_regency:
            mask &= items.regency == user[UserAttr.Regency]
        if self.province_only:
            mask &= items.in_province(user[UserAttr.Province])
        if self.radius_km:
            distance = items.distance_km(user[UserAttr.Latitude], user[UserAttr.Longitude])
            mask &= np.nan_to_num(distance, nan=np.inf) <= float(self.radius_km)
        if self.remote_allowed:
            mask |= items.remote
        return mask, None

    @staticmethod
    def _reach_masks(user: Mapping, items: "PlaceColumns") -> tuple[Reach, list[np.ndarray]]:
        reach = Reach(str(user[UserAttr.Reach]), int(user[UserAttr.CommuteKm]))
        return reach, items.reach_masks(reach, user[UserAttr.Latitude], user[UserAttr.Longitude], user[UserAttr.Province])

    def user_candidates(self, items: "ItemArrays", user: Mapping, item_rows: np.ndarray) -> np.ndarray:
        """The candidate item rows of one user, as :meth:`candidate_groups` gives them to the user's group.

        ``user`` maps the :class:`UserAttr` place names (regency, province,
        latitude, longitude, and reach and commute_km when known) to values.
        """
        return self.user_candidates_and_step(items, user, item_rows)[0]

    def user_candidates_and_step(
        self, items: "ItemArrays", user: Mapping, item_rows: np.ndarray, connected_of=None, places: "PlaceColumns | None" = None
    ) -> tuple[np.ndarray, int | None]:
        """:meth:`user_candidates` and the index of the reach step they come from (None: no reach applied).

        ``connected_of(rows)``: whether each of those item rows is connected to the user (see :meth:`_place_choice`).
        ``places``: kept :class:`PlaceColumns` of exactly ``item_rows`` (a served catalogue's active
        vacancies), whose remembered reach masks are used when every item passes the item rules.
        """
        mask = self.items_mask(items, item_rows)
        whole = places is not None and places.rows is item_rows and bool(mask.all())
        base = np.asarray(item_rows) if whole else np.asarray(item_rows)[mask]
        if not (self.uses_place or self.uses_reach(user)):
            return base, None
        connected = connected_of(base) if connected_of is not None and self.uses_reach(user) else None
        mask, step = self._place_choice(user, places if whole else PlaceColumns.at(items, base), connected)
        return base[mask], step

    def candidate_groups(
        self, dataset: "Dataset", user_rows: np.ndarray, item_rows: np.ndarray
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(positions into ``user_rows``, candidate item rows) per group of users sharing a place."""
        base = np.asarray(item_rows)[self.item_mask(dataset, item_rows)]
        by_reach = self.uses_reach(dataset.user_attributes)
        if not (self.uses_place or by_reach):
            yield np.arange(len(user_rows)), base
            return
        users = _user_attributes(dataset)
        places = PlaceColumns.of(dataset, base)
        if by_reach:
            yield from self._reach_groups(dataset, users, user_rows, base, places)
            return
        # the coarsest place that decides the candidates: fewer, larger groups make better matrix products
        level = UserAttr.Regency if (self.same_regency or self.radius_km) else UserAttr.Province
        keys = users[level].to_numpy()[user_rows].astype(str)
        for positions in _groups(keys):
            yield positions, base[self._place_choice(users.iloc[int(user_rows[positions[0]])], places)[0]]

    def _reach_groups(self, dataset: "Dataset", users: pd.DataFrame, user_rows: np.ndarray, base: np.ndarray, places: "PlaceColumns"):
        """(positions, candidates) per group of users sharing a home regency, a reach and the step it shows."""
        connected = ConnectionIndex(dataset.item_features).connected(dataset.user_features.rows(user_rows), base)
        for positions, step, mask in self._reach_choices(users, user_rows, places, connected):
            yield positions, base[mask]

    def _reach_choices(self, users: pd.DataFrame, user_rows: np.ndarray, places: "PlaceColumns", connected):
        """(positions, step, mask) per group of users sharing a home regency, a reach and the step shown."""
        keys = np.char.add(np.char.add(users[UserAttr.Regency].to_numpy()[user_rows].astype(str),
                                       "|" + users[UserAttr.Reach].to_numpy()[user_rows].astype(str)),
                           "|" + users[UserAttr.CommuteKm].to_numpy()[user_rows].astype(str))
        for positions in _groups(keys):
            reach, masks = self._reach_masks(users.iloc[int(user_rows[positions[0]])], places)
            steps = chosen_steps(reach, masks, places.remote, connected[positions])
            for step in np.unique(steps):
                yield positions[steps == step], int(step), masks[step]

    def reach_steps(self, dataset: "Dataset", user_rows: np.ndarray, item_rows: np.ndarray) -> np.ndarray:
        """Per user, the index of the reach step their list comes from (0: their own reach; -1: no reach applied)."""
        user_rows = np.asarray(user_rows)
        steps = np.full(len(user_rows), -1, dtype=np.int64)
        if not self.uses_reach(dataset.user_attributes):
            return steps
        base = np.asarray(item_rows)[self.item_mask(dataset, item_rows)]
        connected = ConnectionIndex(dataset.item_features).connected(dataset.user_features.rows(user_rows), base)
        for positions, step, _ in self._reach_choices(_user_attributes(dataset), user_rows, PlaceColumns.of(dataset, base), connected):
            steps[positions] = step
        return steps

    # ------------------------------------------------------------------ exclusions

    def excluded_items(self, dataset: "Dataset", user_rows: np.ndarray) -> sp.csr_matrix | None:
        """Boolean (len(user_rows), n_items) of items never to show these users."""
        excluded = dataset.seen_items(user_rows, kinds=self.exclude_kinds) if self.exclude_kinds else None
        if self.exclude_items:
            ids = dataset.user_id_map.external_ids[user_rows]
            rows, cols = [], []
            for position, user_id in enumerate(ids):
                extra = self.exclude_items.get(user_id)
                if not extra:
                    continue
                found = dataset.item_id_map.to_internal(np.asarray(list(extra)), strict=False)
                found = found[found >= 0]
                rows.extend([position] * len(found))
                cols.extend(found.tolist())
            live = sp.csr_matrix(
                (np.ones(len(rows), dtype=bool), (rows, cols)), shape=(len(user_rows), dataset.n_items), dtype=bool
            )
            excluded = live if excluded is None else (excluded + live).astype(bool)
        return excluded


#: Memory for the reach masks a kept :class:`PlaceColumns` remembers (one byte per item and step).
REMEMBERED_MASK_BYTES = 64_000_000


class PlaceColumns:
    """The place attributes of some items, gathered only when read (compared per user or user group).

    Distances and same-province checks use the catalogue's precomputed terms
    (:class:`ItemArrays`), so a request costs a few vector operations over its
    candidates. Columns kept for many requests (``remember=True``: a served
    catalogue's active vacancies) also remember each place's reach masks:
    participants of one regency share them, so most requests only look them up.
    """

    def __init__(self, arrays: "ItemArrays", rows: np.ndarray, remember: bool = False) -> None:
        self.arrays, self.rows = arrays, np.asarray(rows)
        self._masks: dict | None = {} if remember else None
        self._most_masks = max(16, REMEMBERED_MASK_BYTES // max(4 * len(self.rows), 1))

    @classmethod
    def of(cls, dataset: "Dataset", item_rows: np.ndarray) -> "PlaceColumns":
        attrs = dataset.item_attributes
        if attrs is None:
            raise UserError("place filters need vacancy regions, which only the project database has")
        return cls.at(ItemArrays.of(attrs), item_rows)

    @classmethod
    def at(cls, a: "ItemArrays", item_rows: np.ndarray) -> "PlaceColumns":
        return cls(a, item_rows)

    @cached_property
    def regency(self) -> np.ndarray:
        return self.arrays.regency[self.rows]

    @cached_property
    def province(self) -> np.ndarray:
        return self.arrays.province[self.rows]

    @cached_property
    def latitude(self) -> np.ndarray:
        return self.arrays.latitude[self.rows]

    @cached_property
    def longitude(self) -> np.ndarray:
        return self.arrays.longitude[self.rows]

    @cached_property
    def remote(self) -> np.ndarray:
        return self.arrays.remote[self.rows]

    def distance_km(self, latitude, longitude) -> np.ndarray:
        """:func:`haversine_km` from one place to these items (NaN where either place is unknown)."""
        return self.arrays.distance_km(latitude, longitude, self.rows)

    def in_province(self, province) -> np.ndarray:
        """Boolean per item: in ``province`` (a code; unknown matches nothing)."""
        code = self.arrays.province_index.get(province, -1) if isinstance(province, str) else -1
        return self.arrays.province_code[self.rows] == code if code >= 0 else np.zeros(len(self.rows), dtype=bool)

    def reach_masks(self, reach: Reach, latitude, longitude, province) -> list[np.ndarray]:
        """Per step of ``reach``, the (read-only) mask of these items inside it, seen from a home place."""
        key = (reach.kind, reach.commute_km, float(latitude), float(longitude), province)
        found = None if self._masks is None else self._masks.get(key)
        if found is not None:
            return found
        masks = step_masks(reach, self.distance_km(latitude, longitude), self.in_province(province), self.remote)
        if self._masks is not None and np.isfinite(key[2]) and np.isfinite(key[3]):
            for mask in masks:
                mask.flags.writeable = False
            if len(self._masks) >= self._most_masks:
                self._masks.clear()  # bounded; regencies are few, so it refills with the ones in use
            self._masks[key] = masks
        return masks


@dataclass
class ItemArrays:
    """The filter columns of an item attribute frame as numpy arrays, computed once per frame.

    A catalogue's attributes do not change while it is served, so every
    request (and every batch of ``score-all``) reads these arrays instead of
    slicing the frame again. :meth:`of` keeps one per frame object.
    """

    active: np.ndarray
    remote: np.ndarray
    regency: np.ndarray
    province: np.ndarray
    latitude: np.ndarray
    longitude: np.ndarray
    best_salary: np.ndarray  # max, else min; -1 when neither is stated
    salary_min: np.ndarray
    salary_max: np.ndarray
    employment_types: np.ndarray  # the stored comma-separated text ("" when none)
    _offers: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        # terms of the haversine formula per item, and provinces as integer codes, made once per catalogue
        latitude, longitude = np.radians(self.latitude), np.radians(self.longitude)
        self._trig = np.stack([np.sin(latitude), np.cos(latitude), np.sin(longitude), np.cos(longitude)])
        codes, names = pd.factorize(pd.Series(self.province, dtype=object), use_na_sentinel=True)
        self.province_code = codes.astype(np.int32)
        self.province_index = {str(name): i for i, name in enumerate(names)}

    def distance_km(self, latitude, longitude, rows: np.ndarray) -> np.ndarray:
        """:func:`haversine_km` from one place to the items at ``rows``, from the items' precomputed sines and cosines."""
        lat, lon = np.radians(float(latitude)), np.radians(float(longitude))
        sin_lat, cos_lat, sin_lon, cos_lon = self._trig[:, rows]
        cos_dlat = np.cos(lat) * cos_lat + np.sin(lat) * sin_lat  # cos(lat2 - lat1)
        cos_dlon = np.cos(lon) * cos_lon + np.sin(lon) * sin_lon  # cos(lon2 - lon1)
        a = (1.0 - cos_dlat) / 2 + np.cos(lat) * cos_lat * (1.0 - cos_dlon) / 2  # sin^2(dlat/2) + cos cos sin^2(dlon/2)
        return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))

    @classmethod
    def of(cls, attrs: pd.DataFrame) -> "ItemArrays":
        key = id(attrs)
        with _ARRAYS_LOCK:
            held = _ARRAYS.get(key)
            if held is not None and held[0]() is attrs:
                return held[1]
        best = attrs[ItemAttr.SalaryMax].fillna(attrs[ItemAttr.SalaryMin]).to_numpy(dtype=np.float64)
        arrays = cls(
            active=attrs[ItemAttr.Active].to_numpy(dtype=bool),
            remote=attrs[ItemAttr.Remote].to_numpy(dtype=bool),
            regency=attrs[ItemAttr.Regency].to_numpy(),
            province=attrs[ItemAttr.Province].to_numpy(),
            latitude=attrs[ItemAttr.Latitude].to_numpy(dtype=np.float64),
            longitude=attrs[ItemAttr.Longitude].to_numpy(dtype=np.float64),
            best_salary=np.nan_to_num(best, nan=-1.0),
            salary_min=attrs[ItemAttr.SalaryMin].to_numpy(dtype=np.float64),
            salary_max=attrs[ItemAttr.SalaryMax].to_numpy(dtype=np.float64),
            employment_types=attrs[ItemAttr.EmploymentTypes].fillna("").astype(str).to_numpy(),
        )
        with _ARRAYS_LOCK:
            _ARRAYS[key] = (weakref.ref(attrs, lambda _ref, key=key: _ARRAYS.pop(key, None)), arrays)
        return arrays

    def offers_any(self, types) -> np.ndarray:
        """Boolean per item: offers at least one of ``types``."""
        wanted = frozenset(types)
        mask = self._offers.get(wanted)
        if mask is None:
            distinct, inverse = np.unique(self.employment_types, return_inverse=True)
            hit = np.array([bool(wanted.intersection(s.split(","))) for s in distinct], dtype=bool)
            mask = hit[inverse] if len(distinct) else np.zeros(0, dtype=bool)
            self._offers[wanted] = mask
        return mask


def _groups(keys: np.ndarray):
    """Positions of equal keys, group by group (stable order within a group)."""
    order = np.argsort(keys, kind="stable")
    boundaries = np.flatnonzero(keys[order][1:] != keys[order][:-1]) + 1
    yield from np.split(order, boundaries)


_ARRAYS: dict[int, tuple] = {}
_ARRAYS_LOCK = threading.Lock()


def _item_attributes(dataset: "Dataset", filters: ItemFilters) -> pd.DataFrame | None:
    attrs = dataset.item_attributes
    needs = filters.uses_place or filters.min_wage is not None or filters.employment_types or not filters.remote_allowed
    if attrs is None and needs:
        raise UserError("these filters need vacancy attributes (region, wage, type), which only the project database has")
    return attrs


def _user_attributes(dataset: "Dataset") -> pd.DataFrame:
    if dataset.user_attributes is None:
        raise UserError("place filters need participant regions, which only the project database has")
    return dataset.user_attributes
