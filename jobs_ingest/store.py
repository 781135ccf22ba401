"""Bulk reads and writes of vacancies and their sources, one statement per batch.

The pipeline never issues a statement per row: keys are fetched for a whole
batch, and inserts/updates go out as executemany lists. Both databases get the
same statements, except where noted (id allocation, insert-or-ignore).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import operator
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    JSON, Boolean, ColumnElement, Connection, Date, DateTime, String, Table, any_, bindparam, case, func,
    literal_column, select, text,
)
from sqlalchemy.dialects import postgresql, sqlite

from jobs_ingest.dedupe import DuplicateIndex, place_key
from prakerja.models import Quarantine, RawRow, Vacancy, VacancySkill, VacancySource

vacancies = Vacancy.__table__
vacancy_sources = VacancySource.__table__
vacancy_skills = VacancySkill.__table__
quarantine = Quarantine.__table__
raw_rows = RawRow.__table__

# Columns an update replaces; first_seen/last_seen only ever widen.
REPLACED_COLUMNS = (
    "title", "title_norm", "company", "company_norm", "description", "department", "job_level", "location_text",
    "location_kind", "regency_code", "province_code", "remote", "salary_min_idr", "salary_max_idr",
    "salary_currency", "salary_text", "employment_types", "occupation_code", "occupation_confidence", "posted_at",
    "expires_at", "status",
)
# Columns a merged duplicate may fill when the vacancy lacks them (the other board said more).
FILLED_COLUMNS = (
    "description", "department", "job_level", "regency_code", "salary_min_idr", "salary_max_idr", "salary_currency",
    "salary_text", "employment_types", "occupation_code", "occupation_confidence", "posted_at",
)


@dataclasses.dataclass(slots=True)
class SourceRow:
    """A ``vacancy_sources`` row as the batch sees it; ``id`` is None until inserted."""

    id: int | None
    vacancy_id: int
    source: str
    source_id: str
    url: str | None
    content_hash: str | None
    first_seen: dt.datetime
    last_seen: dt.datetime
    status: str

    def values(self) -> dict[str, Any]:
        """The columns to insert (the database assigns ``id``)."""
        return {name: getattr(self, name) for name in _SOURCE_COLUMNS}


_SOURCE_COLUMNS = tuple(field.name for field in dataclasses.fields(SourceRow) if field.name != "id")


def fetch_sources(connection: Connection, source: str, source_ids: Sequence[str], urls: Sequence[str]) -> list[SourceRow]:
    """The known sources of a batch: same board and id, or any board with one of the URLs.

    Two queries, not one with OR: each is answered from its own index (the unique
    (source, source_id) and the url index), where an OR makes SQLite scan the table.
    The keys go as one array parameter (:func:`one_of`), not thousands of bound values.
    """
    columns = [vacancy_sources.c[field.name] for field in dataclasses.fields(SourceRow)]
    by_id = select(*columns).where(
        vacancy_sources.c.source == source, one_of(connection, vacancy_sources.c.source_id, source_ids)
    )
    rows = {row.id: row for row in connection.execute(by_id)}
    if urls:
        by_url = select(*columns).where(one_of(connection, vacancy_sources.c.url, urls))
        rows.update((row.id, row) for row in connection.execute(by_url))
    return [SourceRow(*row) for row in rows.values()]


def fetch_quarantined_hashes(connection: Connection, source: str, hashes: Iterable[str]) -> set[str]:
    """Content hashes of rows of ``source`` already quarantined by an earlier run (not quarantined twice)."""
    hashes = list(set(hashes))
    if not hashes:
        return set()
    query = select(raw_rows.c.content_hash).where(
        raw_rows.c.source == source, raw_rows.c.outcome == "quarantined",
        one_of(connection, raw_rows.c.content_hash, hashes),
    )
    return set(connection.scalars(query))


def one_of(connection: Connection, column: ColumnElement, values: Iterable[str]) -> ColumnElement[bool]:
    """``column IN values`` with the values as one parameter: a PostgreSQL array (``= ANY``), a JSON
    array on SQLite (``IN (SELECT value FROM json_each(?))``).

    A batch has thousands of keys: as separate bound values SQLAlchemy renders and converts each of
    them on every execution and PostgreSQL plans a list that long, which cost about as much as the
    lookups themselves. Both forms still use the column's index.
    """
    values = list(values)
    dialect = connection.dialect.name
    if dialect == "postgresql":
        return column == any_(bindparam(None, values, type_=postgresql.ARRAY(String), unique=True))
    if dialect == "sqlite":
        listed = select(literal_column("value")).select_from(
            func.json_each(bindparam(None, json.dumps(values, ensure_ascii=False), type_=String, unique=True))
        )
        return column.in_(listed)
    return column.in_(values)


def load_duplicate_index(connection: Connection, index: DuplicateIndex) -> DuplicateIndex:
    """Fill ``index`` with the active vacancies that have a company, once per run."""
    seen = func.coalesce(vacancies.c.posted_at, vacancies.c.first_seen)
    # The day as ISO text on both databases: cheap to read back, no datetime parsing per row.
    day = func.date(seen) if connection.dialect.name == "sqlite" else func.to_char(seen, "YYYY-MM-DD")
    query = (
        select(
            vacancies.c.id,
            vacancies.c.company_norm,
            vacancies.c.regency_code,
            vacancies.c.province_code,
            vacancies.c.location_kind,
            vacancies.c.location_text,
            vacancies.c.title_norm,
            day,
            vacancy_sources.c.source,
        )
        .join(vacancy_sources, vacancy_sources.c.vacancy_id == vacancies.c.id)
        .where(vacancies.c.status == "active", vacancies.c.company_norm.is_not(None))
    )
    for vacancy_id, company, regency, province, kind, location_text, title, iso_day, source in connection.execute(
        query.execution_options(yield_per=50_000)
    ):
        place = place_key(kind, regency, province, location_text)
        index.add(vacancy_id, company, place, title, dt.date.fromisoformat(iso_day) if iso_day else None, source)
    return index


def tune_for_bulk(connection: Connection) -> None:
    """SQLite: a 64 MB page cache, so index pages stay in memory across a batch, and checkpoints
    of the write-ahead log every 64 MB instead of 4 MB (each batch's commit used to pay one)."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA cache_size=-65536")
        connection.exec_driver_sql("PRAGMA wal_autocheckpoint=16384")


def allocate_vacancy_ids(connection: Connection, count: int, *, at_least: int = 0) -> list[int]:
    """Ids for new vacancies, taken before inserting so that sources and skills can point at them.

    ``at_least``: the lowest id to hand out on SQLite, where ids come from the table's maximum
    (the pipeline passes the next id after those of its batches that may not be committed yet).
    """
    if count == 0:
        return []
    if connection.dialect.name == "postgresql":
        query = text("SELECT nextval(pg_get_serial_sequence('vacancies', 'id')) FROM generate_series(1, :n)")
        return list(connection.scalars(query, {"n": count}))
    # SQLite: if another writer inserts a vacancy meanwhile, one of the two inserts fails on the primary
    # key (or, within one transaction, on a busy snapshot) and its batch rolls back: ids never collide silently.
    start = max(connection.scalar(select(func.coalesce(func.max(vacancies.c.id), 0))) + 1, at_least)
    return list(range(start, start + count))


def bulk_insert(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows the fastest way each database offers.

    PostgreSQL gets COPY; SQLite gets the driver's executemany with values converted
    here exactly as SQLAlchemy would store them (its per-value processing was a third
    of the ingest time). Every row must have the same keys; JSON columns accept
    values already encoded as JSON text.
    """
    if not rows:
        return
    names = tuple(rows[0])
    columns = ", ".join(f'"{name}"' for name in names)
    if connection.dialect.name == "postgresql":
        with connection.connection.driver_connection.cursor() as cursor:
            with cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row([_as_json_text(row[name]) for name in names])
    elif connection.dialect.name == "sqlite":
        statement = f'INSERT INTO "{table.name}" ({columns}) VALUES ({", ".join("?" * len(names))})'
        connection.exec_driver_sql(statement, _sqlite_values(table, names, rows))
    else:
        connection.execute(table.insert(), rows)


def _as_json_text(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value


@lru_cache(maxsize=65_536)  # a batch repeats the same scrape time thousands of times
def _sqlite_datetime(value: Any) -> Any:
    # SQLAlchemy's SQLite storage format: "2024-08-22 11:13:58.000000"
    return value.isoformat(" ", "microseconds") if isinstance(value, dt.datetime) else value


def _sqlite_bool(value: Any) -> Any:
    return None if value is None else int(bool(value))


def _sqlite_date(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _sqlite_values(table: Table, names: tuple[str, ...], rows: list[dict[str, Any]]) -> list[tuple]:
    """Rows as tuples in ``names`` order, with only the columns that need it converted."""
    pick = operator.itemgetter(*names)
    converters = _sqlite_converters(table, names)
    if len(names) == 1:
        return [(converters[0][1](row[names[0]]) if converters else row[names[0]],) for row in rows]
    if not converters:
        return [pick(row) for row in rows]
    values = []
    for row in rows:
        picked = list(pick(row))
        for position, convert in converters:
            picked[position] = convert(picked[position])
        values.append(tuple(picked))
    return values


@lru_cache(maxsize=None)
def _sqlite_converters(table: Table, names: tuple[str, ...]) -> tuple[tuple[int, Any], ...]:
    """(position, converter) for the columns SQLAlchemy would convert before storing."""
    by_type = ((DateTime, _sqlite_datetime), (Boolean, _sqlite_bool), (JSON, _as_json_text), (Date, _sqlite_date))
    converters = []
    for position, name in enumerate(names):
        column_type = table.c[name].type
        for kind, convert in by_type:
            if isinstance(column_type, kind):
                converters.append((position, convert))
                break
    return tuple(converters)


def insert_vacancies(connection: Connection, rows: list[dict[str, Any]]) -> None:
    bulk_insert(connection, vacancies, rows)


def replace_vacancies(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """Overwrite the content of updated vacancies; their seen-window only widens."""
    if not rows:
        return
    statement = (
        vacancies.update()
        .where(vacancies.c.id == bindparam("b_id"))
        .values({**{name: bindparam(name) for name in REPLACED_COLUMNS}, **_widened_window()})
    )
    connection.execute(statement, [_bound(row, REPLACED_COLUMNS) for row in rows])


def fill_vacancies(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """Complete vacancies from a duplicate or a re-sighting: fill empty columns, widen the seen-window."""
    if not rows:
        return
    statement = (
        vacancies.update()
        .where(vacancies.c.id == bindparam("b_id"))
        .values({**{name: func.coalesce(vacancies.c[name], bindparam(name)) for name in FILLED_COLUMNS},
                 **_widened_window()})
    )
    connection.execute(statement, [_bound(row, FILLED_COLUMNS) for row in rows])


def _widened_window() -> dict[str, Any]:
    first, last = bindparam("b_first_seen"), bindparam("b_last_seen")
    return {
        "first_seen": case((vacancies.c.first_seen <= first, vacancies.c.first_seen), else_=first),
        "last_seen": case((vacancies.c.last_seen >= last, vacancies.c.last_seen), else_=last),
    }


def _bound(row: dict[str, Any], columns: Sequence[str]) -> dict[str, Any]:
    bound = {name: row.get(name) for name in columns}
    bound.update(b_id=row["id"], b_first_seen=row["first_seen"], b_last_seen=row["last_seen"])
    return bound


def insert_sources(connection: Connection, rows: list[SourceRow]) -> None:
    bulk_insert(connection, vacancy_sources, [row.values() for row in rows])


def insert_source_values(connection: Connection, values: list[dict[str, Any]]) -> None:
    """Insert sources given as :meth:`SourceRow.values` dicts (copied when the batch was decided)."""
    bulk_insert(connection, vacancy_sources, values)


def source_updates(rows: Iterable[SourceRow]) -> list[dict[str, Any]]:
    """The parameters of :func:`update_sources_by_key` for ``rows``, copied (the rows may change later)."""
    return [
        {"b_source": row.source, "b_source_id": row.source_id, "b_url": row.url, "b_hash": row.content_hash,
         "b_last_seen": row.last_seen, "b_status": row.status}
        for row in rows
    ]


def update_sources_by_key(connection: Connection, updates: list[dict[str, Any]]) -> None:
    """Apply :func:`source_updates`: found by (source, source_id), the unique key, so that a row
    inserted by an earlier batch can be updated without knowing its id."""
    if not updates:
        return
    statement = (
        vacancy_sources.update()
        .where(vacancy_sources.c.source == bindparam("b_source"), vacancy_sources.c.source_id == bindparam("b_source_id"))
        .values(
            url=bindparam("b_url"),
            content_hash=bindparam("b_hash"),
            last_seen=bindparam("b_last_seen"),
            status=bindparam("b_status"),
        )
    )
    connection.execute(statement, updates)


def update_sources(connection: Connection, rows: list[SourceRow]) -> None:
    update_sources_by_key(connection, source_updates(rows))


def add_skills(connection: Connection, pairs: set[tuple[int, int]], new_vacancies: set[int]) -> None:
    """Link vacancies to skills; links that exist already are left as they are.

    Links of vacancies created in this batch cannot exist yet and go in bulk; the
    others (updates, merges) need the slower insert-or-ignore.
    """
    fresh = [{"vacancy_id": v, "skill_id": s, "required": True} for v, s in sorted(pairs) if v in new_vacancies]
    known = [{"vacancy_id": v, "skill_id": s, "required": True} for v, s in sorted(pairs) if v not in new_vacancies]
    bulk_insert(connection, vacancy_skills, fresh)
    if known:
        dialect_insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
        connection.execute(dialect_insert(vacancy_skills).on_conflict_do_nothing(), known)


def insert_quarantine(connection: Connection, rows: list[dict[str, Any]]) -> None:
    bulk_insert(connection, quarantine, rows)


def mark_sources_removed(connection: Connection, source: str, seen: set[str], now: dt.datetime) -> int:
    """Set ``removed`` on the active sources of ``source`` not in ``seen``; vacancies follow when none is left."""
    active = connection.execute(
        select(vacancy_sources.c.id, vacancy_sources.c.source_id, vacancy_sources.c.vacancy_id).where(
            vacancy_sources.c.source == source, vacancy_sources.c.status == "active"
        )
    ).all()
    gone = [(row_id, vacancy_id) for row_id, source_id, vacancy_id in active if source_id not in seen]
    if not gone:
        return 0
    connection.execute(
        vacancy_sources.update().where(vacancy_sources.c.id == bindparam("b_id")).values(status="removed"),
        [{"b_id": row_id} for row_id, _ in gone],
    )
    still_listed = (
        select(vacancy_sources.c.id)
        .where(vacancy_sources.c.vacancy_id == vacancies.c.id, vacancy_sources.c.status == "active")
        .exists()
    )
    vacancy_ids = sorted({vacancy_id for _, vacancy_id in gone})
    for start in range(0, len(vacancy_ids), 5000):
        chunk = vacancy_ids[start : start + 5000]
        connection.execute(
            vacancies.update()
            .where(vacancies.c.id.in_(chunk), ~still_listed, vacancies.c.status != "removed")
            .values(status="removed", updated_at=now)
        )
    return len(gone)
