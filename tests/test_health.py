"""Liveness (the process answers, asking no dependency) and readiness (the database and the
key store at their latest migrations, and the broker when one is configured) for
orchestrators."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from alembic import command
from bench.cluster import free_port

from gtpptppo_api.db.engine import create_engine
from gtpptppo_api.db.migrate import downgrade, key_store_config, upgrade
from tests.conftest import build_app
from tests.helpers import problem
from tests.jobs.test_brokers import require_reachable


async def test_healthz_answers_without_a_token_or_the_database(app):
    """``GET /healthz`` is 200 ``{"status": "ok"}`` with no token, and never cached."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["cache-control"] == "no-store"


@pytest.fixture
async def probe(app, engine) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its engine set (the lifespan sets it in production)."""
    app.state.engine = engine
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def test_readyz_is_ready_with_the_database_at_the_latest_migration(probe):
    """No broker configured: the database, the key store and their schemas are checked,
    nothing else."""
    response = await probe.get("/readyz")
    assert response.status_code == 200, response.text
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "schema": "ok", "key_store": "ok", "key_store_schema": "ok"},
    }
    assert response.headers["cache-control"] == "no-store"


async def test_readyz_names_a_database_that_cannot_be_reached(app, database_url, tmp_path):
    """An unreachable database (a closed port; a folder where the SQLite file should be):
    503 problem+json naming the database, with Retry-After."""
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path}"  # a folder: SQLite cannot open it
    else:
        url = f"postgresql://postgres@127.0.0.1:{free_port()}/none"
    engine = create_engine(url)
    app.state.engine = engine
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            response = await client.get("/readyz")
    finally:
        await engine.dispose()
    body = problem(response, 503)
    assert response.headers["retry-after"].isdigit()
    assert "database" in body["detail"]
    assert body["checks"]["database"].startswith("unreachable")


async def test_readyz_names_a_schema_behind_the_code(tmp_path, session, database_url):
    """A database one migration behind: 503 naming the schema and `gtpptppo migrate`."""
    url = f"sqlite:///{tmp_path / 'behind.db'}"
    await asyncio.to_thread(upgrade, url)
    await asyncio.to_thread(downgrade, url, "-1")
    app = build_app(database_url, session)
    app.state.engine = create_engine(url)
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            body = problem(await client.get("/readyz"), 503)
    finally:
        await app.state.engine.dispose()
    assert body["detail"] == "Not ready: schema."
    assert "gtpptppo migrate" in body["checks"]["schema"]


async def test_readyz_names_a_key_store_that_cannot_be_reached(database_url, session, engine):
    """The key store holds every case's data key: unreachable, no personal field opens or is
    sealed, so the process is not ready (503 naming it); the database itself is ok."""
    if database_url.startswith("sqlite"):
        store = "sqlite:////nonexistent-folder/keys.sqlite"
    else:
        store = f"postgresql://postgres@127.0.0.1:{free_port()}/keys"
    app = build_app(database_url, session, key_store_url=store, readiness_timeout_seconds=2)
    app.state.engine = engine
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        body = problem(await client.get("/readyz"), 503)
    assert body["detail"] == "Not ready: key_store, key_store_schema."
    assert body["checks"]["key_store"].startswith("unreachable")
    assert body["checks"]["database"] == "ok"


async def test_readyz_names_a_key_store_behind_the_code(tmp_path, session, database_url, engine):
    """A key store whose schema is behind this code's (no revision: never migrated): 503
    naming its schema and `gtpptppo migrate`."""
    store = f"sqlite:///{tmp_path / 'keys.sqlite'}"
    config = key_store_config(store)
    await asyncio.to_thread(command.upgrade, config, "heads")
    await asyncio.to_thread(command.downgrade, config, "base")
    app = build_app(database_url, session, key_store_url=store)
    app.state.engine = engine
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        body = problem(await client.get("/readyz"), 503)
    assert body["detail"] == "Not ready: key_store_schema."
    assert "gtpptppo migrate" in body["checks"]["key_store_schema"]


@pytest.mark.parametrize("scheme", ["amqp", "redis"])
async def test_readyz_names_a_broker_that_cannot_be_reached(database_url, session, engine, scheme):
    """GTPPTPPO_BROKER_URL at a closed port: 503 naming the broker; the database is ok."""
    port = free_port()
    url = (
        f"amqp://guest:guest@127.0.0.1:{port}/"
        if scheme == "amqp"
        else f"redis://127.0.0.1:{port}/0"
    )
    app = build_app(database_url, session, broker_url=url, readiness_timeout_seconds=2)
    app.state.engine = engine
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        body = problem(await client.get("/readyz"), 503)
    assert body["detail"] == "Not ready: broker."
    assert body["checks"]["database"] == "ok"


@pytest.mark.parametrize("url", ["amqp://guest:guest@127.0.0.1:5672/", "redis://127.0.0.1:6379/0"])
async def test_readyz_is_ready_with_a_broker_that_answers(database_url, session, engine, url):
    """The real RabbitMQ and Redis of this machine answer: ready, the broker checked."""
    require_reachable(url, url.split(":")[0])
    app = build_app(database_url, session, broker_url=url)
    app.state.engine = engine
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/readyz")
    assert response.status_code == 200, response.text
    assert response.json()["checks"]["broker"] == "ok"
