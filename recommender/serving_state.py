"""The promoted model and the vacancy catalogue, loaded once per process and reloaded on change.

:class:`ModelCache` keeps, per database, a :class:`ServingState`: the fitted
model, its run id, the catalogue (every vacancy's features and attributes,
judged active at its ``now``) and the :class:`~recommender.catalogue_index.CatalogueIndex`
built from them. It reloads when the promoted run or the catalogue changes
(or after ``ttl_seconds``). The participant's own side is read fresh on every
call, so a training completed or a vacancy dismissed a second ago counts at once.

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
from recommender.base import Recommender
from recommender.catalogue_index import CatalogueIndex, load_display, load_skills
from recommender.dataset import Dataset, Features, IdMap
from recommender.features import default_now, load_vacancies
from recommender.models import Grounded
from recommender.registry import load_run, promoted_run_key


@dataclass
class Catalogue:
    """Every vacancy's features and attributes, judged active at ``now``."""

    id_map: IdMap
    features: Features
    attributes: pd.DataFrame
    now: dt.datetime

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
    return Catalogue(part.id_map, Features.from_long(part.features, part.id_map), part.attributes, moment)


def content_fallback(catalogue: Catalogue) -> Grounded:
    """The content model fitted on the catalogue alone (every vacancy feature may be shared), with the connection rule.

    Without participants' interactions there is no distance weight to fit and no evidence of similar applicants.
    """
    return Grounded(base="content", distance_weight=0.0).fit(catalogue.dataset())


def serving_state(engine: Engine, model: Recommender, run_id: int | None, catalogue: Catalogue, key: tuple = ()) -> ServingState:
    """A :class:`ServingState` of ``model`` over ``catalogue`` (its index built now)."""
    index = CatalogueIndex(model, catalogue.dataset(), load_display(engine, catalogue.id_map), load_skills(engine))
    return ServingState(model, run_id, catalogue, key, time.monotonic(), index)


class ModelCache:
    """The promoted model and the catalogue, loaded once per process and reloaded on change.

    Parameters
    ----------
    ttl_seconds
        Reload at least this often even when nothing seems changed (vacancies
        expire as time passes).
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
            fresh = state is not None and state.key == key and time.monotonic() - state.loaded_at < self.ttl_seconds
            if not fresh:
                state = self._load(engine, key)
                self._states[url] = state
            return state

    def clear(self) -> None:
        with self._lock:
            self._states.clear()

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
