"""A model's feature columns by name, and how feature rows are put into them.

Training, batch scoring and serving one participant all turn feature rows into
a model's columns here, with the same numpy operations on the rows' entries
whatever the number of rows: a participant's row becomes the same numbers on
every path, and one row costs a few array operations instead of a pass over
the whole vocabulary (the name -> column lookup is built once per model).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from prakerja.errors import UserError
from recommender.dataset import Features, feature_family

#: ``normalize`` values: each family block of a row sums to 1, each row sums to 1, raw values.
NORMALIZATIONS = ("family", "rows", "none")


class Entries:
    """Rows of a feature space as (row, column, value) entries sorted by row, then column.

    Every side is computed from these arrays, so its sums run in the same
    order for one participant and for a batch.
    """

    def __init__(self, owner: np.ndarray, columns: np.ndarray, data: np.ndarray, n_rows: int, n_columns: int) -> None:
        self.owner, self.columns, self.data = owner, columns, data
        self.n_rows, self.n_columns = n_rows, n_columns

    def csr(self) -> sp.csr_matrix:
        """The entries as a CSR matrix."""
        indptr = np.concatenate([[0], np.cumsum(np.bincount(self.owner, minlength=self.n_rows))]).astype(np.int32)
        return sp.csr_matrix((self.data, self.columns.astype(np.int32), indptr), shape=(self.n_rows, self.n_columns))

    def scaled(self, factors: np.ndarray) -> "Entries":
        """Each entry times the factor of its column."""
        return Entries(self.owner, self.columns, (self.data * factors[self.columns]).astype(np.float32), self.n_rows, self.n_columns)

    def unit_rows(self) -> "Entries":
        """Rows scaled to unit length (empty rows stay empty)."""
        norms = np.sqrt(np.bincount(self.owner, weights=self.data.astype(np.float64) ** 2, minlength=self.n_rows))
        norms[norms == 0] = 1.0
        return Entries(self.owner, self.columns, (self.data / norms[self.owner]).astype(np.float32), self.n_rows, self.n_columns)


class FeatureSpace:
    """Named columns of one side of a model, and the row preparation it was trained with.

    Parameters
    ----------
    names
        Column names in the model's order.
    normalization
        One of :data:`NORMALIZATIONS`.
    identity_prefix
        When set ("user", "item"), rows get the identity column ``prefix=id``
        of their id first, as the model was trained with.
    """

    def __init__(self, names: np.ndarray, normalization: str = "none", identity_prefix: str | None = None) -> None:
        if normalization not in NORMALIZATIONS:
            raise UserError(f"unknown normalize {normalization!r}; choose from {', '.join(NORMALIZATIONS)}")
        self.names = np.asarray(names, dtype=object)
        self.normalization = normalization
        self.identity_prefix = identity_prefix
        self.lookup = {name: column for column, name in enumerate(self.names)}
        _, self.family_of = np.unique(np.asarray([feature_family(n) for n in self.names], dtype=object), return_inverse=True)
        self.n_families = int(self.family_of.max()) + 1 if len(self.family_of) else 0

    def __len__(self) -> int:
        return len(self.names)

    def columns_of(self, names) -> np.ndarray:
        """The column of each name (-1 for names this space does not have)."""
        return np.fromiter((self.lookup.get(n, -1) for n in names), dtype=np.int64, count=len(names))

    def entries(self, features: Features, ids: np.ndarray | None = None) -> Entries:
        """``features`` in this space's columns (unknown names dropped, the identity column when asked), prepared."""
        matrix = features.matrix
        n_rows = matrix.shape[0]
        columns = self.columns_of(features.names)[matrix.indices] if len(features.names) else np.zeros(0, np.int64)
        data = np.asarray(matrix.data, dtype=np.float32)
        owner = np.repeat(np.arange(n_rows), np.diff(matrix.indptr))
        if self.identity_prefix is not None:
            if ids is None:
                raise ValueError("identity columns need the rows' ids")
            identity = self.columns_of([f"{self.identity_prefix}={i}" for i in np.asarray(ids).astype(str)])
            columns = np.concatenate([identity, columns])
            data = np.concatenate([np.ones(n_rows, np.float32), data])
            owner = np.concatenate([np.arange(n_rows), owner])
        keep = columns >= 0
        owner, columns, data = owner[keep], columns[keep], data[keep]
        order = np.lexsort((columns, owner))
        return self._normalized(Entries(owner[order], columns[order], data[order], n_rows, len(self.names)))

    def normalized(self, matrix: sp.csr_matrix) -> sp.csr_matrix:
        """Rows already in this space, scaled as :attr:`normalization` says (how training reads them)."""
        matrix = sp.csr_matrix(matrix, dtype=np.float32)
        owner = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
        return self._normalized(Entries(owner, matrix.indices.astype(np.int64), matrix.data, *matrix.shape)).csr()

    def _normalized(self, entries: Entries) -> Entries:
        """Entries scaled as :attr:`normalization` says (empty rows and families stay empty)."""
        if self.normalization == "none" or len(entries.data) == 0:
            return entries
        owner = entries.owner
        block = owner if self.normalization == "rows" else owner * self.n_families + self.family_of[entries.columns]
        sums = np.bincount(block, weights=np.abs(entries.data))
        scale = np.divide(1.0, sums[block], out=np.zeros(len(block)), where=sums[block] > 0)
        return Entries(owner, entries.columns, (entries.data * scale).astype(np.float32), entries.n_rows, entries.n_columns)


class KeptFeatureSpace:
    """A model mixin: the :class:`FeatureSpace` of its fitted names, made once and never pickled.

    ``space_names``: the fitted attribute holding the names (``feature_names_`` unless a model says otherwise).
    """

    space_names = "feature_names_"

    def space(self) -> FeatureSpace:
        """The shared feature space of the fitted model."""
        space = self.__dict__.get("_space")
        if space is None:
            space = self.__dict__["_space"] = FeatureSpace(getattr(self, self.space_names))
        return space

    def __getstate__(self) -> dict:
        state = super().__getstate__()
        state.pop("_space", None)
        return state
