"""Long loops of CPU work on the event loop, in turns with the other requests.

A batch's items are checked, sealed and encoded on the process's event loop. Done in one
go, a batch of thousands would hold the loop for its whole length, and every read of the
process would wait; in a thread it would hold the GIL instead, and the loop would wait for
it at each switch (5 ms by default) however little it had to do. ``in_turns`` gives the
loop a turn every few items, so a read waits for at most one short run of them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from typing import TypeVar

Item = TypeVar("Item")

# Items between two turns of the loop: a run of this many cases costs about a millisecond.
EVERY = 16


async def in_turns(items: Iterable[Item], every: int = EVERY) -> AsyncIterator[Item]:
    """``items``, one by one, letting the event loop run other tasks every ``every`` items."""
    for count, item in enumerate(items, 1):
        yield item
        if count % every == 0:
            await asyncio.sleep(0)
