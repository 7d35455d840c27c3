from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from gtpptppo_api.auth.deps import CapacityReader, CapacityWriter
from gtpptppo_api.capacity import service
from gtpptppo_api.capacity.models import ActivityKind, Topic
from gtpptppo_api.capacity.schemas import (
    CapacityActivityCreate,
    CapacityActivityRead,
    CapacityActivityUpdate,
)
from gtpptppo_api.db.session import SessionDep
from gtpptppo_api.kit.etag import IfMatch, etag
from gtpptppo_api.kit.openapi import ID, links
from gtpptppo_api.kit.pagination import CursorPage, paginate

router = APIRouter(prefix="/capacity-activities", tags=["capacity building"])


@router.post("", status_code=201, responses={201: links(get_capacity_activity={"activity_id": ID})})
async def create_capacity_activity(
    body: CapacityActivityCreate, session: SessionDep, caller: CapacityWriter, response: Response
) -> CapacityActivityRead:
    """Record a training, workshop, internship, socialisation or dialogue (5.1.1, 5.1.2).

    Participants are counts by role and sex; a topic outside 5.1.1 / 5.1.2 is ``other`` with
    ``other_topic`` naming it.
    """
    activity = await service.create(session, caller, body)
    response.headers["ETag"] = etag(activity.version)
    response.headers["Location"] = f"/api/v1/capacity-activities/{activity.id}"
    return service.read(activity)


@router.get("", response_model=CursorPage[CapacityActivityRead])
async def list_capacity_activities(
    session: SessionDep,
    caller: CapacityReader,
    task_force_id: int | None = None,
    region_code: Annotated[
        str | None, Query(max_length=8, description="Task forces of this region and below.")
    ] = None,
    year: Annotated[
        int | None, Query(ge=2000, le=2200, description="Activities started in this year.")
    ] = None,
    kind: ActivityKind | None = None,
    topic: Topic | None = None,
) -> CursorPage[CapacityActivityRead]:
    """Activities in the caller's jurisdiction, ordered by id."""
    query = service.list_query(
        caller,
        task_force_id=task_force_id,
        region_code=region_code,
        year=year,
        kind=kind,
        topic=topic,
    )
    page: CursorPage[CapacityActivityRead] = await paginate(session, query)
    return page


@router.get("/{activity_id}")
async def get_capacity_activity(
    activity_id: int, session: SessionDep, caller: CapacityReader, response: Response
) -> CapacityActivityRead:
    activity = await service.get_visible(session, caller, activity_id)
    response.headers["ETag"] = etag(activity.version)
    return service.read(activity)


@router.patch("/{activity_id}")
async def update_capacity_activity(
    activity_id: int,
    body: CapacityActivityUpdate,
    session: SessionDep,
    caller: CapacityWriter,
    response: Response,
    if_match: IfMatch = None,
) -> CapacityActivityRead:
    """Edit an activity; ``participants`` is replaced whole."""
    activity = await service.update(session, caller, activity_id, body, if_match)
    response.headers["ETag"] = etag(activity.version)
    return service.read(activity)
