"""What serving one participant needs, precomputed once per (model, catalogue), so a request costs O(k x features).

:class:`recommender.matching.ModelCache` builds a :class:`ServingIndex` when it
loads a model and a catalogue. It holds

* the item side of the model as the model itself computes it (LightFM's
  augmented item vectors and prepared item feature rows; the content model's
  TF-IDF item vectors, transposed for scoring and as rows for explanations),
  and a name -> column lookup of the model's feature spaces;
* the business-filter columns as numpy arrays (:class:`recommender.filters.ItemArrays`);
* every vacancy's display fields and asked skills, and the skill vocabulary.

A request then reads the participant in four small queries on one connection
(the same statements training uses, so rows come in the same order), turns the
rows into features with :func:`recommender.features.one_participant_features`,
computes only the participant's side of the model, and scores every item once.
Each step repeats the model's own arithmetic on the same inputs in the same
order, so scores, ranks and explanations are bit-for-bit those of
``model.recommend`` on a :class:`~recommender.dataset.Dataset` of this one
participant (``tests/recommender/test_serving_index.py`` checks it). Models
other than LightFM, content and their blend are served by the generic path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sqlalchemy import Engine, select

from prakerja.db import reading
from prakerja.models import Interaction, Skill, VacancySkill
from recommender.base import Recommender
from recommender.dataset import Dataset, Features, IdMap, identity_and, normalize_families
from recommender.features import (
    _region_coordinates,
    declared_skills_query,
    occupation_ancestors,
    one_participant_features,
    participants_query,
    trained_skills_query,
    training_skill_weights,
)
from recommender.filters import ItemArrays
from recommender.models import Blend, ContentSimilarity, LightFMHybrid
from recommender.models.blend import standardise
from recommender.models.content import _l2_rows
from recommender.retrieval import augmented_user_vectors
from recommender.score_moments import ItemMoments, ScoreMoments


# ---------------------------------------------------------------------- the participant's rows


@dataclass
class ParticipantRows:
    """One participant as read for serving: features, place, skills and exclusions."""

    participant_id: int
    features: Features
    trained: list
    trained_weights: np.ndarray
    declared: list
    province: str | None
    latitude: float
    longitude: float
    wage_before: float
    regency: str | None
    excluded_vacancy_ids: list[int]


def read_participant(engine: Engine, participant_id: int, exclude_kinds=("applied", "dismissed")) -> ParticipantRows | None:
    """The participant's row, completed trainings, declared skills and excluded vacancies (None: unknown id).

    The same statements :func:`recommender.features.load_participants` runs
    (so rows come in the same order), sent in one round trip on PostgreSQL.
    """
    kinds = tuple(exclude_kinds or ())
    fetched = fetch_together(engine, int(participant_id), participant_queries(kinds))
    return participant_rows(engine, int(participant_id), kinds, *fetched)


async def read_participant_async(pool, engine: Engine, participant_id: int, exclude_kinds=("applied", "dismissed")) -> ParticipantRows | None:
    """:func:`read_participant` through an :class:`~prakerja_api.async_reads.AsyncReadPool` of the same database.

    ``engine`` gives the dialect the statements are compiled for and the cached reference data.
    """
    kinds = tuple(exclude_kinds or ())
    fetched = await fetch_together_async(pool, engine.dialect, int(participant_id), participant_queries(kinds))
    return participant_rows(engine, int(participant_id), kinds, *fetched)


def participant_queries(kinds: tuple[str, ...]) -> list[tuple[object, callable]]:
    """(cache key, statement builder) of the four reads of one participant."""
    return [
        ("participant", participants_query),
        ("trained", trained_skills_query),
        ("declared", declared_skills_query),
        (("excluded",) + kinds, lambda ids: select(Interaction.vacancy_id).where(
            Interaction.participant_id.in_(ids), Interaction.kind.in_(list(kinds) or ["-"]))),
    ]


def participant_rows(engine: Engine, participant_id: int, kinds: tuple[str, ...], person, trained, declared, excluded) -> ParticipantRows | None:
    """:class:`ParticipantRows` from the rows of :func:`participant_queries` (None when there is no participant row)."""
    if not person:
        return None
    person = person[0]
    province, latitude, longitude = regency_places(engine).get(person.regency_code, (None, np.nan, np.nan))
    weights = training_skill_weights([r.level for r in trained], [r.certificate for r in trained]) if trained else np.array([], np.float32)
    pairs = one_participant_features(person, province, trained, weights, declared, occupation_ancestors(engine))
    return ParticipantRows(
        participant_id=int(participant_id),
        features=one_row_features(pairs),
        trained=trained,
        trained_weights=weights,
        declared=declared,
        province=province,
        latitude=latitude,
        longitude=longitude,
        wage_before=np.nan if person.wage_before_idr is None else float(person.wage_before_idr),
        regency=person.regency_code,
        excluded_vacancy_ids=[int(row.vacancy_id) for row in excluded] if kinds else [],
    )


@lru_cache(maxsize=8)
def regency_places(engine: Engine) -> dict[str, tuple[str, float, float]]:
    """regency code -> (province code, latitude, longitude), read once per engine (a dict: no pandas per request)."""
    regencies, _ = _region_coordinates(engine)
    return {
        code: (province, float(latitude), float(longitude))
        for code, province, latitude, longitude in zip(
            regencies.index, regencies["province_code"], regencies["latitude"], regencies["longitude"]
        )
    }


#: A participant id no one has: compiled statements carry it where the real id goes.
_PLACEHOLDER = -987_654_321
_COMPILED: dict[tuple, tuple[str, dict]] = {}


def fetch_together(engine: Engine, participant_id: int, queries: list[tuple[object, callable]]) -> list[list]:
    """The rows of each ``query(participant_ids)`` for one participant, on one connection without a transaction.

    With psycopg the statements go in one pipeline (one round trip; compiled
    once per process, then prepared by the server); other drivers run them one by one.
    """
    with reading(engine) as connection:
        raw = connection.connection.driver_connection
        if connection.dialect.driver != "psycopg" or not hasattr(raw, "pipeline"):
            return [connection.execute(build([participant_id])).all() for _, build in queries]
        from psycopg.rows import namedtuple_row

        cursors = []
        with raw.pipeline():
            for key, build in queries:
                sql, params = _compiled(connection.dialect, key, build)
                cursor = raw.cursor(row_factory=namedtuple_row)
                cursor.execute(sql, _bound(params, participant_id))
                cursors.append(cursor)
        return [cursor.fetchall() for cursor in cursors]


async def fetch_together_async(pool, dialect, participant_id: int, queries: list[tuple[object, callable]]) -> list[list]:
    """:func:`fetch_together` on an asyncio psycopg connection: one pipelined round trip that does not hold the event loop."""
    from psycopg.rows import namedtuple_row

    async with pool.connection() as raw:
        cursors = []
        async with raw.pipeline():
            for key, build in queries:
                sql, params = _compiled(dialect, key, build)
                cursor = raw.cursor(row_factory=namedtuple_row)
                await cursor.execute(sql, _bound(params, participant_id))
                cursors.append(cursor)
        return [await cursor.fetchall() for cursor in cursors]


def _compiled(dialect, key, build) -> tuple[str, dict]:
    """The SQL text and parameters of ``build([participant id])`` for ``dialect``, compiled once per process."""
    compiled = _COMPILED.get((dialect.name, key))
    if compiled is None:
        statement = build([_PLACEHOLDER]).compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
        compiled = _COMPILED[(dialect.name, key)] = (str(statement), dict(statement.params))
    return compiled


def _bound(params: dict, participant_id: int) -> dict:
    return {k: participant_id if v == _PLACEHOLDER else v for k, v in params.items()}


def one_row_features(pairs: list[tuple[str, np.float32]]) -> Features:
    """A one-row :class:`Features` exactly as :meth:`Features.from_long` builds it (first-seen names, largest value)."""
    values: dict[str, np.float32] = {}
    for name, value in pairs:
        values[name] = max(values[name], value) if name in values else value
    names = np.asarray(list(values), dtype=object)
    data = np.asarray(list(values.values()), dtype=np.float32)
    matrix = sp.csr_matrix((data, np.arange(len(names), dtype=np.int32), np.array([0, len(names)], dtype=np.int32)),
                           shape=(1, len(names)), dtype=np.float32)
    return Features(matrix, names)


def aligned_row(features: Features, lookup: dict, names: np.ndarray) -> sp.csr_matrix:
    """``features.aligned_to(names).matrix`` with a prepared name -> column lookup instead of indexing ``names``."""
    if len(names) == len(features.names) and (names == features.names).all():
        return features.matrix
    rows, cols = [], []
    for position, name in enumerate(features.names):
        column = lookup.get(name)
        if column is not None:
            rows.append(position)
            cols.append(column)
    selector = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(len(features.names), len(names)))
    return (features.matrix @ selector).tocsr().astype(np.float32)


def mapped_values(features: Features, lookup: dict, identity: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Columns (in ``lookup``'s space) and values of a one-row :func:`one_row_features`, in its order.

    ``identity`` is the name of an identity column put first with value 1 (as
    :func:`recommender.dataset.identity_and` does); names missing from ``lookup`` are dropped.
    """
    names = list(features.names) if identity is None else [identity, *features.names]
    values = features.matrix.data if identity is None else np.concatenate([np.ones(1, np.float32), features.matrix.data])
    columns = np.fromiter((lookup.get(n, -1) for n in names), dtype=np.int64, count=len(names))
    keep = columns >= 0
    return columns[keep], values[keep].astype(np.float32)


def _times_diagonal(columns: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The order scipy's one-row product by a matrix with one entry per row (a selector, a diagonal) stores:
    the first-touched column last, exact zeros dropped (``csr_matmat``'s linked list)."""
    columns, values = columns[::-1], values[::-1]
    keep = values != 0
    return columns[keep], values[keep]


def _row_sum(values: np.ndarray) -> np.ndarray:
    """``matrix.sum(axis=1)`` of a one-row csr storing ``values``: scipy reduces with ``np.add.reduceat``."""
    if len(values) == 0:
        return np.zeros(1, dtype=values.dtype)
    return np.add.reduceat(values, np.zeros(1, dtype=np.intp))


def _one_row(columns: np.ndarray, values: np.ndarray, n_columns: int) -> sp.csr_matrix:
    return sp.csr_matrix((values.astype(np.float32), columns.astype(np.int32), np.array([0, len(values)], dtype=np.int32)),
                         shape=(1, n_columns))


# ---------------------------------------------------------------------- model parts


class LightFMPart:
    """A fitted :class:`LightFMHybrid`'s item side over the catalogue, and its user side for one participant."""

    def __init__(self, model: LightFMHybrid, catalogue: Dataset) -> None:
        self.model = model
        _, self.item_vectors = model.representations(catalogue)
        _, self.item_matrix = model.prepared_matrices(catalogue)
        self.names = model.user_feature_names_
        self.lookup = {name: i for i, name in enumerate(self.names)}
        self.how = model._normalization()
        self.gemv = self._gemv_agrees()
        self.moments: ItemMoments | None = None  # set by a z-score blend's ServingIndex (what it standardises with)

    def _gemv_agrees(self, probes: int = 4) -> bool:
        """Whether a matrix-vector product gives bit for bit the model's row-times-matrix scores here.

        ``items @ u`` takes half the time of ``u[None] @ items.T`` over a whole
        catalogue, and with this BLAS usually the very same numbers; it is
        used only when random probes agree exactly.
        """
        rng = np.random.default_rng(0)
        for _ in range(probes):
            user = rng.standard_normal((1, self.item_vectors.shape[1])).astype(np.float32)
            if not np.array_equal(user @ self.item_vectors.T, (self.item_vectors @ user[0])[None, :]):
                return False
        return True

    def user(self, participant: ParticipantRows) -> "LightFMUser":
        """The participant's prepared feature row and augmented vector, as ``model.representations`` computes them.

        For the "rows" and "none" normalisations the row is built in numpy with
        scipy's exact values and storage order (``test_serving_index`` compares
        it with :meth:`user_via_scipy`); other normalisations take that path.
        """
        if self.how not in ("rows", "none"):
            return self.user_via_scipy(participant)
        identity = f"user={participant.participant_id}" if self.model.user_identity else None
        columns, values = _times_diagonal(*mapped_values(participant.features, self.lookup, identity))  # aligned_to
        if self.how == "rows":  # normalize_rows: abs() sorts the row in place, sums it, then a diagonal product
            order = np.argsort(columns, kind="stable")
            columns, values = columns[order], values[order]
            sums = _row_sum(np.abs(values))
            sums[sums == 0] = 1.0
            columns, values = _times_diagonal(columns, (1.0 / sums).astype(np.float32)[0] * values)
        return self._vectors(_one_row(columns, values, len(self.names)))

    def user_via_scipy(self, participant: ParticipantRows) -> "LightFMUser":
        """:meth:`user` through the model's own scipy steps (any normalisation)."""
        model = self.model
        features = identity_and(participant.features, np.array([participant.participant_id], dtype=np.int64),
                                identity=model.user_identity, identity_prefix="user")
        aligned = aligned_row(features, self.lookup, self.names)
        if self.how == "family":
            # normalize_families over the columns present: the same sums and scales without a pass over every name
            present = np.unique(aligned.indices)
            compact = sp.csr_matrix((aligned.data, np.searchsorted(present, aligned.indices), aligned.indptr), shape=(1, len(present)))
            out = normalize_families(compact, self.names[present])
            x = sp.csr_matrix((out.data, present[out.indices], out.indptr), shape=aligned.shape)
        else:
            x = model._prepared(aligned, self.names)
        return self._vectors(x)

    def _vectors(self, x: sp.csr_matrix) -> "LightFMUser":
        m = self.model.model_
        vector = augmented_user_vectors(np.asarray(x @ m.user_biases).ravel(), np.asarray(x @ m.user_embeddings))
        return LightFMUser(x, vector)

    def scores(self, user: "LightFMUser", item_rows: np.ndarray | None = None) -> np.ndarray:
        """``model.score(dataset, [row], item_rows)``: float32 (1, len(item_rows)); all items when None."""
        if item_rows is None and self.gemv:
            return np.asarray(self.item_vectors @ user.vector[0], dtype=np.float32)[None, :]
        items = self.item_vectors if item_rows is None else self.item_vectors[item_rows]
        return np.asarray(user.vector @ items.T, dtype=np.float32)

    def user_moments(self, user: "LightFMUser") -> "ScoreMoments":
        """Mean and spread of the participant's scores over every catalogue item, without scoring them."""
        return self.moments.of_dense_user(user.vector[0])


@dataclass
class LightFMUser:
    matrix: sp.csr_matrix
    vector: np.ndarray


class ContentPart:
    """A fitted :class:`ContentSimilarity`'s TF-IDF item vectors over the catalogue, and one participant's vector."""

    def __init__(self, model: ContentSimilarity, catalogue: Dataset) -> None:
        self.model = model
        _, self.items_t = model.weighted_vectors(catalogue)
        self.item_rows = self.items_t.T.tocsr()
        self.names = model.feature_names_
        self.lookup = {name: i for i, name in enumerate(self.names)}
        self.scale = sp.diags(model.feature_weights_).tocsr()
        self.moments: ItemMoments | None = None  # set by a z-score blend's ServingIndex (what it standardises with)

    def user(self, participant: ParticipantRows) -> sp.csr_matrix:
        """The participant's L2-normalised TF-IDF row, as ``model.weighted_vectors`` computes it.

        Built in numpy with scipy's exact values and storage order (compared
        with :meth:`user_via_scipy` in ``test_serving_index``).
        """
        columns, values = _times_diagonal(*mapped_values(participant.features, self.lookup))  # aligned_to
        columns, values = _times_diagonal(columns, values * self.model.feature_weights_[columns])  # @ diag(weights)
        squares = values * values  # multiply(itself): sorted storage keeps its order, scipy's general path reverses it
        if len(columns) > 1 and not np.all(np.diff(columns) > 0):
            squares = squares[::-1]
        if (squares == 0).any():
            return self.user_via_scipy(participant)
        norms = np.sqrt(_row_sum(squares))
        norms[norms == 0] = 1.0
        columns, values = _times_diagonal(columns, (1.0 / norms).astype(np.float32)[0] * values)
        return _one_row(columns, values, len(self.names))

    def user_via_scipy(self, participant: ParticipantRows) -> sp.csr_matrix:
        return _l2_rows(aligned_row(participant.features, self.lookup, self.names) @ self.scale)

    def scores(self, user: sp.csr_matrix, item_rows: np.ndarray | None = None) -> np.ndarray:
        """``model.score(dataset, [row], item_rows)``: float32 (1, len(item_rows)); all items when None.

        A few candidates are scored from their own rows (a sparse matrix-vector
        product over their entries); many, through the participant's columns of every item.
        """
        n_items = self.item_rows.shape[0]
        if item_rows is not None and len(item_rows) * 4 < n_items:
            return rows_times_user(self.item_rows[item_rows], user)[None, :]
        every = np.asarray((user @ self.items_t).toarray(), dtype=np.float32)
        return every if item_rows is None else every[:, item_rows]

    def user_moments(self, user: sp.csr_matrix) -> "ScoreMoments":
        """Mean and spread of the participant's scores over every catalogue item, without scoring them."""
        return self.moments.of_sparse_user(user.indices, user.data)


def rows_times_user(rows: sp.csr_matrix, user: sp.csr_matrix) -> np.ndarray:
    """Content scores of some TF-IDF item rows against a participant's one-row vector: float32 (len(rows),)."""
    dense_user = np.zeros(rows.shape[1], dtype=np.float32)
    dense_user[user.indices] = user.data
    return np.asarray(rows @ dense_user, dtype=np.float32)


@dataclass
class ServedUser:
    """One participant's side of the served model and their scores over every item."""

    rows: ParticipantRows
    lightfm: LightFMUser | None = None
    content: sp.csr_matrix | None = None
    lightfm_scores: np.ndarray | None = None
    content_scores: np.ndarray | None = None
    scores: np.ndarray | None = None  # the model's score of every item (rank-normalised blends only), else None: per candidates
    lightfm_moments: "ScoreMoments | None" = None
    content_moments: "ScoreMoments | None" = None

    def spreads(self) -> tuple[float, float]:
        """Spread (std) of the LightFM and content scores over every item (see :func:`recommender.explain.blend_spreads`)."""
        if self.lightfm_moments is not None and self.content_moments is not None:
            return tuple(float(m.std) or 1.0 for m in (self.lightfm_moments, self.content_moments))
        return tuple(float(s.std()) or 1.0 for s in (self.lightfm_scores, self.content_scores))


# ---------------------------------------------------------------------- the index


@dataclass
class VacancyDisplay:
    """Display columns of every vacancy as arrays in catalogue row order (see :func:`recommender.matching.vacancy_details`)."""

    columns: dict[str, np.ndarray]
    skills: dict[int, list[tuple[int, str, bool]]] = field(default_factory=dict)  # vacancy id -> (skill id, name, required)
    _fields: dict[int, dict] = field(default_factory=dict, repr=False)

    def row(self, item_row: int) -> dict:
        return {name: values[item_row] for name, values in self.columns.items()}

    def fields(self, item_row: int) -> dict:
        """:func:`recommender.matching.display_fields` of a row, converted once and kept (treat as read-only)."""
        found = self._fields.get(item_row)
        if found is None:
            from recommender.matching import display_fields

            found = self._fields[item_row] = display_fields(self.row(item_row))
        return found


class ServingIndex:
    """The precomputed serving state of one model over one catalogue (see the module docstring)."""

    def __init__(self, model: Recommender, catalogue: Dataset, display: VacancyDisplay, skills: dict[str, tuple[int, str]]) -> None:
        self.model = model
        self.catalogue = catalogue
        self.items = ItemArrays.of(catalogue.item_attributes)
        self.display = display
        self.skills = skills  # slug -> (skill id, name)
        self.lightfm: LightFMPart | None = None
        self.content: ContentPart | None = None
        self._row_of: dict[int, int] | None = None
        if isinstance(model, Blend):
            self.lightfm = LightFMPart(model.lightfm_, catalogue)
            self.content = ContentPart(model.content_, catalogue)
            if model.normalization == "zscore":
                self.lightfm.moments = ItemMoments.of_dense(self.lightfm.item_vectors)
                self.content.moments = ItemMoments.of_sparse(self.content.item_rows)
        elif isinstance(model, LightFMHybrid):
            self.lightfm = LightFMPart(model, catalogue)
        elif isinstance(model, ContentSimilarity):
            self.content = ContentPart(model, catalogue)
        self.active_block = ActiveBlock.of(self, np.flatnonzero(self.items.active))

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

    @property
    def fast(self) -> bool:
        """Whether requests for this model take the precomputed path (else the generic one)."""
        return self.lightfm is not None or self.content is not None

    def user(self, rows: ParticipantRows) -> ServedUser:
        """The participant's side of the model: vectors, and what a blend standardises with.

        A z-score blend needs the mean and spread of each part's scores over
        every catalogue item; they come from the items' moments
        (:class:`ItemMoments`), so only the candidates are ever scored. A rank
        blend needs every score.
        """
        served = ServedUser(rows)
        if self.lightfm is not None:
            served.lightfm = self.lightfm.user(rows)
        if self.content is not None:
            served.content = self.content.user(rows)
        model = self.model
        if isinstance(model, Blend) and model.normalization == "zscore":
            served.lightfm_moments = self.lightfm.user_moments(served.lightfm)
            served.content_moments = self.content.user_moments(served.content)
        elif isinstance(model, Blend):
            served.lightfm_scores = self.lightfm.scores(served.lightfm)
            served.content_scores = self.content.scores(served.content)
            columns = slice(None)  # every item: the values of np.arange(n_items) without copying the block
            learned = standardise(served.lightfm_scores, columns, model.normalization)
            content = standardise(served.content_scores, columns, model.normalization)
            w = np.float32(model.weight)
            served.scores = np.asarray(w * learned + (np.float32(1.0) - w) * content, dtype=np.float32)
        return served

    def scores(self, served: ServedUser, item_rows: np.ndarray) -> np.ndarray:
        """The model's scores of the catalogue rows ``item_rows``: float32 (1, len(item_rows)), writable."""
        model = self.model
        if served.scores is not None:
            return served.scores[:, item_rows]
        lightfm = lambda: self.lightfm.scores(served.lightfm, item_rows)  # noqa: E731
        content = lambda: self.content.scores(served.content, item_rows)  # noqa: E731
        active = self.active_block
        positions = np.searchsorted(active.rows, item_rows)
        if len(item_rows) and positions[-1] < len(active.rows) and np.array_equal(active.rows[positions], item_rows):
            # every candidate is active (the default filter): score the contiguous active block
            lightfm = lambda: active.lightfm_scores(served.lightfm, positions)  # noqa: E731
            content = lambda: active.content_scores(served.content, positions)  # noqa: E731
        if isinstance(model, Blend):
            w = np.float32(model.weight)
            learned = served.lightfm_moments.standardise(lightfm())
            similar = served.content_moments.standardise(content())
            return np.asarray(w * learned + (np.float32(1.0) - w) * similar, dtype=np.float32)
        if isinstance(model, ContentSimilarity):
            return content()
        return lightfm()

    @property
    def active_rows(self) -> np.ndarray:
        """Catalogue rows of the active vacancies (the default filter's first cut)."""
        return self.active_block.rows


@dataclass
class ActiveBlock:
    """The item side of the model restricted to the active vacancies, stored contiguously.

    A catalogue keeps expired postings (the model knows them), but requests rank
    only active ones: scoring a copy of their rows reads a few percent of the
    memory that gathering them from the whole catalogue would, per request.
    """

    rows: np.ndarray
    lightfm_vectors: np.ndarray | None
    content_rows: sp.csr_matrix | None

    @classmethod
    def of(cls, index: "ServingIndex", rows: np.ndarray) -> "ActiveBlock":
        lightfm = np.ascontiguousarray(index.lightfm.item_vectors[rows]) if index.lightfm is not None else None
        content = index.content.item_rows[rows] if index.content is not None else None
        return cls(rows, lightfm, content)

    def lightfm_scores(self, user: LightFMUser, positions: np.ndarray) -> np.ndarray:
        """LightFM scores of the active rows at ``positions``: float32 (1, len(positions))."""
        return np.asarray(self.lightfm_vectors @ user.vector[0], dtype=np.float32)[positions][None, :]

    def content_scores(self, user: sp.csr_matrix, positions: np.ndarray) -> np.ndarray:
        """Content scores of the active rows at ``positions``: float32 (1, len(positions))."""
        return rows_times_user(self.content_rows, user)[positions][None, :]


def load_display(engine: Engine, catalogue_ids: IdMap, details: pd.DataFrame) -> VacancyDisplay:
    """Display columns aligned with the catalogue's rows, and each vacancy's skills (ordered as explanations list them)."""
    aligned = details.reindex(catalogue_ids.external_ids)
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
