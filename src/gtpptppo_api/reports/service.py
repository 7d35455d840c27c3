"""Reports: creation (with a generation job), generation, the chain's transitions,
versions and their differences, and sub-task-force narratives (3.3.3, Lampiran V)."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.audit import service as audit
from gtpptppo_api.auth import scope
from gtpptppo_api.auth.models import Role
from gtpptppo_api.auth.service import Caller
from gtpptppo_api.db.base import utcnow
from gtpptppo_api.errors import Conflict, Forbidden, NotFound, ValidationFailed, field_error
from gtpptppo_api.jobs import service as jobs
from gtpptppo_api.jobs.models import Job, JobStatus
from gtpptppo_api.kit import clock
from gtpptppo_api.meetings.models import Meeting, MeetingKind
from gtpptppo_api.members.models import Membership
from gtpptppo_api.regions.models import Region, RegionLevel
from gtpptppo_api.reports import aggregation
from gtpptppo_api.reports.models import (
    NarrativeState,
    Report,
    ReportKind,
    ReportState,
    ReportTransition,
    ReportVersion,
    SubTaskForceReport,
)
from gtpptppo_api.reports.rules import (
    FROZEN,
    HEAD_ACTIONS,
    HEAD_RULES,
    NATIONAL_RULE,
    PROVINCE_UP_RULE,
    STEPS,
    Action,
    Level,
    sender_and_receiver,
)
from gtpptppo_api.reports.schemas import (
    NarrativeCreate,
    NarrativeRead,
    NarrativeUpdate,
    ReportCreate,
    ReportRead,
    TransitionCreate,
    VersionDiff,
)
from gtpptppo_api.task_forces import service as task_forces
from gtpptppo_api.task_forces.models import SubTaskForce, TaskForce, TaskForceStatus
from gtpptppo_api.webhooks import events as webhooks

GENERATE = "reports.generate"
GENERATION = {
    JobStatus.pending: "pending",
    JobStatus.running: "running",
    JobStatus.done: "ready",
    JobStatus.failed: "failed",
}


def content_hash(figures: dict[str, Any]) -> str:
    canonical = json.dumps(figures, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


# --- reading -----------------------------------------------------------------------------


async def get_visible(session: AsyncSession, caller: Caller, report_id: int) -> Report:
    """The report, if its task force lies in the caller's jurisdiction (which includes the
    level above, whose jurisdiction covers the task forces below it); 404 otherwise."""

    async def task_force_region(report: Report) -> str | None:
        task_force = await session.get(TaskForce, report.task_force_id)
        return task_force.region_code if task_force is not None else None

    return await scope.get(
        session, caller, Report, report_id, noun="report", where=task_force_region
    )


async def latest_version(session: AsyncSession, report_id: int) -> ReportVersion | None:
    result: ReportVersion | None = await session.scalar(
        select(ReportVersion)
        .where(ReportVersion.report_id == report_id)
        .order_by(ReportVersion.number.desc())
        .limit(1)
    )
    return result


async def current_version(session: AsyncSession, report: Report) -> ReportVersion | None:
    """The frozen version once forwarded, else the latest generation."""
    if report.frozen_version is not None:
        return await version(session, report, report.frozen_version)
    return await latest_version(session, report.id)


async def version(session: AsyncSession, report: Report, number: int) -> ReportVersion:
    found = await session.scalar(
        select(ReportVersion).where(
            ReportVersion.report_id == report.id, ReportVersion.number == number
        )
    )
    if found is None:
        raise NotFound(f"Report {report.id} has no version {number}.")
    return found


async def read(session: AsyncSession, report: Report) -> ReportRead:
    job = await session.get(Job, report.job_id) if report.job_id is not None else None
    current = await current_version(session, report)
    return ReportRead(
        id=report.id,
        task_force_id=report.task_force_id,
        kind=report.kind,
        year=report.year,
        years=report.years,
        state=report.state,
        generation=GENERATION[job.status] if job else "pending",
        generation_error=job.last_error if job and job.status is JobStatus.failed else None,
        version=current.number if current else None,
        content_hash=current.content_hash if current else None,
        frozen_version=report.frozen_version,
        figures=current.figures if current else None,
        created_at=report.created_at,
        updated_at=report.updated_at,
    )


def list_query(
    caller: Caller,
    *,
    task_force_id: int | None = None,
    kind: ReportKind | None = None,
    year: int | None = None,
    state: ReportState | None = None,
) -> Select[Report]:
    query = (
        select(Report)
        .join(TaskForce, TaskForce.id == Report.task_force_id)
        .where(scope.clause(caller, TaskForce.region_code))
    )
    if task_force_id is not None:
        query = query.where(Report.task_force_id == task_force_id)
    if kind is not None:
        query = query.where(Report.kind == kind)
    if year is not None:
        query = query.where(Report.year == year)
    if state is not None:
        query = query.where(Report.state == state)
    return query.order_by(Report.id)


# --- creating and generating --------------------------------------------------------------


def _check_period(kind: ReportKind, year: int, region_code: str) -> None:
    """The period has begun, and ends within four years, in the region's time zone."""
    last = year + (4 if kind is ReportKind.five_year else 0)
    this_year = clock.today(region_code).year
    if year > this_year:
        raise ValidationFailed.field("year", "a report covers a period that has begun")
    if last > this_year + 4:
        raise ValidationFailed.field("year", "the period lies too far ahead")


async def _enqueue_generation(session: AsyncSession, report: Report) -> None:
    job = await jobs.enqueue(session, GENERATE, {"report_id": report.id})
    report.job_id = job.id


async def create(session: AsyncSession, caller: Caller, body: ReportCreate) -> Report:
    """Open the report of a task force for a period and have the worker assemble it."""
    task_force = await task_forces.get_visible(session, caller, body.task_force_id)
    _check_period(body.kind, body.year, task_force.region_code)
    existing = await session.scalar(
        select(Report.id).where(
            Report.task_force_id == task_force.id,
            Report.kind == body.kind,
            Report.year == body.year,
        )
    )
    if existing is not None:
        raise Conflict(
            f"Task force {task_force.id} already has this report ({existing}); regenerate it "
            f"with POST /reports/{existing}/generations.",
            existing_report_id=existing,
        )
    report = Report(task_force_id=task_force.id, kind=body.kind, year=body.year)
    session.add(report)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict("The report was just opened by another request.") from exc
    await _enqueue_generation(session, report)
    await session.flush()
    await audit.record(
        session,
        caller,
        action="create",
        entity_type="report",
        entity_id=report.id,
        after=ReportCreate(task_force_id=report.task_force_id, kind=report.kind, year=report.year),
    )
    return report


async def regenerate(session: AsyncSession, caller: Caller, report_id: int) -> Report:
    """Assemble the figures again (late or corrected data): a new version if they changed."""
    report = await get_visible(session, caller, report_id)
    if report.state in FROZEN:
        raise Conflict("The report was forwarded: its version is frozen.")
    job = await session.get(Job, report.job_id) if report.job_id else None
    if job is not None and job.status in (JobStatus.pending, JobStatus.running):
        return report  # a generation is already on its way
    await _enqueue_generation(session, report)
    await session.flush()
    await audit.record(
        session, caller, action="regenerate", entity_type="report", entity_id=report.id
    )
    return report


async def generate(session: AsyncSession, report_id: int) -> ReportVersion | None:
    """The worker's job: compute the figures and store them as a new immutable version
    (unless they equal the latest one). A forwarded report keeps its frozen version."""
    report = await session.get(Report, report_id, with_for_update=True)
    if report is None or report.state in FROZEN:
        return None
    task_force = await session.get(TaskForce, report.task_force_id)
    assert task_force is not None
    figures = await aggregation.figures(session, report, task_force)
    digest = content_hash(figures)
    latest = await latest_version(session, report.id)
    if latest is not None and latest.content_hash == digest:
        return latest
    created = ReportVersion(
        report_id=report.id,
        number=(latest.number if latest else 0) + 1,
        content_hash=digest,
        figures=figures,
    )
    session.add(created)
    await session.flush()
    return created


# --- the chain -----------------------------------------------------------------------------


def _parent_region(region_code: str) -> str:
    """The region whose secretariat receives the report: the province a regency's, the
    nation a province's (the national report goes to the President: no one's)."""
    return "ID" if "." not in region_code else region_code.split(".")[0]


def check_level(caller: Caller, task_force: TaskForce, level: Level, rule: str) -> None:
    if caller.role not in (Role.task_force_admin, Role.national_admin):
        raise Forbidden(f"Only task force secretariats move reports along the chain ({rule}).")
    target = (
        task_force.region_code if level is Level.own else _parent_region(task_force.region_code)
    )
    if caller.scope_code != target:
        where = "the task force's own secretariat" if level is Level.own else "the level above"
        raise Forbidden(
            f"This step is taken by {where} (region {target}), per Permen PPPA 10/2012 {rule}.",
            rule=rule,
        )


async def _check_member(
    session: AsyncSession, task_force: TaskForce, body: TransitionCreate, role: Any, rule: str
) -> None:
    if body.acting_member_id is None:
        raise ValidationFailed.field(
            "acting_member_id", f"name the {role.value} who takes this step ({rule})", rule=rule
        )
    await check_serving(session, task_force, body.acting_member_id, role, rule)


async def check_serving(
    session: AsyncSession, task_force: TaskForce, member_id: int, role: Any, rule: str
) -> None:
    """``acting_member_id`` must name the task force's serving holder of ``role`` today."""
    member = await session.get(Membership, member_id)
    serving = (
        member is not None
        and member.task_force_id == task_force.id
        and member.role is role
        and member.serves_on(clock.today(task_force.region_code))
    )
    if not serving:
        raise ValidationFailed.field(
            "acting_member_id",
            f"must be the serving {role.value} of task force {task_force.id} "
            f"(Permen PPPA 10/2012, {rule})",
            rule=rule,
        )


async def _check_plenary(
    session: AsyncSession, task_force: TaskForce, report: Report, body: TransitionCreate
) -> None:
    rule = STEPS[Action.discuss].rule
    meeting = await session.get(Meeting, body.meeting_id) if body.meeting_id else None
    ok = (
        meeting is not None
        and meeting.task_force_id == task_force.id
        and meeting.kind is MeetingKind.plenary
        and meeting.held_on >= date(report.year, 1, 1)
    )
    if not ok:
        raise ValidationFailed.field(
            "meeting_id",
            "a report is discussed in a plenary meeting of its task force held in or after "
            f"its period (Permen PPPA 10/2012, {rule})",
            rule=rule,
        )


async def transition(
    session: AsyncSession, caller: Caller, report_id: int, body: TransitionCreate
) -> Report:
    """Move the report one step along the chain, by the right person at the right level."""
    report = await get_visible(session, caller, report_id)
    task_force = await session.get(TaskForce, report.task_force_id)
    assert task_force is not None
    source = report.state
    if body.action is Action.comment:
        if not body.comment:
            raise ValidationFailed.field("comment", "a comment needs its text")
        target = source
    elif body.action in HEAD_ACTIONS:
        await _check_head_step(session, caller, report, task_force, body)
        target = source
    else:
        if body.action in (Action.receive, Action.return_):
            await _check_received_above(session, report, task_force)
        step = STEPS[body.action]
        if source not in step.sources:
            allowed = ", ".join(sorted(s.value for s in step.sources))
            raise Conflict(
                f"'{body.action.value}' applies to a report that is {allowed}; this one is "
                f"{source.value} ({step.rule}).",
                rule=step.rule,
            )
        check_level(caller, task_force, step.level, step.rule)
        if step.member_role is not None:
            await _check_member(session, task_force, body, step.member_role, step.rule)
        if body.action is Action.discuss:
            await _check_plenary(session, task_force, report, body)
        if body.action is Action.return_ and not (body.comment and body.comment.strip()):
            raise ValidationFailed.field("comment", "a report is returned with the reason")
        if body.action is Action.forward:
            await _freeze(session, report)
        if body.action is Action.submit:
            report.frozen_version = None
        target = step.target
        report.state = target
    current = await current_version(session, report)
    people = sender_and_receiver(body.action, task_force.level)
    session.add(
        ReportTransition(
            report_id=report.id,
            action=body.action.value,
            from_state=source.value,
            to_state=target.value,
            version_number=current.number if current else None,
            actor_token_id=caller.token_id,
            actor_name=caller.name,
            actor_role=caller.role.value,
            acting_member_id=body.acting_member_id,
            meeting_id=body.meeting_id,
            comment=body.comment,
            sender=people[0] if people else None,
            receiver=people[1] if people else None,
            letter_number=body.letter_number,
            letter_date=body.letter_date,
        )
    )
    await session.flush()
    await audit.record(
        session,
        caller,
        action=f"report_{body.action.value}",
        entity_type="report",
        entity_id=report.id,
        reason=body.comment[:500] if body.comment else None,
    )
    await webhooks.report_step(
        session,
        report_id=report.id,
        task_force_id=task_force.id,
        region_code=task_force.region_code,
        action=body.action.value,
        from_state=source.value,
        to_state=target.value,
        reason=body.comment,
    )
    return report


async def _since_forwarded(session: AsyncSession, report: Report) -> set[str]:
    """The actions taken on the report since it was last forwarded."""
    rows = (
        await session.execute(
            select(ReportTransition.action)
            .where(ReportTransition.report_id == report.id)
            .order_by(ReportTransition.id)
        )
    ).scalars()
    taken: set[str] = set()
    for action in rows:
        taken = set() if action == Action.forward.value else taken | {action}
    return taken


async def _check_head_step(
    session: AsyncSession,
    caller: Caller,
    report: Report,
    task_force: TaskForce,
    body: TransitionCreate,
) -> None:
    """A step of the head of the task force's region, recorded by its own secretariat: the
    head receives the forwarded report, then reports on (3.3.3 b 4-5, c 4-5)."""
    if task_force.level is RegionLevel.national:
        raise Conflict(
            f"No head of region takes the national report: the chair reports to the President "
            f"(Permen PPPA 10/2012 {NATIONAL_RULE}).",
            rule=NATIONAL_RULE,
        )
    rule = HEAD_RULES[(body.action, task_force.level)]
    if report.state not in FROZEN:
        raise Conflict(
            f"'{body.action.value}' applies to a forwarded report; this one is "
            f"{report.state.value} ({rule}).",
            rule=rule,
        )
    check_level(caller, task_force, Level.own, rule)
    for name in ("letter_number", "letter_date"):
        if getattr(body, name) is None:
            raise ValidationFailed.field(name, f"a head of region's step names its letter ({rule})")
    assert body.letter_date is not None
    if body.letter_date > clock.today(task_force.region_code):
        raise ValidationFailed.field("letter_date", "is in the future")
    taken = await _since_forwarded(session, report)
    if body.action.value in taken:
        raise Conflict(f"'{body.action.value}' was recorded already ({rule}).", rule=rule)
    if body.action is Action.head_forward and Action.head_receive.value not in taken:
        raise Conflict(
            f"The head of region reports on a report it received: record head_receive first "
            f"({rule}).",
            rule=rule,
        )


async def _check_received_above(
    session: AsyncSession, report: Report, task_force: TaskForce
) -> None:
    """Who receives (or returns) a forwarded report: the provincial secretariat a regency's
    report; the national level a province's, once the Governor has reported it on; no one
    the national report, which goes to the President (3.3.3 a 4, b 5, c 4)."""
    if task_force.level is RegionLevel.national:
        raise Conflict(
            "The national report goes to the President: no secretariat receives or returns it "
            f"(Permen PPPA 10/2012 {NATIONAL_RULE}).",
            rule=NATIONAL_RULE,
        )
    province_waiting = (
        task_force.level is RegionLevel.province and report.state is ReportState.forwarded
    )
    if province_waiting and Action.head_forward.value not in await _since_forwarded(
        session, report
    ):
        raise Conflict(
            "A province's report reaches the national level through the Governor: record "
            f"the Governor's head_forward first (Permen PPPA 10/2012 {PROVINCE_UP_RULE}).",
            rule=PROVINCE_UP_RULE,
        )


async def _freeze(session: AsyncSession, report: Report) -> None:
    job = await session.get(Job, report.job_id) if report.job_id else None
    if job is not None and job.status in (JobStatus.pending, JobStatus.running):
        raise Conflict("The report is being generated; forward it once its figures are ready.")
    latest = await latest_version(session, report.id)
    if latest is None:
        raise Conflict("The report has no figures yet; generate it first.")
    report.frozen_version = latest.number


def transitions_query(report: Report) -> Select[ReportTransition]:
    return (
        select(ReportTransition)
        .where(ReportTransition.report_id == report.id)
        .order_by(ReportTransition.id)
    )


def versions_query(report: Report) -> Select[ReportVersion]:
    return (
        select(ReportVersion)
        .where(ReportVersion.report_id == report.id)
        .order_by(ReportVersion.number)
    )


def _flatten(value: Any, path: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        flat: dict[str, Any] = {}
        for key, item in value.items():
            flat.update(_flatten(item, f"{path}.{key}" if path else str(key)))
        return flat
    if isinstance(value, list):
        flat = {}
        for index, item in enumerate(value):
            flat.update(_flatten(item, f"{path}[{_row_key(item, index)}]"))
        return flat
    return {path: value}


def _row_key(item: Any, index: int) -> str:
    """Rows of a table are matched by their labels (text values and the year), not their
    position, so a row added in between shows as one change."""
    if isinstance(item, dict):
        labels = [
            f"{k}={v}" for k, v in item.items() if isinstance(v, str) or v is None or k == "year"
        ]
        if labels:
            return ",".join(labels)
    return str(index)


async def diff(
    session: AsyncSession, caller: Caller, report_id: int, a: int, b: int
) -> VersionDiff:
    report = await get_visible(session, caller, report_id)
    before = _flatten((await version(session, report, a)).figures)
    after = _flatten((await version(session, report, b)).figures)
    changes = [
        {"path": path, "before": before.get(path), "after": after.get(path)}
        for path in sorted(set(before) | set(after))
        if before.get(path) != after.get(path)
    ]
    return VersionDiff(report_id=report.id, from_version=a, to_version=b, changes=changes)


async def document(
    session: AsyncSession, caller: Caller, report_id: int, number: int | None
) -> dict[str, Any]:
    """The report as a document: its title block, figures of one version, its history."""
    report = await get_visible(session, caller, report_id)
    chosen = await (
        version(session, report, number) if number else current_version(session, report)
    )
    if chosen is None:
        raise Conflict("The report has no figures yet: wait for its generation.")
    task_force = await session.get(TaskForce, report.task_force_id)
    assert task_force is not None
    region = await session.get(Region, task_force.region_code)
    history = (await session.scalars(transitions_query(report))).all()
    return {
        "report": {
            "id": report.id,
            "task_force_id": task_force.id,
            "task_force_name": task_force.name,
            "region_code": task_force.region_code,
            "region_name": region.name if region else "",
            "level": task_force.level.value,
            "kind": report.kind.value,
            "year": report.year,
            "years": report.years,
            "state": report.state.value,
            "version": chosen.number,
            "content_hash": chosen.content_hash,
            "generated_at": chosen.created_at.isoformat(),
        },
        "figures": chosen.figures,
        "transitions": [
            {
                "action": t.action,
                "from_state": t.from_state,
                "to_state": t.to_state,
                "actor_name": t.actor_name,
                "actor_role": t.actor_role,
                "comment": t.comment,
                "sender": t.sender,
                "receiver": t.receiver,
                "letter_number": t.letter_number,
                "letter_date": t.letter_date.isoformat() if t.letter_date else None,
                "occurred_at": t.occurred_at.isoformat(),
            }
            for t in history
        ],
    }


# --- sub-task-force narratives -----------------------------------------------------------------


def narrative_read(narrative: SubTaskForceReport) -> NarrativeRead:
    return NarrativeRead.model_validate(narrative)


WRITING_NARRATIVES = "Writing or submitting a sub-task-force's report"


async def _writable_narrative(
    session: AsyncSession, caller: Caller, narrative_id: int
) -> SubTaskForceReport:
    """The narrative if it lies in the caller's jurisdiction (404 otherwise) and the caller
    acts for its task force: a sub-task-force reports to its own daily chair (Lampiran V);
    the level above receives the task force's report, not its units' (403)."""

    async def task_force_region(narrative: SubTaskForceReport) -> str | None:
        task_force = await session.get(TaskForce, narrative.task_force_id)
        return task_force.region_code if task_force is not None else None

    narrative = await scope.get(
        session,
        caller,
        SubTaskForceReport,
        narrative_id,
        noun="sub-task-force report",
        where=task_force_region,
    )
    region_code = await task_force_region(narrative)
    assert region_code is not None  # seen, so located
    task_forces.ensure_own_level(caller, region_code, WRITING_NARRATIVES)
    return narrative


async def create_narrative(
    session: AsyncSession, caller: Caller, body: NarrativeCreate
) -> SubTaskForceReport:
    """A sub-task-force's report for a period, written for its daily chair (Lampiran V)."""
    unit = await session.get(SubTaskForce, body.sub_task_force_id)
    task_force = await session.get(TaskForce, unit.task_force_id) if unit else None
    if task_force is None or not scope.covers(caller, task_force.region_code):
        # One answer for a sub-task-force elsewhere and one that does not exist: which ids
        # exist in other regions (and their task forces) is not the caller's to learn.
        raise NotFound(f"No sub-task-force {body.sub_task_force_id} in your jurisdiction.")
    task_forces.ensure_own_level(caller, task_force.region_code, WRITING_NARRATIVES)
    if task_force.status is not TaskForceStatus.active:
        raise Conflict("The task force is dissolved.")
    _check_period(body.kind, body.year, task_force.region_code)
    values = body.model_dump()
    values["internal_fields"] = sorted(set(values["internal_fields"]))
    narrative = SubTaskForceReport(task_force_id=task_force.id, **values)
    session.add(narrative)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict("This sub-task-force already has a report for the period.") from exc
    await audit.record(
        session,
        caller,
        action="create",
        entity_type="sub_task_force_report",
        entity_id=narrative.id,
        after=narrative_read(narrative),
    )
    return narrative


async def update_narrative(
    session: AsyncSession, caller: Caller, narrative_id: int, body: NarrativeUpdate
) -> SubTaskForceReport:
    narrative = await _writable_narrative(session, caller, narrative_id)
    changes = body.model_dump(exclude_unset=True)
    # Marking fields internal is not editing the text: allowed after submission too.
    if narrative.state is NarrativeState.submitted and set(changes) - {"internal_fields"}:
        raise Conflict("A submitted sub-task-force report is not edited.")
    before = narrative_read(narrative)
    for name, value in changes.items():
        if value is None:
            raise ValidationFailed.field(name, "must not be null")
        if name == "internal_fields":
            value = sorted(set(value))
        setattr(narrative, name, value)
    await session.flush()
    await audit.record(
        session,
        caller,
        action="update",
        entity_type="sub_task_force_report",
        entity_id=narrative.id,
        before=before,
        after=narrative_read(narrative),
    )
    return narrative


async def submit_narrative(
    session: AsyncSession, caller: Caller, narrative_id: int
) -> SubTaskForceReport:
    """Submit to the daily chair; it then appears in the task force's report."""
    narrative = await _writable_narrative(session, caller, narrative_id)
    if narrative.state is NarrativeState.submitted:
        raise Conflict("Already submitted.")
    empty = [
        name
        for name in ("activities", "obstacles", "recommendations")
        if not getattr(narrative, name).strip()
    ]
    if empty:
        raise ValidationFailed(
            "A sub-task-force report states its activities, obstacles and recommendations.",
            [field_error(name, "must not be empty", type="missing") for name in empty],
        )
    before = narrative_read(narrative)
    narrative.state = NarrativeState.submitted
    narrative.submitted_at = utcnow()
    await session.flush()
    await audit.record(
        session,
        caller,
        action="submit",
        entity_type="sub_task_force_report",
        entity_id=narrative.id,
        before=before,
        after=narrative_read(narrative),
    )
    task_force = await session.get(TaskForce, narrative.task_force_id)
    assert task_force is not None
    await webhooks.emit(
        session,
        webhooks.SUB_TASK_FORCE_REPORT_SUBMITTED,
        region_code=task_force.region_code,
        data={
            "sub_task_force_report_id": narrative.id,
            "sub_task_force_id": narrative.sub_task_force_id,
            "task_force_id": narrative.task_force_id,
            "link": f"/api/v1/sub-task-force-reports?task_force_id={narrative.task_force_id}",
        },
    )
    return narrative


def narratives_query(
    caller: Caller, *, task_force_id: int | None, kind: ReportKind | None, year: int | None
) -> Select[SubTaskForceReport]:
    query = (
        select(SubTaskForceReport)
        .join(TaskForce, TaskForce.id == SubTaskForceReport.task_force_id)
        .where(scope.clause(caller, TaskForce.region_code))
    )
    if task_force_id is not None:
        query = query.where(SubTaskForceReport.task_force_id == task_force_id)
    if kind is not None:
        query = query.where(SubTaskForceReport.kind == kind)
    if year is not None:
        query = query.where(SubTaskForceReport.year == year)
    return query.order_by(SubTaskForceReport.id)
