"""The capacity-building section of a task force's report (§5.1)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.capacity.models import (
    CapacityActivity,
    ParticipantCount,
)
from gtpptppo_api.errors import NotFound
from gtpptppo_api.regions import service as regions
from gtpptppo_api.reports.sections import Section
from gtpptppo_api.task_forces.models import TaskForce


class RoleSexCount(Section):
    role: str
    sex: str
    count: int


class CapacitySection(Section):
    task_force_id: int
    region_code: str
    year: int
    activities: int
    by_kind: dict[str, int]
    by_topic: dict[str, int]
    participants: int
    participants_by_sex: dict[str, int]
    participants_by_role_and_sex: list[RoleSexCount]


async def report_section(session: AsyncSession, task_force_id: int, year: int) -> CapacitySection:
    """Capacity-building figures (5.1) for the annual report of a task force.

    Over the activities started in ``year`` by the task force and the task forces of the
    regions under it: how many, by kind and by topic, and the participants by sex and by
    role (counts, no names).
    """
    task_force = await session.get(TaskForce, task_force_id)
    if task_force is None:
        raise NotFound(f"No task force {task_force_id}.")
    in_scope = (
        select(CapacityActivity.id)
        .join(TaskForce, TaskForce.id == CapacityActivity.task_force_id)
        .where(
            regions.subtree_clause(TaskForce.region_code, task_force.region_code),
            CapacityActivity.started_on.between(date(year, 1, 1), date(year, 12, 31)),
        )
        .scalar_subquery()
    )
    by_kind = await session.execute(
        select(CapacityActivity.kind, func.count())
        .where(CapacityActivity.id.in_(in_scope))
        .group_by(CapacityActivity.kind)
        .order_by(CapacityActivity.kind)
    )
    by_topic = await session.execute(
        select(CapacityActivity.topic, func.count())
        .where(CapacityActivity.id.in_(in_scope))
        .group_by(CapacityActivity.topic)
        .order_by(CapacityActivity.topic)
    )
    by_role_sex = await session.execute(
        select(ParticipantCount.role, ParticipantCount.sex, func.sum(ParticipantCount.count))
        .where(ParticipantCount.activity_id.in_(in_scope))
        .group_by(ParticipantCount.role, ParticipantCount.sex)
        .order_by(ParticipantCount.role, ParticipantCount.sex)
    )
    by_sex = await session.execute(
        select(ParticipantCount.sex, func.sum(ParticipantCount.count))
        .where(ParticipantCount.activity_id.in_(in_scope))
        .group_by(ParticipantCount.sex)
        .order_by(ParticipantCount.sex)
    )
    kinds = {str(kind): count for kind, count in by_kind.all()}
    sexes = {str(sex): int(count) for sex, count in by_sex.all()}
    return CapacitySection(
        task_force_id=task_force.id,
        region_code=task_force.region_code,
        year=year,
        activities=sum(kinds.values()),
        by_kind=kinds,
        by_topic={str(topic): count for topic, count in by_topic.all()},
        participants=sum(sexes.values()),
        participants_by_sex=sexes,
        participants_by_role_and_sex=[
            RoleSexCount(role=str(role), sex=str(sex), count=int(count))
            for role, sex, count in by_role_sex.all()
        ],
    )
