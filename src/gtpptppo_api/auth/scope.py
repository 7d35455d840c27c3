"""Jurisdiction, in one place: what a caller may see of a record, and of a query.

A caller covers its root region and every region below it (``Caller.covers``); a service
centre's token sees its own centre's records only. A record outside the jurisdiction
answers 404 exactly as one that does not exist, so which ids exist elsewhere is not the
caller's to learn. Every service loads what it is asked for through ``get`` (or checks a
region it already holds with ``ensure``), and filters every list with ``clause`` or
``filter``; the access matrix (``tests/security/test_access_matrix.py``) exercises this one
mechanism for every endpoint.

Acts that only a level itself performs (Permen PPPA 10/2012, Lampiran V and VI) are a
further check, ``task_forces.service.ensure_own_level``: 403, not 404.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, false
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.auth.models import Role
from gtpptppo_api.auth.service import Caller
from gtpptppo_api.errors import Forbidden, NotFound
from gtpptppo_api.kit import region_codes

T = TypeVar("T")
Q = TypeVar("Q", bound=Select[Any])

# Where a record lies: one region, several (any of them makes it visible), none (it lies
# nowhere the caller can see), or a coroutine giving one of these (a parent row to load).
Where = str | Iterable[str] | None
Locator = Callable[[Any], Where | Awaitable[Where]]


def _region_code(record: Any) -> Where:
    code: str = record.region_code
    return code


def covers(caller: Caller, region_code: str | None) -> bool:
    """Whether a region lies in the caller's jurisdiction (itself or below it)."""
    return region_code is not None and caller.covers(region_code)


def sees(
    caller: Caller, where: Where, *, centre_id: int | None = None, by_centre: bool = False
) -> bool:
    """Whether the caller sees a record lying in ``where`` (owned by ``centre_id``).

    With ``by_centre``, a service centre's token sees its own centre's records only,
    whatever their region.
    """
    if by_centre and caller.role is Role.service_centre:
        return centre_id is not None and centre_id == caller.service_centre_id
    if where is None:
        return False
    if isinstance(where, str):
        return caller.covers(where)
    return any(caller.covers(code) for code in where)


def not_found(noun: str, ident: object) -> NotFound:
    """The one answer for a record outside the jurisdiction and one that does not exist."""
    return NotFound(f"No {noun} {ident} in your jurisdiction.")


def ensure(caller: Caller, region_code: str | None, noun: str, ident: object) -> None:
    """404 unless ``region_code`` lies in the caller's jurisdiction."""
    if not covers(caller, region_code):
        raise not_found(noun, ident)


async def get(
    session: AsyncSession,
    caller: Caller,
    model: type[T],
    ident: Any,
    *,
    noun: str,
    where: Locator = _region_code,
    centre: Callable[[T], int | None] | None = None,
) -> T:
    """The record ``model[ident]`` if the caller sees it; 404 otherwise, as if it did not
    exist.

    ``where`` gives the region(s) the record lies in (its ``region_code`` by default; it
    may be a coroutine, to load a parent row); ``centre`` its owning centre, for records a
    centre's token sees only when they are its own.
    """
    record = await session.get(model, ident)
    if record is None:
        raise not_found(noun, ident)
    located = where(record)
    if inspect.isawaitable(located):
        located = await located
    centre_id = centre(record) if centre is not None else None
    if not sees(caller, located, centre_id=centre_id, by_centre=centre is not None):
        raise not_found(noun, ident)
    return record


def clause(
    caller: Caller, region_column: Any, *, centre_column: Any | None = None
) -> ColumnElement[bool]:
    """SQL for "the caller sees this row": its region in the jurisdiction or, with
    ``centre_column`` and a service centre's token, the centre's own rows."""
    if caller.role is Role.service_centre and centre_column is not None:
        if caller.service_centre_id is None:
            return false()
        result: ColumnElement[bool] = centre_column == caller.service_centre_id
        return result
    if region_codes.is_regency(caller.scope_code):
        # a regency is the lowest level, a subtree of one: an equality, which an index on
        # (region, id) answers in order
        equal: ColumnElement[bool] = region_column == caller.scope_code
        return equal
    return region_codes.subtree_clause(region_column, caller.scope_code)


def filter(query: Q, caller: Caller, region_column: Any, *, centre_column: Any | None = None) -> Q:
    """``query`` restricted to the rows the caller sees (``clause``)."""
    return query.where(clause(caller, region_column, centre_column=centre_column))


def ensure_acts_in(caller: Caller, region_code: str) -> None:
    """403 unless the caller may act in ``region_code`` (create something there): a region
    is public knowledge, so outside the jurisdiction is a refusal, not a 404."""
    if not caller.covers(region_code):
        raise Forbidden(f"The region {region_code} is outside your jurisdiction.")
