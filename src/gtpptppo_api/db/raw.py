"""Core statements run on the driver's own connection (asyncpg), for the leanest reads.

A select built with SQLAlchemy Core (by the same functions the ORM path uses, so scoping is
never copied) is compiled once per shape for the asyncpg dialect, with positional
parameters; each run takes its parameter values from the statement's cache key (as
SQLAlchemy's own compiled cache does), applies the types' bind processors, and runs the SQL
on the pooled connection's asyncpg driver, whose statement cache prepares it once. The rows
come back as asyncpg records: no result processing, no ORM, no transaction (each statement
commits on its own, as ``without_transaction`` endpoints read). The connection is always
given back to the pool.

The engine's cursor events (``before_cursor_execute``, ``after_cursor_execute``) still fire
when something listens (tracing, a capture of the statements), with the statement and the
parameters as the driver gets them, so what observes the engine sees these reads too.
PostgreSQL only: the caller checks ``supported``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.sql import Select

# Shapes of statements compiled (a list's filters make a few dozen at most); past this many
# the table starts afresh rather than grow without bound.
MAX_SHAPES = 512


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    compiled: Any
    names: tuple[str, ...]
    processors: tuple[Callable[[Any], Any] | None, ...]


class NotCompilable(ValueError):
    """A statement whose SQL changes with its values (expanding IN lists, literals)."""


def supported(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "postgresql" and engine.dialect.driver == "asyncpg"


class RawReader:
    """Runs Core selects of one engine on its driver connections (``fetch``)."""

    def __init__(self, engine: AsyncEngine) -> None:
        if not supported(engine):
            raise ValueError(f"raw reads need PostgreSQL over asyncpg, not {engine.dialect.name}")
        self.engine = engine
        self._shapes: dict[Any, _Compiled] = {}

    def driver_statement(
        self, statement: Select[Any], params: Mapping[str, Any] | None = None
    ) -> tuple[str, list[Any]]:
        """The SQL of ``statement`` for the driver and its positional parameter values;
        ``params``: the values of its ``bindparam``s that have none."""
        key = statement._generate_cache_key()
        if key is None:
            raise NotCompilable("the statement has no cache key")
        found = self._shapes.get(key.key)
        if found is None:
            found = _compile(self.engine.dialect, statement, key)
            if len(self._shapes) >= MAX_SHAPES:
                self._shapes.clear()
            self._shapes[key.key] = found
        given = found.compiled.construct_params(
            params, extracted_parameters=key.bindparams, escape_names=False
        )
        values = [
            given[name] if process is None else process(given[name])
            for name, process in zip(found.names, found.processors, strict=True)
        ]
        return found.sql, values

    async def fetch(
        self, statement: Select[Any], params: Mapping[str, Any] | None = None
    ) -> list[Any]:
        """The rows of ``statement`` (asyncpg records), ``params`` as ``driver_statement``."""
        async with self.connect() as conn:
            return await conn.fetch(*self.driver_statement(statement, params))

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[RawConnection]:
        """A connection of the engine's pool for a few statements, given back at the end."""
        raw = await self.engine.raw_connection()
        try:
            yield RawConnection(self, raw)
        finally:
            raw.close()

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[RawConnection]:
        """A connection of the pool in one read-only REPEATABLE READ transaction (what
        ``db.session.one_snapshot`` gives a request): its statements see one state of the
        database. Given back at the end; a connection that failed is discarded."""
        raw = await self.engine.raw_connection()
        try:
            connection = RawConnection(self, raw)
            async with connection.driver.transaction(isolation="repeatable_read", readonly=True):
                yield connection
        except BaseException:
            raw.invalidate()
            raise
        finally:
            raw.close()


class RawConnection:
    """A pooled connection's driver, with the engine's cursor events around each statement."""

    def __init__(self, reader: RawReader, raw: PoolProxiedConnection) -> None:
        self.reader = reader
        self.raw = raw
        driver = raw.driver_connection
        assert driver is not None
        self.driver: Any = driver

    async def fetch(self, sql: str, values: Sequence[Any]) -> list[Any]:
        """The rows of ``sql`` (from ``RawReader.driver_statement``) with ``values``."""
        rows: list[Any] = await self._run(self.driver.fetch, sql, values)
        return rows

    async def fetch_statement(
        self, statement: Select[Any], params: Mapping[str, Any] | None = None
    ) -> list[Any]:
        return await self.fetch(*self.reader.driver_statement(statement, params))

    async def execute(self, sql: str) -> None:
        """A statement of no rows and no parameters (a ``SET LOCAL``)."""
        await self._run(self.driver.execute, sql, ())

    async def _run(
        self, method: Callable[..., Awaitable[Any]], sql: str, values: Sequence[Any]
    ) -> Any:
        sync_engine = self.reader.engine.sync_engine
        if not sync_engine._has_events:
            return await method(sql, *values)
        # Listeners get a Connection over the connection taken (none is checked out again).
        conn = Connection(sync_engine, connection=self.raw)
        context = _EventContext()
        for listener in conn.dispatch.before_cursor_execute:
            sql, values = listener(conn, None, sql, values, context, False)
        result = await method(sql, *values)
        conn.dispatch.after_cursor_execute(conn, None, sql, values, context, False)
        return result


class _EventContext:
    """The execution context handed to cursor event listeners: they may keep attributes
    on it between the two events (a tracing span)."""


def _compile(dialect: Dialect, statement: Select[Any], key: Any) -> _Compiled:
    # with its cache key: the values of a statement of the same shape are then found by it
    compiled = dialect.statement_compiler(dialect, statement, cache_key=key)
    if compiled.literal_execute_params or compiled.post_compile_params:
        raise NotCompilable("the statement's SQL depends on its values")
    names: Sequence[str] = compiled.positiontup or ()
    processors: Mapping[str, Any] = compiled._bind_processors
    return _Compiled(
        sql=compiled.string,
        compiled=compiled,
        names=tuple(names),
        processors=tuple(processors.get(name) for name in names),
    )
