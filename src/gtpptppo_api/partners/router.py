from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from gtpptppo_api.auth.deps import PartnerReader, PartnerWriter
from gtpptppo_api.db.session import SessionDep
from gtpptppo_api.kit.crypto import Keyring
from gtpptppo_api.kit.etag import IfMatch, etag
from gtpptppo_api.kit.openapi import ID, body, links, path
from gtpptppo_api.kit.pagination import CursorPage, paginate
from gtpptppo_api.partners import service
from gtpptppo_api.partners.schemas import (
    AwardCreate,
    AwardRead,
    PartnerActivityCreate,
    PartnerActivityRead,
    PartnerCreate,
    PartnerRead,
    PartnerUpdate,
)
from gtpptppo_api.task_forces import service as task_forces

router = APIRouter(prefix="/task-forces/{task_force_id}/partners", tags=["community partners"])


def _keyring(request: Request) -> Keyring:
    ring: Keyring = request.app.state.keyring()
    return ring


@router.post(
    "",
    status_code=201,
    responses={201: links(get_partner={"task_force_id": body("task_force_id"), "partner_id": ID})},
)
async def create_partner(
    task_force_id: int,
    body: PartnerCreate,
    request: Request,
    session: SessionDep,
    caller: PartnerWriter,
    response: Response,
) -> PartnerRead:
    """Record a community group working with the task force (Peran Serta Masyarakat, 5.7 a);
    its contact person is stored encrypted."""
    partner = await service.create(session, caller, task_force_id, body, _keyring(request))
    response.headers["ETag"] = etag(partner.version)
    response.headers["Location"] = f"/api/v1/task-forces/{task_force_id}/partners/{partner.id}"
    return await service.read(session, caller, partner, _keyring(request))


@router.get("", response_model=CursorPage[PartnerRead])
async def list_partners(
    task_force_id: int,
    session: SessionDep,
    caller: PartnerReader,
    listed: Annotated[
        bool | None, Query(description="Only those that did (or did not) consent to be listed.")
    ] = None,
) -> CursorPage[PartnerRead]:
    """The task force's community partners, without their contact person (read one for it)."""
    task_force = await task_forces.get_visible(session, caller, task_force_id)
    page: CursorPage[PartnerRead] = await paginate(
        session,
        service.list_query(task_force, listed=listed),
        transformer=lambda rows: [service.public_view(row) for row in rows],
    )
    return page


@router.get("/{partner_id}")
async def get_partner(
    task_force_id: int,
    partner_id: int,
    request: Request,
    session: SessionDep,
    caller: PartnerReader,
    response: Response,
) -> PartnerRead:
    _, partner = await service.get_visible(session, caller, task_force_id, partner_id)
    response.headers["ETag"] = etag(partner.version)
    return await service.read(session, caller, partner, _keyring(request))


@router.patch("/{partner_id}")
async def update_partner(
    task_force_id: int,
    partner_id: int,
    body: PartnerUpdate,
    request: Request,
    session: SessionDep,
    caller: PartnerWriter,
    response: Response,
    if_match: IfMatch = None,
) -> PartnerRead:
    """Edit a partner (``listing_consent`` too, when the group changes its mind)."""
    partner = await service.update(
        session, caller, task_force_id, partner_id, body, _keyring(request), if_match
    )
    response.headers["ETag"] = etag(partner.version)
    return await service.read(session, caller, partner, _keyring(request))


@router.post(
    "/{partner_id}/activities",
    status_code=201,
    responses={
        201: links(
            list_partner_activities={
                "task_force_id": path("task_force_id"),
                "partner_id": body("partner_id"),
            }
        )
    },
)
async def add_partner_activity(
    task_force_id: int,
    partner_id: int,
    body: PartnerActivityCreate,
    session: SessionDep,
    caller: PartnerWriter,
) -> PartnerActivityRead:
    """An activity with the group: capacity building, coordination, prevention (5.7 b, c)."""
    activity = await service.add_activity(session, caller, task_force_id, partner_id, body)
    return PartnerActivityRead.model_validate(activity)


@router.get("/{partner_id}/activities", response_model=CursorPage[PartnerActivityRead])
async def list_partner_activities(
    task_force_id: int, partner_id: int, session: SessionDep, caller: PartnerReader
) -> CursorPage[PartnerActivityRead]:
    _, partner = await service.get_visible(session, caller, task_force_id, partner_id)
    page: CursorPage[PartnerActivityRead] = await paginate(
        session, service.activities_query(partner)
    )
    return page


@router.post(
    "/{partner_id}/awards",
    status_code=201,
    responses={
        201: links(
            list_partner_awards={
                "task_force_id": path("task_force_id"),
                "partner_id": body("partner_id"),
            }
        )
    },
)
async def add_partner_award(
    task_force_id: int,
    partner_id: int,
    body: AwardCreate,
    session: SessionDep,
    caller: PartnerWriter,
) -> AwardRead:
    """An award (penghargaan) the task force gives the group for its role (5.7 d)."""
    award = await service.add_award(session, caller, task_force_id, partner_id, body)
    return AwardRead.model_validate(award)


@router.get("/{partner_id}/awards", response_model=CursorPage[AwardRead])
async def list_partner_awards(
    task_force_id: int, partner_id: int, session: SessionDep, caller: PartnerReader
) -> CursorPage[AwardRead]:
    _, partner = await service.get_visible(session, caller, task_force_id, partner_id)
    page: CursorPage[AwardRead] = await paginate(session, service.awards_query(partner))
    return page
