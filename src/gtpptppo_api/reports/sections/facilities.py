"""The facilities section of a task force's report (§5.2)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.errors import NotFound
from gtpptppo_api.facilities.models import (
    FacilityInventory,
)
from gtpptppo_api.facilities.service import gap_rows
from gtpptppo_api.regions import service as regions
from gtpptppo_api.reports.sections import Section
from gtpptppo_api.task_forces.models import TaskForce


class Gap(Section):
    """A checklist item some inventories lack, or have only in part."""

    item: str
    owner_kind: str
    missing: int
    partial: int


class FacilitiesSection(Section):
    task_force_id: int
    region_code: str
    year: int
    inventories: dict[str, int]
    assessed_in_year: int
    gaps: list[Gap]


async def report_section(session: AsyncSession, task_force_id: int, year: int) -> FacilitiesSection:
    """Facilities figures (5.2) for the annual report of a task force.

    The inventories of the secretariats and service centres of the task force's region and
    the regions under it, as they stand when the report is made (an inventory is kept
    current; its ``assessed_on`` tells when it was last assessed): how many, how many were
    assessed in ``year``, and per checklist item how many lack it or have it only in part.
    """
    task_force = await session.get(TaskForce, task_force_id)
    if task_force is None:
        raise NotFound(f"No task force {task_force_id}.")
    where = regions.subtree_clause(FacilityInventory.region_code, task_force.region_code)
    inventories, rows = await gap_rows(session, where)
    assessed = await session.scalar(
        select(func.count())
        .select_from(FacilityInventory)
        .where(where, FacilityInventory.assessed_on.between(date(year, 1, 1), date(year, 12, 31)))
    )
    return FacilitiesSection(
        task_force_id=task_force.id,
        region_code=task_force.region_code,
        year=year,
        inventories=inventories,
        assessed_in_year=int(assessed or 0),
        gaps=[
            Gap(**row.model_dump(mode="json", include={"item", "owner_kind", "missing", "partial"}))
            for row in rows
            if row.missing or row.partial
        ],
    )
