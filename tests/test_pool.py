"""A busy process keeps its PostgreSQL connections: past the pool it waits, opens none.

A connection opened for a burst and closed when given back costs a server process and its
warm-up each time; under a steady load that churn was most of the connections opened.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from gtpptppo_api.db.engine import create_engine


async def test_past_the_pool_a_request_waits_for_a_connection_instead_of_opening_one(
    database_url: str,
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite is a file, not a server: no pool of connections to keep")
    engine = create_engine(database_url, pool_size=2)
    try:
        first, second = await engine.connect(), await engine.connect()
        third = asyncio.ensure_future(engine.connect())
        await asyncio.sleep(0.5)
        assert not third.done(), "a third connection was opened past the pool of two"
        await first.close()  # given back: the waiting request takes it
        third_connection = await asyncio.wait_for(third, 5)
        assert engine.pool.checkedout() == 2
        await third_connection.close()
        await second.close()
        # given back, the two stay open for the next requests
        assert engine.pool.checkedin() == 2
    finally:
        await engine.dispose()


async def test_a_pooled_connection_closed_by_the_server_is_replaced_not_handed_out(
    database_url: str,
) -> None:
    """A database restart closes every pooled connection; the next request must get a live
    one (a fresh connection), not the closed one and an error."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite is a file, not a server: no connection for a server to close")
    engine = create_engine(database_url, pool_size=1)
    try:
        async with engine.connect() as conn:
            pid = await conn.scalar(text("SELECT pg_backend_pid()"))
        # given back to the pool; the server now ends that backend, as a restart would
        killer = create_engine(database_url, pool_size=1)
        try:
            async with killer.connect() as conn:
                assert await conn.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        finally:
            await killer.dispose()
        await asyncio.sleep(0.5)  # the closed socket is read by the event loop
        async with engine.connect() as conn:
            new_pid = await conn.scalar(text("SELECT pg_backend_pid()"))
        assert new_pid != pid
    finally:
        await engine.dispose()
