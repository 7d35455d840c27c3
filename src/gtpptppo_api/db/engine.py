"""Async engine for PostgreSQL (asyncpg) or SQLite (aiosqlite)."""

from __future__ import annotations

import contextlib
import json
import os
import re
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import event, exc
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine

from gtpptppo_api.settings import async_url, sqlite_file

CONNECT_TIMEOUT_SECONDS = 10


# A run of digits that may be an integer past 64 bits, which orjson would read as a float.
_LONG_NUMBER = re.compile(r"\d{19,}")


def _json_loads(text: str) -> Any:
    """A JSON column's value, read as the standard library reads it, by orjson where that
    is the same (a fifth of the CPU; a 20-case page decodes about 140 values): a text with
    a run of 19 digits or more (an integer past 64 bits, which orjson makes a float), or one
    orjson refuses (NaN, infinity), goes to the standard library."""
    if _LONG_NUMBER.search(text):
        return json.loads(text)
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _sqlite_setup(engine: AsyncEngine) -> None:
    """Make SQLite behave: foreign keys on, WAL, a busy timeout, real transactions, deleted
    content overwritten.

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
        # What is deleted is overwritten in the file, not left in free pages: an erased
        # case's wrapped key and ciphertexts (privacy.erasure) are gone from the file too.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def private_file(path: Path) -> None:
    """Create ``path`` empty, readable by its owner only (0600), in a folder made 0700 if it
    is made here; an existing file or folder is left as it is.

    For the SQLite database: SQLite gives its ``-wal`` and ``-shm`` files the mode of the
    database file, so they are 0600 too; left to SQLite, all three followed the umask
    (0644: the victims' records readable by every account of the machine).
    """
    if path.exists():
        return
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def create_engine(url: str, *, echo: bool = False, pool_size: int = 20) -> AsyncEngine:
    database = sqlite_file(url)
    if database is not None:
        private_file(database)
    url = async_url(url)
    # Parameters (ciphertexts, blind indexes, references) stay out of logged errors and
    # job errors, unless SQL is echoed on purpose.
    kwargs: dict[str, Any] = {
        "echo": echo,
        "hide_parameters": not echo,
        "json_deserializer": _json_loads,
    }
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
