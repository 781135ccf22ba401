"""Batch scoring: every participant's top-K written to the ``recommendations`` table.

One code path, two executors (the habit of implicit's CPU/GPU backends): the
participants are cut into chunks and :func:`score_chunk` runs on each, either
in this process (:class:`LocalExecutor`, the default) or on a Dask cluster
(:class:`DaskExecutor`, ``--scheduler ADDRESS``), where the model and the
dataset are scattered to the workers once. The driver writes the results in
one transaction: the run's previous lists are replaced, or nothing changes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Engine, delete, insert

from prakerja.columns import Columns
from prakerja.db import transaction
from prakerja.errors import UserError
from prakerja.models import Recommendation
from recommender.base import Recommender, check_k
from recommender.dataset import Dataset
from recommender.filters import ItemFilters
from recommender.registry import load_promoted
from recommender.features import load_dataset

DEFAULT_CHUNK = 20_000
INSERT_BATCH = 10_000


def score_chunk(model: Recommender, dataset: Dataset, user_ids: np.ndarray, k: int, filters: ItemFilters) -> pd.DataFrame:
    """Top-``k`` of ``user_ids`` (the unit of work of both executors)."""
    return model.recommend(user_ids, dataset, k=k, filters=filters)


class LocalExecutor:
    """Runs chunks one after another in this process."""

    def map(self, model: Recommender, dataset: Dataset, chunks: Iterable[np.ndarray], k: int, filters: ItemFilters) -> Iterator[pd.DataFrame]:
        for chunk in chunks:
            yield score_chunk(model, dataset, chunk, k, filters)

    def close(self) -> None:
        pass


class DaskExecutor:
    """Runs chunks on a Dask cluster at ``address`` (model and dataset sent to every worker once)."""

    def __init__(self, address: str, timeout: str = "10s") -> None:
        from distributed import Client

        try:
            self.client = Client(address, timeout=timeout)
        except (OSError, TimeoutError) as exc:
            raise UserError(f"cannot reach the Dask scheduler at {address}: {exc}") from None

    def map(self, model: Recommender, dataset: Dataset, chunks: Iterable[np.ndarray], k: int, filters: ItemFilters) -> Iterator[pd.DataFrame]:
        from distributed import as_completed

        model_f, dataset_f, filters_f = self.client.scatter([model, dataset, filters], broadcast=True)
        futures = [self.client.submit(score_chunk, model_f, dataset_f, chunk, k, filters_f, pure=False) for chunk in chunks]
        for future in as_completed(futures):
            yield future.result()

    def close(self) -> None:
        self.client.close()


@dataclass
class ScoreAllReport:
    """What ``score-all`` did."""

    run_id: int
    participants: int
    rows: int
    seconds: float
    executor: str


def score_all(
    engine: Engine,
    *,
    k: int = 10,
    scheduler: str | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    filters: ItemFilters | None = None,
    progress: Callable[[int], None] | None = None,
) -> ScoreAllReport:
    """Write every participant's top-``k`` under the promoted run; returns counts and time.

    Raises
    ------
    UserError
        No promoted model, a model that does not fit the catalogue, k out of
        range, or an unreachable scheduler.
    """
    k = check_k(k)
    if chunk_size < 1:
        raise UserError(f"chunk size must be at least 1, not {chunk_size}")
    started = time.perf_counter()
    dataset = load_dataset(engine)
    loaded = load_promoted(engine, dataset)
    if loaded is None:
        raise UserError("no promoted model to score with; run `prakerja train` first")
    filters = filters or ItemFilters()
    users = dataset.user_id_map.external_ids
    chunks = [users[i : i + chunk_size] for i in range(0, len(users), chunk_size)]
    executor = DaskExecutor(scheduler) if scheduler else LocalExecutor()
    rows = 0
    try:
        with transaction(engine) as session:
            session.execute(delete(Recommendation).where(Recommendation.model_run_id == loaded.run_id))
            for frame in executor.map(loaded.model, dataset, chunks, k, filters):
                records = [
                    {"model_run_id": loaded.run_id, "participant_id": int(u), "vacancy_id": int(i), "score": float(s), "rank": int(r)}
                    for u, i, s, r in frame[Columns.Recommendations].itertuples(index=False)
                ]
                for start in range(0, len(records), INSERT_BATCH):
                    session.execute(insert(Recommendation), records[start : start + INSERT_BATCH])
                rows += len(records)
                if progress is not None:
                    progress(frame[Columns.User].nunique())
    finally:
        executor.close()
    return ScoreAllReport(
        run_id=loaded.run_id,
        participants=len(users),
        rows=rows,
        seconds=time.perf_counter() - started,
        executor="dask" if scheduler else "local",
    )
