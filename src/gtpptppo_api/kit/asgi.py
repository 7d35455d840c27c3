"""Answering from a pure ASGI middleware, before or instead of the app."""

from __future__ import annotations

import json

from starlette.types import Send

from gtpptppo_api.errors import AppError


async def send_problem(
    send: Send, problem: AppError, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    """Send ``problem`` as a complete application/problem+json response."""
    body = json.dumps(problem.marshal()).encode()
    await send(
        {
            "type": "http.response.start",
            "status": problem.status,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
