"""Long loops of CPU work on the event loop, in turns with the other requests; reads first.

A batch's items are checked, sealed and encoded on the process's event loop. Done in one
go, a batch of thousands would hold the loop for its whole length, and every read of the
process would wait; in a thread it would hold the GIL instead, and the loop would wait for
it at each switch (5 ms by default) however little it had to do. ``in_turns`` gives the
loop a turn every few items, so a read waits for at most one short run of them.

A turn of a batch push also lets the other requests go first (``give_way``): while any is in
flight, in this process or in another API process of the machine (``kit.in_flight``), the
push waits, up to ``MAX_WAIT`` a turn, before it goes on. A backlog upload keeps a process's
pushes busy without a pause (the CPU it leaves is what it takes); paused at its turns, its
next statement is not sent either, so a read shares the machine with neither the push's
checks nor the push's database work. The wait is bounded: under a steady stream of reads a
push still moves, one turn per ``MAX_WAIT`` at the slowest.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterable, Iterator
from contextvars import ContextVar
from typing import TypeVar

from gtpptppo_api.kit.in_flight import Requests

Item = TypeVar("Item")

# Items between two turns of the loop: a run of this many cases costs about a millisecond.
EVERY = 16

# The longest a push waits at one turn for the other requests in flight to end.
MAX_WAIT = 0.05


# Set for the task of a batch push: the requests it gives way to.
_others: ContextVar[Requests | None] = ContextVar("others", default=None)


@contextlib.contextmanager
def giving_way_to(others: Requests) -> Iterator[None]:
    """Within: the current task's turns give way to ``others``."""
    token = _others.set(others)
    try:
        yield
    finally:
        _others.reset(token)


async def give_way() -> None:
    """A turn: the loop runs its other tasks; in a push, until no other request is in
    flight in this process or the machine's others (at most ``MAX_WAIT``)."""
    others = _others.get()
    if others is None or not others.any():
        await asyncio.sleep(0)
        return
    await others.none(MAX_WAIT)


async def in_turns(items: Iterable[Item], every: int = EVERY) -> AsyncIterator[Item]:
    """``items``, one by one, with a turn (``give_way``) every ``every`` items."""
    for count, item in enumerate(items, 1):
        yield item
        if count % every == 0:
            await give_way()
