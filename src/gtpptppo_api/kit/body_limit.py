"""A cap on every request body: 413 problem+json past ``GTPPTPPO_MAX_BODY_BYTES``.

A declared ``Content-Length`` over the cap is refused before a byte is read. A body without
one (chunked, streamed) or one that lies about its length is counted as it arrives, and
refused once it passes the cap, so no handler ever holds more than the cap in memory.
"""

from __future__ import annotations

import contextlib

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gtpptppo_api.errors import ContentTooLarge
from gtpptppo_api.kit.asgi import send_problem


class BodyTooLarge(ContentTooLarge):
    """Raised from ``receive`` when the body passes the cap; the middleware answers 413."""


class BodyLimitMiddleware:
    """Pure ASGI middleware (streamed bodies pass through it unbuffered)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _problem(self) -> ContentTooLarge:
        return ContentTooLarge(
            f"A request body is at most {self.max_bytes} bytes.", max_bytes=self.max_bytes
        )

    async def _refuse(self, send: Send) -> None:
        await send_problem(send, self._problem(), [(b"connection", b"close")])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length":
                if not value.isdigit() or int(value) > self.max_bytes:
                    await self._refuse(send)
                    return
                break

        received = 0
        exceeded = False
        started = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    exceeded = True
                    raise BodyTooLarge(f"A request body is at most {self.max_bytes} bytes.")
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:
                return  # the app's answer to the aborted read is replaced by the 413 below
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        with contextlib.suppress(BodyTooLarge):
            await self.app(scope, counting_receive, guarded_send)
        if exceeded and not started:
            await self._refuse(send)
