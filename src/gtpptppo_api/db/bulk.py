"""Many rows at once: inserted by PostgreSQL's binary COPY (an executemany elsewhere), and
matched against many values by one array parameter.

An executemany runs the INSERT once per row: on PostgreSQL each row pays the executor's
start-up and the driver's per-row parameter processing, which cost more than the row's
write. ``COPY ... FROM STDIN (FORMAT binary)`` (asyncpg's ``copy_records_to_table``) sends
all the rows as one stream in the session's transaction, with the same constraints,
indexes and triggers as an INSERT.

The values are the same as an INSERT's: each goes through its column type's bind processor
(enums to their names, JSON to text, ``UTCDateTime``), and a column missing from the rows
gets its Python-side default, as SQLAlchemy gives it to an INSERT. A unique or foreign-key
violation is raised as SQLAlchemy's ``IntegrityError``, and the driver's other errors (a
connection lost) as SQLAlchemy's, as an INSERT's would be.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import asyncpg
import pydantic_core
from sqlalchemy import Column, ColumnElement, Table, any_, bindparam, insert
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql import sqltypes
from sqlalchemy.sql.elements import Null

# Below this many rows an executemany costs about as much, and keeps the statement log
# readable.
COPY_MIN_ROWS = 8

# Rows encoded for a COPY between two calls of the caller's ``pause``.
PAUSE_EVERY = 128

Pause = Callable[[], Awaitable[None]]


def among(
    column: ColumnElement[Any] | QueryableAttribute[Any], values: Sequence[Any], dialect: str
) -> ColumnElement[bool]:
    """``column IN values``; on PostgreSQL ``column = ANY(:array)``: one parameter however many
    values, so the statement is the same text (prepared once) and no value is rendered into
    it, and an index on ``column`` is still used."""
    if dialect == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    return column.in_(values)


async def insert_rows(
    session: AsyncSession,
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    pause: Pause | None = None,
) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table`` in the session's transaction.

    ``pause``, if given, is awaited every ``PAUSE_EVERY`` rows encoded for a COPY: the
    caller's turn to let other work run (a batch push gives way, ``kit.turns``).
    """
    if not rows:
        return
    connection = await session.connection()
    if connection.dialect.name != "postgresql" or len(rows) < COPY_MIN_ROWS:
        await connection.execute(insert(table), list(rows))
        return
    await _copy(connection, table, rows, pause)


def _defaults(table: Table, given: Sequence[str]) -> dict[str, Any]:
    """The Python-side defaults of the columns the rows leave out (server defaults apply)."""
    values: dict[str, Any] = {}
    for column in table.columns:
        default = column.default
        if column.key in given or default is None:
            continue
        if default.is_scalar:
            values[column.key] = default.arg  # type: ignore[attr-defined]
        elif default.is_callable:
            values[column.key] = default.arg(None)  # type: ignore[attr-defined]
    return values


def _bind_processor(column: Column[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    """The column's bind processor; for a JSON column (JSONB) under the default serializer,
    the same with pydantic's encoder, several times faster than ``json.dumps`` (the text
    differs in its spaces only, which JSONB does not keep)."""
    kind = column.type.dialect_impl(dialect)
    if not isinstance(kind, sqltypes.JSON) or dialect._json_serializer is not None:
        return column.type._cached_bind_processor(dialect)
    null, none_as_null = kind.NULL, kind.none_as_null

    def process(value: Any) -> Any:
        if value is null:
            value = None
        elif isinstance(value, Null) or (value is None and none_as_null):
            return None
        return pydantic_core.to_json(value).decode()

    return process


async def _copy(
    connection: AsyncConnection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    pause: Pause | None,
) -> None:
    raw = await connection.get_raw_connection()
    driver: asyncpg.Connection = raw.driver_connection
    if not driver.is_in_transaction() and connection.in_transaction():
        # SQLAlchemy's asyncpg adapter begins the driver's transaction at the first
        # statement: one begun without any yet (the key store's own) starts it here.
        await connection.exec_driver_sql("SELECT 1")
    if not driver.is_in_transaction():  # a COPY must not commit on its own
        await connection.execute(insert(table), list(rows))
        return
    keys = list(rows[0])
    defaults = _defaults(table, keys)
    columns = [table.c[key] for key in [*keys, *defaults]]
    dialect = connection.dialect
    processors = [
        (index, process)
        for index, column in enumerate(columns)
        if (process := _bind_processor(column, dialect)) is not None
    ]
    fixed = list(defaults.values())
    records: list[list[Any]] = []
    for count, row in enumerate(rows, 1):
        record = [row[key] for key in keys]
        record += fixed
        for index, process in processors:
            record[index] = process(record[index])
        records.append(record)
        if pause is not None and count % PAUSE_EVERY == 0:
            await pause()
    try:
        await driver.copy_records_to_table(
            table.name,
            records=records,
            columns=[column.name for column in columns],
            schema_name=table.schema,
        )
    except asyncpg.IntegrityConstraintViolationError as exc:
        raise IntegrityError(f"COPY {table.name}", None, exc) from exc
    except (asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        # as SQLAlchemy wraps the driver's errors of an INSERT (a connection lost: 503), and
        # a connection lost is dropped from the pool, not rolled back
        error = DBAPIError.instance(f"COPY {table.name}", None, exc, Exception)
        if driver.is_closed():
            error.connection_invalidated = True
            await connection.invalidate(exc)
        raise error from exc
