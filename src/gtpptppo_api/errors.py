"""Errors as RFC 9457 ``application/problem+json``.

Below the router, code raises an ``AppError`` subclass; one handler renders every error,
including FastAPI's validation errors and unknown routes.
"""

from __future__ import annotations

import errno
import logging
import socket
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from typing import Any

import asyncpg
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi_problem.error import Problem
from fastapi_problem.handler import add_exception_handler, new_exception_handler
from sqlalchemy.exc import DataError, DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

logger = logging.getLogger("gtpptppo_api")

RETRY_AFTER_SECONDS = 5


class AppError(Problem):
    """Base of every error the API returns on purpose."""

    status_code_: int = 500
    title_: str = "Internal error"
    type_: str = "internal-error"

    def __init__(self, detail: str | None = None, **extras: Any) -> None:
        headers = extras.pop("headers", None)
        super().__init__(
            title=self.title_,
            type_=self.type_,
            detail=detail,
            status=self.status_code_,
            headers=headers,
            **extras,
        )


class BadRequest(AppError):
    status_code_, title_, type_ = 400, "Bad request", "bad-request"


class Unauthenticated(AppError):
    status_code_, title_, type_ = 401, "Authentication required", "unauthenticated"

    def __init__(self, detail: str | None = None, **extras: Any) -> None:
        extras.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(detail, **extras)


class Forbidden(AppError):
    status_code_, title_, type_ = 403, "Forbidden", "forbidden"


class NotFound(AppError):
    status_code_, title_, type_ = 404, "Not found", "not-found"


class Conflict(AppError):
    status_code_, title_, type_ = 409, "Conflict", "conflict"


class PreconditionFailed(AppError):
    status_code_, title_, type_ = 412, "Precondition failed", "precondition-failed"


class ContentTooLarge(AppError):
    """413: a request body, or a batch, over its cap."""

    status_code_, title_, type_ = 413, "Content too large", "content-too-large"


class TooManyRequests(AppError):
    """429: the token used up its rate limit; ``Retry-After`` says when to come back."""

    status_code_, title_, type_ = 429, "Too many requests", "too-many-requests"

    def __init__(self, detail: str, retry_after: int, **extras: Any) -> None:
        extras.setdefault("headers", {"Retry-After": str(retry_after)})
        super().__init__(detail, retry_after=retry_after, **extras)


# One bad field of a 422's ``errors`` (``FIELD_ERROR_SCHEMA``): field, message, type, and
# the rule of the regulation it breaks, if any.
FieldError = dict[str, str]
REQUEST_LOCATIONS = ("body", "query", "path", "header")


def field_error(
    field: str, message: str, rule: str | None = None, *, type: str | None = None, **extra: str
) -> FieldError:
    """A bad field; its ``type`` is ``rule`` when it breaks a rule of the regulation (named
    in ``rule``), else ``value`` unless given."""
    error = {"field": field, "message": message, "type": type or ("rule" if rule else "value")}
    if rule:
        error["rule"] = rule
    error.update(extra)
    return error


def pydantic_errors(details: Iterable[Mapping[str, Any]]) -> list[FieldError]:
    """pydantic's (or FastAPI's) error details as field errors, never echoing the submitted
    values: ``("body", "victim", "sex")`` is ``victim.sex``, a bare ``("body",)`` stays
    ``body``, and an error without a location (an item that is no object) is ``item``."""
    errors = []
    for detail in details:
        parts = [str(part) for part in detail.get("loc", ())]
        if len(parts) > 1 and parts[0] in REQUEST_LOCATIONS:
            parts = parts[1:]
        name = ".".join(parts) if parts else "item"
        message, kind = str(detail.get("msg", "")), str(detail.get("type", ""))
        errors.append(field_error(name, message, type=kind))
    return errors


class ValidationFailed(AppError):
    """422 naming each bad field: ``errors: [{field, message, type}]``."""

    status_code_, title_, type_ = 422, "Validation failed", "validation-failed"

    def __init__(self, detail: str, errors: list[FieldError], **extras: Any) -> None:
        super().__init__(detail, errors=errors, **extras)

    @classmethod
    def field(cls, field: str, message: str, rule: str | None = None) -> ValidationFailed:
        return cls(f"{field}: {message}", [field_error(field, message, rule)])

    @classmethod
    def naming(cls, summary: str, errors: list[FieldError]) -> ValidationFailed:
        """``summary: field, field...``, each bad field named once."""
        fields = ", ".join(dict.fromkeys(e["field"] for e in errors))
        return cls(f"{summary}: {fields}", errors)

    @classmethod
    def nothing_to_change(cls) -> ValidationFailed:
        """An update with no field set."""
        return cls("Nothing to change.", [field_error("", "empty body")])


class FieldErrors:
    """Every bad field of a request, collected so that one 422 names them all.

    With ``law``, a message breaking a rule cites it: ``message (law, rule)``.
    """

    def __init__(self, law: str | None = None) -> None:
        self.items: list[FieldError] = []
        self._law = law

    def __bool__(self) -> bool:
        return bool(self.items)

    def __iter__(self) -> Iterator[FieldError]:
        return iter(self.items)

    def add(
        self,
        field: str,
        message: str,
        rule: str | None = None,
        *,
        type: str | None = None,
        **extra: str,
    ) -> None:
        if rule and self._law:
            message = f"{message} ({self._law}, {rule})"
        self.items.append(field_error(field, message, rule, type=type, **extra))

    def extend(self, errors: Iterable[FieldError]) -> None:
        self.items.extend(errors)

    def raise_if_any(self, summary: str) -> None:
        """422 ``summary: field, field...`` when any field is bad."""
        if self.items:
            raise ValidationFailed.naming(summary, self.items)


class ServiceUnavailable(AppError):
    status_code_, title_, type_ = 503, "Service unavailable", "service-unavailable"


class InternalError(AppError):
    """An unexpected error; its text is logged, never sent (it may hold SQL or data)."""

    status_code_, title_, type_ = 500, "Internal error", "internal-error"

    def __init__(self, _message: str | None = None, **extras: Any) -> None:
        super().__init__("An unexpected error occurred; it has been logged.", **extras)


# SQLSTATE classes of a database that is gone or going: 08 connection exception,
# 57P01-57P05 operator intervention (shutting down, starting up, crash recovery).
UNAVAILABLE_SQLSTATES = ("08", "57P")
UNREACHABLE_ERRNOS = (errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EHOSTDOWN)
# What a database going away raises, by layer: SQLAlchemy, the pool, asyncpg, the socket.
DATABASE_ERRORS: tuple[type[Exception], ...] = (
    DBAPIError,
    PoolTimeout,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    OSError,
)


def database_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it) says the database cannot be reached just now.

    Covers SQLAlchemy's disconnect errors (``connection_invalidated``), the driver's
    connection errors, a refused or reset socket, a connect timeout, an exhausted pool, and
    PostgreSQL's "shutting down" / "starting up" answers (SQLSTATE 08xxx, 57P0x).
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, DBAPIError) and current.connection_invalidated:
            return True
        if isinstance(current, OperationalError | InterfaceError | PoolTimeout):
            return True
        if isinstance(current, ConnectionError | socket.gaierror | TimeoutError):
            return True  # refused, reset, aborted, no such host, connect timeout
        if isinstance(current, OSError) and current.errno in UNREACHABLE_ERRNOS:
            return True
        sqlstate = getattr(current, "sqlstate", None)
        if isinstance(sqlstate, str) and sqlstate.startswith(UNAVAILABLE_SQLSTATES):
            return True
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else current.__cause__
    return False


def _is_out_of_range(exc: BaseException) -> bool:
    """Whether the driver refused a value (asyncpg's DataError hides under a DBAPIError)."""
    seen: BaseException | None = exc
    for _ in range(5):
        if seen is None:
            return False
        if isinstance(seen, OverflowError | DataError) or type(seen).__name__ == "DataError":
            return True
        seen = getattr(seen, "orig", None) or seen.__cause__
    return False


def _database_error(_eh: Any, _request: Request, exc: Exception) -> Problem | None:
    """503 when the database cannot be reached, 422 for a value past what a column stores.

    Anything else answers None: left to the default, a logged 500.
    """
    if database_unavailable(exc):
        logger.warning("database unavailable: %s", type(exc).__name__)
        return ServiceUnavailable(
            "The database cannot be reached just now; nothing was changed. Retry later.",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    if _is_out_of_range(exc):
        # A number past what the column stores (an id of 2**70, say): no row can match it,
        # and nothing was written (the session rolls back). The driver's text may hold the
        # value, so it is not sent.
        logger.info("value out of the database's range: %s", type(exc).__name__)
        return ValidationFailed(
            "A value in the request is out of the range the database stores.",
            [field_error("request", "a number or text out of range", type="out_of_range")],
        )
    return None


def _request_validation(_eh: Any, _request: Request, exc: RequestValidationError) -> Problem:
    # The submitted values are left out on purpose: they may hold personal data.
    return ValidationFailed.naming("Invalid request", pydantic_errors(exc.errors()))


# What each item of a 422's ``errors`` holds (ValidationFailed, _request_validation); it
# replaces FastAPI's default ``{loc, msg, type}`` in the OpenAPI document.
FIELD_ERROR_SCHEMA: dict[str, Any] = {
    "title": "ValidationError",
    "type": "object",
    "properties": {
        "field": {"type": "string", "description": "The bad field, dotted: `victim.sex`."},
        "message": {"type": "string"},
        "type": {"type": "string", "description": "`value`, `rule` or a pydantic error type."},
        "rule": {
            "type": "string",
            "description": "The section of Permen PPPA 10/2012 the rule comes from.",
        },
    },
    "required": ["field", "message", "type"],
}


def _document_field_errors(app: FastAPI) -> None:
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        document = generate()
        document.setdefault("components", {}).setdefault("schemas", {})["ValidationError"] = (
            FIELD_ERROR_SCHEMA
        )
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def install(app: FastAPI) -> None:
    handler = new_exception_handler(
        logger=logger,
        unhandled_wrappers={"default": InternalError},  # type: ignore[dict-item]
        # An exception that says the database is unreachable: 503 with Retry-After; a value
        # the database refused as out of range: 422. A handler answering None leaves the
        # error to the default (500); its type says Problem only.
        handlers={Exception: _database_error},  # type: ignore[dict-item]
        request_validation_handler=_request_validation,
    )
    add_exception_handler(app, handler, generic_swagger_defaults=False)
    # The database's errors are also handled one level in (Starlette's ExceptionMiddleware):
    # there an error is answered and done with; a handler of ``Exception`` answers and then
    # re-raises, so the server drops the keep-alive connection and clients see a reset.
    for error in (*DATABASE_ERRORS, OverflowError):
        app.add_exception_handler(error, handler)
    # The library's handler is a plain function, which Starlette runs in a worker thread:
    # a thread hop for every 401, 404 or 429. It only builds a response, so it runs on the
    # event loop instead.
    answer = _on_the_loop(handler)
    for error, registered in list(app.exception_handlers.items()):
        if registered is handler:
            app.exception_handlers[error] = answer
    _document_field_errors(app)


def _on_the_loop(
    handler: Callable[[Request, Exception], Response],
) -> Callable[[Request, Exception], Awaitable[Response]]:
    async def answer(request: Request, exc: Exception) -> Response:
        return handler(request, exc)

    return answer
