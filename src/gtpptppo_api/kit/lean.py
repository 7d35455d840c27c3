"""What a lean handler answers: the interface between the lean ASGI layer and the handlers
it hands GET requests on registered paths to.

A handler answers only what it answers exactly as the full stack would (the same body, the
same headers), else ``None``: the full stack then answers (a refusal, a bad parameter).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request


@dataclass(frozen=True, slots=True)
class LeanAnswer:
    body: bytes  # the JSON body, as the full stack would send it
    headers: tuple[tuple[bytes, bytes], ...] = ()  # extra headers; the layer adds the type, length
    status: int = 200


# (the request, the authenticated ``auth.service.Caller``) -> the answer, or None
LeanHandler = Callable[[Request, Any], Awaitable[LeanAnswer | None]]
