"""The rule that keeps people unidentifiable in aggregates: groups under 10 are hidden, and so is whatever would reveal them.

Hiding a small group is not enough when a total is visible elsewhere: the
national participants minus the visible provinces gave one person in Aceh,
and a provider's total minus its visible courses gave a hidden course's one
enrollment. So after the small groups (primary suppression) more groups are
hidden (complementary suppression) until, within every total a reader can
see or compute, the hidden groups together hold either nobody or at least
``MIN_GROUP_SIZE`` people. Then subtraction yields only a sum over 10 or
more people, never a small group.

* :func:`suppress_small_groups`: one table whose rows add up to a total
  (waves, provinces, a province's regencies, a provider's courses), optionally
  in several blocks that each have their own total (``within``).
* :func:`suppress_matrix`: a two-way table (province x skill) shown by rows,
  by columns and through the column totals, so every row, every column and
  the totals are protected together.

A hidden row keeps its label (the reader knows the group exists) but none of
its numbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MIN_GROUP_SIZE = 10
SUPPRESSED = "suppressed"


def _complete(sizes: np.ndarray, hidden: np.ndarray) -> np.ndarray:
    """Hide more cells of one total, smallest first, until the hidden ones hold nobody or at least 10 people."""
    hidden = hidden.copy()
    while 0 < sizes[hidden].sum() < MIN_GROUP_SIZE:
        candidates = np.flatnonzero(~hidden & (sizes > 0))
        if len(candidates) == 0:
            break
        hidden[candidates[np.argmin(sizes[candidates])]] = True  # argmin takes the first of equal sizes
    return hidden


def hidden_groups(sizes, blocks=None, forced=None) -> np.ndarray:
    """Which groups to hide: those under 10, those ``forced``, and complements within each block.

    Parameters
    ----------
    sizes
        People per group.
    blocks
        Per group, the block whose total is known (None: the whole table is one block).
    forced
        Groups that must be hidden anyway (e.g. the regencies of a hidden province).
    """
    sizes = np.nan_to_num(np.asarray(sizes, dtype=float), nan=0.0)
    hidden = sizes < MIN_GROUP_SIZE
    if forced is not None:
        hidden |= np.asarray(forced, dtype=bool)
    block_keys = np.zeros(len(sizes), dtype=int) if blocks is None else pd.factorize(pd.Series(blocks, dtype=object).fillna("\0"))[0]
    for block in np.unique(block_keys):
        members = np.flatnonzero(block_keys == block)
        hidden[members] = _complete(sizes[members], hidden[members])
    return hidden


def blank_rows(frame: pd.DataFrame, hidden: np.ndarray, label_columns=()) -> pd.DataFrame:
    """A copy with every number of the hidden rows removed (labels kept) and a ``suppressed`` column."""
    result = frame.copy()
    result[SUPPRESSED] = hidden
    columns = [c for c in result.columns if c not in set(label_columns) and c != SUPPRESSED]
    if hidden.any():
        for column in columns:
            numeric = pd.api.types.is_numeric_dtype(result[column]) and not pd.api.types.is_bool_dtype(result[column])
            result[column] = result[column].astype("float64" if numeric else object)
            result.loc[hidden, column] = np.nan
    return result


def suppress_small_groups(
    frame: pd.DataFrame,
    size_column: str,
    label_columns: list[str] | tuple[str, ...] = (),
    *,
    within: str | None = None,
    forced=None,
) -> pd.DataFrame:
    """Blank every number of rows that are small, or whose numbers would let a small row be worked out.

    Parameters
    ----------
    frame
        One row per group.
    size_column
        The column holding the number of people in the group.
    label_columns
        Columns that name the group (kept as they are); every other column of
        a hidden group becomes missing, the size column included.
    within
        A column naming blocks with a total of their own (a province's
        regencies, a provider's courses); None when the rows share one total.
    forced
        A boolean per row that must be hidden whatever its size.

    Returns
    -------
    DataFrame
        A copy with a boolean ``suppressed`` column added.
    """
    blocks = None if within is None else frame[within].to_numpy()
    hidden = hidden_groups(frame[size_column].to_numpy(), blocks, forced)
    return blank_rows(frame, hidden, label_columns)


def suppress_matrix(counts: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Hidden cells of a two-way table of people (rows e.g. provinces, columns e.g. skills) and of its column totals.

    A reader sees each row (one province's skills, whose shares reveal the
    row's total), each column across rows, and the column totals (the
    national table, whose shares reveal the grand total). Cells and totals
    under 10 are hidden; a hidden column total hides its whole column; rows,
    columns and totals are completed as in :func:`suppress_small_groups`.
    Completing each line is not enough in two dimensions (a complement may be
    given back by another line), so the result is audited
    (:func:`determined_unknowns`): while a small hidden figure can be solved
    from the visible ones, one more cell of its row is hidden.

    Returns
    -------
    (DataFrame, Series)
        Boolean frames shaped like ``counts`` and its column totals.
    """
    values = counts.fillna(0).to_numpy(dtype=float)
    totals = values.sum(axis=0)
    small = (values > 0) & (values < MIN_GROUP_SIZE)
    small_totals = (totals > 0) & (totals < MIN_GROUP_SIZE)
    hidden, hidden_totals = small.copy(), small_totals.copy()
    while True:
        before = (hidden.copy(), hidden_totals.copy())
        hidden_totals = _complete(totals, hidden_totals)
        hidden[:, hidden_totals] |= values[:, hidden_totals] > 0
        for row in range(values.shape[0]):
            hidden[row] = _complete(values[row], hidden[row])
        for column in np.flatnonzero(~hidden_totals):
            hidden[:, column] = _complete(values[:, column], hidden[:, column])
        known_rows = (~hidden & (values > 0)).any(axis=1)  # a row's shares give its total only through a visible cell
        grand_known = bool((~hidden_totals & (totals > 0)).any())
        solved_cells, solved_totals = determined_unknowns(hidden, hidden_totals, known_rows, grand_known)
        for row, column in zip(*np.nonzero(solved_cells & small)):
            options = np.flatnonzero(~hidden[row] & (values[row] > 0))
            if len(options):
                hidden[row, options[np.argmin(values[row, options])]] = True
            else:
                hidden_totals[column] = True
        if (solved_totals & small_totals).any():
            options = np.flatnonzero(~hidden_totals & (totals > 0))
            if len(options):
                hidden_totals[options[np.argmin(totals[options])]] = True
        if np.array_equal(before[0], hidden) and np.array_equal(before[1], hidden_totals):
            break
    return pd.DataFrame(hidden, index=counts.index, columns=counts.columns), pd.Series(hidden_totals, index=counts.columns)


def determined_unknowns(hidden: np.ndarray, hidden_totals: np.ndarray, known_rows=None, grand_known: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Which hidden cells and hidden column totals a reader can solve exactly from the visible figures.

    The unknowns are the hidden cells and hidden column totals; what a reader
    knows is the total of every row in ``known_rows`` (all by default), every
    visible column total, the grand total when ``grand_known`` and that a
    column adds up to its total. An unknown is determined when its unit
    vector lies in the row space of these equations, i.e. when the
    projection onto that space keeps it whole.
    """
    rows, columns = hidden.shape
    cells = list(zip(*np.nonzero(hidden)))
    hidden_columns = list(np.flatnonzero(hidden_totals))
    index = {cell: n for n, cell in enumerate(cells)}
    total_index = {column: len(cells) + n for n, column in enumerate(hidden_columns)}
    width = len(cells) + len(hidden_columns)
    if width == 0:
        return np.zeros_like(hidden), np.zeros_like(hidden_totals)
    equations = []
    known_rows = np.ones(rows, dtype=bool) if known_rows is None else np.asarray(known_rows, dtype=bool)
    for row in np.flatnonzero(known_rows):  # a row's total is known
        equation = np.zeros(width)
        for column in range(columns):
            if (row, column) in index:
                equation[index[(row, column)]] = 1
        equations.append(equation)
    for column in range(columns):  # a column adds up to its total, known or not
        equation = np.zeros(width)
        for row in range(rows):
            if (row, column) in index:
                equation[index[(row, column)]] = 1
        if column in total_index:
            equation[total_index[column]] = -1
        equations.append(equation)
    if grand_known:
        grand = np.zeros(width)
        for column, position in total_index.items():
            grand[position] = 1
        equations.append(grand)
    matrix = np.array([e for e in equations if e.any()]) if any(e.any() for e in equations) else np.zeros((1, width))
    # the row space through the small Gram matrix (equations x equations): an SVD of the wide matrix costs 30 times more
    eigenvalues, vectors = np.linalg.eigh(matrix @ matrix.T)
    strong = eigenvalues > 1e-9 * max(float(eigenvalues.max()), 1.0)
    basis = (matrix.T @ vectors[:, strong]) / np.sqrt(eigenvalues[strong])
    solved = (basis**2).sum(axis=1) > 1 - 1e-6
    solved_cells = np.zeros_like(hidden)
    for cell, position in index.items():
        solved_cells[cell] = solved[position]
    solved_totals = np.zeros_like(hidden_totals)
    for column, position in total_index.items():
        solved_totals[column] = solved[position]
    return solved_cells, solved_totals
