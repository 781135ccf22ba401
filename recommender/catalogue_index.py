"""What ranking any participant against one catalogue needs, built once per (model, catalogue).

:class:`CatalogueIndex` holds the model's item side of every vacancy
(:meth:`recommender.base.Recommender.item_side`, the model's own code), the
same side taken over the active vacancies only and stored contiguously (a
catalogue keeps expired postings the model knows, but requests rank only
active ones), the business-filter columns as arrays, and every vacancy's
display fields and asked skills. A request then builds only the
participant's user side and scores the candidates: O(candidates x features).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, select

from prakerja.models import Province, Regency, Skill, Vacancy, VacancySkill, VacancySource
from recommender.base import Recommender
from recommender.connection import ConnectionIndex
from recommender.dataset import Dataset, IdMap
from recommender.features import _read
from recommender.filters import ItemArrays, PlaceColumns


def vacancy_details(engine: Engine, vacancy_ids) -> pd.DataFrame:
    """Display fields of vacancies (names of regency and province, a source URL), indexed by id in the order given.

    ``vacancy_ids=None`` gives every vacancy (the index keeps them per catalogue).
    """
    ids = None if vacancy_ids is None else [int(v) for v in vacancy_ids]
    query = (
        select(
            Vacancy.id,
            Vacancy.title,
            Vacancy.company,
            Regency.name.label("regency_name"),
            Province.name.label("province_name"),
            Vacancy.salary_min_idr,
            Vacancy.salary_max_idr,
            Vacancy.employment_types,
            Vacancy.posted_at,
        )
        .outerjoin(Regency, Regency.code == Vacancy.regency_code)
        .outerjoin(Province, Province.code == Vacancy.province_code)
    )
    url_query = select(VacancySource.vacancy_id, func.min(VacancySource.url).label("url")).group_by(VacancySource.vacancy_id)
    if ids is not None:
        query = query.where(Vacancy.id.in_(ids))
        url_query = url_query.where(VacancySource.vacancy_id.in_(ids))
    frame = _read(engine, query).set_index("id")
    urls = _read(engine, url_query)
    frame["url"] = pd.Series(dict(zip(urls["vacancy_id"], urls["url"]))) if not urls.empty else None
    if ids is None:
        return frame.sort_index()
    return frame.reindex([i for i in dict.fromkeys(ids) if i in frame.index])


def _value_or_none(value):
    """A scalar, or None when it is missing (None, NaN, NaT, pd.NA)."""
    return value if pd.notna(value) else None


def _int_or_none(value) -> int | None:
    return int(value) if pd.notna(value) else None


def display_fields(d) -> dict:
    """The display fields of a vacancy from its row of :func:`vacancy_details`, as plain values (None when missing)."""
    posted = d["posted_at"]
    return dict(
        title=_value_or_none(d["title"]) or "",
        company=_value_or_none(d["company"]),
        regency_name=_value_or_none(d["regency_name"]),
        province_name=_value_or_none(d["province_name"]),
        salary_min=_int_or_none(d["salary_min_idr"]),
        salary_max=_int_or_none(d["salary_max_idr"]),
        employment_types=[t for t in str(_value_or_none(d["employment_types"]) or "").split(",") if t and t.lower() != "nan"],
        posted_at=pd.Timestamp(posted).to_pydatetime() if pd.notna(posted) else None,
        url=_value_or_none(d["url"]),
    )


@dataclass
class VacancyDisplay:
    """Display columns of every vacancy as arrays in catalogue row order (see :func:`vacancy_details`)."""

    columns: dict[str, np.ndarray]
    skills: dict[int, list[tuple[int, str, bool]]] = field(default_factory=dict)  # vacancy id -> (skill id, name, required)
    _fields: dict[int, dict] = field(default_factory=dict, repr=False)

    def fields(self, item_row: int) -> dict:
        """:func:`display_fields` of a row, converted once and kept (treat as read-only)."""
        found = self._fields.get(item_row)
        if found is None:
            found = self._fields[item_row] = display_fields({name: values[item_row] for name, values in self.columns.items()})
        return found


def load_display(engine: Engine, catalogue_ids: IdMap) -> VacancyDisplay:
    """Display columns aligned with the catalogue's rows, and each vacancy's skills (ordered as explanations list them)."""
    aligned = vacancy_details(engine, None).reindex(catalogue_ids.external_ids)
    columns = {name: aligned[name].to_numpy() for name in aligned.columns}
    rows = _all(engine, select(VacancySkill.vacancy_id, Skill.id, Skill.name_id, VacancySkill.required)
                .join(Skill, Skill.id == VacancySkill.skill_id).order_by(VacancySkill.vacancy_id, Skill.name_id))
    skills: dict[int, list[tuple[int, str, bool]]] = {}
    for vacancy_id, skill_id, name, required in rows:
        skills.setdefault(int(vacancy_id), []).append((int(skill_id), name, required))
    return VacancyDisplay(columns, skills)


def load_skills(engine: Engine) -> dict[str, tuple[int, str]]:
    """slug -> (skill id, name) for every skill."""
    return {slug: (int(i), name) for i, slug, name in _all(engine, select(Skill.id, Skill.slug, Skill.name_id))}


def _all(engine: Engine, statement) -> list:
    with engine.connect() as connection:
        return connection.execute(statement).all()


class CatalogueIndex:
    """One model's item side over one catalogue, with the filter columns and display fields (see the module docstring)."""

    def __init__(self, model: Recommender, catalogue: Dataset, display: VacancyDisplay, skills: dict[str, tuple[int, str]]) -> None:
        self.model = model
        self.catalogue = catalogue
        self.items = ItemArrays.of(catalogue.item_attributes)
        self.display = display
        self.skills = skills  # slug -> (skill id, name)
        self.item_side: Any = model.catalogue_side(catalogue)
        self._connections: ConnectionIndex | None = None
        self._row_of: dict[int, int] | None = None
        self._index_active()

    def _index_active(self) -> None:
        """What is kept of the active vacancies: their contiguous item side, reach masks and connection index."""
        self.active_rows = np.flatnonzero(self.items.active)
        self.active_side: Any = self.item_side.take(self.active_rows)
        self.active_places = PlaceColumns(self.items, self.active_rows, remember=True)  # reach masks per home place
        # which vacancies connect to a participant (a commuting reach may widen for them): the active ones, kept
        self.active_connections = ConnectionIndex(self.catalogue.item_features.rows(self.active_rows))
        self._all_active = np.arange(len(self.active_rows))

    def reopened(self, catalogue: Dataset) -> "CatalogueIndex":
        """This index over ``catalogue``: the same vacancies and features, only which are active changed.

        The model's item side, display fields, skills and lookups are shared;
        the active side, reach masks and connection index are made again.
        """
        if catalogue.item_features is not self.catalogue.item_features:
            raise ValueError("a reopened index needs the same catalogue features")
        index = copy.copy(self)
        index.catalogue = catalogue
        index.items = ItemArrays.of(catalogue.item_attributes)
        index._index_active()
        return index

    def item_rows(self, vacancy_ids) -> np.ndarray:
        """Sorted catalogue rows of the known ``vacancy_ids`` (unknown ones are left out)."""
        if self._row_of is None:
            self._row_of = {int(v): i for i, v in enumerate(self.catalogue.item_id_map.external_ids)}
        return np.unique(np.array([self._row_of[v] for v in vacancy_ids if v in self._row_of], dtype=np.int64))

    def skills_of(self, engine: Engine, slugs) -> dict[str, tuple[int, str]]:
        """slug -> (skill id, name) of ``slugs`` (a skill added after the catalogue was loaded is read then)."""
        missing = [slug for slug in slugs if slug not in self.skills]
        if missing:
            found = _all(engine, select(Skill.slug, Skill.id, Skill.name_id).where(Skill.slug.in_(missing)))
            self.skills = {**self.skills, **{slug: (int(i), name) for slug, i, name in found}}
        return {slug: self.skills[slug] for slug in slugs}

    def connected(self, features, item_rows: np.ndarray) -> np.ndarray:
        """Boolean per catalogue row of ``item_rows``: the vacancy asks for something the participant of ``features`` holds.

        The served candidates are the active vacancies, looked up in their own
        index; other rows (replays of expired vacancies) in one over the catalogue.
        """
        if item_rows is self.active_rows:
            return self.active_connections.connected(features, self._all_active)[0]
        if self._connections is None:
            self._connections = ConnectionIndex(self.catalogue.item_features)
        return self._connections.connected(features, item_rows)[0]

    def scores(self, user_side: Any, item_rows: np.ndarray) -> np.ndarray:
        """The model's scores of the catalogue rows ``item_rows`` for one user side: float32 (1, len(item_rows)), writable.

        When every candidate is active (the default filter) they are scored on
        the contiguous active side; the numbers are the model's either way.
        """
        positions = np.searchsorted(self.active_rows, item_rows)
        inside = positions < len(self.active_rows)
        if len(item_rows) and inside.all() and np.array_equal(self.active_rows[positions], item_rows):
            return np.array(self.model.score_sides(user_side, self.active_side, positions), dtype=np.float32)
        return np.array(self.model.score_sides(user_side, self.item_side, item_rows), dtype=np.float32)
