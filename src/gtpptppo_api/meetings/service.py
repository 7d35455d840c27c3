"""Coordination meetings: who chairs, who attends, what follows (Permen PPPA 10/2012, 3.1, 3.2).

Services flush, never commit; the request's session commits.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.action_plans.models import ActionPlan, Activity
from gtpptppo_api.audit import service as audit
from gtpptppo_api.auth import scope
from gtpptppo_api.auth.service import Caller
from gtpptppo_api.compliance import rules as cadence
from gtpptppo_api.compliance import service as compliance
from gtpptppo_api.compliance.schemas import DashboardRow
from gtpptppo_api.db.base import utcnow
from gtpptppo_api.errors import FieldErrors, NotFound, ValidationFailed
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
from gtpptppo_api.monitoring.models import (
    ChecklistIndicator,
    MonitoringVisit,
    MonitorKind,
    SubjectKind,
    VisitKind,
)
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
    """Every rule a meeting record must meet (3.1.1–3.1.3, 3.2)."""
    errors = FieldErrors(law=LAW)
    level = task_force.level
    held_on = draft.held_on
    established = task_force.established_decree
    if established is not None and held_on < established.issued_on:
        errors.add("held_on", f"precedes the task force's formation on {established.issued_on}")
    if held_on > clock.today(task_force.region_code):
        errors.add("held_on", "a meeting is recorded once it has been held")

    if draft.kind is MeetingKind.sub_task_force:
        if draft.sub_task_force_id is None:
            errors.add("sub_task_force_id", "a sub-task-force meeting names its sub-task-force")
        else:
            unit = await session.get(SubTaskForce, draft.sub_task_force_id)
            if unit is None or unit.task_force_id != task_force.id:
                errors.add(
                    "sub_task_force_id",
                    f"task force {task_force.id} has no sub-task-force {draft.sub_task_force_id}",
                )
    elif draft.sub_task_force_id is not None:
        errors.add("sub_task_force_id", "only a sub-task-force meeting names a sub-task-force")

    if draft.kind is MeetingKind.service_centre:
        if draft.service_centre_id is None:
            errors.add("service_centre_id", "a meeting with a service centre names the centre")
        else:
            centre = await session.get(ServiceCentre, draft.service_centre_id)
            if centre is None or centre.region_code != task_force.region_code:
                errors.add(
                    "service_centre_id",
                    "a task force coordinates with the service centres of its own province or "
                    f"regency/city; centre {draft.service_centre_id} is not one of them",
                    rule="3.2",
                )
    else:
        if draft.service_centre_id is not None:
            errors.add("service_centre_id", "only a meeting with a service centre names one")
        if draft.centre_topics:
            errors.add(
                "centre_topics", "only a meeting with a service centre has these topics", "3.2"
            )

    ids = {draft.chaired_by_member_id, *draft.attendee_member_ids} - {None}
    members = {
        m.id: m
        for m in (await session.scalars(select(Membership).where(Membership.id.in_(ids)))).all()
    }
    chair = members.get(draft.chaired_by_member_id) if draft.chaired_by_member_id else None
    if draft.kind in CHAIRS:
        role, sections = CHAIRS[draft.kind]
        rule = sections[level]
        who = {
            MemberRole.daily_chair: "the daily chair (Ketua Harian)",
            MemberRole.chair: "the chair (Ketua)",
            MemberRole.sub_task_force_coordinator: "the coordinator of that sub-task-force",
        }[role]
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
                f"{who}; member {chair.id} is a {chair.role.value}"
                + (
                    f" of sub-task-force {chair.sub_task_force_id}"
                    if chair.sub_task_force_id is not None
                    else ""
                ),
                rule,
            )
    elif draft.chaired_by_member_id is not None and (
        chair is None or chair.task_force_id != task_force.id or not chair.serves_on(held_on)
    ):
        errors.add(
            "chaired_by_member_id",
            f"member {draft.chaired_by_member_id} of task force {task_force.id} did not serve "
            f"on {held_on}",
        )

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

    if draft.attending_task_force_ids:
        await _check_lower_levels(session, task_force, draft, errors)

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
    errors.raise_if_any("The meeting breaks the rules")


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


# --- the report section ------------------------------------------------------------------


async def report_section(
    session: AsyncSession, task_force_id: int, year: int, *, in_annual_report: bool = False
) -> dict[str, Any]:
    """The "meetings and monitoring" section of a task force's annual report (3.3.3).

    Figures for the year, all counted in SQL: meetings held by kind (3.1, 3.2); follow-up
    actions of those meetings, done, and still open past their due date at the end of the
    year; monitoring and evaluation made by the task force, by subject, and received from the
    level above (3.3.1 e); the checklist's mean score per area (3.3.1 b); the task force's own
    cadence compliance; and the share of task forces of its subtree meeting each rule.
    JSON-ready; the report worker calls it with its own session.

    ``in_annual_report``: the section is part of the task force's annual report for
    ``year``, which is generated before it is submitted; the rule "annual report submitted"
    (3.3.3) is that very report, so the section does not judge it (see
    :func:`without_own_report`).
    """
    task_force = await session.get(TaskForce, task_force_id)
    if task_force is None:
        raise NotFound(f"No task force {task_force_id}.")
    first, last = date(year, 1, 1), date(year, 12, 31)

    held = dict(
        (
            await session.execute(
                select(Meeting.kind, func.count())
                .where(Meeting.task_force_id == task_force.id, Meeting.held_on.between(first, last))
                .group_by(Meeting.kind)
            )
        ).all()
    )
    actions = (
        await session.execute(
            select(
                func.count(FollowUpAction.id),
                func.coalesce(
                    func.sum(case((FollowUpAction.status == FollowUpStatus.done, 1), else_=0)), 0
                ),
                func.coalesce(
                    func.sum(
                        case(
                            (
                                and_(
                                    FollowUpAction.status == FollowUpStatus.open,
                                    FollowUpAction.due_on <= last,
                                ),
                                1,
                            ),
                            else_=0,
                        )
                    ),
                    0,
                ),
            )
            .join(Meeting, Meeting.id == FollowUpAction.meeting_id)
            .where(Meeting.task_force_id == task_force.id, Meeting.held_on.between(first, last))
        )
    ).one()
    in_year = MonitoringVisit.visited_on.between(first, last)
    # the visits the task force made itself (not those of the head of its region)
    own_visits = (
        MonitoringVisit.monitor_task_force_id == task_force.id,
        MonitoringVisit.monitor_kind == MonitorKind.task_force,
    )
    made = (
        await session.execute(
            select(MonitoringVisit.kind, MonitoringVisit.subject_kind, func.count())
            .where(*own_visits, in_year)
            .group_by(MonitoringVisit.kind, MonitoringVisit.subject_kind)
        )
    ).all()
    received = dict(
        (
            await session.execute(
                select(MonitoringVisit.kind, func.count())
                .where(
                    MonitoringVisit.subject_kind == SubjectKind.task_force,
                    MonitoringVisit.subject_task_force_id == task_force.id,
                    in_year,
                )
                .group_by(MonitoringVisit.kind)
            )
        ).all()
    )
    checklist = (
        await session.execute(
            select(
                ChecklistIndicator.area,
                func.count(ChecklistIndicator.id),
                func.count(ChecklistIndicator.score),
                func.avg(ChecklistIndicator.score),
            )
            .join(MonitoringVisit, MonitoringVisit.id == ChecklistIndicator.visit_id)
            .where(*own_visits, in_year)
            .group_by(ChecklistIndicator.area)
            .order_by(ChecklistIndicator.area)
        )
    ).all()
    try:
        own: dict[str, Any] | None = (
            await compliance.evaluate(session, task_force, year)
        ).model_dump(mode="json")
    except ValidationFailed:  # the task force did not exist that year
        own = None
    board_rows: list[DashboardRow] = []
    try:
        board = await compliance.build_dashboard(session, task_force.region_code, year)
        subtree: list[dict[str, Any]] | None = [s.model_dump(mode="json") for s in board.shares]
        board_rows = board.task_forces
    except ValidationFailed:  # the year has not begun
        subtree = None
    if in_annual_report and own is not None:
        own, subtree = without_own_report(task_force.id, own, subtree, board_rows)
    return {
        "task_force_id": task_force.id,
        "year": year,
        "meetings": {
            "held": {kind.value: int(held.get(kind, 0)) for kind in MeetingKind},
            "total": int(sum(held.values())),
            "follow_up_actions": {
                "total": int(actions[0]),
                "done": int(actions[1]),
                "open_past_due": int(actions[2]),
            },
        },
        "monitoring": {
            "made": [
                {"kind": kind.value, "subject_kind": subject.value, "count": int(n)}
                for kind, subject, n in made
            ],
            "received": {kind.value: int(received.get(kind, 0)) for kind in VisitKind},
            "checklist": [
                {
                    "area": area.value,
                    "indicators": int(total),
                    "scored": int(scored),
                    "mean_score": None if mean is None else round(float(mean), 2),
                }
                for area, total, scored, mean in checklist
            ],
        },
        "compliance": own,
        "subtree_compliance": subtree,
    }


def without_own_report(
    task_force_id: int,
    own: dict[str, Any],
    shares: list[dict[str, Any]] | None,
    rows: list[DashboardRow],
) -> tuple[dict[str, Any], list[dict[str, Any]] | None]:
    """The compliance figures of a task force's annual report without judging the rule
    "annual report submitted" (3.3.3) for that task force: the report is the one being
    written. Its own rules leave the rule out (``met_all`` over the others); the subtree's
    share for the rule counts the other task forces only, and the share meeting every rule
    counts the task force by its other rules."""
    rule = cadence.RuleName.annual_report.value
    own_rules = [r for r in own["rules"] if r["rule"] != rule]
    judged = next((r for r in own["rules"] if r["rule"] == rule), None)
    own = {**own, "rules": own_rules, "met_all": all(r["met"] for r in own_rules)}
    row = next((r for r in rows if r.task_force_id == task_force_id), None)
    if shares is None or row is None or judged is None:
        return own, shares
    adjusted = []
    for share in shares:
        met, total = share["met"], share["total"]
        if share["rule"] == rule:
            met, total = met - int(judged["met"]), total - 1
        elif share["rule"] is None:
            met += int(own["met_all"]) - int(row.met_all)
        adjusted.append(
            {**share, "met": met, "total": total, "share": round(met / total, 4) if total else 0.0}
        )
    return own, adjusted
