from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from gtpptppo_api.auth.deps import ServiceCentreReader, ServiceCentreWriter
from gtpptppo_api.db.session import SessionDep
from gtpptppo_api.kit.etag import IfMatch, etag
from gtpptppo_api.kit.openapi import ID, links
from gtpptppo_api.kit.pagination import CursorPage, paginate
from gtpptppo_api.service_centres import service
from gtpptppo_api.service_centres.models import ServiceCentreKind
from gtpptppo_api.service_centres.schemas import (
    ServiceCentreCreate,
    ServiceCentreRead,
    ServiceCentreUpdate,
)

router = APIRouter(prefix="/service-centres", tags=["service centres"])


@router.post("", status_code=201, responses={201: links(get_service_centre={"centre_id": ID})})
async def create_service_centre(
    body: ServiceCentreCreate, session: SessionDep, caller: ServiceCentreWriter, response: Response
) -> ServiceCentreRead:
    """Register an integrated service centre (PPT, P2TP2A, ...) in a province or regency."""
    centre = await service.create(session, caller, body)
    response.headers["ETag"] = etag(centre.version)
    response.headers["Location"] = f"/api/v1/service-centres/{centre.id}"
    return service.read(centre)


@router.get("", response_model=CursorPage[ServiceCentreRead])
async def list_service_centres(
    session: SessionDep,
    caller: ServiceCentreReader,
    region_code: Annotated[
        str | None, Query(max_length=8, description="This region and those under it.")
    ] = None,
    kind: ServiceCentreKind | None = None,
) -> CursorPage[ServiceCentreRead]:
    query = service.list_query(caller, region_code=region_code, kind=kind)
    page: CursorPage[ServiceCentreRead] = await paginate(session, query)
    return page


@router.get("/{centre_id}")
async def get_service_centre(
    centre_id: int, session: SessionDep, caller: ServiceCentreReader, response: Response
) -> ServiceCentreRead:
    centre = await service.get_visible(session, caller, centre_id)
    response.headers["ETag"] = etag(centre.version)
    return service.read(centre)


@router.patch("/{centre_id}")
async def update_service_centre(
    centre_id: int,
    body: ServiceCentreUpdate,
    session: SessionDep,
    caller: ServiceCentreWriter,
    response: Response,
    if_match: IfMatch = None,
) -> ServiceCentreRead:
    centre = await service.update(session, caller, centre_id, body, if_match)
    response.headers["ETag"] = etag(centre.version)
    return service.read(centre)
