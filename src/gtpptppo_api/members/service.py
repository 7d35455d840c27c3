"""Decrees and memberships (2.1.1, 2.1.5, 2.2.5, 2.3.5).

Appointments and dismissals need a decree of the authority the regulation names for the
task force's level; a record, once made, is only ever closed, never rewritten.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.audit import service as audit
from gtpptppo_api.auth.service import Caller
from gtpptppo_api.errors import Conflict, NotFound, ValidationFailed
from gtpptppo_api.kit.etag import check_if_match
from gtpptppo_api.members.models import MemberRole, Membership
from gtpptppo_api.members.schemas import MemberCreate, MemberDismissal, MemberRead
from gtpptppo_api.task_forces import rules
from gtpptppo_api.task_forces import service as task_forces
from gtpptppo_api.task_forces.models import (
    Decree,
    DecreeAuthority,
    DecreePurpose,
    SubTaskForce,
    TaskForce,
)
from gtpptppo_api.task_forces.schemas import DecreeCreate, DecreeRead
from gtpptppo_api.task_forces.service import ensure_active as _writable

# Roles held by one person at a time in a task force (2.1.4: one Ketua, one Ketua Harian,
# one Kepala Sekretariat); a coordinator is unique per sub-task-force.
SINGLE_HOLDER_ROLES = frozenset(
    {MemberRole.chair, MemberRole.daily_chair, MemberRole.head_of_secretariat}
)


# --- decrees ---------------------------------------------------------------------------


async def create_decree(
    session: AsyncSession, caller: Caller, task_force_id: int, body: DecreeCreate
) -> Decree:
    """Record a decree of the task force; its authority must be one of its level's."""
    task_force = await task_forces.get_visible(session, caller, task_force_id)
    _writable(task_force)
    region = task_force.region
    task_forces.check_authority(
        region,
        body.authority,
        rules.level_authorities(region.level, region.kind),
        "authority",
        "a decree",
    )
    duplicate = await session.scalar(
        select(Decree.id).where(Decree.task_force_id == task_force.id, Decree.number == body.number)
    )
    if duplicate is not None:
        raise Conflict(f"Decree number {body.number!r} is already recorded ({duplicate}).")
    decree = Decree(
        task_force_id=task_force.id, purpose=DecreePurpose.membership, **body.model_dump()
    )
    session.add(decree)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict(f"Decree number {body.number!r} is already recorded.") from exc
    await audit.record(
        session,
        caller,
        action="create",
        entity_type="decree",
        entity_id=decree.id,
        after=DecreeRead.model_validate(decree),
    )
    return decree


def decree_query(task_force: TaskForce) -> Select[Decree]:
    return select(Decree).where(Decree.task_force_id == task_force.id).order_by(Decree.id)


async def get_decree(session: AsyncSession, task_force: TaskForce, decree_id: int) -> Decree:
    decree = await session.get(Decree, decree_id)
    if decree is None or decree.task_force_id != task_force.id:
        raise NotFound(f"Task force {task_force.id} has no decree {decree_id}.")
    return decree


async def _decree_for(
    session: AsyncSession, task_force: TaskForce, decree_id: int, field: str
) -> Decree:
    decree = await session.get(Decree, decree_id)
    if decree is None or decree.task_force_id != task_force.id:
        raise ValidationFailed.field(field, f"task force {task_force.id} has no decree {decree_id}")
    return decree


def _allowed_authorities(
    task_force: TaskForce, membership: Membership
) -> frozenset[DecreeAuthority]:
    region = task_force.region
    return rules.decree_authorities(
        region.level,
        region.kind,
        sub_task_force_membership=membership.sub_task_force_id is not None,
        secretariat=membership.role is MemberRole.head_of_secretariat,
    )


# --- memberships -----------------------------------------------------------------------


def serving_on(on: date) -> ColumnElement[bool]:
    """Memberships served on day ``on``, as SQL (``Membership.serves_on`` in Python)."""
    return and_(
        Membership.appointed_on <= on,
        or_(Membership.dismissed_on.is_(None), Membership.dismissed_on > on),
    )


def member_query(
    task_force: TaskForce,
    *,
    on: date | None = None,
    role: MemberRole | None = None,
    sub_task_force_id: int | None = None,
) -> Select[Membership]:
    query = select(Membership).where(Membership.task_force_id == task_force.id)
    if on is not None:
        query = query.where(serving_on(on))
    if role is not None:
        query = query.where(Membership.role == role)
    if sub_task_force_id is not None:
        query = query.where(Membership.sub_task_force_id == sub_task_force_id)
    return query.order_by(Membership.id)


async def get_member(session: AsyncSession, task_force: TaskForce, member_id: int) -> Membership:
    member = await session.get(Membership, member_id)
    if member is None or member.task_force_id != task_force.id:
        raise NotFound(f"Task force {task_force.id} has no member {member_id}.")
    return member


async def _check_single_holder(
    session: AsyncSession, task_force: TaskForce, membership: Membership
) -> None:
    """Refuse a second chair, daily chair, head of secretariat or coordinator at one time."""
    if membership.role in SINGLE_HOLDER_ROLES:
        same = Membership.role == membership.role
    elif membership.role is MemberRole.sub_task_force_coordinator:
        same = and_(
            Membership.role == membership.role,
            Membership.sub_task_force_id == membership.sub_task_force_id,
        )
    else:
        return
    holder = await session.scalar(
        select(Membership).where(
            Membership.task_force_id == task_force.id,
            same,
            or_(
                Membership.dismissed_on.is_(None),
                Membership.dismissed_on > membership.appointed_on,
            ),
        )
    )
    if holder is not None:
        raise Conflict(
            f"{holder.person_name} holds the role {membership.role.value} from "
            f"{holder.appointed_on}; dismiss them first (one holder at a time).",
            holder_member_id=holder.id,
        )


async def appoint(
    session: AsyncSession, caller: Caller, task_force_id: int, body: MemberCreate
) -> Membership:
    task_force = await task_forces.get_visible(session, caller, task_force_id)
    _writable(task_force)
    if body.role is MemberRole.sub_task_force_coordinator and body.sub_task_force_id is None:
        raise ValidationFailed.field(
            "sub_task_force_id", "a coordinator coordinates a sub-task-force"
        )
    if body.sub_task_force_id is not None:
        if body.role not in (MemberRole.member, MemberRole.sub_task_force_coordinator):
            raise ValidationFailed.field(
                "sub_task_force_id", f"a {body.role.value} is not placed in a sub-task-force"
            )
        unit = await session.get(SubTaskForce, body.sub_task_force_id)
        if unit is None or unit.task_force_id != task_force.id:
            raise ValidationFailed.field(
                "sub_task_force_id",
                f"task force {task_force.id} has no sub-task-force {body.sub_task_force_id}",
            )
    decree = await _decree_for(
        session, task_force, body.appointment_decree_id, "appointment_decree_id"
    )
    membership = Membership(task_force_id=task_force.id, **body.model_dump())
    task_forces.check_authority(
        task_force.region,
        decree.authority,
        _allowed_authorities(task_force, membership),
        "appointment_decree_id",
        f"the appointment of a {body.role.value}",
    )
    if body.appointed_on < decree.issued_on:
        raise ValidationFailed.field(
            "appointed_on", f"precedes the appointment decree, issued on {decree.issued_on}"
        )
    await _check_single_holder(session, task_force, membership)
    session.add(membership)
    await session.flush()
    await audit.record(
        session,
        caller,
        action="appoint",
        entity_type="membership",
        entity_id=membership.id,
        after=MemberRead.model_validate(membership),
    )
    return membership


async def dismiss(
    session: AsyncSession,
    caller: Caller,
    task_force_id: int,
    member_id: int,
    body: MemberDismissal,
    if_match: str | None = None,
) -> Membership:
    """Close a membership; the record stays, with its dismissal decree and date."""
    task_force = await task_forces.get_visible(session, caller, task_force_id)
    _writable(task_force)
    membership = await get_member(session, task_force, member_id)
    check_if_match(if_match, membership.version)
    if membership.dismissed_on is not None:
        raise Conflict(f"Member {member_id} was already dismissed on {membership.dismissed_on}.")
    decree = await _decree_for(session, task_force, body.dismissal_decree_id, "dismissal_decree_id")
    task_forces.check_authority(
        task_force.region,
        decree.authority,
        _allowed_authorities(task_force, membership),
        "dismissal_decree_id",
        f"the dismissal of a {membership.role.value}",
    )
    if body.dismissed_on <= membership.appointed_on:
        raise ValidationFailed.field(
            "dismissed_on", f"must come after the appointment on {membership.appointed_on}"
        )
    before = MemberRead.model_validate(membership)
    membership.dismissed_on = body.dismissed_on
    membership.dismissal_decree_id = decree.id
    membership.dismissal_reason = body.reason
    await session.flush()
    await audit.record(
        session,
        caller,
        action="dismiss",
        entity_type="membership",
        entity_id=membership.id,
        before=before,
        after=MemberRead.model_validate(membership),
    )
    return membership
