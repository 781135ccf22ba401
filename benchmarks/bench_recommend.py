"""Recommender at scale: filtered exact top-10 for 1,000,000 participants over 100,000 vacancies.

Prints users/second of :mod:`recommender.retrieval` with business filters,
the ratio against a faiss ``IndexFlatIP`` exact search on the same vectors
without filters (goal >= 0.9x) and against looping ``LightFM.predict`` per
user (goal >= 50x; measured on a sample of users), peak memory (goal < 6 GiB),
and LightFM training time on 1,000,000 interactions with 2 threads.

Representations are synthetic (random biases and embeddings of the model's
dimension: retrieval cost does not depend on what the numbers mean); places,
wages and types are drawn over the shipped regency table so that the place
filters group users the way real participants are grouped.

``python -m benchmarks recommend`` runs the full size; ``--quick`` a small one.
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
import pandas as pd
import scipy.sparse as sp

from prakerja.columns import Columns
from prakerja.reference.regions import read_regencies
from recommender.attributes import ItemAttr, UserAttr
from recommender.dataset import Dataset, Features, IdMap
from recommender.filters import ItemFilters
from recommender.retrieval import augmented_vectors, top_k_filtered


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench_recommend", description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--components", type=int, default=32, help="LightFM no_components")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--faiss-users", type=int, default=200_000, help="users timed on faiss (rate extrapolates)")
    parser.add_argument("--predict-users", type=int, default=20, help="users timed on LightFM.predict")
    parser.add_argument("--train-interactions", type=int, default=1_000_000)
    parser.add_argument("--train-epochs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="a small run for development")
    args, _ = parser.parse_known_args(argv)
    if args.quick:
        args.users, args.items, args.faiss_users, args.predict_users = 50_000, 20_000, 20_000, 5
        args.train_interactions, args.train_epochs = 100_000, 2
    return args


def peak_memory_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def synthetic_world(n_users: int, n_items: int, rng: np.random.Generator) -> Dataset:
    """Users and vacancies placed over the real regencies (vacancies weighted to cities), with wages and types."""
    regencies = pd.DataFrame(read_regencies())
    weight = regencies["population"].to_numpy(dtype=float)
    user_reg = rng.choice(len(regencies), size=n_users, p=weight / weight.sum())
    job_weight = weight * np.where(regencies["urban"], 3.0, 1.0)
    item_reg = rng.choice(len(regencies), size=n_items, p=job_weight / job_weight.sum())
    users = regencies.iloc[user_reg]
    items = regencies.iloc[item_reg]
    salary = np.round(rng.lognormal(np.log(3.5e6), 0.4, n_items), -5)
    types = rng.choice(np.array(["fullTime", "contract", "partTime", "fullTime,contract"], dtype=object), n_items)
    remote = rng.random(n_items) < 0.03
    user_attributes = pd.DataFrame(
        {
            UserAttr.Regency: users["code"].to_numpy(),
            UserAttr.Province: users["province_code"].to_numpy(),
            UserAttr.Latitude: users["latitude"].to_numpy(),
            UserAttr.Longitude: users["longitude"].to_numpy(),
            UserAttr.WageBefore: np.nan,
        }
    )
    item_attributes = pd.DataFrame(
        {
            ItemAttr.Active: rng.random(n_items) < 0.85,
            ItemAttr.Regency: np.where(remote, None, items["code"].to_numpy()),
            ItemAttr.Province: np.where(remote, None, items["province_code"].to_numpy()),
            ItemAttr.Latitude: np.where(remote, np.nan, items["latitude"].to_numpy()),
            ItemAttr.Longitude: np.where(remote, np.nan, items["longitude"].to_numpy()),
            ItemAttr.Remote: remote,
            ItemAttr.SalaryMin: salary * 0.8,
            ItemAttr.SalaryMax: salary,
            ItemAttr.EmploymentTypes: types,
        }
    )
    # two applied/dismissed vacancies per participant, to be excluded
    applied = pd.DataFrame(
        {
            Columns.User: np.repeat(np.arange(n_users), 2),
            Columns.Item: rng.integers(0, n_items, 2 * n_users),
            Columns.Weight: np.float32(3.0),
            Columns.Datetime: pd.Timestamp("2021-06-01"),
            Columns.Kind: "applied",
        }
    )
    return Dataset(
        user_id_map=IdMap(np.arange(n_users)),
        item_id_map=IdMap(np.arange(n_items)),
        interactions=applied,
        user_features=Features.empty(n_users),
        item_features=Features.empty(n_items),
        user_attributes=user_attributes,
        item_attributes=item_attributes,
    )


def time_filtered(dataset: Dataset, users: np.ndarray, items: np.ndarray, k: int, filters: ItemFilters) -> tuple[float, float]:
    """Seconds for every user's filtered top-k, and the share of users with a full list."""
    started = time.perf_counter()
    result = top_k_filtered(lambda u, i: users[u] @ items[i].T, dataset, np.arange(len(users)), np.arange(len(items)), k, filters=filters)
    seconds = time.perf_counter() - started
    return seconds, float((result.items >= 0).all(axis=1).mean())


def time_faiss(users: np.ndarray, items: np.ndarray, k: int, sample: int) -> float:
    """Users per second of faiss IndexFlatIP exact search (no filters) on the same vectors."""
    import faiss

    index = faiss.IndexFlatIP(items.shape[1])
    index.add(items)
    queries = np.ascontiguousarray(users[:sample])
    started = time.perf_counter()
    index.search(queries, k)
    return len(queries) / (time.perf_counter() - started)


def lightfm_with(user_biases, user_embeddings, item_biases, item_embeddings):
    """A LightFM model carrying exactly these parameters (identity features)."""
    from lightfm import LightFM

    model = LightFM(no_components=user_embeddings.shape[1])
    model._initialize(user_embeddings.shape[1], len(item_biases), len(user_biases))
    model.user_embeddings[:] = user_embeddings
    model.user_biases[:] = user_biases
    model.item_embeddings[:] = item_embeddings
    model.item_biases[:] = item_biases
    return model


def time_predict_loop(model, n_users: int, n_items: int, sample: int) -> float:
    """Users per second of ``LightFM.predict`` called once per user over every item."""
    items = np.arange(n_items, dtype=np.int32)
    started = time.perf_counter()
    for user in range(sample):
        model.predict(np.full(n_items, user, dtype=np.int32), items, num_threads=2)
    return sample / (time.perf_counter() - started)


def time_training(n_interactions: int, epochs: int, components: int, rng: np.random.Generator) -> tuple[float, int, int]:
    """Seconds to fit the project's LightFMHybrid (WARP, 2 threads) on ``n_interactions`` synthetic interactions."""
    from recommender.models import LightFMHybrid

    n_users, n_items, n_features = max(n_interactions // 10, 10), max(n_interactions // 50, 10), 2_000
    user_taste = rng.integers(0, 50, n_users)
    item_group = rng.integers(0, 50, n_items)
    user_rows = np.repeat(np.arange(n_users), 10)[:n_interactions]
    same = rng.random(n_interactions) < 0.7
    pool = [np.flatnonzero(item_group == g) for g in range(50)]
    items = np.where(same, [rng.choice(pool[user_taste[u]]) if len(pool[user_taste[u]]) else 0 for u in user_rows], rng.integers(0, n_items, n_interactions))
    interactions = pd.DataFrame({Columns.User: user_rows, Columns.Item: items, Columns.Weight: np.float32(1), Columns.Datetime: pd.Timestamp("2021-01-01")})
    item_feats = sp.csr_matrix(
        (np.ones(n_items * 8, np.float32), (np.repeat(np.arange(n_items), 8), (item_group[:, None] * 40 + rng.integers(0, 40, (n_items, 8))).ravel())),
        shape=(n_items, n_features),
    )
    user_feats = sp.csr_matrix(
        (np.ones(n_users * 6, np.float32), (np.repeat(np.arange(n_users), 6), (user_taste[:, None] * 40 + rng.integers(0, 40, (n_users, 6))).ravel())),
        shape=(n_users, n_features),
    )
    names = np.asarray([f"f={i}" for i in range(n_features)], dtype=object)
    dataset = Dataset(IdMap(np.arange(n_users)), IdMap(np.arange(n_items)), interactions, Features(user_feats, names), Features(item_feats, names))
    started = time.perf_counter()
    LightFMHybrid(no_components=components, epochs=epochs, num_threads=2).fit(dataset)
    return time.perf_counter() - started, n_users, n_items


def main(argv: list[str]) -> None:
    args = parse(argv)
    rng = np.random.default_rng(2021)
    d = args.components
    print(f"building {args.users:,} participants x {args.items:,} vacancies (dimension {d} + 2 bias terms)", flush=True)
    user_biases = rng.standard_normal(args.users).astype(np.float32)
    user_embeddings = (rng.standard_normal((args.users, d)) / np.sqrt(d)).astype(np.float32)
    item_biases = rng.standard_normal(args.items).astype(np.float32)
    item_embeddings = (rng.standard_normal((args.items, d)) / np.sqrt(d)).astype(np.float32)
    users, items = augmented_vectors(user_biases, user_embeddings, item_biases, item_embeddings)
    dataset = synthetic_world(args.users, args.items, rng)

    faiss_rate = time_faiss(users, items, args.k, min(args.faiss_users, args.users))
    print(f"faiss IndexFlatIP, no filters:            {faiss_rate:>12,.0f} users/s (on {min(args.faiss_users, args.users):,} users)", flush=True)

    scenarios = {
        "province or remote, active, min wage Rp3.000.000, not applied": ItemFilters(province_only=True, min_wage=3_000_000),
        "within 100 km or remote, active, not applied": ItemFilters(radius_km=100),
        "no place filter: active, full-time or contract, not applied": ItemFilters(employment_types=("fullTime", "contract")),
    }
    rates = {}
    for name, filters in scenarios.items():
        seconds, full = time_filtered(dataset, users, items, args.k, filters)
        rates[name] = args.users / seconds
        print(
            f"top-{args.k} with filters [{name}]: {rates[name]:>12,.0f} users/s "
            f"({seconds:,.1f}s for {args.users:,}; {full:.0%} full lists) = {rates[name] / faiss_rate:.2f}x faiss",
            flush=True,
        )

    sample = min(args.predict_users, args.users)
    model = lightfm_with(user_biases[:sample], user_embeddings[:sample], item_biases, item_embeddings)
    predict_rate = time_predict_loop(model, sample, args.items, sample)
    best = max(rates.values())
    worst = min(rates.values())
    print(
        f"LightFM.predict loop, no filters:         {predict_rate:>12,.1f} users/s (on {sample} users) -> "
        f"filtered retrieval is {worst / predict_rate:,.0f}x to {best / predict_rate:,.0f}x faster",
        flush=True,
    )
    seconds, n_users, n_items = time_training(args.train_interactions, args.train_epochs, d, rng)
    print(
        f"LightFM training (WARP, {d} components, 2 threads): {seconds:,.1f}s for {args.train_epochs} epochs on "
        f"{args.train_interactions:,} interactions ({n_users:,} users, {n_items:,} items) = {seconds / args.train_epochs:,.1f}s/epoch",
        flush=True,
    )
    print(f"peak memory: {peak_memory_gib():.2f} GiB (goal < 6 GiB)")
