"""Readiness: what a process needs to serve, asked each time (``GET /readyz``).

The database answers, its schema is at the latest Alembic revision (a process started
before ``gtpptppo migrate`` of a newer release, or of an older database, is not ready), the
key store answers at its own latest revision (``migrations/keys``: without it no personal
field is sealed or opened), and the broker answers when one is configured
(``GTPPTPPO_BROKER_URL``).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from functools import cache

from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine

from gtpptppo_api.db.migrate import alembic_config, key_store_config
from gtpptppo_api.settings import Settings

logger = logging.getLogger(__name__)

OK = "ok"


@dataclass
class Readiness:
    """Each check's outcome: ``ok`` or what is wrong."""

    checks: dict[str, str] = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        return all(outcome == OK for outcome in self.checks.values())

    @property
    def down(self) -> list[str]:
        return [name for name, outcome in self.checks.items() if outcome != OK]


@cache
def latest_revisions() -> frozenset[str]:
    """The heads of the migrations shipped with this code."""
    return frozenset(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


@cache
def latest_key_store_revisions() -> frozenset[str]:
    """The heads of the key store's migrations shipped with this code."""
    return frozenset(ScriptDirectory.from_config(key_store_config("sqlite://")).get_heads())


REVISIONS = "SELECT version_num FROM alembic_version"


async def database_revisions(engine: AsyncEngine) -> frozenset[str]:
    """The revisions the database is at, read outside a transaction: on SQLite each
    transaction begins IMMEDIATE and would wait behind a long write (a backlog push) that
    does not make the process any less ready."""
    async with engine.connect() as connection:
        driver = (await connection.get_raw_connection()).driver_connection
        assert driver is not None  # a live pooled connection
        if engine.dialect.name == "sqlite":
            async with driver.execute(REVISIONS) as cursor:
                rows = await cursor.fetchall()
        else:
            rows = await driver.fetch(REVISIONS)
        return frozenset(str(row[0]) for row in rows)


async def _database(
    engine: AsyncEngine,
    checks: dict[str, str],
    wanted: frozenset[str],
    names: tuple[str, str] = ("database", "schema"),
) -> None:
    answers, schema = names
    try:
        found = await database_revisions(engine)
    except Exception as exc:
        logger.warning("readiness: %s: %s", answers, type(exc).__name__)
        checks[answers] = f"unreachable ({type(exc).__name__})"
        checks[schema] = "unknown"
        return
    checks[answers] = OK
    if found == wanted:
        checks[schema] = OK
    else:
        checks[schema] = (
            f"at {', '.join(sorted(found)) or 'no revision'}, not {', '.join(sorted(wanted))}: "
            "run `gtpptppo migrate`"
        )


def broker_answers(url: str, timeout: float) -> None:
    """Open and close a connection to the broker (blocking); raise when it cannot."""
    if url.startswith(("amqp://", "amqps://")):
        import pika

        parameters = pika.URLParameters(url)
        parameters.socket_timeout = timeout
        parameters.connection_attempts = 1
        parameters.blocked_connection_timeout = timeout
        pika.BlockingConnection(parameters).close()
    else:
        import redis

        client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
        try:
            client.ping()
        finally:
            client.close()


async def _broker(url: str, within: float, checks: dict[str, str]) -> None:
    try:
        await asyncio.wait_for(asyncio.to_thread(broker_answers, url, within), within)
    except Exception as exc:
        logger.warning("readiness: broker: %s", type(exc).__name__)
        checks["broker"] = f"unreachable ({type(exc).__name__})"
    else:
        checks["broker"] = OK


async def check(
    settings: Settings, engine: AsyncEngine, key_store: AsyncEngine | None = None
) -> Readiness:
    """Ask every dependency, at the same time, each within the readiness timeout."""
    checks: dict[str, str] = {"database": "", "schema": ""}
    timeout = settings.readiness_timeout_seconds
    asked = [_database_within(engine, timeout, checks, latest_revisions(), DATABASE)]
    if key_store is not None:
        checks.update({KEY_STORE[0]: "", KEY_STORE[1]: ""})
        asked.append(
            _database_within(key_store, timeout, checks, latest_key_store_revisions(), KEY_STORE)
        )
    if settings.broker_url:
        checks["broker"] = ""
        asked.append(_broker(settings.broker_url, timeout, checks))
    await asyncio.gather(*asked)
    return Readiness(checks)


# The checks' names: (the database answers, its schema is at the latest revision).
DATABASE = ("database", "schema")
KEY_STORE = ("key_store", "key_store_schema")


async def _database_within(
    engine: AsyncEngine,
    within: float,
    checks: dict[str, str],
    wanted: frozenset[str],
    names: tuple[str, str],
) -> None:
    try:
        await asyncio.wait_for(_database(engine, checks, wanted, names), within)
    except TimeoutError:
        checks[names[0]] = f"no answer within {within:g} s"
        checks[names[1]] = "unknown"
