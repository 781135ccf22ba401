"""Accounting invariants on a random mix of new, repeated, changed, cross-board and bad rows."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import func, select

from jobs_ingest.pipeline import ingest_postings
from jobs_ingest.records import RawPosting, RejectedRow
from jobs_ingest.report import run_summaries
from prakerja.models import RawRow, Vacancy, VacancySource

PLACES = ("Surabaya", "Kota Malang", "Sidoarjo Regency", "Jakarta Selatan", "Bandung", "Remote", "Makati", "Planet Mars")
TITLES = ("Kasir", "Admin Gudang", "Sales Executive", "Barista", "Operator Produksi", "Backend Engineer")


def random_board(rng: random.Random, board: str, rows: int) -> list:
    records: list = []
    for n in range(rows):
        roll = rng.random()
        if records and roll < 0.15:
            previous = rng.choice([r for r in records if isinstance(r, RawPosting)] or [None])
            if previous is not None:
                salary = f"{rng.randint(3, 9)} juta" if roll < 0.07 else previous.salary_text
                records.append(RawPosting(**{**_fields(previous), "salary_text": salary}))
                continue
        if roll > 0.95:
            records.append(RejectedRow(board, {"n": n}, "wrong column count: expected 15, got 3"))
            continue
        records.append(RawPosting(
            source=board, source_id=f"{board}-{n}", url=f"https://{board}.example/{n}",
            title=rng.choice(TITLES) + ("" if rng.random() < 0.7 else f" {n}"),
            company=rng.choice(("PT Sinar", "CV Maju", "Toko Rame", None)), location_text=rng.choice(PLACES),
            salary_text=rng.choice(("5 juta", "Rp 4.500.000", None, "Rp 20")),
            first_seen=f"2024-08-{rng.randint(10, 20)}T00:00:00", raw={"n": n, "board": board},
        ))
    return records


def _fields(posting: RawPosting) -> dict:
    return {name: getattr(posting, name) for name in posting.__slots__ if name != "row_number"}


@pytest.mark.parametrize("seed", [1, 2])
def test_counts_add_up_and_a_rerun_creates_nothing(ingest_engine, ingest_now, ingest_normalizer, seed):
    rng = random.Random(seed)
    boards = {board: random_board(rng, board, 120) for board in ("alpha", "beta", "gamma")}
    for board, records in boards.items():
        report = ingest_postings(ingest_engine, records, source=board, kind="api", location=None, now=ingest_now, normalizer=ingest_normalizer,
                                 batch_size=rng.choice((7, 50, 500)))
        assert report.rows == len(records)
    merged = sum(s.outcomes["merged"] for s in run_summaries(ingest_engine))
    assert merged > 0, "the random boards share companies, titles and places"

    for board, records in boards.items():
        rerun = ingest_postings(ingest_engine, [RawPosting(**_fields(r)) if isinstance(r, RawPosting) else r
                                                for r in records],
                                source=board, kind="api", location=None, now=ingest_now, normalizer=ingest_normalizer, batch_size=64)
        assert (rerun.created, rerun.merged) == (0, 0)
        assert rerun.rows == len(records)

    with ingest_engine.connect() as connection:
        archived = connection.scalar(select(func.count()).select_from(RawRow))
        orphans = connection.scalar(
            select(func.count()).select_from(Vacancy).where(~select(VacancySource.id).where(
                VacancySource.vacancy_id == Vacancy.id).exists())
        )
        linked = connection.scalar(select(func.count()).select_from(RawRow).where(
            RawRow.outcome != "quarantined", RawRow.vacancy_id.is_(None)))
        kinds = set(connection.scalars(select(Vacancy.location_kind).distinct()))
    summaries = run_summaries(ingest_engine)
    assert archived == sum(s.rows for s in summaries) == sum(s.archived for s in summaries)
    assert orphans == 0 and linked == 0
    assert "foreign" not in kinds
