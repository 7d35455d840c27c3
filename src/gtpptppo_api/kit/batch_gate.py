"""Batch pushes take turns: at most ``GTPPTPPO_BATCH_CONCURRENCY`` at once in a process.

A batch is the heaviest request there is (up to 10,000 cases to check, seal and write); a
backlog upload from many centres at once would otherwise fill the process's event loop and
its database pool, and every other request, a one-case read included, would queue behind it.
Here the pushes past the limit wait their turn before anything is read or opened for them:
no body parsed, no database connection held. Waiting is bounded too: past
``GTPPTPPO_BATCH_QUEUE`` waiting pushes, a push is answered 503 problem+json with
Retry-After at once (pushes are idempotent, so retrying is always safe).

The limit is per process, as the event loop and the pool it protects are; several API
processes each take their own turns.

Reads first (``reads_first``, on PostgreSQL): a push with its turn still gives way, at each
turn of its CPU work and before each of its bulk writes, to the other requests in flight, in
this process and in the machine's other API processes (``kit.turns.give_way``,
``kit.in_flight``). On SQLite it does not: the push's transaction holds the
database's one write lock from its first statement, and every other request waits for that
lock, so a pause would only lengthen both.
"""

from __future__ import annotations

import asyncio
import contextlib

from starlette.types import ASGIApp, Receive, Scope, Send

from gtpptppo_api.errors import ServiceUnavailable
from gtpptppo_api.kit.asgi import send_problem
from gtpptppo_api.kit.in_flight import Requests
from gtpptppo_api.kit.turns import giving_way_to

BATCH_SUFFIX = "/cases:batch"
RETRY_AFTER_SECONDS = 2


def is_batch_push(scope: Scope) -> bool:
    return (
        scope["type"] == "http"
        and scope["method"] == "POST"
        and str(scope["path"]).endswith(BATCH_SUFFIX)
    )


class BatchGateMiddleware:
    """Pure ASGI middleware: every other request passes straight through."""

    def __init__(self, app: ASGIApp, concurrency: int, queue: int, reads_first: bool) -> None:
        self.app = app
        self.reads_first = reads_first
        self.queue = queue
        self.waiting = 0
        self.turns = asyncio.Semaphore(concurrency)
        self.others = Requests()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not is_batch_push(scope):
            with self.others.one():
                await self.app(scope, receive, send)
            return
        if self.turns.locked() and self.waiting >= self.queue:
            await self._refuse(send)
            return
        self.waiting += 1
        try:
            await self.turns.acquire()
        finally:
            self.waiting -= 1
        try:
            with giving_way_to(self.others) if self.reads_first else contextlib.nullcontext():
                await self.app(scope, receive, send)
        finally:
            self.turns.release()

    async def _refuse(self, send: Send) -> None:
        problem = ServiceUnavailable(
            f"{self.queue} batch pushes are already waiting here; retry after "
            f"{RETRY_AFTER_SECONDS} s (a repeated push changes nothing).",
            retry_after=RETRY_AFTER_SECONDS,
        )
        await send_problem(send, problem, [(b"retry-after", str(RETRY_AFTER_SECONDS).encode())])
