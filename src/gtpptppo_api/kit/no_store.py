"""``Cache-Control: no-store`` on every answer of the API (``/api/v1``).

Every answer there is for one caller and may hold personal data (case reads, personal
fields, exports, members' and partners' contacts, the audit log): no browser, proxy or
gateway may keep a copy. An answer that sets its own Cache-Control keeps it; the public site
(``/public``) is not touched.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

NO_STORE = (b"cache-control", b"no-store")


class NoStoreMiddleware:
    """Pure ASGI: adds the header to the response start, the body passes through."""

    def __init__(self, app: ASGIApp, prefix: str) -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return

        async def send_no_store(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                if not any(name.lower() == b"cache-control" for name, _ in headers):
                    headers.append(NO_STORE)
                    message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_no_store)
