from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response

from gtpptppo_api.auth.deps import MemberReader, MemberWriter, TaskForceReader
from gtpptppo_api.db.session import SessionDep
from gtpptppo_api.kit.etag import IfMatch, etag
from gtpptppo_api.kit.openapi import ID, body, links
from gtpptppo_api.kit.pagination import CursorPage, paginate
from gtpptppo_api.members import service
from gtpptppo_api.members.models import MemberRole
from gtpptppo_api.members.schemas import MemberCreate, MemberDismissal, MemberRead
from gtpptppo_api.task_forces import service as task_forces
from gtpptppo_api.task_forces.schemas import DecreeCreate, DecreeRead

router = APIRouter(prefix="/task-forces/{task_force_id}", tags=["members and decrees"])


@router.post(
    "/decrees",
    status_code=201,
    responses={201: links(get_decree={"task_force_id": body("task_force_id"), "decree_id": ID})},
)
async def create_decree(
    task_force_id: int, body: DecreeCreate, session: SessionDep, caller: MemberWriter
) -> DecreeRead:
    """Record a decree (Keputusan) of the task force, to appoint or dismiss members."""
    decree = await service.create_decree(session, caller, task_force_id, body)
    return DecreeRead.model_validate(decree)


@router.get("/decrees", response_model=CursorPage[DecreeRead])
async def list_decrees(
    task_force_id: int, session: SessionDep, caller: TaskForceReader
) -> CursorPage[DecreeRead]:
    """Every decree of the task force, its formation decree first."""
    task_force = await task_forces.get_visible(session, caller, task_force_id)
    page: CursorPage[DecreeRead] = await paginate(session, service.decree_query(task_force))
    return page


@router.get("/decrees/{decree_id}")
async def get_decree(
    task_force_id: int, decree_id: int, session: SessionDep, caller: TaskForceReader
) -> DecreeRead:
    task_force = await task_forces.get_visible(session, caller, task_force_id)
    return DecreeRead.model_validate(await service.get_decree(session, task_force, decree_id))


@router.post(
    "/members",
    status_code=201,
    responses={201: links(get_member={"task_force_id": body("task_force_id"), "member_id": ID})},
)
async def appoint_member(
    task_force_id: int,
    body: MemberCreate,
    session: SessionDep,
    caller: MemberWriter,
    response: Response,
) -> MemberRead:
    """Appoint a member by a decree of the authority of the task force's level."""
    member = await service.appoint(session, caller, task_force_id, body)
    response.headers["ETag"] = etag(member.version)
    return MemberRead.model_validate(member)


@router.get("/members", response_model=CursorPage[MemberRead])
async def list_members(
    task_force_id: int,
    session: SessionDep,
    caller: MemberReader,
    on: Annotated[
        date | None,
        Query(description="Only those serving on this day; without it, the whole history."),
    ] = None,
    role: MemberRole | None = None,
    sub_task_force_id: int | None = None,
) -> CursorPage[MemberRead]:
    task_force = await task_forces.get_visible(session, caller, task_force_id)
    query = service.member_query(task_force, on=on, role=role, sub_task_force_id=sub_task_force_id)
    page: CursorPage[MemberRead] = await paginate(session, query)
    return page


@router.get("/members/{member_id}")
async def get_member(
    task_force_id: int,
    member_id: int,
    session: SessionDep,
    caller: MemberReader,
    response: Response,
) -> MemberRead:
    task_force = await task_forces.get_visible(session, caller, task_force_id)
    member = await service.get_member(session, task_force, member_id)
    response.headers["ETag"] = etag(member.version)
    return MemberRead.model_validate(member)


@router.post("/members/{member_id}/dismissal")
async def dismiss_member(
    task_force_id: int,
    member_id: int,
    body: MemberDismissal,
    session: SessionDep,
    caller: MemberWriter,
    response: Response,
    if_match: IfMatch = None,
) -> MemberRead:
    """Dismiss a member by decree; the record is closed, never deleted or rewritten."""
    member = await service.dismiss(session, caller, task_force_id, member_id, body, if_match)
    response.headers["ETag"] = etag(member.version)
    return MemberRead.model_validate(member)
