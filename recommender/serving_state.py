"""The promoted model and the vacancy catalogue, loaded once per process and reloaded on change.

:class:`ModelCache` keeps, per database, a :class:`ServingState`: the fitted
model, its run id, the catalogue (every vacancy's features and attributes,
judged active at its ``now``) and the :class:`~recommender.catalogue_index.CatalogueIndex`
built from them. It reloads when the promoted run or the catalogue changes;
when only time passed (``ttl_seconds``) it judges the same vacancies active
again at the new moment without reading the table (:func:`reopened_state`).
The participant's own side is read fresh on every call, so a training
completed or a vacancy dismissed a second ago counts at once.

Without a promoted run the documented fallback is the content model with the
connection rule (it needs no interactions); such results carry ``model_run_id=None``.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sqlalchemy import Engine, func, select

from prakerja.columns import Columns
from prakerja.db import reading
from prakerja.models import Vacancy
from recommender.attributes import ItemAttr
from recommender.base import Recommender
from recommender.catalogue_index import CatalogueIndex, load_display, load_skills
from recommender.dataset import Dataset, Features, IdMap
from recommender.features import default_now, load_vacancies, open_at
from recommender.models import Grounded
from recommender.registry import load_run, promoted_run_key


@dataclass
class Catalogue:
    """Every vacancy's features and attributes, judged active at ``now`` (``opening``: what that was judged from)."""

    id_map: IdMap
    features: Features
    attributes: pd.DataFrame
    now: dt.datetime
    opening: pd.DataFrame | None = None

    def reopened(self, now) -> "Catalogue":
        """The same vacancies judged active at ``now``: what time alone changes, without reading the table again."""
        if self.opening is None:
            raise ValueError("this catalogue was not loaded with its opening columns")
        attributes = self.attributes.copy(deep=False)
        attributes[ItemAttr.Active] = open_at(self.opening["status"], self.opening["first_seen"],
                                              self.opening["expires_at"], self.opening["last_seen"], now)
        return Catalogue(self.id_map, self.features, attributes, now, self.opening)

    def dataset(self) -> Dataset:
        """The catalogue as a dataset without users (what item sides and compatibility checks read)."""
        return Dataset(
            user_id_map=IdMap(np.array([], dtype=np.int64)),
            item_id_map=self.id_map,
            interactions=pd.DataFrame(columns=Columns.Interactions),
            user_features=Features(sp.csr_matrix((0, len(self.features.names)), dtype=np.float32), self.features.names),
            item_features=self.features,
            item_attributes=self.attributes,
            meta={"now": pd.Timestamp(self.now).isoformat()},
        )


@dataclass
class ServingState:
    """What serving needs: a fitted model, its run id, the catalogue and the index of the two."""

    model: Recommender
    run_id: int | None
    catalogue: Catalogue
    key: tuple
    loaded_at: float
    index: CatalogueIndex


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
    return Catalogue(part.id_map, Features.from_long(part.features, part.id_map), part.attributes, moment, part.opening)


def content_fallback(catalogue: Catalogue) -> Grounded:
    """The content model fitted on the catalogue alone (every vacancy feature may be shared), with the connection rule.

    Without participants' interactions there is no distance weight to fit and no evidence of similar applicants.
    """
    return Grounded(base="content", distance_weight=0.0).fit(catalogue.dataset())


def serving_state(engine: Engine, model: Recommender, run_id: int | None, catalogue: Catalogue, key: tuple = ()) -> ServingState:
    """A :class:`ServingState` of ``model`` over ``catalogue`` (its index built now)."""
    index = CatalogueIndex(model, catalogue.dataset(), load_display(engine, catalogue.id_map), load_skills(engine))
    return ServingState(model, run_id, catalogue, key, time.monotonic(), index)


def reopened_state(state: ServingState, now=None, catalogue: Catalogue | None = None) -> ServingState:
    """``state`` with its vacancies judged active again at ``now`` (default: the real clock).

    When neither the promoted run nor the table changed, only time did: the
    vacancies that expired or opened since. The model's item side, the display
    fields and the skills are kept; only the active side, its reach masks and
    its connection index are made again. On 100,000 vacancies a full reload
    costs a worker about 10 s of CPU (most of it reading the table), this a
    fraction of a second. ``catalogue``: the reopened catalogue when the
    caller has one already (the arms of an experiment share the promoted state's).
    """
    catalogue = catalogue if catalogue is not None else state.catalogue.reopened(now if now is not None else default_now())
    index = state.index.reopened(catalogue.dataset())
    return ServingState(state.model, state.run_id, catalogue, state.key, time.monotonic(), index)


class ModelCache:
    """The promoted model and the catalogue, loaded once per process and reloaded on change.

    Parameters
    ----------
    ttl_seconds
        Judge the vacancies active again at least this often even when nothing
        changed (vacancies expire and open as time passes).
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
            renewed = self._renewed(engine, state, key)
            if renewed is not None:
                state = self._states[url] = renewed
            return state

    def clear(self) -> None:
        with self._lock:
            self._states.clear()

    def _renewed(self, engine: Engine, state: ServingState | None, key: tuple) -> ServingState | None:
        """The state to serve instead of ``state`` (None: keep it).

        A new promoted run or catalogue (``key``) loads in full; when only
        ``ttl_seconds`` passed, the same vacancies are judged active again
        (:func:`reopened_state`; a full load when the catalogue cannot be).
        """
        if state is None or state.key != key or (state.catalogue.opening is None and self._aged(state)):
            return self._load(engine, key)
        return reopened_state(state) if self._aged(state) else None

    def _aged(self, state: ServingState) -> bool:
        return time.monotonic() - state.loaded_at >= self.ttl_seconds

    @staticmethod
    def _load(engine: Engine, key: tuple) -> ServingState:
        run_id = key[0][0] if key[0] is not None else None
        catalogue = load_catalogue(engine)
        if run_id is None:
            model: Recommender = content_fallback(catalogue)
        else:
            loaded = load_run(engine, run_id)
            loaded.check_compatible(catalogue.dataset())
            model = loaded.model
        return serving_state(engine, model, run_id, catalogue, key)


#: The process-wide cache used when callers pass no cache of their own.
MODEL_CACHE = ModelCache()
