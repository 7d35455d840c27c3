"""Capacity building of task-force members and service-centre staff (5.1.1, 5.1.2).

Services flush, never commit; the request's session commits.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.audit import service as audit
from gtpptppo_api.auth import scope
from gtpptppo_api.auth.service import Caller
from gtpptppo_api.capacity.models import (
    ActivityKind,
    CapacityActivity,
    ParticipantCount,
    Topic,
)
from gtpptppo_api.capacity.schemas import (
    CapacityActivityCreate,
    CapacityActivityRead,
    CapacityActivityUpdate,
    Participants,
)
from gtpptppo_api.db.base import utcnow
from gtpptppo_api.errors import FieldErrors, ValidationFailed
from gtpptppo_api.kit.etag import check_if_match
from gtpptppo_api.regions import service as regions
from gtpptppo_api.task_forces import service as task_forces
from gtpptppo_api.task_forces.models import TaskForce
from gtpptppo_api.task_forces.service import ensure_active as _writable

REGULATION = "Permen PPPA 10/2012"


def read(activity: CapacityActivity) -> CapacityActivityRead:
    return CapacityActivityRead.model_validate(activity)


def _validate(body: CapacityActivityCreate) -> None:
    """Check a whole activity; every problem is reported at once.

    The topics are those 5.1.1 a-f and 5.1.2 a-f name; the lists are "not limited to", so
    ``other`` is allowed and then named in ``other_topic`` (and only then).
    """
    errors = FieldErrors()
    if body.topic is Topic.other and body.other_topic is None:
        errors.add(
            "other_topic",
            f"name the topic when it is not one of 5.1.1 or 5.1.2 ({REGULATION}, 5.1.1)",
            "5.1.1",
        )
    if body.topic is not Topic.other and body.other_topic is not None:
        errors.add("other_topic", "only given when topic is other")
    if body.ended_on is not None and body.ended_on < body.started_on:
        errors.add("ended_on", f"must not be before started_on ({body.started_on})")
    seen: set[tuple[str, str]] = set()
    for index, row in enumerate(body.participants):
        key = (row.role.value, row.sex.value)
        if key in seen:
            errors.add(f"participants.{index}", f"{row.role.value}/{row.sex.value} is listed twice")
        seen.add(key)
    errors.raise_if_any("The activity is not valid")


def _participants(rows: list[Participants]) -> list[ParticipantCount]:
    return [ParticipantCount(role=row.role, sex=row.sex, count=row.count) for row in rows]


async def get_visible(session: AsyncSession, caller: Caller, activity_id: int) -> CapacityActivity:
    """The activity if its task force lies in the caller's jurisdiction; 404 otherwise."""
    return await scope.get(session, caller, CapacityActivity, activity_id, noun="capacity activity")


def list_query(
    caller: Caller,
    *,
    task_force_id: int | None = None,
    region_code: str | None = None,
    year: int | None = None,
    kind: ActivityKind | None = None,
    topic: Topic | None = None,
) -> Select[CapacityActivity]:
    query = (
        select(CapacityActivity)
        .join(TaskForce, TaskForce.id == CapacityActivity.task_force_id)
        .where(scope.clause(caller, TaskForce.region_code))
    )
    if task_force_id is not None:
        query = query.where(CapacityActivity.task_force_id == task_force_id)
    if region_code is not None:
        query = query.where(regions.subtree_clause(TaskForce.region_code, region_code))
    if year is not None:
        query = query.where(
            CapacityActivity.started_on.between(date(year, 1, 1), date(year, 12, 31))
        )
    if kind is not None:
        query = query.where(CapacityActivity.kind == kind)
    if topic is not None:
        query = query.where(CapacityActivity.topic == topic)
    return query.order_by(CapacityActivity.id)


async def create(
    session: AsyncSession, caller: Caller, body: CapacityActivityCreate
) -> CapacityActivity:
    """Record a capacity-building activity of a task force in the caller's jurisdiction (5.1)."""
    task_force = await task_forces.get_visible(session, caller, body.task_force_id)
    _writable(task_force)
    _validate(body)
    activity = CapacityActivity(
        **body.model_dump(exclude={"participants", "ended_on"}),
        ended_on=body.ended_on or body.started_on,
        participants=_participants(body.participants),
    )
    session.add(activity)
    await session.flush()
    await session.refresh(activity)
    await audit.record(
        session,
        caller,
        action="create",
        entity_type="capacity_activity",
        entity_id=activity.id,
        after=read(activity),
    )
    return activity


NULLABLE = frozenset({"other_topic", "location"})
FIELDS = (
    "kind",
    "title",
    "topic",
    "other_topic",
    "started_on",
    "ended_on",
    "location",
    "organiser_kind",
    "organiser_name",
)


async def update(
    session: AsyncSession,
    caller: Caller,
    activity_id: int,
    body: CapacityActivityUpdate,
    if_match: str | None,
) -> CapacityActivity:
    """Edit an activity; the result is checked again by the rules of ``create``."""
    activity = await get_visible(session, caller, activity_id)
    check_if_match(if_match, activity.version)
    _writable(activity.task_force)
    changes = body.model_fields_set
    if not changes:
        raise ValidationFailed.nothing_to_change()
    for name in sorted(changes - NULLABLE):
        if getattr(body, name) is None:
            raise ValidationFailed.field(name, "must not be null")
    before = read(activity)
    current: dict[str, Any] = {name: getattr(activity, name) for name in FIELDS}
    current["task_force_id"] = activity.task_force_id
    current["participants"] = [Participants.model_validate(p) for p in activity.participants]
    merged = CapacityActivityCreate.model_construct(
        **{**current, **{name: getattr(body, name) for name in changes}}
    )
    _validate(merged)
    for name in FIELDS:
        setattr(activity, name, getattr(merged, name))
    if "participants" in changes:
        activity.participants = _participants(merged.participants)
    activity.updated_at = utcnow()
    await session.flush()
    await session.refresh(activity)
    await audit.record(
        session,
        caller,
        action="update",
        entity_type="capacity_activity",
        entity_id=activity.id,
        before=before,
        after=read(activity),
    )
    return activity
