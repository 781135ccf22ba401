"""Re-classify stored vacancies when the occupation classifier changes, and say what moved.

Vacancies keep their title, department and description, so a new model can be
applied to all of them without re-ingesting anything. What is stored follows
the ingest: the group when the model is confident, no group (but the
confidence) when it is not. Moves are counted between sub-major groups (two
digits, the level the model is measured at), with ``uncertain`` for a vacancy
left without a group for low confidence and ``none`` for one whose title names
nothing; a change of unit inside the same sub-major counts as ``refined``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import Engine, bindparam, select, update

from jobs_ingest.occupations import OccupationClassifier
from prakerja.db import session_factory, transaction
from prakerja.models import Vacancy

UNCERTAIN = "uncertain"
NONE = "none"
BATCH_SIZE = 2000


@dataclass
class Reclassification:
    """What a re-classification did: vacancies read, vacancies whose stored occupation changed, and the moves."""

    vacancies: int = 0
    changed: int = 0
    refined: int = 0  # same sub-major, another unit (or a unit where there was none)
    moves: Counter = field(default_factory=Counter)  # (from group, to group) -> vacancies

    def as_dict(self) -> dict:
        """Plain values for ``--format json``."""
        return {
            "vacancies": self.vacancies,
            "changed": self.changed,
            "refined": self.refined,
            "moves": [{"from": a, "to": b, "vacancies": n} for (a, b), n in sorted(self.moves.items())],
        }


def group_of(code: str | None, confidence: float | None) -> str:
    """The sub-major group a stored occupation counts under in the moves."""
    if code:
        return code[:2]
    return UNCERTAIN if confidence is not None else NONE


def reclassify_vacancies(
    engine: Engine, classifier: OccupationClassifier | None = None, dry_run: bool = False, batch_size: int = BATCH_SIZE
) -> Reclassification:
    """Classify every stored vacancy again and store the new occupation where it changed.

    Parameters
    ----------
    engine
        The database.
    classifier
        The classifier to apply (default: the shipped model over the groups in the database).
    dry_run
        Count what would move without writing.
    batch_size
        Vacancies read and written per transaction.

    Returns
    -------
    Reclassification
        Counts of vacancies, changes and moves between sub-major groups.
    """
    if classifier is None:
        with session_factory(engine)() as session:
            classifier = OccupationClassifier.from_session(session)
    result = Reclassification()
    last_id = 0
    while True:
        with session_factory(engine)() as session:
            rows = session.execute(
                select(Vacancy.id, Vacancy.title, Vacancy.department, Vacancy.description,
                       Vacancy.occupation_code, Vacancy.occupation_confidence)
                .where(Vacancy.id > last_id).order_by(Vacancy.id).limit(batch_size)
            ).all()
        if not rows:
            return result
        last_id = rows[-1].id
        matches = classifier.classify_many([(row.title, row.department, row.description) for row in rows])
        changes = []
        for row, match in zip(rows, matches):
            code = match.code if match is not None and match.confident else None
            confidence = match.confidence if match is not None else None
            result.vacancies += 1
            if code == row.occupation_code and _same(confidence, row.occupation_confidence):
                continue
            result.changed += 1
            before, after = group_of(row.occupation_code, row.occupation_confidence), group_of(code, confidence)
            if before != after:
                result.moves[(before, after)] += 1
            elif code != row.occupation_code:
                result.refined += 1
            changes.append({"vacancy_id": row.id, "code": code, "confidence": confidence})
        if changes and not dry_run:
            with transaction(engine) as session:
                session.connection().execute(
                    update(Vacancy.__table__)
                    .where(Vacancy.__table__.c.id == bindparam("vacancy_id"))
                    .values(occupation_code=bindparam("code"), occupation_confidence=bindparam("confidence")),
                    changes,
                )


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) < 5e-4
