"""Business filters on recommendations: what a participant may be shown at all.

Rules (documented in docs/recommender.md):

* ``active_only``: the vacancy is active and not expired at the dataset's "now".
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

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

import numpy as np
import pandas as pd
import scipy.sparse as sp

from prakerja import vocab
from prakerja.errors import UserError
from recommender.attributes import ItemAttr, UserAttr

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
        return bool(self.same_regency or self.province_only or self.radius_km)

    # ------------------------------------------------------------------ items

    def item_mask(self, dataset: "Dataset", item_rows: np.ndarray) -> np.ndarray:
        """Boolean mask over ``item_rows`` of the user-independent rules."""
        attrs = _item_attributes(dataset, self)
        if attrs is None:
            return np.ones(len(item_rows), dtype=bool)
        a = attrs.iloc[item_rows]
        mask = np.ones(len(item_rows), dtype=bool)
        if self.active_only:
            mask &= a[ItemAttr.Active].to_numpy(dtype=bool)
        if not self.remote_allowed:
            mask &= ~a[ItemAttr.Remote].to_numpy(dtype=bool)
        if self.min_wage is not None:
            best = a[ItemAttr.SalaryMax].fillna(a[ItemAttr.SalaryMin]).to_numpy(dtype=np.float64)
            mask &= np.nan_to_num(best, nan=-1.0) >= float(self.min_wage)
        if self.employment_types:
            wanted = set(self.employment_types)
            offered = a[ItemAttr.EmploymentTypes].fillna("").astype(str)
            mask &= offered.map(lambda s: bool(wanted.intersection(s.split(",")))).to_numpy(dtype=bool)
        return mask

    def place_mask(self, dataset: "Dataset", user_row: int, item_rows: np.ndarray) -> np.ndarray:
        """Boolean mask over ``item_rows`` of the place rules for one user."""
        if not self.uses_place:
            return np.ones(len(item_rows), dtype=bool)
        return self._place_mask(_user_attributes(dataset).iloc[user_row], PlaceColumns.of(dataset, item_rows))

    def _place_mask(self, user: pd.Series, items: "PlaceColumns") -> np.ndarray:
        mask = np.ones(len(items.regency), dtype=bool)
        if self.same_regency:
            mask &= items.regency == user[UserAttr.Regency]
        if self.province_only:
            mask &= items.province == user[UserAttr.Province]
        if self.radius_km:
            distance = haversine_km(user[UserAttr.Latitude], user[UserAttr.Longitude], items.latitude, items.longitude)
            mask &= np.nan_to_num(distance, nan=np.inf) <= float(self.radius_km)
        if self.remote_allowed:
            mask |= items.remote
        return mask

    def candidate_groups(
        self, dataset: "Dataset", user_rows: np.ndarray, item_rows: np.ndarray
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(positions into ``user_rows``, candidate item rows) per group of users sharing a place."""
        base = np.asarray(item_rows)[self.item_mask(dataset, item_rows)]
        if not self.uses_place:
            yield np.arange(len(user_rows)), base
            return
        users = _user_attributes(dataset)
        places = PlaceColumns.of(dataset, base)
        # the coarsest place that decides the candidates: fewer, larger groups make better matrix products
        level = UserAttr.Regency if (self.same_regency or self.radius_km) else UserAttr.Province
        keys = users[level].to_numpy()[user_rows].astype(str)
        order = np.argsort(keys, kind="stable")
        boundaries = np.flatnonzero(keys[order][1:] != keys[order][:-1]) + 1
        for positions in np.split(order, boundaries):
            yield positions, base[self._place_mask(users.iloc[int(user_rows[positions[0]])], places)]

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


@dataclass(frozen=True)
class PlaceColumns:
    """The place attributes of some items as plain arrays (read once, compared per user group)."""

    regency: np.ndarray
    province: np.ndarray
    latitude: np.ndarray
    longitude: np.ndarray
    remote: np.ndarray

    @classmethod
    def of(cls, dataset: "Dataset", item_rows: np.ndarray) -> "PlaceColumns":
        attrs = dataset.item_attributes
        if attrs is None:
            raise UserError("place filters need vacancy regions, which only the project database has")
        return cls(
            regency=attrs[ItemAttr.Regency].to_numpy()[item_rows],
            province=attrs[ItemAttr.Province].to_numpy()[item_rows],
            latitude=attrs[ItemAttr.Latitude].to_numpy(dtype=np.float64)[item_rows],
            longitude=attrs[ItemAttr.Longitude].to_numpy(dtype=np.float64)[item_rows],
            remote=attrs[ItemAttr.Remote].to_numpy(dtype=bool)[item_rows],
        )


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
