"""Bulk loading of generated frames in one transaction: COPY on PostgreSQL, executemany on SQLite.

The ORM would spend more time building objects than the generator spends
drawing them; a raw DBAPI connection taken from the engine keeps the whole
world in one transaction, so a crash leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator

import numpy as np
import pandas as pd
from sqlalchemy import Date, DateTime, Engine

from prakerja.models import Base

COPY_NULL = r"\N"
INDEX_BUILD_MEMORY = "256MB"


class BulkWriter:
    """Appends frames (columns named as the table's columns) to tables through one DBAPI connection."""

    def __init__(self, engine: Engine) -> None:
        self._raw = engine.raw_connection()
        self.postgres = engine.dialect.name == "postgresql"

    def max_id(self, table: str) -> int:
        """The largest ``id`` in ``table`` (0 when empty), so new rows can take explicit ids."""
        cursor = self._raw.cursor()
        try:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
            return int(cursor.fetchone()[0])
        finally:
            cursor.close()

    def count(self, table: str) -> int:
        cursor = self._raw.cursor()
        try:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            return int(cursor.fetchone()[0])
        finally:
            cursor.close()

    def replace_setting(self, name: str, value: str) -> None:
        """Store ``value`` as the database setting ``name`` (see :mod:`prakerja.stored_settings`), in this transaction."""
        mark = "%s" if self.postgres else "?"
        cursor = self._raw.cursor()
        try:
            cursor.execute(f"DELETE FROM settings WHERE name = {mark}", (name,))
            cursor.execute(f"INSERT INTO settings (name, value) VALUES ({mark}, {mark})", (name, value))
        finally:
            cursor.close()

    def write(self, table: str, frame: pd.DataFrame) -> int:
        """Insert every row of ``frame``; returns the number of rows."""
        if frame.empty:
            return 0
        columns = list(frame.columns)
        if self.postgres:
            self._copy(table, columns, frame)
        else:
            self._insert_many(table, columns, frame)
        return len(frame)

    def reset_sequences(self, tables: list[str]) -> None:
        """After explicit ids, move PostgreSQL's id sequences past them (SQLite needs nothing)."""
        if not self.postgres:
            return
        cursor = self._raw.cursor()
        try:
            for table in tables:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
                )
        finally:
            cursor.close()

    @contextlib.contextmanager
    def checks_deferred(self, tables: tuple[str, ...]) -> Iterator[None]:
        """On PostgreSQL, drop the plain indexes and foreign keys of ``tables`` now and rebuild them at the end.

        The "Populating a Database" advice of the PostgreSQL manual: one index
        build and one validating join are far cheaper than millions of per-row
        index inserts and foreign-key trigger calls. The drops are part of the
        world's transaction, so a failure restores them with everything else.
        Primary keys and unique constraints stay (they guard the ids).
        """
        if not self.postgres:
            yield
            return
        cursor = self._raw.cursor()
        try:
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
                "AND i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                "WHERE c.conname = i.indexname AND c.connamespace = to_regnamespace(current_schema()))",
                (list(tables),),
            )
            indexes = cursor.fetchall()
            cursor.execute(
                "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
                "WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s)",
                (list(tables),),
            )
            foreign_keys = cursor.fetchall()
            for name, _ in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
            for table, name, _ in foreign_keys:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            yield
            # Sorting tens of millions of keys: more memory for this transaction's index builds only.
            cursor.execute(f"SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'")
            for _, definition in indexes:
                cursor.execute(definition)
            for table, name, definition in foreign_keys:
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        finally:
            cursor.close()

    def commit(self) -> None:
        self._raw.commit()

    def rollback(self) -> None:
        self._raw.rollback()

    def close(self) -> None:
        self._raw.close()

    def _copy(self, table: str, columns: list[str], frame: pd.DataFrame) -> None:
        formatted = pd.DataFrame({name: _column_text(table, name, frame[name], sqlite=False) for name in columns})
        buffer = io.StringIO()
        formatted.to_csv(buffer, header=False, index=False, na_rep=COPY_NULL)
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '{COPY_NULL}')"
        with self._raw.cursor() as cursor, cursor.copy(sql) as copy:
            copy.write(buffer.getvalue())

    def _insert_many(self, table: str, columns: list[str], frame: pd.DataFrame) -> None:
        values = [_python_values(_column_text(table, name, frame[name], sqlite=True)) for name in columns]
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        cursor = self._raw.cursor()
        try:
            cursor.executemany(sql, list(zip(*values)))
        finally:
            cursor.close()


@contextlib.contextmanager
def bulk_transaction(engine: Engine) -> Iterator[BulkWriter]:
    """A :class:`BulkWriter` whose work commits at the end, or rolls back entirely on any error."""
    writer = BulkWriter(engine)
    try:
        yield writer
        writer.commit()
    except BaseException:
        writer.rollback()
        raise
    finally:
        writer.close()


def _column_text(table: str, name: str, values: pd.Series, *, sqlite: bool) -> pd.Series:
    """Dates and times as the text each database (and SQLAlchemy's SQLite reader) expects."""
    column_type = Base.metadata.tables[table].c[name].type
    if isinstance(column_type, DateTime):
        unit = "us" if sqlite else "s"
        text = np.datetime_as_string(values.to_numpy(dtype="datetime64[s]"), unit=unit)
        text = pd.Series(text, index=values.index)
        return (text.str.replace("T", " ", regex=False) if sqlite else text).where(values.notna())
    if isinstance(column_type, Date):
        text = np.datetime_as_string(values.to_numpy(dtype="datetime64[D]"), unit="D")
        return pd.Series(text, index=values.index).where(values.notna())
    if sqlite and values.dtype == bool:
        return values.astype(np.int8)
    return values


def _python_values(values: pd.Series) -> list:
    """Plain Python objects for sqlite3 (no numpy scalars, None for missing)."""
    if values.dtype == object or isinstance(values.dtype, pd.api.extensions.ExtensionDtype):
        return [None if pd.isna(v) else (v.item() if hasattr(v, "item") else v) for v in values.astype(object)]
    return values.tolist()
