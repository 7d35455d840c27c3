from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from gtpptppo_api.auth.deps import TaskForceReader, TaskForceWriter
from gtpptppo_api.db.session import SessionDep
from gtpptppo_api.kit.etag import IfMatch, etag
from gtpptppo_api.kit.openapi import ID, body, links
from gtpptppo_api.kit.pagination import CursorPage, paginate
from gtpptppo_api.regions.models import RegionLevel
from gtpptppo_api.task_forces import service
from gtpptppo_api.task_forces.models import TaskForceStatus
from gtpptppo_api.task_forces.schemas import (
    SubTaskForceCreate,
    SubTaskForceRead,
    SubTaskForceUpdate,
    TaskForceCreate,
    TaskForceRead,
    TaskForceUpdate,
)

router = APIRouter(prefix="/task-forces", tags=["task forces"])


@router.post(
    "",
    status_code=201,
    responses={
        201: links(
            get_task_force={"task_force_id": ID},
            list_sub_task_forces={"task_force_id": ID},
            list_decrees={"task_force_id": ID},
            list_members={"task_force_id": ID},
        )
    },
)
async def create_task_force(
    body: TaskForceCreate, session: SessionDep, caller: TaskForceWriter, response: Response
) -> TaskForceRead:
    """Form a task force; its region decides its level and parent (Permen PPPA 10/2012 BAB II).

    The six sub-task-forces are formed with it. 409 if the region already has an active one.
    """
    task_force = await service.create(session, caller, body)
    response.headers["ETag"] = etag(task_force.version)
    response.headers["Location"] = f"/api/v1/task-forces/{task_force.id}"
    return service.read(task_force)


@router.get("", response_model=CursorPage[TaskForceRead])
async def list_task_forces(
    session: SessionDep,
    caller: TaskForceReader,
    level: RegionLevel | None = None,
    status: TaskForceStatus | None = None,
    region_code: Annotated[
        str | None, Query(max_length=8, description="This region and those under it.")
    ] = None,
    parent_id: int | None = None,
) -> CursorPage[TaskForceRead]:
    """Task forces in the caller's jurisdiction, ordered by id."""
    query = service.list_query(
        caller, level=level, status=status, region_code=region_code, parent_id=parent_id
    )
    page: CursorPage[TaskForceRead] = await paginate(session, query)
    return page


@router.get("/{task_force_id}")
async def get_task_force(
    task_force_id: int, session: SessionDep, caller: TaskForceReader, response: Response
) -> TaskForceRead:
    task_force = await service.get_visible(session, caller, task_force_id)
    response.headers["ETag"] = etag(task_force.version)
    return service.read(task_force)


@router.patch("/{task_force_id}")
async def update_task_force(
    task_force_id: int,
    body: TaskForceUpdate,
    session: SessionDep,
    caller: TaskForceWriter,
    response: Response,
    if_match: IfMatch = None,
) -> TaskForceRead:
    """Edit a task force, or dissolve it (``status: dissolved`` with ``dissolved_on``)."""
    task_force = await service.update(session, caller, task_force_id, body, if_match)
    response.headers["ETag"] = etag(task_force.version)
    return service.read(task_force)


@router.get("/{task_force_id}/sub-task-forces", response_model=CursorPage[SubTaskForceRead])
async def list_sub_task_forces(
    task_force_id: int, session: SessionDep, caller: TaskForceReader
) -> CursorPage[SubTaskForceRead]:
    """The Sub GT of a task force (2.1.3, 2.2.3, 2.3.3)."""
    task_force = await service.get_visible(session, caller, task_force_id)
    page: CursorPage[SubTaskForceRead] = await paginate(
        session, service.sub_task_force_query(task_force)
    )
    return page


@router.post(
    "/{task_force_id}/sub-task-forces",
    status_code=201,
    responses={
        201: links(
            get_sub_task_force={"task_force_id": body("task_force_id"), "sub_task_force_id": ID}
        )
    },
)
async def create_sub_task_force(
    task_force_id: int, body: SubTaskForceCreate, session: SessionDep, caller: TaskForceWriter
) -> SubTaskForceRead:
    unit = await service.add_sub_task_force(session, caller, task_force_id, body)
    return SubTaskForceRead.model_validate(unit)


@router.get("/{task_force_id}/sub-task-forces/{sub_task_force_id}")
async def get_sub_task_force(
    task_force_id: int, sub_task_force_id: int, session: SessionDep, caller: TaskForceReader
) -> SubTaskForceRead:
    task_force = await service.get_visible(session, caller, task_force_id)
    unit = await service.get_sub_task_force(session, task_force, sub_task_force_id)
    return SubTaskForceRead.model_validate(unit)


@router.patch("/{task_force_id}/sub-task-forces/{sub_task_force_id}")
async def update_sub_task_force(
    task_force_id: int,
    sub_task_force_id: int,
    body: SubTaskForceUpdate,
    session: SessionDep,
    caller: TaskForceWriter,
) -> SubTaskForceRead:
    unit = await service.update_sub_task_force(
        session, caller, task_force_id, sub_task_force_id, body
    )
    return SubTaskForceRead.model_validate(unit)
