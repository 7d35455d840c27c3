"""Cursor (keyset) pagination: ``?limit=&cursor=``, answering ``items`` and ``next_cursor``.

fastapi-pagination does the keyset work (through sqlakeyset); this module fixes the
parameter names and the cap once for every list of the API, and refuses a cursor this list
did not give (422 naming ``cursor``) before any query runs: a made-up one used to reach the
keyset code and the driver, and answer 500.
"""

from __future__ import annotations

import uuid
from base64 import b64decode
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import unquote

from fastapi import Query
from fastapi_pagination.api import resolve_params
from fastapi_pagination.cursor import CursorPage as _CursorPage
from fastapi_pagination.customization import (
    CustomizedPage,
    UseFieldsAliases,
    UseFieldTypeAnnotations,
    UseIncludeTotal,
    UseParamsFields,
)
from fastapi_pagination.ext.sqlalchemy import apaginate
from sqlakeyset import InvalidPage, unserialize_bookmark
from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.errors import ValidationFailed

DEFAULT_LIMIT = 50
MAX_LIMIT = 200

T = TypeVar("T")

CursorPage = CustomizedPage[
    _CursorPage[T],
    UseIncludeTotal(False),
    UseParamsFields(
        size=Query(
            DEFAULT_LIMIT,
            ge=1,
            le=MAX_LIMIT,
            alias="limit",
            description=f"Page size, at most {MAX_LIMIT}.",
        ),
        cursor=Query(None, description="Opaque cursor from `next_cursor` of the previous page."),
    ),
    UseFieldsAliases(next_page="next_cursor", previous_page="previous_cursor"),
    # A list, not the library's Sequence: pydantic serialises a list natively, a Sequence
    # item by item through Python (a tenth of a 20-case page's CPU).
    UseFieldTypeAnnotations(items=list[T]),
]


# The types a keyset value may take in a cursor, by the Python type of its column.
_KEYSET_TYPES: tuple[type, ...] = (int, str, uuid.UUID, datetime, date, Decimal)
_BIGINT = 2**63


def bad_cursor() -> ValidationFailed:
    return ValidationFailed.field("cursor", "is not a cursor this list gave; start without one")


async def paginate(session: AsyncSession, query: Select[Any], **kwargs: Any) -> Any:
    """One page of ``query`` (which must have a total ORDER BY ending in a unique key)."""
    cursor = getattr(resolve_params(), "cursor", None)
    if cursor:
        check_cursor(query, cursor)
    try:
        return await apaginate(session, query, **kwargs)
    except InvalidPage as exc:
        raise bad_cursor() from exc


def check_cursor(query: Select[Any], cursor: str) -> None:
    """Refuse a cursor that is not base64 of a keyset fitting ``query``'s ORDER BY: one that
    does not decode (strictly: the library drops what is not base64), the wrong number of
    values, or a value of another type than its column's."""
    try:
        bookmark = b64decode(unquote(cursor).encode(), validate=True).decode()
        place = unserialize_bookmark(bookmark)
    except (InvalidPage, ValueError) as exc:  # binascii.Error, UnicodeError are ValueErrors
        raise bad_cursor() from exc
    if not bookmark:
        raise bad_cursor()
    values = place.place
    if values is None:
        return
    columns = query._order_by_clauses
    if len(values) != len(columns):
        raise bad_cursor()
    # No list here orders by a column that may be null: a null in a cursor is made up.
    if not all(_fits(value, column.type) for value, column in zip(values, columns, strict=True)):
        raise bad_cursor()


def _fits(value: Any, column_type: Any) -> bool:
    try:
        expected = column_type.python_type
    except NotImplementedError:
        expected = object
    if value is None or isinstance(value, bool) or not isinstance(value, _KEYSET_TYPES):
        return False
    if isinstance(value, int):
        return expected in (int, object) and -_BIGINT <= value < _BIGINT
    if isinstance(value, str):
        return issubclass(expected, str) or expected is object  # text, or an enum's value
    if expected is date:
        return not isinstance(value, datetime)
    return isinstance(value, expected)
