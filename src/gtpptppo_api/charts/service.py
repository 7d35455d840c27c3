"""A task force's structure on a given day, for its organisation chart (Lampiran I-III):
the chair and daily chair (pimpinan), the secretariat, and the sub-task-forces (2.x.3, merged
at regency level under 2.3.1 f) with their coordinating agencies and serving member counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.errors import ValidationFailed
from gtpptppo_api.kit import clock
from gtpptppo_api.members import service as members
from gtpptppo_api.members.models import Membership
from gtpptppo_api.task_forces.models import Decree, DecreePurpose, SubTaskForce, TaskForce

LAMPIRAN = {"national": "Lampiran I", "province": "Lampiran II", "regency": "Lampiran III"}
LEVEL_TITLES = {"national": "Pusat", "province": "Provinsi", "regency": "Kabupaten/Kota"}


@dataclass(frozen=True)
class Unit:
    kind: str
    covers: list[str]
    name: str
    coordinating_agency: str
    members: int


@dataclass(frozen=True)
class Structure:
    task_force_id: int
    name: str
    level: str
    region_name: str
    on: date
    chair_position: str
    daily_chair_position: str
    secretariat_host_agency: str
    members: int
    units: list[Unit]
    dissolved: bool

    @property
    def lampiran(self) -> str:
        return LAMPIRAN[self.level]

    @property
    def level_title(self) -> str:
        return LEVEL_TITLES[self.level]


async def structure(session: AsyncSession, task_force: TaskForce, on: date | None) -> Structure:
    """The structure as it stood on ``on`` (default today in the task force's time zone),
    from the live records."""
    on = on or clock.today(task_force.region_code)
    established = await session.scalar(
        select(func.min(Decree.issued_on)).where(
            Decree.task_force_id == task_force.id,
            Decree.purpose == DecreePurpose.establishment,
        )
    )
    if established is not None and on < established:
        raise ValidationFailed.field(
            "on", f"the task force was established on {established.isoformat()}"
        )
    counts = dict(
        (
            await session.execute(
                select(Membership.sub_task_force_id, func.count())
                .where(Membership.task_force_id == task_force.id, members.serving_on(on))
                .group_by(Membership.sub_task_force_id)
            )
        ).all()
    )
    units = (
        await session.scalars(
            select(SubTaskForce)
            .where(SubTaskForce.task_force_id == task_force.id)
            .order_by(SubTaskForce.id)
        )
    ).all()
    return Structure(
        task_force_id=task_force.id,
        name=task_force.name,
        level=task_force.level.value,
        region_name=task_force.region_name,
        on=on,
        chair_position=task_force.chair_position,
        daily_chair_position=task_force.daily_chair_position,
        secretariat_host_agency=task_force.secretariat_host_agency,
        members=sum(counts.values()),
        units=[
            Unit(
                kind=unit.kind.value,
                covers=[kind.value for kind in unit.covers],
                name=unit.name,
                coordinating_agency=unit.coordinating_agency,
                members=counts.get(unit.id, 0),
            )
            for unit in units
        ],
        dissolved=task_force.dissolved_on is not None and task_force.dissolved_on <= on,
    )
