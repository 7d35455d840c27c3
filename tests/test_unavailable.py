"""A database that cannot be reached is a 503 problem+json with Retry-After, not a 500."""

from __future__ import annotations

import socket

import asyncpg
import httpx
from sqlalchemy.exc import DBAPIError, IntegrityError

from gtpptppo_api.app import create_app
from gtpptppo_api.errors import database_unavailable
from gtpptppo_api.settings import Settings
from tests.conftest import TEST_KEYS


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_an_unreachable_database_answers_503_with_retry_after():
    """Nothing listens on the database's port: every request fails cleanly, as a 503."""
    url = f"postgresql://postgres@127.0.0.1:{closed_port()}/gone"
    app = create_app(Settings(database_url=url, encryption_key=TEST_KEYS))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            # The error is answered and done with, not re-raised to the server (which would
            # then drop the connection): with raise_app_exceptions it would surface here.
            transport=httpx.ASGITransport(app=app, raise_app_exceptions=True),
            base_url="http://test/api/v1",
        ) as client,
    ):
        for method, path in (("GET", "/regions"), ("GET", "/cases"), ("POST", "/task-forces")):
            response = await client.request(
                method, path, headers={"Authorization": "Bearer x"}, json={}
            )
            assert response.status_code == 503, response.text
            assert response.headers["content-type"] == "application/problem+json"
            assert response.headers["retry-after"] == "5"
            assert response.json()["type"].endswith("service-unavailable")


def test_which_errors_mean_the_database_is_unavailable():
    """PostgreSQL shutting down or starting up (SQLSTATE 57P0x), a broken connection, a
    refused socket: unavailable. A constraint violation or a plain bug: not."""
    starting = asyncpg.exceptions.CannotConnectNowError("the database system is starting up")
    shutting = asyncpg.exceptions.AdminShutdownError("terminating connection")
    assert database_unavailable(starting)
    assert database_unavailable(DBAPIError("SELECT 1", None, shutting))
    assert database_unavailable(
        DBAPIError("SELECT 1", None, Exception(), connection_invalidated=True)
    )
    assert database_unavailable(ConnectionRefusedError(111, "refused"))
    wrapped = RuntimeError("while handling")
    wrapped.__cause__ = starting
    assert database_unavailable(wrapped)

    unique = asyncpg.exceptions.UniqueViolationError("duplicate key")
    assert not database_unavailable(IntegrityError("INSERT", None, unique))
    assert not database_unavailable(ValueError("a bug"))
    assert not database_unavailable(FileNotFoundError(2, "no such template"))
