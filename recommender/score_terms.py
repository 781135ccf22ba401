"""The largest shares of one participant's scores of k vacancies at once: the models' own explanations.

Feature contributions decompose a score exactly. For LightFM, with user
feature weights x_f, item feature weights y_g, embeddings U_f, V_g and biases:

    score = sum_f sum_g x_f y_g (U_f . V_g) + sum_f x_f b_f + sum_g y_g b_g

so every (participant feature, vacancy feature) pair and every vacancy bias
term is a named share of the score (the participant's own biases are equal for
every vacancy and never a reason). For the content model the shares are the
per-feature products of the TF-IDF vectors (they sum to the cosine). The k
vacancies' terms are computed together: one matrix product for every LightFM
pair, one gather for every content product, and one partial sort over a
padded (vacancy x term) table; largest magnitude first, ties in the terms'
natural order.
"""

from __future__ import annotations

import weakref

import numpy as np
import scipy.sparse as sp


def readable(name: str) -> str:
    """A feature name for people: "user=17" is the participant's own history, "item=5" the vacancy's."""
    name = str(name)
    if name.startswith("user="):
        return "own history"
    if name.startswith("item="):
        return "this vacancy's history"
    return name


def _segments(matrix: sp.csr_matrix, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Column indices and values of ``rows`` of a CSR matrix, which row each entry is of, and its position in the row."""
    starts, stops = matrix.indptr[rows], matrix.indptr[rows + 1]
    lengths = stops - starts
    owner = np.repeat(np.arange(len(rows)), lengths)
    local = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    entries = np.repeat(starts, lengths) + local
    return matrix.indices[entries], matrix.data[entries], owner, local


def rows_times(matrix: sp.csr_matrix, rows: np.ndarray, dense: np.ndarray) -> np.ndarray:
    """``matrix[rows] @ dense`` (float32, len(rows) x dense's columns) from the rows' own entries, without slicing the matrix."""
    columns, values, owner, local = _segments(matrix, np.asarray(rows, dtype=np.int64))
    out = np.zeros((len(rows), dense.shape[1]), dtype=np.float32)
    if len(values):
        starts = np.flatnonzero(local == 0)
        out[owner[starts]] = np.add.reduceat(values[:, None] * dense[columns], starts, axis=0)
    return out


def _top_per_row(table: np.ndarray, n: int) -> list[np.ndarray]:
    """Per row, the columns of the ``n`` largest finite magnitudes, largest first, ties by column."""
    magnitude = np.where(np.isfinite(table), np.abs(table), -1.0)
    n = min(n, table.shape[1])
    if n == 0:
        return [np.zeros(0, dtype=np.int64) for _ in range(len(table))]
    if n < table.shape[1]:  # the n largest of each row, in no order (a tie at the n-th place may take either)
        picked = np.sort(np.argpartition(-magnitude, n - 1, axis=1)[:, :n], axis=1)
    else:
        picked = np.broadcast_to(np.arange(n), (len(table), n))
    values = np.take_along_axis(magnitude, picked, axis=1)
    order = np.argsort(-values, axis=1, kind="stable")  # stable: equal magnitudes keep column order
    picked, values = np.take_along_axis(picked, order, axis=1), np.take_along_axis(values, order, axis=1)
    return [columns[keep] for columns, keep in zip(picked, values >= 0)]


def lightfm_top_terms(model, user_indices, user_data, item_matrix: sp.csr_matrix, rows: np.ndarray, n: int) -> list[list[tuple[str, float]]]:
    """Per vacancy row, the ``n`` largest (participant feature x vacancy feature) pair and vacancy-bias terms.

    ``user_indices`` / ``user_data`` are the participant's prepared LightFM row;
    ``item_matrix`` holds the vacancies' prepared rows.
    """
    m = model.model_
    columns, values, owner, local = _segments(item_matrix, rows)
    width = int(np.bincount(owner, minlength=len(rows)).max()) if len(owner) else 0
    n_user = len(user_indices)
    user_part = user_data[:, None] * m.user_embeddings[user_indices]
    pairs = user_part @ (values[:, None] * m.item_embeddings[columns]).T  # (user features, every item entry)
    table = np.full((len(rows), n_user, width), np.nan)
    table[owner[None, :], np.arange(n_user)[:, None], local[None, :]] = pairs
    biases = np.full((len(rows), width), np.nan)
    biases[owner, local] = (values * m.item_biases[columns]).astype(np.float64)
    table = np.concatenate([table.reshape(len(rows), n_user * width), biases], axis=1)
    item_columns = np.full((len(rows), width), -1, dtype=np.int64)
    item_columns[owner, local] = columns
    user_names, item_names = _readable_names(model)
    out = []
    for position, chosen in enumerate(_top_per_row(table, n)):
        terms = []
        for column in chosen:
            if column < n_user * width:
                u, i = divmod(int(column), width)
                name = f"{user_names[user_indices[u]]} x {item_names[item_columns[position, i]]}"
            else:
                name = f"vacancy bias: {item_names[item_columns[position, column - n_user * width]]}"
            terms.append((name, float(table[position, column])))
        out.append(terms)
    return out


_READABLE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _readable_names(model) -> tuple[list[str], list[str]]:
    """The model's user and item feature names as :func:`recommender.explain.readable` shows them, made once per model."""
    names = _READABLE.get(model)
    if names is None:
        names = _READABLE[model] = ([readable(n) for n in model.user_feature_names_], [readable(n) for n in model.item_feature_names_])
    return names


def content_top_terms(model, user_indices, user_data, item_rows_matrix: sp.csr_matrix, rows: np.ndarray, n: int) -> list[list[tuple[str, float]]]:
    """Per vacancy row, the ``n`` largest per-feature products of the TF-IDF rows (features both share)."""
    columns, values, owner, local = _segments(item_rows_matrix, rows)
    dense_user = np.zeros(item_rows_matrix.shape[1], dtype=np.float32)
    dense_user[user_indices] = user_data
    products = (dense_user[columns] * values).astype(np.float64)
    width = int(np.bincount(owner, minlength=len(rows)).max()) if len(owner) else 0
    table = np.full((len(rows), width), np.nan)
    table[owner, local] = np.where(products != 0, products, np.nan)
    item_columns = np.full((len(rows), width), -1, dtype=np.int64)
    item_columns[owner, local] = columns
    names = model.feature_names_
    return [
        [(str(names[item_columns[position, c]]), float(table[position, c])) for c in chosen]
        for position, chosen in enumerate(_top_per_row(table, n))
    ]
