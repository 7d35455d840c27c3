"""Error responses are built on the event loop: a flood of 401s, 404s or 429s must not queue
for the worker threads that blocking work needs (nor pay a thread hop each)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import anyio.to_thread

from tests.helpers import problem


@asynccontextmanager
async def no_worker_thread() -> AsyncIterator[None]:
    """Every token of the worker-thread limiter held: anything sent to a thread now waits."""
    limiter = anyio.to_thread.current_default_thread_limiter()
    holders = [object() for _ in range(int(limiter.total_tokens))]
    for holder in holders:
        await limiter.acquire_on_behalf_of(holder)
    try:
        yield
    finally:
        for holder in holders:
            limiter.release_on_behalf_of(holder)


async def test_problems_are_answered_without_a_worker_thread(client, national):
    async with no_worker_thread():
        with anyio.fail_after(10):
            problem(await client.get("/cases"), 401)
            problem(await client.get(f"/cases/{uuid.uuid4()}", headers=national), 404)
            problem(await client.get("/cases", params={"limit": "0"}, headers=national), 422)
            problem(await client.get("/no-such-path", headers=national), 404)
