"""Cursor (keyset) pagination: ``?limit=&cursor=``, answering ``items`` and ``next_cursor``.

fastapi-pagination does the keyset work (through sqlakeyset); this module fixes the
parameter names and the cap once for every list of the API.
"""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi import Query
from fastapi_pagination.cursor import CursorPage as _CursorPage
from fastapi_pagination.customization import (
    CustomizedPage,
    UseFieldsAliases,
    UseFieldTypeAnnotations,
    UseIncludeTotal,
    UseParamsFields,
)
from fastapi_pagination.ext.sqlalchemy import apaginate
from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

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


async def paginate(session: AsyncSession, query: Select[Any], **kwargs: Any) -> Any:
    """One page of ``query`` (which must have a total ORDER BY ending in a unique key)."""
    return await apaginate(session, query, **kwargs)
