"""When a vacancy is connected to a participant: it asks for something they hold.

Connected means the two share a feature name of a connecting kind: a skill
(from a completed training or declared), a word of a completed course's title
in the vacancy's title, an occupation group of three digits or more (a
KBJI minor group: the participant's prior work and its groups against the
vacancy's), or an occupation group of three digits or more that a completed
course prepares for (``prep=``: the course's ``course_occupations`` against
the vacancy's group; a course for one trade prepares for its neighbours in
the minor group). A shared province or a shared one-digit major group ("all
service and sales work") is no connection. The grounded model ranks by it
and evaluation measures every model's lists by it.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from recommender.dataset import Features, feature_family
from recommender.feature_space import FeatureSpace

CONNECTING_FAMILIES = ("skill", "word")
#: Occupation families, connecting from :data:`CONNECTING_OCCUPATION_DIGITS` code digits on.
OCCUPATION_FAMILIES = ("occ", "prep")
#: Users looked up together in a batch: each takes a dense row over the vacancies multiplied.
CHUNK_USERS = 32
#: Up to this many users (one request) are looked up name by name in the name -> vacancies index.
FEW_USERS = 4
#: An ``occ=`` name connects from this many code digits on (a KBJI minor group).
CONNECTING_OCCUPATION_DIGITS = 3


def connecting(name: str) -> bool:
    """Whether a feature name both sides share connects a participant to a vacancy (module docstring)."""
    family = feature_family(name)
    if family in CONNECTING_FAMILIES:
        return True
    return family in OCCUPATION_FAMILIES and len(str(name).split("=", 1)[1]) >= CONNECTING_OCCUPATION_DIGITS


def connection_names(user_features: Features, item_features: Features) -> np.ndarray:
    """The connecting names both sides hold, sorted."""
    shared = np.intersect1d(user_features.names.astype(str), item_features.names.astype(str))
    return np.array([n for n in shared if connecting(n)], dtype=object)


def held_names(space: FeatureSpace, features: Features) -> sp.csr_matrix:
    """Binary (rows x connection names) of ``features`` in ``space``'s columns."""
    matrix = space.entries(features).csr()
    matrix.data[:] = 1.0
    return matrix


class ConnectionIndex:
    """Which vacancies of a catalogue each participant is connected to, with the catalogue's side built once.

    The columns are the connecting names the vacancies hold; a participant's
    row is looked up in them, so a batch and one participant get the same answer.
    """

    def __init__(self, item_features: Features) -> None:
        names = np.array(sorted({str(n) for n in item_features.names if connecting(n)}), dtype=object)
        self.space = FeatureSpace(names)
        self.asked = held_names(self.space, item_features)
        self.askers = self.asked.T.tocsr()  # name -> the vacancies asking for it, so a lookup reads only the user's names

    def connected(self, user_features: Features, item_rows: np.ndarray) -> np.ndarray:
        """Boolean (users x len(item_rows)): the vacancy asks for something the user holds.

        A few users (one request) mark the vacancies asking for each of their
        names, read from the name -> vacancies index, and read the rows asked
        off; a batch multiplies by the rows asked (or, asked nearly the whole
        catalogue, by the index and then takes them).
        """
        item_rows = np.asarray(item_rows, dtype=np.int64)
        matrix = user_features.matrix
        if matrix.shape[0] <= FEW_USERS:
            used = np.unique(matrix.indices)
            column = np.full(len(user_features.names), -1, dtype=np.int64)
            column[used] = self.space.columns_of(user_features.names[used])
            out = np.zeros((matrix.shape[0], len(item_rows)), dtype=bool)
            for r in range(matrix.shape[0]):
                names = column[matrix.indices[matrix.indptr[r]:matrix.indptr[r + 1]]]
                out[r] = self._marked(names[names >= 0])[item_rows]
            return out
        held = held_names(self.space, user_features)
        whole = len(item_rows) * 4 > self.asked.shape[0]
        asked = self.askers if whole else self.asked[item_rows].T.tocsr()
        out = np.zeros((held.shape[0], len(item_rows)), dtype=bool)
        for start in range(0, held.shape[0], CHUNK_USERS):
            product = (held[start:start + CHUNK_USERS] @ asked).toarray()
            out[start:start + CHUNK_USERS] = (product[:, item_rows] if whole else product) > 0
        return out

    def _marked(self, names: np.ndarray) -> np.ndarray:
        """Boolean over the catalogue: the vacancies asking for any of ``names`` (column indices of the space)."""
        mark = np.zeros(self.asked.shape[0], dtype=bool)
        starts, indices = self.askers.indptr, self.askers.indices
        for name in names:
            mark[indices[starts[name]:starts[name + 1]]] = True
        return mark
