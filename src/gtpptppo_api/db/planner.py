"""Telling PostgreSQL's planner what a lookup is, where its statistics cannot.

A table grows from empty between two ANALYZE passes; until the next one, the planner guesses
at the selectivity of a list of values or of a rare flag, and may read the whole table for a
lookup that a small index answers. The statements inside ``by_index`` are such lookups.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

# What ``by_index`` says, and how it unsays it, for a driver connection as well.
SEQSCAN_OFF = "SET LOCAL enable_seqscan = off"
SEQSCAN_DEFAULT = "SET LOCAL enable_seqscan TO DEFAULT"


@asynccontextmanager
async def by_index(session: AsyncSession) -> AsyncIterator[None]:
    """PostgreSQL: no sequential scan for the statements inside (in this transaction only).

    SQLite's planner takes the index for these lookups on its own; nothing to say there.
    """
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        await session.execute(text(SEQSCAN_OFF))
    yield
    # Not on an error: the transaction is then aborted (a statement would fail and hide the
    # error) and its rollback undoes the SET LOCAL anyway.
    if postgres:
        await session.execute(text(SEQSCAN_DEFAULT))
