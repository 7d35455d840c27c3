"""Logs: JSON lines (``GTPPTPPO_LOG_FORMAT=json``) or lines for people (``console``).

Every logger of the process (ours, uvicorn's, Dramatiq's, SQLAlchemy's) goes through
structlog's formatter, with the request id (``X-Request-ID``, asgi-correlation-id), the
trace and span ids when tracing is on, and what a block bound (a job's id and kind in the
worker). One line per request: method, route template, status, duration, the caller's
token id.

What is never logged: request and response bodies, query strings, SQL parameters (the
engine hides them unless ``GTPPTPPO_SQL_ECHO``), and the values of a refused field. The
drivers' own DEBUG lines, which repeat SQL and its parameters, stay at INFO.
"""

from __future__ import annotations

import logging
import re
import sys
import time
from collections.abc import MutableMapping
from typing import IO, Any

import structlog
from asgi_correlation_id import correlation_id
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gtpptppo_api.settings import Settings

# Loggers that write SQL or its parameters at DEBUG, and SQLAlchemy's, which write SQL,
# parameters and pool chatter at INFO (its own echo, GTPPTPPO_SQL_ECHO, still works).
QUIET_BELOW_INFO = ("aiosqlite", "asyncpg")
QUIET_BELOW_WARNING = ("sqlalchemy",)
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

access = structlog.get_logger("gtpptppo_api.access")


def valid_request_id(value: str) -> bool:
    """An ``X-Request-ID`` taken as it is: up to 128 letters, digits and ``._:-`` (a UUID,
    a proxy's hex id); anything else is replaced by a new id (nothing injected in logs)."""
    return REQUEST_ID.fullmatch(value) is not None


def _request_id(_logger: Any, _name: str, event: MutableMapping[str, Any]) -> Any:
    request_id = correlation_id.get()
    if request_id:
        event.setdefault("request_id", request_id)
    return event


def _drop_colours(_logger: Any, _name: str, event: MutableMapping[str, Any]) -> Any:
    event.pop("color_message", None)  # uvicorn's copy of the message with terminal colours
    return event


def _trace_ids(_logger: Any, _name: str, event: MutableMapping[str, Any]) -> Any:
    from opentelemetry import trace

    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        event.setdefault("trace_id", format(context.trace_id, "032x"))
        event.setdefault("span_id", format(context.span_id, "016x"))
    return event


def configure(settings: Settings, stream: IO[str] | None = None) -> None:
    """Send every log record of the process to ``stream`` (stderr) in the chosen format."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.add_log_level,
        structlog.stdlib.ExtraAdder(),
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _request_id,
        _trace_ids,
        _drop_colours,
    ]
    renderer: Any
    if settings.log_format == "json":
        last: list[Any] = [structlog.processors.dict_tracebacks]
        renderer = structlog.processors.JSONRenderer()
    else:
        last = []
        renderer = structlog.dev.ConsoleRenderer(colors=False)
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *last, renderer],
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    # One line per request is ours (with the route and the caller); uvicorn's would repeat it.
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    for name in QUIET_BELOW_INFO:
        logging.getLogger(name).setLevel(max(logging.INFO, root.level))
    if not settings.sql_echo:
        for name in QUIET_BELOW_WARNING:
            logging.getLogger(name).setLevel(logging.WARNING)
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


class AccessLogMiddleware:
    """One log line per HTTP request once it is answered: method, route template (never the
    path with its ids, nor the query), status, duration, the caller's token id."""

    def __init__(self, app: ASGIApp, prefix: str = "") -> None:
        self.app = app
        # The prefix the API's routers are included under: their routes know only their own
        # part of the template (/cases/{case_id}), the request's path says the rest.
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = getattr(scope.get("route"), "path", None)
            prefixed = self.prefix and scope["path"].startswith(self.prefix + "/")
            if route and prefixed and not route.startswith(self.prefix):
                route = self.prefix + route
            caller = scope.get("state", {}).get("caller")
            access.info(
                "request",
                method=scope["method"],
                route=route or "(no route)",
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 2),
                token_id=getattr(caller, "token_id", None),
            )
