"""Test fixtures: a migrated database per backend and run, a rolled-back transaction per test.

Every test runs twice: on SQLite and on PostgreSQL (``GTPPTPPO_TEST_DATABASE_URL``; each run
creates a database of its own there and drops it at the end). PostgreSQL tests skip when the
server is unreachable, unless ``GTPPTPPO_REQUIRE_SERVICES=1``, where they fail.
"""

from __future__ import annotations

import asyncio
import base64
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from gtpptppo_api.app import create_app
from gtpptppo_api.auth.models import Role
from gtpptppo_api.auth.service import create_token
from gtpptppo_api.db.engine import create_engine
from gtpptppo_api.db.migrate import upgrade
from gtpptppo_api.db.session import get_session
from gtpptppo_api.jobs import dispatch_after_commit
from gtpptppo_api.settings import Settings, get_settings, key_store_url_for

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
# Two keys, newest first, as after a rotation.
TEST_KEYS = (
    "k2:"
    + base64.urlsafe_b64encode(b"2" * 32).decode()
    + ",k1:"
    + base64.urlsafe_b64encode(b"1" * 32).decode()
)
REQUIRE_SERVICES = os.environ.get("GTPPTPPO_REQUIRE_SERVICES") == "1"


def unavailable(reason: str) -> None:
    """Skip locally, fail in CI (``GTPPTPPO_REQUIRE_SERVICES=1``)."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (GTPPTPPO_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _postgres_database() -> tuple[str, Callable[[], Awaitable[None]]]:
    admin_url = os.environ.get("GTPPTPPO_TEST_DATABASE_URL", DEFAULT_PG)
    try:
        admin = await asyncpg.connect(_asyncpg_dsn(admin_url), timeout=5)
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        unavailable(f"PostgreSQL unreachable at {make_url(admin_url)!r}: {exc}")
        raise  # unreachable: unavailable() raises
    name = f"gtpptppo_test_{uuid.uuid4().hex[:10]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)

    async def drop() -> None:
        conn = await asyncpg.connect(_asyncpg_dsn(admin_url), timeout=5)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            # its key store, made beside it by the migration (db/keystore.py)
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}_keys" WITH (FORCE)')
        finally:
            await conn.close()

    return url, drop


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
async def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """A freshly migrated database of one backend, for the whole run."""
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("db") / "test.db"
        url = f"sqlite:///{path}"
        await asyncio.to_thread(upgrade, url)
        yield url
        return
    url, drop = await _postgres_database()
    try:
        await asyncio.to_thread(upgrade, url)
        yield url
    finally:
        await drop()


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """One connection per test, inside a transaction rolled back at the end."""
    async with engine.connect() as conn:
        transaction = await conn.begin()
        try:
            yield conn
        finally:
            await transaction.rollback()


@pytest.fixture
async def session(connection: AsyncConnection) -> AsyncIterator[AsyncSession]:
    """The test's session: its commits only release savepoints of the outer transaction."""
    async with AsyncSession(
        bind=connection,
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
        autoflush=False,
    ) as session:
        yield session


def build_app(
    database_url: str, session: AsyncSession, *, tracer_provider: Any = None, **settings: object
) -> FastAPI:
    """The app over the test's session; ``settings`` override the test defaults."""
    # A limit no test reaches by accident; tests of the limit set their own.
    defaults: dict[str, object] = {
        "encryption_key": TEST_KEYS,
        "rate_limit": "100000/minute",
        "public_rate_limit": "100000/minute",
        # each read asks the database (tests change what is published between reads)
        "public_cache_seconds": 0,
    }
    app = create_app(
        Settings(database_url=database_url, **{**defaults, **settings}),
        tracer_provider=tracer_provider,
    )

    async def test_session() -> AsyncIterator[AsyncSession]:
        # As in production: commit on success, roll back on error, a fresh view per request.
        try:
            yield session
        except BaseException:
            await session.rollback()
            raise
        else:
            await session.commit()
            await dispatch_after_commit(session)
        finally:
            session.expunge_all()

    app.dependency_overrides[get_session] = test_session
    return app


@pytest.fixture
def worker_settings(monkeypatch: pytest.MonkeyPatch, database_url: str) -> Iterator[None]:
    """A job handler run by ``jobs.run_pending`` reads the process's settings: the test
    app's keys and its key store (the one beside the test's database)."""
    monkeypatch.setenv("GTPPTPPO_ENCRYPTION_KEY", TEST_KEYS)
    monkeypatch.setenv("GTPPTPPO_KEY_STORE_URL", key_store_url_for(database_url))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def app(database_url: str, session: AsyncSession) -> FastAPI:
    return build_app(database_url, session)


@pytest.fixture
async def client(app: object) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://test/api/v1") as client:
        yield client


TokenFactory = Callable[..., Awaitable[dict[str, str]]]


@pytest.fixture
def auth(session: AsyncSession) -> TokenFactory:
    """``await auth(role, region=None, centre=None)`` -> Authorization headers for a new token."""

    async def make(
        role: Role | str, region: str | None = None, centre: int | None = None
    ) -> dict[str, str]:
        role = Role(role)
        _token, clear = await create_token(
            session,
            name=f"test {role.value} {region or ''}".strip(),
            role=role,
            region_code=region,
            service_centre_id=centre,
        )
        await session.commit()
        return {"Authorization": f"Bearer {clear}"}

    return make


@pytest.fixture
async def national(auth: TokenFactory) -> dict[str, str]:
    return await auth(Role.national_admin)


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A real OpenID Provider on the loopback for the run (tests/oidc/provider.py)."""
    from tests.oidc.provider import running_provider

    with running_provider(tmp_path_factory.mktemp("oidc")) as provider:
        yield provider
