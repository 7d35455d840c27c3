"""The key store: the cases' wrapped data keys, in a database of their own.

A case's personal fields are sealed under a data key of its own (``cases.sealing``); that
key, wrapped by a service key, lives here and nowhere else, so a copy of the main database
(a backup, a dump, a replica) holds ciphertext only, and erasing a case deletes the one
wrapped key there is (docs/personal-data.md). Several API and worker processes on several
machines share it: on PostgreSQL it is a database of its own on the server
(``GTPPTPPO_KEY_STORE_URL``, by default the database's name suffixed ``_keys``), in the
embedded mode a SQLite file beside the database (``<name>.keys.sqlite``). Its schema is
Alembic's, a small environment of its own (``migrations/keys``), run by ``gtpptppo migrate``.

Each call here is its own short transaction, committed before it returns: a push stores
its keys before its cases' transaction commits in the main database (key first: a crash
between leaves at worst an orphan key, which ``sweep`` removes, never a case whose key is
missing). Reads take many keys at once (one query per page, export part or batch).
"""

from __future__ import annotations

import asyncio
import uuid
import weakref
from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Column,
    LargeBinary,
    MetaData,
    String,
    Table,
    Uuid,
    bindparam,
    delete,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from gtpptppo_api.db.base import NAMING_CONVENTION, UTCDateTime, utcnow
from gtpptppo_api.db.bulk import among, insert_rows
from gtpptppo_api.db.engine import create_engine

# Keys read or written per statement: a page of a push, a list, an export part.
CHUNK = 2000

metadata = MetaData(naming_convention=NAMING_CONVENTION)
# One wrapped data key per case: ``key_id`` names the service key that wrapped it.
data_key = Table(
    "data_key",
    metadata,
    Column("case_id", Uuid, primary_key=True),
    # no index: a rotation reads every key once anyway, in pages by case id
    Column("key_id", String(32), nullable=False),
    Column("wrapped", LargeBinary, nullable=False),
    Column("created_at", UTCDateTime, nullable=False, index=True),
)

Wrapped = tuple[str, bytes]  # (service key id, wrapped data key)


class KeyStore:
    """The key store at ``url``; its engine is made on first use, one per event loop (the
    API's, and the worker's in the embedded mode)."""

    _instances: dict[str, KeyStore] = {}

    def __init__(self, url: str) -> None:
        self.url = url
        self._engines: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, AsyncEngine] = (
            weakref.WeakKeyDictionary()
        )

    @classmethod
    def for_url(cls, url: str) -> KeyStore:
        """The process's key store at ``url`` (its engines shared by every caller)."""
        store = cls._instances.get(url)
        if store is None:
            store = cls._instances[url] = cls(url)
        return store

    @property
    def engine(self) -> AsyncEngine:
        loop = asyncio.get_running_loop()
        engine = self._engines.get(loop)
        if engine is None:
            engine = self._engines[loop] = create_engine(self.url, pool_size=5)
        return engine

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    async def dispose(self) -> None:
        """Close the connections of this event loop's engine."""
        engine = self._engines.pop(asyncio.get_running_loop(), None)
        if engine is not None:
            await engine.dispose()

    async def put(self, rows: Sequence[tuple[uuid.UUID, str, bytes]]) -> None:
        """Store new wrapped keys ``(case id, service key id, wrapped)``, committed on return
        (a binary COPY on PostgreSQL)."""
        if not rows:
            return
        now = utcnow()
        if self.dialect == "sqlite":
            # The driver's executemany with the values bound once each: SQLAlchemy's own
            # executemany processes every parameter of every row (a tenth of a push's CPU).
            dialect = self.engine.dialect
            as_id = data_key.c.case_id.type.bind_processor(dialect) or str
            when = (data_key.c.created_at.type.bind_processor(dialect) or str)(now)
            async with self.engine.begin() as connection:
                await connection.exec_driver_sql(
                    "INSERT INTO data_key (case_id, key_id, wrapped, created_at) "
                    "VALUES (?, ?, ?, ?)",
                    [(as_id(case_id), key_id, wrapped, when) for case_id, key_id, wrapped in rows],
                )
            return
        values = [
            {"case_id": case_id, "key_id": key_id, "wrapped": wrapped, "created_at": now}
            for case_id, key_id, wrapped in rows
        ]
        async with AsyncSession(self.engine) as session, session.begin():
            await insert_rows(session, data_key, values)

    async def get(self, case_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Wrapped]:
        """The wrapped keys of ``case_ids`` that exist: one query per ``CHUNK`` ids."""
        ids = list(dict.fromkeys(case_ids))
        found: dict[uuid.UUID, Wrapped] = {}
        if not ids:
            return found
        async with self.engine.connect() as connection:
            for start in range(0, len(ids), CHUNK):
                rows = await connection.execute(
                    select(data_key.c.case_id, data_key.c.key_id, data_key.c.wrapped).where(
                        among(data_key.c.case_id, ids[start : start + CHUNK], self.dialect)
                    )
                )
                found.update((row.case_id, (row.key_id, bytes(row.wrapped))) for row in rows)
            await connection.rollback()
        return found

    async def delete(self, case_ids: Iterable[uuid.UUID]) -> int:
        """Delete the keys of ``case_ids`` (crypto-shredding), committed on return."""
        ids = list(dict.fromkeys(case_ids))
        deleted = 0
        if not ids:
            return 0
        async with self.engine.begin() as connection:
            for start in range(0, len(ids), CHUNK):
                result = await connection.execute(
                    delete(data_key).where(
                        among(data_key.c.case_id, ids[start : start + CHUNK], self.dialect)
                    )
                )
                deleted += result.rowcount or 0
        return deleted

    async def not_wrapped_by(self, key_id: str) -> AsyncIterator[list[Any]]:
        """Pages of the keys wrapped by another service key than ``key_id`` (a rotation)."""
        last: uuid.UUID | None = None
        query = select(data_key.c.case_id, data_key.c.key_id, data_key.c.wrapped).where(
            data_key.c.key_id != key_id
        )
        while True:
            page = query.order_by(data_key.c.case_id).limit(CHUNK)
            if last is not None:
                page = page.where(data_key.c.case_id > last)
            async with self.engine.connect() as connection:
                rows = list((await connection.execute(page)).all())
                await connection.rollback()
            if not rows:
                return
            last = rows[-1].case_id
            yield rows

    async def rewrapped(self, rows: Sequence[tuple[uuid.UUID, str, bytes]]) -> None:
        """Replace wrapped keys by the same keys wrapped anew ``(case id, key id, wrapped)``."""
        if not rows:
            return
        async with self.engine.begin() as connection:
            await connection.execute(
                update(data_key)
                .where(data_key.c.case_id == bindparam("id"))
                .values(key_id=bindparam("kid"), wrapped=bindparam("blob")),
                [{"id": case_id, "kid": kid, "blob": blob} for case_id, kid, blob in rows],
            )

    async def older_than(self, age: timedelta) -> AsyncIterator[list[uuid.UUID]]:
        """Pages of the ids of the keys stored more than ``age`` ago."""
        before: datetime = utcnow() - age
        last: uuid.UUID | None = None
        query = select(data_key.c.case_id).where(data_key.c.created_at < before)
        while True:
            page = query.order_by(data_key.c.case_id).limit(CHUNK)
            if last is not None:
                page = page.where(data_key.c.case_id > last)
            async with self.engine.connect() as connection:
                ids = list((await connection.scalars(page)).all())
                await connection.rollback()
            if not ids:
                return
            last = ids[-1]
            yield ids
