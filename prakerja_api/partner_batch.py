"""A partner board's batch of postings, loaded through the same pipeline as ``prakerja ingest``.

Normalization, dedupe against every vacancy already known, quarantine and the
archive of every raw row are :mod:`jobs_ingest.pipeline`'s; this module only
turns the API's postings into :class:`~jobs_ingest.records.RawPosting` objects
and reads back, per posting, what became of it and why.

Postings are stored under the board name ``partner-<key prefix>``: re-sending a
``source_id`` with the same key updates that posting in place; the same job
already known from another board merges into the existing vacancy.
"""

from __future__ import annotations

from sqlalchemy import Engine, select

from jobs_ingest.normalize import Normalizer, RowRejected
from jobs_ingest.pipeline import ingest_postings
from jobs_ingest.records import RawPosting
from prakerja.db import session_factory
from prakerja.models import RawRow
from prakerja_api.keys import KeyHolder
from prakerja_api.schemas import PostingIn, PostingResult, VacancyBatchOut

INGEST_KIND = "api"


def board_name(holder: KeyHolder) -> str:
    """The board a partner key's postings are stored under."""
    return f"partner-{holder.prefix}"


class ReasonRecorder:
    """A :class:`Normalizer` that also remembers why each rejected posting was rejected (by row number).

    The pipeline counts quarantine reasons by category; the API answers the
    exact reason of each posting, so it listens where the reason is raised.
    """

    def __init__(self, inner: Normalizer) -> None:
        self._inner = inner
        self.reasons: dict[int, str] = {}

    def normalize(self, posting: RawPosting):
        try:
            return self._inner.normalize(posting)
        except RowRejected as exc:
            self.reasons[posting.row_number] = str(exc)
            raise

    def sighting(self, posting: RawPosting):
        try:
            return self._inner.sighting(posting)
        except RowRejected as exc:
            self.reasons[posting.row_number] = str(exc)
            raise

    def __getattr__(self, name: str):
        return getattr(self._inner, name)


def raw_posting(board: str, index: int, posting: PostingIn) -> RawPosting:
    return RawPosting(
        source=board,
        source_id=posting.source_id,
        title=posting.title,
        url=posting.url,
        company=posting.company,
        company_url=posting.company_url,
        location_text=posting.location,
        department=posting.department,
        description=posting.description,
        salary_text=posting.salary,
        salary_currency=posting.salary_currency,
        employment_type_text=posting.employment_type,
        job_level=posting.job_level,
        posted_at=posting.posted_at,
        apply_end=posting.apply_end,
        is_active=posting.is_active,
        raw=posting.model_dump(exclude_none=True),
        row_number=index,
    )


def ingest_batch(engine: Engine, holder: KeyHolder, postings: list[PostingIn]) -> VacancyBatchOut:
    """Load ``postings`` as one ingest run (one transaction) and say what became of each."""
    board = board_name(holder)
    with session_factory(engine)() as session:
        normalizer = ReasonRecorder(Normalizer.from_session(session))
    records = [raw_posting(board, i, p) for i, p in enumerate(postings)]
    report = ingest_postings(
        engine, records, source=board, kind=INGEST_KIND, location=f"api:{holder.prefix}",
        batch_size=len(records) + 1, normalizer=normalizer,  # type: ignore[arg-type]
    )
    with engine.connect() as connection:
        fates = {
            row.row_number: row
            for row in connection.execute(
                select(RawRow.row_number, RawRow.outcome, RawRow.vacancy_id).where(RawRow.run_id == report.run_id)
            )
        }
    results = []
    for index, posting in enumerate(postings):
        fate = fates[index]
        results.append(
            PostingResult(
                index=index,
                source_id=posting.source_id,
                outcome=fate.outcome,
                vacancy_id=fate.vacancy_id,
                reason=normalizer.reasons.get(index, "rejected") if fate.outcome == "quarantined" else None,
            )
        )
    return VacancyBatchOut(
        run_id=report.run_id,
        board=board,
        counts={
            "created": report.created, "updated": report.updated, "merged": report.merged,
            "unchanged": report.unchanged, "quarantined": report.quarantined,
        },
        quarantine_reasons=report.quarantine_reasons,
        postings=results,
    )
