"""Region look-ups, and the subtree rule every jurisdiction check uses (``kit.region_codes``:
Kemendagri codes are hierarchical, ``33`` contains ``33.02``)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.kit.region_codes import NATIONAL, in_subtree, is_regency, subtree_clause
from gtpptppo_api.regions.models import Region, RegionLevel

__all__ = [
    "NATIONAL",
    "children",
    "get",
    "in_subtree",
    "is_regency",
    "list_query",
    "subtree_clause",
]


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
