"""Async engine for PostgreSQL (asyncpg) or SQLite (aiosqlite)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine

from gtpptppo_api.settings import async_url

CONNECT_TIMEOUT_SECONDS = 10


def _sqlite_setup(engine: AsyncEngine) -> None:
    """Make SQLite behave: foreign keys on, WAL, a busy timeout, real transactions.

    pysqlite opens transactions lazily and breaks SAVEPOINT; SQLAlchemy's documented fix is
    to turn the driver's own handling off and emit BEGIN ourselves.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def create_engine(url: str, *, echo: bool = False, pool_size: int = 20) -> AsyncEngine:
    url = async_url(url)
    kwargs: dict[str, Any] = {"echo": echo}
    if url.startswith("postgresql"):
        # A fixed pool, no overflow: an overflow connection is closed when given back, so a
        # busy process would open and close connections all the time (a server process and
        # its warm-up each); past ``pool_size`` a request waits for a connection instead.
        # A bounded connect timeout: an unreachable server is a quick 503, not a hung request.
        # Custom plans: a statement is planned with its parameters each time, never kept as a
        # generic plan made while a table was small (a push's lookup read whole tables so).
        kwargs.update(
            pool_size=pool_size,
            max_overflow=0,
            connect_args={
                "timeout": CONNECT_TIMEOUT_SECONDS,
                "server_settings": {"plan_cache_mode": "force_custom_plan"},
            },
        )
    engine = _create_async_engine(url, **kwargs)
    if url.startswith("sqlite"):
        _sqlite_setup(engine)
    else:
        _replace_closed(engine)
    return engine


def _replace_closed(engine: AsyncEngine) -> None:
    """A pooled connection the server has closed (a restart, a terminated backend) is
    replaced at checkout, not handed out.

    The driver knows without asking the server: the closed socket was read while the
    connection sat in the pool. SQLAlchemy's ``pool_pre_ping`` would ask instead, with three
    round trips (BEGIN, a query, ROLLBACK) before every request. A connection that breaks
    in use still fails that request (503), and the pool then replaces all the older ones.
    """

    @event.listens_for(engine.sync_engine, "checkout")
    def _on_checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        if dbapi_connection.driver_connection.is_closed():
            raise exc.DisconnectionError("the database server closed this connection")


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
