"""Coordination meetings: who chairs, who attends, what follows (Permen PPPA 10/2012, 3.1, 3.2).

Services flush, never commit; the request's session commits.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.action_plans.models import ActionPlan, Activity
from gtpptppo_api.audit import service as audit
from gtpptppo_api.auth import scope
from gtpptppo_api.auth.service import Caller
from gtpptppo_api.db.base import utcnow
from gtpptppo_api.errors import FieldErrors, ValidationFailed
from gtpptppo_api.kit import clock
from gtpptppo_api.kit.etag import check_if_match
from gtpptppo_api.meetings import centres
from gtpptppo_api.meetings.models import (
    FollowUpAction,
    FollowUpStatus,
    Meeting,
    MeetingAttendee,
    MeetingKind,
    MeetingTaskForce,
)
from gtpptppo_api.meetings.schemas import MeetingCreate, MeetingRead, MeetingUpdate
from gtpptppo_api.members.models import MemberRole, Membership
from gtpptppo_api.regions import service as regions
from gtpptppo_api.regions.models import RegionLevel
from gtpptppo_api.service_centres.models import ServiceCentre
from gtpptppo_api.task_forces import service as task_forces
from gtpptppo_api.task_forces.models import SubTaskForce, TaskForce
from gtpptppo_api.task_forces.service import ensure_active as _writable

LAW = "Permen PPPA 10/2012"

# Who chairs each kind of meeting, and where the regulation says so, by level (3.1).
CHAIRS: dict[MeetingKind, tuple[MemberRole, dict[RegionLevel, str]]] = {
    MeetingKind.plenary: (
        MemberRole.daily_chair,
        {
            RegionLevel.national: "3.1.1 a 4",
            RegionLevel.province: "3.1.2 a 4",
            RegionLevel.regency: "3.1.3 a 4",
        },
    ),
    MeetingKind.sub_task_force: (
        MemberRole.sub_task_force_coordinator,
        {
            RegionLevel.national: "3.1.1 b 2",
            RegionLevel.province: "3.1.2 b 2",
            RegionLevel.regency: "3.1.3 b 2",
        },
    ),
    MeetingKind.coordination: (
        MemberRole.chair,
        {
            RegionLevel.national: "3.1.1 c 4",
            RegionLevel.province: "3.1.2 c 4",
            RegionLevel.regency: "3.1.3 c 4",
        },
    ),
    MeetingKind.special: (
        MemberRole.daily_chair,
        {
            RegionLevel.national: "3.1.1 d 4",
            RegionLevel.province: "3.1.2 d 4",
            RegionLevel.regency: "3.1.3 c 5",
        },
    ),
}

# Which meetings take in the task forces of the levels below, and where it is said (3.1).
LOWER_LEVELS: dict[MeetingKind, dict[RegionLevel, str]] = {
    MeetingKind.coordination: {
        RegionLevel.national: "3.1.1 c 1",
        RegionLevel.province: "3.1.2 c 1",
        RegionLevel.regency: "3.1.3 c 1",
    },
    MeetingKind.special: {
        RegionLevel.national: "3.1.1 d 2",
        RegionLevel.province: "3.1.2 d 2",
        RegionLevel.regency: "3.1.3 c 5",
    },
}


def read(meeting: Meeting) -> MeetingRead:
    return MeetingRead.model_validate(meeting)


async def _check(session: AsyncSession, task_force: TaskForce, draft: MeetingCreate) -> None:
    """Every rule a meeting record must meet (3.1.1–3.1.3, 3.2), each bad field named."""
    errors = FieldErrors(law=LAW)
    _check_date(task_force, draft, errors)
    await _check_sub_task_force(session, task_force, draft, errors)
    await _check_service_centre(session, task_force, draft, errors)
    ids = {draft.chaired_by_member_id, *draft.attendee_member_ids} - {None}
    members = {
        m.id: m
        for m in (await session.scalars(select(Membership).where(Membership.id.in_(ids)))).all()
    }
    _check_chair(task_force, draft, members, errors)
    _check_attendees(task_force, draft, members, errors)
    if draft.attending_task_force_ids:
        await _check_lower_levels(session, task_force, draft, errors)
    await _check_follow_ups(session, task_force, draft, errors)
    errors.raise_if_any("The meeting breaks the rules")


def _check_date(task_force: TaskForce, draft: MeetingCreate, errors: FieldErrors) -> None:
    """Held after the task force was formed, and recorded once held."""
    established = task_force.established_decree
    if established is not None and draft.held_on < established.issued_on:
        errors.add("held_on", f"precedes the task force's formation on {established.issued_on}")
    if draft.held_on > clock.today(task_force.region_code):
        errors.add("held_on", "a meeting is recorded once it has been held")


async def _check_sub_task_force(
    session: AsyncSession, task_force: TaskForce, draft: MeetingCreate, errors: FieldErrors
) -> None:
    """A sub-task-force meeting (3.1.x b) names one of the task force's own units; no other
    kind names one."""
    if draft.kind is not MeetingKind.sub_task_force:
        if draft.sub_task_force_id is not None:
            errors.add("sub_task_force_id", "only a sub-task-force meeting names a sub-task-force")
        return
    if draft.sub_task_force_id is None:
        errors.add("sub_task_force_id", "a sub-task-force meeting names its sub-task-force")
        return
    unit = await session.get(SubTaskForce, draft.sub_task_force_id)
    if unit is None or unit.task_force_id != task_force.id:
        errors.add(
            "sub_task_force_id",
            f"task force {task_force.id} has no sub-task-force {draft.sub_task_force_id}",
        )


async def _check_service_centre(
    session: AsyncSession, task_force: TaskForce, draft: MeetingCreate, errors: FieldErrors
) -> None:
    """A meeting with a service centre names a centre of the task force's own region and
    may have its topics (3.2); no other kind names a centre or has them."""
    if draft.kind is not MeetingKind.service_centre:
        if draft.service_centre_id is not None:
            errors.add("service_centre_id", "only a meeting with a service centre names one")
        if draft.centre_topics:
            errors.add(
                "centre_topics", "only a meeting with a service centre has these topics", "3.2"
            )
        return
    if draft.service_centre_id is None:
        errors.add("service_centre_id", "a meeting with a service centre names the centre")
        return
    centre = await session.get(ServiceCentre, draft.service_centre_id)
    if centre is None or centre.region_code != task_force.region_code:
        errors.add(
            "service_centre_id",
            "a task force coordinates with the service centres of its own province or "
            f"regency/city; centre {draft.service_centre_id} is not one of them",
            rule="3.2",
        )


_CHAIR_WHO = {
    MemberRole.daily_chair: "the daily chair (Ketua Harian)",
    MemberRole.chair: "the chair (Ketua)",
    MemberRole.sub_task_force_coordinator: "the coordinator of that sub-task-force",
}


def _check_chair(
    task_force: TaskForce,
    draft: MeetingCreate,
    members: dict[int, Membership],
    errors: FieldErrors,
) -> None:
    """The chair of each kind of meeting (``CHAIRS``: 3.1.x a-c), a member serving on the
    day; a kind without a prescribed chair may still name one who served."""
    held_on = draft.held_on
    chair = members.get(draft.chaired_by_member_id) if draft.chaired_by_member_id else None
    if draft.kind not in CHAIRS:
        if draft.chaired_by_member_id is not None and (
            chair is None or chair.task_force_id != task_force.id or not chair.serves_on(held_on)
        ):
            errors.add(
                "chaired_by_member_id",
                f"member {draft.chaired_by_member_id} of task force {task_force.id} did not "
                f"serve on {held_on}",
            )
        return
    role, sections = CHAIRS[draft.kind]
    level = task_force.level
    rule = sections[level]
    if draft.chaired_by_member_id is None:
        errors.add("chaired_by_member_id", f"a {draft.kind.value} meeting is chaired", rule)
    elif chair is None or chair.task_force_id != task_force.id:
        errors.add(
            "chaired_by_member_id",
            f"task force {task_force.id} has no member {draft.chaired_by_member_id}",
        )
    elif not chair.serves_on(held_on):
        errors.add(
            "chaired_by_member_id",
            f"member {chair.id} did not serve on {held_on} "
            f"(appointed {chair.appointed_on}, dismissed {chair.dismissed_on or '-'})",
        )
    elif chair.role is not role or (
        role is MemberRole.sub_task_force_coordinator
        and chair.sub_task_force_id != draft.sub_task_force_id
    ):
        errors.add(
            "chaired_by_member_id",
            f"a {draft.kind.value} meeting of a {level.value} task force is chaired by "
            f"{_CHAIR_WHO[role]}; member {chair.id} is a {chair.role.value}"
            + (
                f" of sub-task-force {chair.sub_task_force_id}"
                if chair.sub_task_force_id is not None
                else ""
            ),
            rule,
        )


def _check_attendees(
    task_force: TaskForce,
    draft: MeetingCreate,
    members: dict[int, Membership],
    errors: FieldErrors,
) -> None:
    """Attendees are members of the task force, each listed once, serving on the day."""
    held_on = draft.held_on
    if len(set(draft.attendee_member_ids)) != len(draft.attendee_member_ids):
        errors.add("attendee_member_ids", "a member is listed twice")
    for index, member_id in enumerate(draft.attendee_member_ids):
        member = members.get(member_id)
        if member is None or member.task_force_id != task_force.id:
            errors.add(
                f"attendee_member_ids.{index}",
                f"task force {task_force.id} has no member {member_id}",
            )
        elif not member.serves_on(held_on):
            errors.add(
                f"attendee_member_ids.{index}", f"member {member_id} did not serve on {held_on}"
            )


async def _check_follow_ups(
    session: AsyncSession, task_force: TaskForce, draft: MeetingCreate, errors: FieldErrors
) -> None:
    """Follow-up actions fall after the meeting, are completed exactly when done, and name
    only activities of the task force's own action plans."""
    held_on = draft.held_on
    for index, action in enumerate(draft.follow_up_actions):
        field = f"follow_up_actions.{index}"
        if action.due_on < held_on:
            errors.add(f"{field}.due_on", f"falls before the meeting on {held_on}")
        if (action.status is FollowUpStatus.done) != (action.completed_on is not None):
            errors.add(f"{field}.completed_on", "given exactly when the status is done")
        elif action.completed_on is not None and action.completed_on < held_on:
            errors.add(f"{field}.completed_on", f"falls before the meeting on {held_on}")
        if action.action_plan_activity_id is not None:
            plan_task_force = await session.scalar(
                select(ActionPlan.task_force_id)
                .join(Activity, Activity.action_plan_id == ActionPlan.id)
                .where(Activity.id == action.action_plan_activity_id)
            )
            if plan_task_force != task_force.id:
                errors.add(
                    f"{field}.action_plan_activity_id",
                    f"task force {task_force.id} has no action-plan activity "
                    f"{action.action_plan_activity_id}",
                )


async def _check_lower_levels(
    session: AsyncSession, task_force: TaskForce, draft: MeetingCreate, errors: FieldErrors
) -> None:
    """Coordination and special meetings take in the task forces below (3.1.x c 1, d 2)."""
    field = "attending_task_force_ids"
    sections = LOWER_LEVELS.get(draft.kind)
    if sections is None:
        errors.add(
            field,
            "only the yearly coordination and special meetings take in task forces of the "
            "levels below",
            "3.1",
        )
        return
    if len(set(draft.attending_task_force_ids)) != len(draft.attending_task_force_ids):
        errors.add(field, "a task force is listed twice")
    found = dict(
        (
            await session.execute(
                select(TaskForce.id, TaskForce.region_code).where(
                    TaskForce.id.in_(draft.attending_task_force_ids)
                )
            )
        ).all()
    )
    root = task_force.region_code
    for index, other_id in enumerate(draft.attending_task_force_ids):
        code = found.get(other_id)
        if code is None or code == root or not regions.in_subtree(code, root):
            errors.add(
                f"{field}.{index}",
                f"task force {other_id} is not a task force below this "
                f"{task_force.level.value} task force",
                sections[task_force.level],
            )


async def get_visible(session: AsyncSession, caller: Caller, meeting_id: int) -> Meeting:
    """The meeting if its task force is in the caller's jurisdiction; 404 otherwise."""
    return await scope.get(
        session, caller, Meeting, meeting_id, noun="meeting", where=_task_force_region
    )


def _task_force_region(meeting: Meeting) -> str:
    return meeting.task_force.region_code


def _apply(meeting: Meeting, draft: MeetingCreate) -> None:
    meeting.kind = draft.kind
    meeting.sub_task_force_id = draft.sub_task_force_id
    meeting.service_centre_id = draft.service_centre_id
    meeting.held_on = draft.held_on
    meeting.chaired_by_member_id = draft.chaired_by_member_id
    meeting.agenda = draft.agenda
    meeting.decisions = list(draft.decisions)
    meeting.centre_topics = [t.value for t in draft.centre_topics]
    kept = {a.membership_id: a for a in meeting.attendees}
    meeting.attendees = [
        kept.get(i) or MeetingAttendee(membership_id=i) for i in draft.attendee_member_ids
    ]
    kept_tf = {a.task_force_id: a for a in meeting.attending_task_forces}
    meeting.attending_task_forces = [
        kept_tf.get(i) or MeetingTaskForce(task_force_id=i) for i in draft.attending_task_force_ids
    ]
    meeting.follow_up_actions = [FollowUpAction(**a.model_dump()) for a in draft.follow_up_actions]


async def create(session: AsyncSession, caller: Caller, body: MeetingCreate) -> Meeting:
    """Record a coordination meeting held by a task force (3.1, 3.2)."""
    task_force = await task_forces.get_visible(session, caller, body.task_force_id)
    _writable(task_force)
    await _check(session, task_force, body)
    meeting = Meeting(task_force_id=task_force.id, task_force=task_force)
    meeting.attendees = []
    meeting.attending_task_forces = []
    _apply(meeting, body)
    session.add(meeting)
    await session.flush()
    await centres.answer(session, meeting, body.coordination_request_id)
    await audit.record(
        session,
        caller,
        action="create",
        entity_type="meeting",
        entity_id=meeting.id,
        after=read(meeting),
    )
    return meeting


async def update(
    session: AsyncSession,
    caller: Caller,
    meeting_id: int,
    body: MeetingUpdate,
    if_match: str | None,
) -> Meeting:
    """Correct a meeting record; the result is checked as a whole, as on creation."""
    meeting = await get_visible(session, caller, meeting_id)
    check_if_match(if_match, meeting.version)
    _writable(meeting.task_force)
    changes = body.model_dump(exclude_unset=True)
    if not changes:
        raise ValidationFailed.nothing_to_change()
    for name in ("kind", "held_on", "agenda", "attendee_member_ids", "attending_task_force_ids"):
        if name in changes and changes[name] is None:
            raise ValidationFailed.field(name, "must not be null")
    for name in ("decisions", "centre_topics", "follow_up_actions"):
        if name in changes and changes[name] is None:
            changes[name] = []
    before = read(meeting)
    current = before.model_dump(
        include={
            "task_force_id",
            "kind",
            "sub_task_force_id",
            "service_centre_id",
            "held_on",
            "chaired_by_member_id",
            "attendee_member_ids",
            "attending_task_force_ids",
            "agenda",
            "decisions",
            "centre_topics",
        }
    )
    current["follow_up_actions"] = [a.model_dump(exclude={"id"}) for a in before.follow_up_actions]
    draft = MeetingCreate.model_validate({**current, **changes})
    await _check(session, meeting.task_force, draft)
    _apply(meeting, draft)
    meeting.updated_at = utcnow()  # a new version even when only the lists change
    await session.flush()
    await audit.record(
        session,
        caller,
        action="update",
        entity_type="meeting",
        entity_id=meeting.id,
        before=before,
        after=read(meeting),
    )
    return meeting


def list_query(
    caller: Caller,
    *,
    task_force_id: int | None = None,
    kind: MeetingKind | None = None,
    sub_task_force_id: int | None = None,
    year: int | None = None,
    region_code: str | None = None,
) -> Select[Meeting]:
    """Meetings of the task forces in the caller's jurisdiction, ordered by id."""
    query = (
        select(Meeting)
        .join(TaskForce, TaskForce.id == Meeting.task_force_id)
        .where(scope.clause(caller, TaskForce.region_code))
    )
    if task_force_id is not None:
        query = query.where(Meeting.task_force_id == task_force_id)
    if kind is not None:
        query = query.where(Meeting.kind == kind)
    if sub_task_force_id is not None:
        query = query.where(Meeting.sub_task_force_id == sub_task_force_id)
    if year is not None:
        query = query.where(Meeting.held_on.between(date(year, 1, 1), date(year, 12, 31)))
    if region_code is not None:
        query = query.where(regions.subtree_clause(TaskForce.region_code, region_code))
    return query.order_by(Meeting.id)
