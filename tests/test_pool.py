"""A busy process keeps its PostgreSQL connections: past the pool it waits, opens none.

A connection opened for a burst and closed when given back costs a server process and its
warm-up each time; under a steady load that churn was most of the connections opened.
"""

from __future__ import annotations

import asyncio

import pytest

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
