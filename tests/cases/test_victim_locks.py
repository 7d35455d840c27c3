"""A push locks its victims within a bounded number of PostgreSQL locks.

PostgreSQL's lock table is shared by the server and sized for about 64 locks per
connection; a push used to take one advisory lock per victim, so a few imports of 1,000 rows
at once ran it out ("out of shared memory"). Up to ``EXACT_VICTIM_LOCKS`` victims are still
locked one by one (pushes of other victims run side by side); a larger push takes one lock
over all victims, which waits for, and holds off, every push of a victim.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from gtpptppo_api.cases.service import EXACT_VICTIM_LOCKS, lock_victims

HELD = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")


def _postgresql(engine: AsyncEngine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's; SQLite writes one transaction at a time")


async def _locked_out(engine: AsyncEngine, keys: list[str]) -> bool:
    """Whether ``keys`` cannot be locked within a short wait (someone holds them)."""
    async with AsyncSession(engine) as session, session.begin():
        await session.execute(text("SET LOCAL lock_timeout = '300ms'"))
        try:
            await lock_victims(session, keys)
        except DBAPIError as exc:
            timed_out = "lock timeout" in str(exc)
            if not timed_out:
                raise
            return True
        return False


async def test_a_large_push_holds_one_lock_and_a_small_one_a_lock_per_victim(
    engine: AsyncEngine,
) -> None:
    """1,000 victims take one lock; ten take eleven (the shared lock and one each)."""
    _postgresql(engine)
    async with AsyncSession(engine) as session, session.begin():
        await lock_victims(session, [f"nik:{n:016d}:2026" for n in range(1000)])
        assert await session.scalar(HELD) == 1
    async with AsyncSession(engine) as session, session.begin():
        await lock_victims(session, [f"nik:{n:016d}:2026" for n in range(10)])
        assert await session.scalar(HELD) == 11
    async with AsyncSession(engine) as session, session.begin():
        # Once it holds the shared lock, a transaction never asks to upgrade it.
        await lock_victims(session, ["nik:1"])
        await lock_victims(session, [f"nik:{n}" for n in range(2, EXACT_VICTIM_LOCKS + 10)])
        assert await session.scalar(HELD) == EXACT_VICTIM_LOCKS + 10


async def test_pushes_of_the_same_victim_wait_on_each_other_and_others_do_not(
    engine: AsyncEngine,
) -> None:
    """While a push of one victim is open, a push of the same victim and a large push
    wait; a push of another victim does not. While a large push is open, every push of a
    victim waits."""
    _postgresql(engine)
    large = [f"case:{n}" for n in range(EXACT_VICTIM_LOCKS + 1)]
    async with AsyncSession(engine) as session, session.begin():
        await lock_victims(session, ["nik:3302014501900001:2026"])
        assert await _locked_out(engine, ["nik:3302014501900001:2026"])
        assert await _locked_out(engine, large)
        assert not await _locked_out(engine, ["nik:3302014501900002:2026"])
    async with AsyncSession(engine) as session, session.begin():
        await lock_victims(session, large)
        assert await _locked_out(engine, ["nik:3302014501900002:2026"])
        assert await _locked_out(engine, large)
    assert not await _locked_out(engine, large)
