"""A service centre's coordination with its task force (Permen PPPA 10/2012 §3.2)."""

from __future__ import annotations

from fastapi import APIRouter

from gtpptppo_api.auth.deps import CoordinationReader, CoordinationRequester
from gtpptppo_api.db.session import SessionDep
from gtpptppo_api.kit.openapi import links, path
from gtpptppo_api.kit.pagination import CursorPage, paginate
from gtpptppo_api.meetings import centres
from gtpptppo_api.meetings import service as meetings
from gtpptppo_api.meetings.schemas import (
    CoordinationRequestCreate,
    CoordinationRequestRead,
    MeetingRead,
)
from gtpptppo_api.monitoring.schemas import MonitoringVisitRead

router = APIRouter(prefix="/service-centres/{centre_id}", tags=["coordination"])


@router.post(
    "/coordination-requests",
    status_code=201,
    responses={
        201: links(
            list_coordination_requests={"centre_id": path("centre_id")},
            list_centre_meetings={"centre_id": path("centre_id")},
        )
    },
)
async def request_coordination(
    centre_id: int,
    body: CoordinationRequestCreate,
    session: SessionDep,
    caller: CoordinationRequester,
) -> CoordinationRequestRead:
    """The centre asks its task force (of its own province or regency/city) for a
    coordination: planning, a case conference (gelar kasus) or problem solving (3.2).
    The task force answers it by recording the meeting with ``coordination_request_id``."""
    row = await centres.request(session, caller, centre_id, body)
    return CoordinationRequestRead.model_validate(row)


@router.get("/coordination-requests", response_model=CursorPage[CoordinationRequestRead])
async def list_coordination_requests(
    centre_id: int, session: SessionDep, caller: CoordinationReader
) -> CursorPage[CoordinationRequestRead]:
    """The centre's requests, asked and answered, ordered by id."""
    query = await centres.requests_query(session, caller, centre_id)
    page: CursorPage[CoordinationRequestRead] = await paginate(session, query)
    return page


@router.get("/meetings", response_model=CursorPage[MeetingRead])
async def list_centre_meetings(
    centre_id: int, session: SessionDep, caller: CoordinationReader
) -> CursorPage[MeetingRead]:
    """The centre's coordination meetings and case conferences with its task force (3.2),
    ordered by id."""
    query = await centres.meetings_query(session, caller, centre_id)
    page: CursorPage[MeetingRead] = await paginate(session, query)
    return page


@router.get("/meetings/{meeting_id}")
async def get_centre_meeting(
    centre_id: int, meeting_id: int, session: SessionDep, caller: CoordinationReader
) -> MeetingRead:
    return meetings.read(await centres.meeting(session, caller, centre_id, meeting_id))


@router.get("/monitoring-findings", response_model=CursorPage[MonitoringVisitRead])
async def list_centre_findings(
    centre_id: int, session: SessionDep, caller: CoordinationReader
) -> CursorPage[MonitoringVisitRead]:
    """The monitoring and evaluation visits of which the centre is the subject, with their
    findings and recommendations (3.3.1 e), ordered by id."""
    query = await centres.findings_query(session, caller, centre_id)
    page: CursorPage[MonitoringVisitRead] = await paginate(session, query)
    return page
