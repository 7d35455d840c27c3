"""Cursor (keyset) pagination: ``?limit=&cursor=``, answering ``items`` and ``next_cursor``.

fastapi-pagination gives the page model and its cursors (sqlakeyset's bookmarks); this module
fixes the parameter names and the cap once for every list of the API, and refuses a cursor
this list did not give (422 naming ``cursor``) before any query runs: a made-up one used to
reach the keyset code and the driver, and answer 500.

A list ordered by plain columns (all of them here) is paged here, by the same keyset and
with the same cursors as sqlakeyset's: sqlakeyset works out its paging from the query each
time (compiling its ORDER BY to strings, describing its columns), which cost more CPU than
the whole rest of a 20-case page (see ``bench/bench_reads.py``). Any other query goes
through fastapi-pagination.
"""

from __future__ import annotations

import uuid
from base64 import b64decode
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import unquote

from fastapi import Query
from fastapi_pagination.api import create_page, resolve_params
from fastapi_pagination.cursor import CursorPage as _CursorPage
from fastapi_pagination.cursor import decode_cursor
from fastapi_pagination.customization import (
    CustomizedPage,
    UseFieldsAliases,
    UseFieldTypeAnnotations,
    UseIncludeTotal,
    UseParamsFields,
)
from fastapi_pagination.ext.sqlalchemy import apaginate
from sqlakeyset import InvalidPage, unserialize_bookmark
from sqlakeyset.results import Paging
from sqlalchemy import Column, Select, tuple_
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


async def paginate(
    session: AsyncSession,
    query: Select[Any],
    *,
    transformer: Callable[[Sequence[Any]], Sequence[Any]] | None = None,
    **kwargs: Any,
) -> Any:
    """One page of ``query`` (which must have a total ORDER BY ending in a unique key);
    ``transformer`` turns its items (rows, or ORM objects) into what the page lists."""
    params: Any = resolve_params()
    cursor = getattr(params, "cursor", None)
    if cursor:
        check_cursor(query, cursor)
    if not kwargs.get("unique") and _plain_order(query):
        try:
            return await _keyset_page(session, query, params, cursor, transformer)
        except InvalidPage as exc:
            raise bad_cursor() from exc
    try:
        return await apaginate(session, query, transformer=transformer, **kwargs)
    except InvalidPage as exc:
        raise bad_cursor() from exc


def _plain_order(query: Select[Any]) -> bool:
    """Whether ``query`` is ordered by table columns, ascending, and not grouped."""
    order = query._order_by_clauses
    return (
        bool(order)
        and not query._group_by_clauses
        and all(isinstance(column, Column) for column in order)
        and (_single_entity(query) or _positions(query) is not None)
    )


def _single_entity(query: Select[Any]) -> bool:
    """Whether ``query`` selects one ORM entity (``select(Model)``): its items are the
    objects, as fastapi-pagination gives them."""
    raw = query._raw_columns
    return len(raw) == 1 and "parententity" in getattr(raw[0], "_annotations", {})


def _positions(query: Select[Any]) -> list[int] | None:
    """Where the ORDER BY columns of a select of columns are among its columns (its items
    are its rows, as fastapi-pagination gives them), or None."""
    raw = query._raw_columns
    positions = []
    for column in query._order_by_clauses:
        found = [i for i, selected in enumerate(raw) if selected is column]
        if not found:
            return None
        positions.append(found[0])
    return positions


async def _keyset_page(
    session: AsyncSession,
    query: Select[Any],
    params: Any,
    cursor: str | None,
    transformer: Callable[[Sequence[Any]], Sequence[Any]] | None,
) -> Any:
    """sqlakeyset's page of ``query`` (its rows after the cursor's place, or before it
    backwards; one more to know whether another page follows) and its cursors."""
    place, backwards = (None, False)
    if cursor:
        place, backwards = unserialize_bookmark(params.decode_cursor(cursor))
    paged, positions = keyset_select(query, place, backwards, params.size)
    rows = (await session.execute(paged)).all()
    paging, items = keyset_paging(rows, positions, params.size, backwards, place)
    page_items = transformer(items) if transformer is not None else items
    return create_page(page_items, params=params, **page_cursors(paging))


def keyset_select(
    query: Select[Any], place: Any, backwards: bool, size: int
) -> tuple[Select[Any], list[int] | None]:
    """The select of one page of ``query`` (ordered by plain columns, ``_plain_order``)
    after ``place`` (or before it, ``backwards``): ``size`` rows and one more, to know
    whether another page follows; and where its keys are among its columns (None: one
    entity, its keys come as extra columns)."""
    columns: list[Any] = list(query._order_by_clauses)
    positions = _positions(query)
    paged = query.order_by(None)
    if positions is None:
        paged = paged.add_columns(*columns)
    if place is not None:
        keys, values = (
            (columns[0], place[0]) if len(columns) == 1 else (tuple_(*columns), tuple_(*place))
        )
        paged = paged.where(keys < values if backwards else keys > values)
    paged = paged.order_by(*(column.desc() for column in columns) if backwards else columns)
    return paged.limit(size + 1), positions


def keyset_paging(
    rows: Sequence[Any], positions: list[int] | None, size: int, backwards: bool, place: Any
) -> tuple[Paging[Any], list[Any]]:
    """sqlakeyset's paging of the rows ``keyset_select`` gave, and the page's items in
    order (the rows, or the entities)."""
    if positions is None:
        items: list[Any] = [row[0] for row in rows]
        places = [tuple(row[1:]) for row in rows]
    else:
        items = list(rows)
        places = [tuple(row[i] for i in positions) for row in rows]
    paging = Paging(items, size, backwards, place, places=places)
    return paging, paging.rows


def page_cursors(paging: Paging[Any]) -> dict[str, Any]:
    """The cursors of a page (bookmarks, before encoding), as ``create_page`` takes them."""
    return {
        "current": paging.bookmark_current,
        "current_backwards": paging.bookmark_current_backwards,
        "previous": paging.bookmark_previous if paging.has_previous else None,
        "next_": paging.bookmark_next if paging.has_next else None,
    }


def cursor_place(query: Select[Any], cursor: str) -> tuple[Any, bool]:
    """Where a page after (``backwards``: before) ``cursor`` starts, as ``paginate`` reads
    it; ``ValidationFailed`` (``bad_cursor``) as it answers a cursor this list did not give."""
    check_cursor(query, cursor)
    try:
        marker = unserialize_bookmark(decode_cursor(cursor) or "")
    except InvalidPage as exc:
        raise bad_cursor() from exc
    return marker.place, marker.backwards


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
