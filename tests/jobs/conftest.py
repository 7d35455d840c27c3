"""Fixtures for job tests: committed data, so a fresh migrated database per test.

A SQLite file copied from one migrated per run, or a PostgreSQL database created from a
migrated template; and a job runtime (StubBroker + an in-process worker) on it.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gtpptppo_api.db.engine import create_engine, create_sessionmaker
from gtpptppo_api.db.migrate import upgrade
from gtpptppo_api.jobs import broker as jobs_broker
from gtpptppo_api.jobs.broker import Runtime
from tests.conftest import DEFAULT_PG, unavailable
from tests.jobs.handlers import calls
from tests.jobs.support import job_settings

ADMIN_URL = os.environ.get("GTPPTPPO_TEST_DATABASE_URL", DEFAULT_PG)


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _admin() -> asyncpg.Connection:
    try:
        return await asyncpg.connect(_dsn(ADMIN_URL), timeout=5)
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        unavailable(f"PostgreSQL unreachable at {make_url(ADMIN_URL)!r}: {exc}")
        raise


@pytest.fixture(autouse=True)
def _forget_calls() -> None:
    """Job ids start at 1 in every fresh database: count each test's runs afresh."""
    calls.clear()


@pytest.fixture(scope="session")
async def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("jobs") / "template.db"
    await asyncio.to_thread(upgrade, f"sqlite:///{path}")
    return path


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "jobs.db"
    shutil.copyfile(sqlite_template, path)
    # its key store, beside it (db/keystore.py)
    shutil.copyfile(
        sqlite_template.with_name("template.keys.sqlite"), tmp_path / "jobs.keys.sqlite"
    )
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
async def pg_template() -> AsyncIterator[str]:
    admin = await _admin()
    name = f"gtpptppo_jobs_template_{uuid.uuid4().hex[:10]}"
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        url = make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
        await asyncio.to_thread(upgrade, url)
        yield name
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}_keys" WITH (FORCE)')
        await admin.close()


@pytest.fixture
async def pg_url(pg_template: str) -> AsyncIterator[str]:
    admin = await _admin()
    name = f"gtpptppo_jobs_{uuid.uuid4().hex[:10]}"
    try:
        await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"')
        # its key store, made beside it as the migration made the template's
        await admin.execute(f'CREATE DATABASE "{name}_keys" TEMPLATE "{pg_template}_keys"')
        yield make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}_keys" WITH (FORCE)')
        await admin.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def job_db(request: pytest.FixtureRequest) -> str:
    """A fresh migrated database of each backend, committed to for real."""
    fixture = "sqlite_url" if request.param == "sqlite" else "pg_url"
    url: str = request.getfixturevalue(fixture)
    return url


@pytest.fixture
async def sessions(job_db: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """The test's own sessions on the job database (the worker has its own engine)."""
    engine = create_engine(job_db)
    try:
        yield create_sessionmaker(engine)
    finally:
        await engine.dispose()


@pytest.fixture
async def stub(job_db: str) -> AsyncIterator[Runtime]:
    """Embedded mode: a StubBroker and a worker in this process, on the job database."""
    runtime = await asyncio.to_thread(jobs_broker.start, job_settings(job_db), worker=True)
    try:
        assert await asyncio.to_thread(runtime.reconciled.wait, 10), "no start-up reconcile"
        yield runtime
    finally:
        await asyncio.to_thread(jobs_broker.stop)
