"""The cooperation section of a task force's report (BAB IV: §4.2, §4.3, §4.4)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.agreements.models import (
    Agreement,
    AgreementParty,
    AgreementScopeItem,
)
from gtpptppo_api.errors import NotFound
from gtpptppo_api.regions import service as regions
from gtpptppo_api.reports.sections import Section
from gtpptppo_api.task_forces.models import TaskForce


class AgreementsSection(Section):
    task_force_id: int
    region_code: str
    year: int
    in_force: int
    signed: int
    ending: int
    international: int
    by_kind: dict[str, int]
    by_party_kind: dict[str, int]
    by_scope: dict[str, int]


async def report_section(session: AsyncSession, task_force_id: int, year: int) -> AgreementsSection:
    """Cooperation figures (BAB IV) for the annual report of a task force.

    Over the agreements of the task force and of the task forces of the regions under it:
    those in force at some time in ``year`` (from ``valid_from`` to ``valid_until``), those
    signed in it and those ending in it (last day in ``year``); the in-force ones by kind, by
    party kind, by scope item of 4.4.1 d, and how many are international (4.3).
    """
    task_force = await session.get(TaskForce, task_force_id)
    if task_force is None:
        raise NotFound(f"No task force {task_force_id}.")
    first, last = date(year, 1, 1), date(year, 12, 31)
    in_subtree = regions.subtree_clause(TaskForce.region_code, task_force.region_code)
    in_force = and_(
        Agreement.valid_from <= last,
        or_(Agreement.valid_until.is_(None), Agreement.valid_until >= first),
    )
    in_force_ids = (
        select(Agreement.id)
        .join(TaskForce, TaskForce.id == Agreement.task_force_id)
        .where(in_subtree, in_force)
        .scalar_subquery()
    )

    totals = (
        await session.execute(
            select(
                func.count().filter(in_force),
                func.count().filter(Agreement.signed_on.between(first, last)),
                func.count().filter(Agreement.valid_until.between(first, last)),
                func.count().filter(in_force, Agreement.international.is_(True)),
            )
            .select_from(Agreement)
            .join(TaskForce, TaskForce.id == Agreement.task_force_id)
            .where(in_subtree)
        )
    ).one()
    by_kind = await session.execute(
        select(Agreement.kind, func.count())
        .where(Agreement.id.in_(in_force_ids))
        .group_by(Agreement.kind)
        .order_by(Agreement.kind)
    )
    by_party = await session.execute(
        select(AgreementParty.kind, func.count(func.distinct(AgreementParty.agreement_id)))
        .where(AgreementParty.agreement_id.in_(in_force_ids))
        .group_by(AgreementParty.kind)
        .order_by(AgreementParty.kind)
    )
    by_scope = await session.execute(
        select(AgreementScopeItem.item, func.count())
        .where(AgreementScopeItem.agreement_id.in_(in_force_ids))
        .group_by(AgreementScopeItem.item)
        .order_by(AgreementScopeItem.item)
    )
    return AgreementsSection(
        task_force_id=task_force.id,
        region_code=task_force.region_code,
        year=year,
        in_force=totals[0],
        signed=totals[1],
        ending=totals[2],
        international=totals[3],
        by_kind={str(kind): count for kind, count in by_kind.all()},
        by_party_kind={str(kind): count for kind, count in by_party.all()},
        by_scope={str(item): count for item, count in by_scope.all()},
    )
