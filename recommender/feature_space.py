"""A model's feature columns by name, and how feature rows are put into them.

Training, batch scoring and serving one participant all turn feature rows into
a model's columns here, with the same numpy operations on the CSR arrays
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

    def aligned(self, features: Features, ids: np.ndarray | None = None) -> sp.csr_matrix:
        """``features`` in this space's columns (unknown names dropped), with the identity column first when asked."""
        matrix = sp.csr_matrix(features.matrix, dtype=np.float32)
        n_rows = matrix.shape[0]
        columns = self.columns_of(features.names)[matrix.indices] if len(features.names) else np.zeros(0, np.int64)
        data = matrix.data
        owner = np.repeat(np.arange(n_rows), np.diff(matrix.indptr))
        if self.identity_prefix is not None:
            if ids is None:
                raise ValueError("identity columns need the rows' ids")
            identity = self.columns_of([f"{self.identity_prefix}={i}" for i in np.asarray(ids).astype(str)])
            columns = np.concatenate([identity, columns])
            data = np.concatenate([np.ones(n_rows, np.float32), data])
            owner = np.concatenate([np.arange(n_rows), owner])
        keep = columns >= 0
        return self._rows(owner[keep], columns[keep], data[keep], n_rows)

    def _rows(self, owner: np.ndarray, columns: np.ndarray, data: np.ndarray, n_rows: int) -> sp.csr_matrix:
        """A CSR matrix of the entries (row, column, value), each row's entries ordered by column."""
        order = np.lexsort((columns, owner))
        indptr = np.concatenate([[0], np.cumsum(np.bincount(owner, minlength=n_rows))]).astype(np.int32)
        return sp.csr_matrix((data[order].astype(np.float32), columns[order].astype(np.int32), indptr), shape=(n_rows, len(self.names)))

    def normalized(self, matrix: sp.csr_matrix) -> sp.csr_matrix:
        """Rows of this space scaled as :attr:`normalization` says (empty rows and families stay empty)."""
        matrix = sp.csr_matrix(matrix, dtype=np.float32)
        if self.normalization == "none" or matrix.nnz == 0:
            return matrix
        owner = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
        block = owner if self.normalization == "rows" else owner * self.n_families + self.family_of[matrix.indices]
        sums = np.bincount(block, weights=np.abs(matrix.data))
        scale = np.divide(1.0, sums[block], out=np.zeros(len(block)), where=sums[block] > 0)
        return sp.csr_matrix(((matrix.data * scale).astype(np.float32), matrix.indices, matrix.indptr), shape=matrix.shape)

    def prepared(self, features: Features, ids: np.ndarray | None = None) -> sp.csr_matrix:
        """:meth:`aligned`, then :meth:`normalized`: the rows as the model reads them."""
        return self.normalized(self.aligned(features, ids))


def l2_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """Rows scaled to unit length (empty rows stay empty), any number of rows alike."""
    matrix = sp.csr_matrix(matrix, dtype=np.float32)
    owner = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    norms = np.sqrt(np.bincount(owner, weights=matrix.data.astype(np.float64) ** 2, minlength=matrix.shape[0]))
    norms[norms == 0] = 1.0
    return sp.csr_matrix(((matrix.data / norms[owner]).astype(np.float32), matrix.indices, matrix.indptr), shape=matrix.shape)
