from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from gtpptppo_api.auth.deps import MeetingReader, MeetingWriter
from gtpptppo_api.db.session import SessionDep
from gtpptppo_api.kit.etag import IfMatch, etag
from gtpptppo_api.kit.openapi import ID, links
from gtpptppo_api.kit.pagination import CursorPage, paginate
from gtpptppo_api.meetings import service
from gtpptppo_api.meetings.models import MeetingKind
from gtpptppo_api.meetings.schemas import MeetingCreate, MeetingRead, MeetingUpdate

router = APIRouter(prefix="/meetings", tags=["meetings"])


@router.post("", status_code=201, responses={201: links(get_meeting={"meeting_id": ID})})
async def create_meeting(
    body: MeetingCreate, session: SessionDep, caller: MeetingWriter, response: Response
) -> MeetingRead:
    """Record a coordination meeting of a task force (Permen PPPA 10/2012, 3.1, 3.2).

    The chair must be the one the regulation names for the kind of meeting and serve on its
    date; task forces of the levels below take part only in coordination and special meetings.
    """
    meeting = await service.create(session, caller, body)
    response.headers["ETag"] = etag(meeting.version)
    response.headers["Location"] = f"/api/v1/meetings/{meeting.id}"
    return service.read(meeting)


@router.get("", response_model=CursorPage[MeetingRead])
async def list_meetings(
    session: SessionDep,
    caller: MeetingReader,
    task_force_id: int | None = None,
    kind: MeetingKind | None = None,
    sub_task_force_id: int | None = None,
    year: Annotated[int | None, Query(ge=1900, le=2999)] = None,
    region_code: Annotated[
        str | None, Query(max_length=8, description="Task forces of this region and below.")
    ] = None,
) -> CursorPage[MeetingRead]:
    """Meetings of the task forces in the caller's jurisdiction, ordered by id."""
    query = service.list_query(
        caller,
        task_force_id=task_force_id,
        kind=kind,
        sub_task_force_id=sub_task_force_id,
        year=year,
        region_code=region_code,
    )
    page: CursorPage[MeetingRead] = await paginate(session, query)
    return page


@router.get("/{meeting_id}")
async def get_meeting(
    meeting_id: int, session: SessionDep, caller: MeetingReader, response: Response
) -> MeetingRead:
    meeting = await service.get_visible(session, caller, meeting_id)
    response.headers["ETag"] = etag(meeting.version)
    return service.read(meeting)


@router.patch("/{meeting_id}")
async def update_meeting(
    meeting_id: int,
    body: MeetingUpdate,
    session: SessionDep,
    caller: MeetingWriter,
    response: Response,
    if_match: IfMatch = None,
) -> MeetingRead:
    """Correct a meeting record, or record progress on its follow-up actions.

    Lists given replace the old ones; the whole meeting is checked again.
    """
    meeting = await service.update(session, caller, meeting_id, body, if_match)
    response.headers["ETag"] = etag(meeting.version)
    return service.read(meeting)
