"""Monitoring and evaluation (Permen PPPA 10/2012, 3.3.1, 3.3.2, Lampiran VI).

Who may monitor whom is the graph of Lampiran VI (3.3.1 e); every visit carries the checklist
instrument over its six areas (3.3.1 b). Services flush, never commit.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.audit import service as audit
from gtpptppo_api.auth import scope
from gtpptppo_api.auth.service import Caller
from gtpptppo_api.db.base import utcnow
from gtpptppo_api.errors import ValidationFailed
from gtpptppo_api.kit import clock
from gtpptppo_api.kit.etag import check_if_match
from gtpptppo_api.monitoring.models import (
    ChecklistArea,
    ChecklistIndicator,
    MonitoringVisit,
    MonitorKind,
    SubjectKind,
    VisitKind,
)
from gtpptppo_api.monitoring.schemas import (
    ChecklistIndicatorIn,
    MonitoringVisitCreate,
    MonitoringVisitRead,
    MonitoringVisitUpdate,
    SubjectRef,
)
from gtpptppo_api.regions.models import RegionLevel
from gtpptppo_api.service_centres.models import ServiceCentre
from gtpptppo_api.task_forces import service as task_forces
from gtpptppo_api.task_forces.models import SubTaskForce, TaskForce
from gtpptppo_api.task_forces.service import ensure_active as _writable

LAW = "Permen PPPA 10/2012"

# Lampiran VI, as 3.3.1 e spells it out: what a task force of each level monitors.
GRAPH: dict[RegionLevel, tuple[str, str]] = {
    RegionLevel.national: (
        "3.3.1 e 1",
        "the national task force monitors and evaluates its own sub-task-forces and the "
        "provincial task forces",
    ),
    RegionLevel.province: (
        "3.3.1 e 2 c",
        "a provincial task force monitors and evaluates its own sub-task-forces, the "
        "service centres of the province and the task forces of its regencies/cities",
    ),
    RegionLevel.regency: (
        "3.3.1 e 3 b",
        "a regency/city task force monitors and evaluates its own sub-task-forces and the "
        "service centres of the regency/city",
    ),
}


# A task force records the visits it makes; the one it monitors, or the level above it,
# reads them (3.3.1 e, Lampiran VI).
RECORDING_VISITS = "Recording a monitoring or evaluation visit"


def read(visit: MonitoringVisit) -> MonitoringVisitRead:
    return MonitoringVisitRead.model_validate(visit)


def _refuse(monitor: TaskForce, what: str) -> ValidationFailed:
    rule, allowed = GRAPH[monitor.level]
    return ValidationFailed.field(
        "subject",
        f"{what} is not monitored by this {monitor.level.value} task force: {allowed} "
        f"({LAW}, {rule}, Lampiran VI)",
        rule=rule,
    )


# What a head of region monitors (3.3.1 e): by the level of the region it heads.
HEADS: dict[RegionLevel, tuple[str, str]] = {
    RegionLevel.province: (
        "3.3.1 e 2 a-b",
        "the Governor monitors and evaluates the provincial task force and the Bupati/Walikota "
        "of the province's regencies/cities",
    ),
    RegionLevel.regency: (
        "3.3.1 e 3 a",
        "the Bupati/Walikota monitors and evaluates the regency/city task force",
    ),
}


async def _head_subject_region(
    session: AsyncSession, caller: Caller, monitor: TaskForce, subject: SubjectRef
) -> str:
    """The region of what the head of ``monitor``'s region monitors (3.3.1 e)."""
    if monitor.level not in HEADS:
        raise ValidationFailed.field(
            "monitor_kind",
            f"no head of region monitors at the national level ({LAW}, 3.3.1 e 1)",
            rule="3.3.1 e 1",
        )
    rule, allowed = HEADS[monitor.level]
    refused = ValidationFailed.field(
        "subject", f"not monitored by the head of region {monitor.region_code}: {allowed}", rule
    )
    if subject.kind is SubjectKind.task_force:
        if subject.id != monitor.id:
            raise refused
        return monitor.region_code
    if subject.kind is SubjectKind.head_of_region and monitor.level is RegionLevel.province:
        other = await session.get(TaskForce, subject.id)
        if other is None or not scope.covers(caller, other.region_code):
            raise ValidationFailed.field(
                "subject.id", f"no task force {subject.id} in your jurisdiction"
            )
        if other.level is not RegionLevel.regency or other.region.parent_code != (
            monitor.region_code
        ):
            raise refused
        return other.region_code
    raise refused


async def _subject_region(
    session: AsyncSession, caller: Caller, monitor: TaskForce, subject: SubjectRef
) -> str:
    """The region of the subject, if the monitor may monitor it (Lampiran VI, 3.3.1 e)."""
    missing = ValidationFailed.field(
        "subject.id", f"no {subject.kind.value} {subject.id} in your jurisdiction"
    )
    if subject.kind is SubjectKind.head_of_region:
        raise _refuse(monitor, "a head of region")
    if subject.kind is SubjectKind.sub_task_force:
        unit = await session.get(SubTaskForce, subject.id)
        if unit is None:
            raise missing
        owner = await session.get(TaskForce, unit.task_force_id)
        if owner is None or not scope.covers(caller, owner.region_code):
            raise missing
        if owner.id != monitor.id:
            raise _refuse(monitor, f"sub-task-force {unit.id} of task force {owner.id}")
        return owner.region_code
    if subject.kind is SubjectKind.task_force:
        other = await session.get(TaskForce, subject.id)
        if other is None or not scope.covers(caller, other.region_code):
            raise missing
        below = (monitor.level is RegionLevel.national and other.level is RegionLevel.province) or (
            monitor.level is RegionLevel.province
            and other.level is RegionLevel.regency
            and other.region.parent_code == monitor.region_code
        )
        if not below:
            raise _refuse(monitor, f"the {other.level.value} task force {other.id}")
        return other.region_code
    centre = await session.get(ServiceCentre, subject.id)
    if centre is None or not scope.covers(caller, centre.region_code):
        raise missing
    if monitor.level is RegionLevel.national or centre.region_code != monitor.region_code:
        raise _refuse(monitor, f"the service centre {centre.id} of region {centre.region_code}")
    return centre.region_code


def _check_checklist(indicators: list[ChecklistIndicatorIn]) -> None:
    """The instrument is a checklist over six areas (3.3.1 b): each one is scored."""
    absent = [area.value for area in ChecklistArea if area not in {i.area for i in indicators}]
    if absent:
        raise ValidationFailed.field(
            "indicators",
            "the checklist covers policy, institution, action plan, victim recording and "
            "reporting, case handling by service centres and facilities; missing: "
            f"{', '.join(absent)} ({LAW}, 3.3.1 b)",
            rule="3.3.1 b",
        )


def _check_date(monitor: TaskForce, visited_on: date) -> None:
    established = monitor.established_decree
    if established is not None and visited_on < established.issued_on:
        raise ValidationFailed.field(
            "visited_on", f"precedes the task force's formation on {established.issued_on}"
        )
    if visited_on > clock.today(monitor.region_code):
        raise ValidationFailed.field("visited_on", "a visit is recorded once it has been made")


def _indicators(items: list[ChecklistIndicatorIn]) -> list[ChecklistIndicator]:
    return [ChecklistIndicator(**item.model_dump()) for item in items]


async def create(
    session: AsyncSession, caller: Caller, body: MonitoringVisitCreate
) -> MonitoringVisit:
    """Record a monitoring or an evaluation of a subject by a task force (3.3.1)."""
    monitor = await task_forces.get_visible(session, caller, body.monitor_task_force_id)
    task_forces.ensure_own_level(caller, monitor.region_code, RECORDING_VISITS)
    _writable(monitor)
    if body.monitor_kind is MonitorKind.head_of_region:
        region_code = await _head_subject_region(session, caller, monitor, body.subject)
    else:
        region_code = await _subject_region(session, caller, monitor, body.subject)
    _check_checklist(body.indicators)
    _check_date(monitor, body.visited_on)
    visit = MonitoringVisit(
        kind=body.kind,
        monitor_task_force_id=monitor.id,
        monitor=monitor,
        monitor_kind=body.monitor_kind,
        subject_kind=body.subject.kind,
        subject_sub_task_force_id=(
            body.subject.id if body.subject.kind is SubjectKind.sub_task_force else None
        ),
        subject_task_force_id=(
            body.subject.id
            if body.subject.kind in (SubjectKind.task_force, SubjectKind.head_of_region)
            else None
        ),
        subject_service_centre_id=(
            body.subject.id if body.subject.kind is SubjectKind.service_centre else None
        ),
        subject_region_code=region_code,
        visited_on=body.visited_on,
        methods=[m.value for m in body.methods],
        findings=body.findings,
        recommendations=body.recommendations,
        indicators=_indicators(body.indicators),
    )
    session.add(visit)
    await session.flush()
    await audit.record(
        session,
        caller,
        action="create",
        entity_type="monitoring_visit",
        entity_id=visit.id,
        after=read(visit),
    )
    return visit


def _regions(visit: MonitoringVisit) -> tuple[str, str]:
    """The monitor's jurisdiction and the subject's both see a visit."""
    return visit.monitor.region_code, visit.subject_region_code


async def get_visible(session: AsyncSession, caller: Caller, visit_id: int) -> MonitoringVisit:
    """The visit if the caller covers its monitor or its subject; 404 otherwise."""
    return await scope.get(
        session, caller, MonitoringVisit, visit_id, noun="monitoring visit", where=_regions
    )


async def update(
    session: AsyncSession,
    caller: Caller,
    visit_id: int,
    body: MonitoringVisitUpdate,
    if_match: str | None,
) -> MonitoringVisit:
    """Correct a visit; only the monitoring task force's jurisdiction may (3.3.1 c)."""
    visit = await get_visible(session, caller, visit_id)
    scope.ensure(caller, visit.monitor.region_code, "monitoring visit", visit_id)
    task_forces.ensure_own_level(caller, visit.monitor.region_code, RECORDING_VISITS)
    check_if_match(if_match, visit.version)
    _writable(visit.monitor)
    changes = body.model_dump(exclude_unset=True)
    if not changes:
        raise ValidationFailed.nothing_to_change()
    for name, value in changes.items():
        if value is None:
            raise ValidationFailed.field(name, "must not be null")
    before = read(visit)
    if body.indicators is not None:
        _check_checklist(body.indicators)
        visit.indicators = _indicators(body.indicators)
    if body.visited_on is not None:
        _check_date(visit.monitor, body.visited_on)
        visit.visited_on = body.visited_on
    if body.methods is not None:
        visit.methods = [m.value for m in body.methods]
    if body.findings is not None:
        visit.findings = body.findings
    if body.recommendations is not None:
        visit.recommendations = body.recommendations
    visit.updated_at = utcnow()  # a new version even when only the checklist changes
    await session.flush()
    await audit.record(
        session,
        caller,
        action="update",
        entity_type="monitoring_visit",
        entity_id=visit.id,
        before=before,
        after=read(visit),
    )
    return visit


def list_query(
    caller: Caller,
    *,
    monitor_task_force_id: int | None = None,
    kind: VisitKind | None = None,
    subject_kind: SubjectKind | None = None,
    subject_id: int | None = None,
    year: int | None = None,
) -> Select[MonitoringVisit]:
    """Visits made by, or to, the caller's jurisdiction, ordered by id."""
    query = (
        select(MonitoringVisit)
        .join(TaskForce, TaskForce.id == MonitoringVisit.monitor_task_force_id)
        .where(
            or_(
                scope.clause(caller, TaskForce.region_code),
                scope.clause(caller, MonitoringVisit.subject_region_code),
            )
        )
    )
    if monitor_task_force_id is not None:
        query = query.where(MonitoringVisit.monitor_task_force_id == monitor_task_force_id)
    if kind is not None:
        query = query.where(MonitoringVisit.kind == kind)
    if subject_kind is not None:
        query = query.where(MonitoringVisit.subject_kind == subject_kind)
        if subject_id is not None:
            column = {
                SubjectKind.sub_task_force: MonitoringVisit.subject_sub_task_force_id,
                SubjectKind.task_force: MonitoringVisit.subject_task_force_id,
                SubjectKind.head_of_region: MonitoringVisit.subject_task_force_id,
                SubjectKind.service_centre: MonitoringVisit.subject_service_centre_id,
            }[subject_kind]
            query = query.where(column == subject_id)
    if year is not None:
        query = query.where(
            MonitoringVisit.visited_on.between(date(year, 1, 1), date(year, 12, 31))
        )
    return query.order_by(MonitoringVisit.id)
