"""Fast exact top-K: BLAS score blocks over candidate items, filters by masking, block-max selection.

Why not ``LightFM.predict`` per user: it scores one user at a time in a loop.
Here a batch of users is scored against the candidate items in one matrix
product (``user_vectors @ item_vectors.T``, where the vectors carry the
biases, see :func:`augmented_vectors`), excluded items are set to ``-inf``,
and the top K of each row is found exactly with a two-stage selection:

1. the maximum of every block of :data:`SELECT_BLOCK` columns
   (``np.maximum.reduceat``, one streaming pass);
2. the K blocks with the largest maxima hold every top-K item (a block holding
   none of them has a maximum below the K-th best score, and at most K blocks
   hold one), so an ``argpartition`` over those K blocks' columns is exact.

Business filters that depend on the user's place (same regency, within R km,
same province) are applied by grouping users with the same place: each group
is scored only against its own candidate items, which is also what makes
filtered search faster than an unfiltered scan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

import numpy as np
import pandas as pd
import scipy.sparse as sp

from prakerja.columns import Columns

if TYPE_CHECKING:  # pragma: no cover
    from recommender.dataset import Dataset
    from recommender.filters import ItemFilters

#: Width of the column blocks in the first selection stage.
SELECT_BLOCK = 128

ScoreBlock = Callable[[np.ndarray, np.ndarray], np.ndarray]


def augmented_vectors(
    user_biases: np.ndarray, user_embeddings: np.ndarray, item_biases: np.ndarray, item_embeddings: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Vectors whose dot product is LightFM's score: ``[u, b_u, 1] . [v, 1, b_i] = u.v + b_u + b_i``."""
    return augmented_user_vectors(user_biases, user_embeddings), augmented_item_vectors(item_biases, item_embeddings)


def augmented_user_vectors(user_biases: np.ndarray, user_embeddings: np.ndarray) -> np.ndarray:
    """The user half of :func:`augmented_vectors`: ``[u, b_u, 1]`` (serving computes it for one participant)."""
    users = np.hstack([user_embeddings, user_biases[:, None], np.ones((len(user_biases), 1))]).astype(np.float32)
    return np.ascontiguousarray(users)


def augmented_item_vectors(item_biases: np.ndarray, item_embeddings: np.ndarray) -> np.ndarray:
    """The item half of :func:`augmented_vectors`: ``[v, 1, b_i]``."""
    items = np.hstack([item_embeddings, np.ones((len(item_biases), 1)), item_biases[:, None]]).astype(np.float32)
    return np.ascontiguousarray(items)


def select_top_k(block: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Column positions and scores of the ``k`` best entries of every row, best first.

    Entries equal to ``-inf`` are never selected; rows with fewer than ``k``
    finite entries are padded with position -1 and score -inf.
    """
    n, m = block.shape
    if m == 0:
        return np.full((n, k), -1, dtype=np.int64), np.full((n, k), -np.inf, dtype=np.float32)
    kk = min(k, m)
    if m >= 8 * kk * SELECT_BLOCK:
        starts = np.arange(0, m, SELECT_BLOCK)
        block_max = np.maximum.reduceat(block, starts, axis=1)
        best_blocks = np.argpartition(block_max, -kk, axis=1)[:, -kk:]
        columns = (starts[best_blocks][:, :, None] + np.arange(SELECT_BLOCK)).reshape(n, -1)
        outside = columns >= m
        columns = np.minimum(columns, m - 1)
        candidates = np.take_along_axis(block, columns, axis=1)
        candidates[outside] = -np.inf
    else:
        columns = None
        candidates = block
    part = np.argpartition(candidates, -kk, axis=1)[:, -kk:]
    part_scores = np.take_along_axis(candidates, part, axis=1)
    order = np.argsort(-part_scores, axis=1, kind="stable")
    part = np.take_along_axis(part, order, axis=1)
    scores = np.take_along_axis(part_scores, order, axis=1)
    positions = part if columns is None else np.take_along_axis(columns, part, axis=1)
    positions = np.where(np.isneginf(scores), -1, positions)
    if kk < k:
        positions = np.hstack([positions, np.full((n, k - kk), -1, dtype=positions.dtype)])
        scores = np.hstack([scores, np.full((n, k - kk), -np.inf, dtype=scores.dtype)])
    return positions.astype(np.int64), scores.astype(np.float32)


@dataclass
class TopK:
    """Top-K lists as arrays: ``items[i]`` are item rows for ``users[i]`` (-1 = no item)."""

    users: np.ndarray
    items: np.ndarray
    scores: np.ndarray

    def to_frame(self, dataset: "Dataset") -> pd.DataFrame:
        """The lists as a :attr:`Columns.Recommendations` frame with external ids."""
        k = self.items.shape[1] if self.items.ndim == 2 else 0
        valid = self.items >= 0
        user_rows = np.repeat(self.users, k).reshape(-1, k)[valid] if k else np.array([], dtype=np.int64)
        ranks = np.broadcast_to(np.arange(1, k + 1), self.items.shape)[valid] if k else np.array([], dtype=np.int64)
        return pd.DataFrame(
            {
                Columns.User: dataset.user_id_map.external_ids[user_rows],
                Columns.Item: dataset.item_id_map.external_ids[self.items[valid]],
                Columns.Score: self.scores[valid].astype(np.float32),
                Columns.Rank: ranks.astype(np.int64),
            },
            columns=Columns.Recommendations,
        )


def mask_excluded(block: np.ndarray, excluded: sp.csr_matrix | None, item_position: np.ndarray) -> None:
    """Set ``block[r, item_position[item]] = -inf`` for every excluded (r, item) whose item is a candidate."""
    if excluded is None or excluded.nnz == 0:
        return
    coo = excluded.tocoo()
    cols = item_position[coo.col]
    hit = cols >= 0
    block[coo.row[hit], cols[hit]] = -np.inf


def top_k_scores(
    score_block: ScoreBlock,
    user_rows: np.ndarray,
    item_rows: np.ndarray,
    k: int,
    *,
    n_items: int,
    excluded: sp.csr_matrix | None = None,
    batch_size: int = 1024,
) -> tuple[np.ndarray, np.ndarray]:
    """Exact top-``k`` of ``score_block(users, item_rows)`` for users in batches.

    Parameters
    ----------
    score_block
        ``f(user_rows_batch, item_rows) -> (len(batch), len(item_rows))`` scores.
    excluded
        Optional boolean csr (len(user_rows), n_items): items never to return.

    Returns
    -------
    (items, scores)
        Item rows (-1 padded) and scores, shape (len(user_rows), k).
    """
    items_out = np.full((len(user_rows), k), -1, dtype=np.int64)
    scores_out = np.full((len(user_rows), k), -np.inf, dtype=np.float32)
    if len(item_rows) == 0 or len(user_rows) == 0:
        return items_out, scores_out
    item_position = np.full(n_items, -1, dtype=np.int64)
    item_position[item_rows] = np.arange(len(item_rows))
    for start in range(0, len(user_rows), batch_size):
        stop = min(start + batch_size, len(user_rows))
        # a fresh float32 block from the scorer is masked in place (no copy of the largest array)
        block = np.asarray(score_block(user_rows[start:stop], item_rows), dtype=np.float32)
        if excluded is not None and excluded.nnz and not block.flags.writeable:
            block = block.copy()
        if excluded is not None:
            mask_excluded(block, excluded[start:stop], item_position)
        positions, scores = select_top_k(block, k)
        items_out[start:stop] = np.where(positions >= 0, item_rows[np.maximum(positions, 0)], -1)
        scores_out[start:stop] = scores
    return items_out, scores_out


def top_k_filtered(
    score_block: ScoreBlock,
    dataset: "Dataset",
    user_rows: np.ndarray,
    item_rows: np.ndarray,
    k: int,
    *,
    filters: "ItemFilters | None" = None,
    filter_viewed: bool = False,
    batch_size: int = 1024,
) -> TopK:
    """Top-``k`` per user over ``item_rows`` after business filters and exclusions.

    Users are grouped by the candidate set their filters allow (their place),
    and each group is scored only on its candidates.
    """
    user_rows = np.asarray(user_rows, dtype=np.int64)
    item_rows = np.asarray(item_rows, dtype=np.int64)
    excluded = None
    if filters is not None:
        excluded = filters.excluded_items(dataset, user_rows)
    if filter_viewed:
        seen = dataset.seen_items(user_rows)
        excluded = seen if excluded is None else (excluded + seen).astype(bool)
    if excluded is not None:
        excluded = excluded.tocsr()
    groups = filters.candidate_groups(dataset, user_rows, item_rows) if filters is not None else [
        (np.arange(len(user_rows)), item_rows)
    ]
    items = np.full((len(user_rows), k), -1, dtype=np.int64)
    scores = np.full((len(user_rows), k), -np.inf, dtype=np.float32)
    for positions, candidates in groups:
        group_items, group_scores = top_k_scores(
            score_block,
            user_rows[positions],
            candidates,
            k,
            n_items=dataset.n_items,
            excluded=None if excluded is None else excluded[positions],
            batch_size=batch_size,
        )
        items[positions] = group_items
        scores[positions] = group_scores
    return TopK(user_rows, items, scores)
