"""The service centres' side of their coordination with the task force (Permen PPPA
10/2012 §3.2): "koordinatif dan konsultatif", "atas inisiatif masing-masing pihak", covering
planning, case conferences (gelar kasus) and problem solving.

A centre asks its task force (that of its own province or regency/city) for a coordination;
the task force records the meeting that answers it. The centre reads its coordination
meetings with the task force and the monitoring findings about itself (3.3.1 e); the task
forces' chain reads them too, in its jurisdiction.
"""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.audit import service as audit
from gtpptppo_api.auth.models import Role
from gtpptppo_api.auth.service import Caller
from gtpptppo_api.errors import Forbidden, NotFound, ValidationFailed
from gtpptppo_api.meetings.models import (
    CoordinationRequest,
    Meeting,
    MeetingKind,
    RequestStatus,
)
from gtpptppo_api.meetings.schemas import CoordinationRequestCreate, CoordinationRequestRead
from gtpptppo_api.monitoring.models import MonitoringVisit, SubjectKind
from gtpptppo_api.service_centres import service as centres
from gtpptppo_api.service_centres.models import ServiceCentre
from gtpptppo_api.task_forces.models import TaskForce, TaskForceStatus


async def _task_force_of(session: AsyncSession, centre: ServiceCentre) -> TaskForce:
    """The active task force of the centre's region, which it coordinates with (3.2)."""
    task_force = await session.scalar(
        select(TaskForce).where(
            TaskForce.region_code == centre.region_code,
            TaskForce.status == TaskForceStatus.active,
        )
    )
    if task_force is None:
        raise ValidationFailed.field(
            "service_centre_id",
            f"no active task force in region {centre.region_code} to coordinate with",
        )
    return task_force


async def request(
    session: AsyncSession, caller: Caller, centre_id: int, body: CoordinationRequestCreate
) -> CoordinationRequest:
    """A centre asks its task force for a coordination (its own token, or the national
    admin for it)."""
    centre = await centres.get_visible(session, caller, centre_id)
    if caller.role not in (Role.service_centre, Role.national_admin):
        raise Forbidden("Only the service centre itself asks for a coordination.")
    task_force = await _task_force_of(session, centre)
    row = CoordinationRequest(
        service_centre_id=centre.id,
        task_force_id=task_force.id,
        topics=[t.value for t in body.topics],
        subject=body.subject,
        proposed_on=body.proposed_on,
        status=RequestStatus.requested,
        requested_by=caller.name,
    )
    session.add(row)
    await session.flush()
    await audit.record(
        session,
        caller,
        action="create",
        entity_type="coordination_request",
        entity_id=row.id,
        after=CoordinationRequestRead.model_validate(row),
    )
    return row


async def requests_query(
    session: AsyncSession, caller: Caller, centre_id: int
) -> Select[CoordinationRequest]:
    """The requests of a centre in the caller's jurisdiction (404 otherwise), by id."""
    centre = await centres.get_visible(session, caller, centre_id)
    return (
        select(CoordinationRequest)
        .where(CoordinationRequest.service_centre_id == centre.id)
        .order_by(CoordinationRequest.id)
    )


async def meetings_query(session: AsyncSession, caller: Caller, centre_id: int) -> Select[Meeting]:
    """The coordination meetings of a centre in the caller's jurisdiction (404 otherwise)
    with its task force (3.2), ordered by id."""
    centre = await centres.get_visible(session, caller, centre_id)
    return (
        select(Meeting)
        .where(Meeting.kind == MeetingKind.service_centre, Meeting.service_centre_id == centre.id)
        .order_by(Meeting.id)
    )


async def meeting(
    session: AsyncSession, caller: Caller, centre_id: int, meeting_id: int
) -> Meeting:
    """A coordination meeting of a centre in the caller's jurisdiction; 404 otherwise."""
    centre = await centres.get_visible(session, caller, centre_id)
    found = await session.get(Meeting, meeting_id)
    if found is None or found.service_centre_id != centre.id:
        raise NotFound(f"No coordination meeting {meeting_id} with service centre {centre.id}.")
    return found


async def findings_query(
    session: AsyncSession, caller: Caller, centre_id: int
) -> Select[MonitoringVisit]:
    """The monitoring and evaluation visits of which a centre in the caller's jurisdiction
    (404 otherwise) is the subject (3.3.1 e: the task force monitors its Pelayanan
    Terpadu), ordered by id."""
    centre = await centres.get_visible(session, caller, centre_id)
    return (
        select(MonitoringVisit)
        .where(
            MonitoringVisit.subject_kind == SubjectKind.service_centre,
            MonitoringVisit.subject_service_centre_id == centre.id,
        )
        .order_by(MonitoringVisit.id)
    )


async def answer(
    session: AsyncSession, meeting_: Meeting, request_id: int | None
) -> CoordinationRequest | None:
    """Mark the centre's request answered by the meeting recorded for it; a request of
    another centre or task force, or answered already, is named as a bad field."""
    if request_id is None:
        return None
    found = await session.get(CoordinationRequest, request_id)
    field = "coordination_request_id"
    if (
        found is None
        or meeting_.kind is not MeetingKind.service_centre
        or found.service_centre_id != meeting_.service_centre_id
        or found.task_force_id != meeting_.task_force_id
    ):
        raise ValidationFailed.field(
            field, "not a request of this meeting's service centre to this task force", rule="3.2"
        )
    if found.status is not RequestStatus.requested:
        raise ValidationFailed.field(field, f"answered already by meeting {found.meeting_id}")
    found.status, found.meeting_id = RequestStatus.held, meeting_.id
    return found
