from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from gtpptppo_api.auth.deps import FacilityReader, FacilityWriter
from gtpptppo_api.db.session import SessionDep
from gtpptppo_api.facilities import checklist, service
from gtpptppo_api.facilities.models import OwnerKind
from gtpptppo_api.facilities.schemas import (
    ChecklistItemRead,
    FacilityGaps,
    FacilityInventoryCreate,
    FacilityInventoryRead,
    FacilityInventoryUpdate,
)
from gtpptppo_api.kit.etag import IfMatch, etag
from gtpptppo_api.kit.openapi import ID, links
from gtpptppo_api.kit.pagination import CursorPage, paginate

router = APIRouter(prefix="/facilities", tags=["facilities"])

RegionQuery = Annotated[
    str | None, Query(max_length=8, description="This region and those under it.")
]


@router.get("/checklist")
async def get_facility_checklist(
    caller: FacilityReader, owner_kind: OwnerKind | None = None
) -> list[ChecklistItemRead]:
    """The checklist items of 5.2 in the regulation's wording; centre-only items are marked."""
    return [
        ChecklistItemRead.model_validate(entry, from_attributes=True)
        for entry in checklist.checklist(owner_kind)
    ]


@router.get("/gaps")
async def get_facility_gaps(
    session: SessionDep,
    caller: FacilityReader,
    region_code: RegionQuery = None,
    owner_kind: OwnerKind | None = None,
) -> FacilityGaps:
    """Per checklist item, how many secretariats and centres of the subtree lack it (5.2).

    Without ``region_code``, the caller's whole jurisdiction.
    """
    return await service.gaps(session, caller, region_code, owner_kind)


@router.post(
    "", status_code=201, responses={201: links(get_facility_inventory={"inventory_id": ID})}
)
async def create_facility_inventory(
    body: FacilityInventoryCreate, session: SessionDep, caller: FacilityWriter, response: Response
) -> FacilityInventoryRead:
    """Record the facilities of a secretariat or a service centre against 5.2.

    Items left out are recorded as missing; centre-only items are refused for a secretariat.
    """
    inventory = await service.create(session, caller, body)
    response.headers["ETag"] = etag(inventory.version)
    response.headers["Location"] = f"/api/v1/facilities/{inventory.id}"
    return service.read(inventory)


@router.get("", response_model=CursorPage[FacilityInventoryRead])
async def list_facility_inventories(
    session: SessionDep,
    caller: FacilityReader,
    region_code: RegionQuery = None,
    owner_kind: OwnerKind | None = None,
    task_force_id: int | None = None,
    service_centre_id: int | None = None,
) -> CursorPage[FacilityInventoryRead]:
    """Inventories in the caller's jurisdiction, ordered by id."""
    query = service.list_query(
        caller,
        region_code=region_code,
        owner_kind=owner_kind,
        task_force_id=task_force_id,
        service_centre_id=service_centre_id,
    )
    page: CursorPage[FacilityInventoryRead] = await paginate(
        session, query, transformer=lambda rows: [service.read(row) for row in rows]
    )
    return page


@router.get("/{inventory_id}")
async def get_facility_inventory(
    inventory_id: int, session: SessionDep, caller: FacilityReader, response: Response
) -> FacilityInventoryRead:
    inventory = await service.get_visible(session, caller, inventory_id)
    response.headers["ETag"] = etag(inventory.version)
    return service.read(inventory)


@router.patch("/{inventory_id}")
async def update_facility_inventory(
    inventory_id: int,
    body: FacilityInventoryUpdate,
    session: SessionDep,
    caller: FacilityWriter,
    response: Response,
    if_match: IfMatch = None,
) -> FacilityInventoryRead:
    """A new assessment: items given replace those items' status; the rest are kept."""
    inventory = await service.update(session, caller, inventory_id, body, if_match)
    response.headers["ETag"] = etag(inventory.version)
    return service.read(inventory)
