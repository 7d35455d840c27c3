"""Region look-ups and the subtree rule every jurisdiction check uses.

Kemendagri codes are hierarchical (``33`` contains ``33.02``), so a region's subtree is the
region itself and every code that starts with its code and a dot; the nation ``ID`` holds all.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.regions.models import Region, RegionLevel

NATIONAL = "ID"


def in_subtree(code: str, root: str) -> bool:
    return root == NATIONAL or code == root or code.startswith(root + ".")


def is_regency(code: str) -> bool:
    """A regency or city (``33.02``): the lowest level (``RegionLevel``), a subtree of one."""
    return "." in code


def subtree_clause(column: Any, root: str) -> ColumnElement[bool]:
    """SQL for "``column`` is ``root`` or a region below it"."""
    if root == NATIONAL:
        return true()
    return or_(column == root, column.like(root + ".%"))


async def get(session: AsyncSession, code: str) -> Region | None:
    return await session.get(Region, code)


def list_query(
    *, level: RegionLevel | None = None, parent_code: str | None = None, within: str | None = None
) -> Select[Region]:
    query = select(Region)
    if level is not None:
        query = query.where(Region.level == level)
    if parent_code is not None:
        query = query.where(Region.parent_code == parent_code)
    if within is not None:
        query = query.where(subtree_clause(Region.code, within))
    return query.order_by(Region.code)


async def children(session: AsyncSession, code: str) -> Sequence[Region]:
    return (await session.scalars(select(Region).where(Region.parent_code == code))).all()
