"""Lean reads: the most frequent GET requests answered beside FastAPI, byte for byte as it
would answer them, at a fraction of its cost.

A pure ASGI layer, the innermost middleware: the correlation id, the access log, the
metrics, ``no-store``, the body limit and the batch gate wrap it as they wrap the app. It
holds a small table of routes (GET only; an exact path, or a template with one parameter
segment such as ``/api/v1/cases/{case_id}``), matched by a dictionary look-up and a prefix,
never by scanning the app's routes. For a matching request it asks ``caller`` for the
request's caller (given the route's permission), then the route's handler for a
``LeanAnswer``. Either may decline with None: the request then goes on to FastAPI
unchanged, which answers it as always (an error, a personal read that is audited, anything
the handler does not reproduce exactly). A handler that fails hands the request on too: the
full stack answers the same failure in its own way (a 503 when the database is away).

Before answering, the layer sets ``scope["route"]`` to the app's route for the path (found
once) and ``scope["state"]["caller"]``, as the full path does, so that the access log line
is the same. Which requests a handler may answer, and that its answers equal the full
stack's, is the handlers' business and their tests' (``tests/cases/test_lean_reads.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

logger = logging.getLogger("gtpptppo_api")


@dataclass(frozen=True, slots=True)
class LeanAnswer:
    body: bytes  # the JSON body, as the full stack would send it
    # extra headers (ETag...); the layer adds content-type and content-length
    headers: tuple[tuple[bytes, bytes], ...] = ()
    status: int = 200


LeanHandler = Callable[[Request, Any], Awaitable[LeanAnswer | None]]
# (request, permission) -> the caller, or None for the full stack to resolve it
CallerSource = Callable[[Request, str], Awaitable[Any | None]]


@dataclass(frozen=True, slots=True)
class LeanRoute:
    """``path``: exact, or with one ``{name}`` segment; answered by ``handler`` for a caller
    holding ``permission``."""

    path: str
    permission: str
    handler: LeanHandler


@dataclass(slots=True)
class _Template:
    prefix: str
    suffix: str
    name: str
    route: LeanRoute


class LeanReads:
    """The layer (see the module's docstring); ``routes`` empty: it only passes requests on."""

    def __init__(self, app: ASGIApp, routes: Iterable[LeanRoute], caller: CallerSource) -> None:
        self.app = app
        self.caller = caller
        self._exact: dict[str, LeanRoute] = {}
        self._templates: list[_Template] = []
        for route in routes:
            if "{" not in route.path:
                self._exact[route.path] = route
                continue
            prefix, rest = route.path.split("{", 1)
            name, suffix = rest.split("}", 1)
            if "{" in suffix:
                raise ValueError(f"one parameter per lean route: {route.path}")
            self._templates.append(_Template(prefix, suffix, name, route))
        self._app_routes: dict[str, BaseRoute] | None = None

    def _match(self, path: str) -> tuple[LeanRoute, dict[str, str]] | None:
        route = self._exact.get(path)
        if route is not None:
            return route, {}
        for template in self._templates:
            if path.startswith(template.prefix) and path.endswith(template.suffix):
                value = path[len(template.prefix) : len(path) - len(template.suffix)]
                if value and "/" not in value:
                    return template.route, {template.name: value}
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        found = self._match(scope["path"])
        answer = None
        if found is not None:
            route, path_params = found
            answer = await self._answer(scope, receive, route, path_params)
        if answer is None:
            await self.app(scope, receive, send)
            return
        await send(
            {
                "type": "http.response.start",
                "status": answer.status,
                "headers": [
                    (b"content-length", str(len(answer.body)).encode()),
                    (b"content-type", b"application/json"),
                    *answer.headers,
                ],
            }
        )
        await send({"type": "http.response.body", "body": answer.body})

    async def _answer(
        self, scope: Scope, receive: Receive, route: LeanRoute, path_params: dict[str, str]
    ) -> LeanAnswer | None:
        app_route = self._app_route(scope, route.path)
        if app_route is None:
            return None
        # The same state for the full stack, if the request goes on (what the caller's
        # resolution noted there), and the path's parameter as the app's router sets it.
        scope.setdefault("state", {})
        scope["path_params"] = path_params
        request = Request(scope, receive)
        try:
            caller = await self.caller(request, route.permission)
            if caller is None:
                return None
            answer = await route.handler(request, caller)
        except Exception as exc:  # the full stack meets the same failure and answers it
            logger.warning("lean read of %s handed on: %r", route.path, exc)
            return None
        if answer is not None:
            scope["route"] = app_route
            scope["state"]["caller"] = caller
        return answer

    def _app_route(self, scope: Scope, path: str) -> BaseRoute | None:
        """The app's GET route of ``path`` (the full template), the object the app's router
        sets as ``scope["route"]``; the app's routes are walked once."""
        if self._app_routes is None:
            self._app_routes = dict(_get_routes(scope["app"].router.routes))
        return self._app_routes.get(path)


def _get_routes(routes: Iterable[BaseRoute]) -> Iterable[tuple[str, BaseRoute]]:
    """(full path template, route) of every GET route: the app's own, and those of the
    routers it includes (FastAPI keeps an included router whole and resolves its routes'
    full paths in ``effective_route_contexts``)."""
    for route in routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is not None:
            for context in contexts():
                original = context.original_route
                if "GET" in (getattr(original, "methods", None) or ()):
                    yield context.path_format, original
        elif "GET" in (getattr(route, "methods", None) or ()):
            yield getattr(route, "path", ""), route
