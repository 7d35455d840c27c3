from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from gtpptppo_api.agreements import service
from gtpptppo_api.agreements.models import AgreementKind, PartyKind, ScopeItem
from gtpptppo_api.agreements.schemas import AgreementCreate, AgreementRead, AgreementUpdate
from gtpptppo_api.auth.deps import AgreementReader, AgreementWriter
from gtpptppo_api.db.session import SessionDep
from gtpptppo_api.kit.etag import IfMatch, etag
from gtpptppo_api.kit.openapi import ID, links
from gtpptppo_api.kit.pagination import CursorPage, paginate
from gtpptppo_api.kit.schemas import Day

router = APIRouter(prefix="/agreements", tags=["cooperation agreements"])


@router.post("", status_code=201, responses={201: links(get_agreement={"agreement_id": ID})})
async def create_agreement(
    body: AgreementCreate, session: SessionDep, caller: AgreementWriter, response: Response
) -> AgreementRead:
    """Record a cooperation agreement (MoU, joint agreement, contract) of a task force (BAB IV).

    International agreements only at national level (4.3); companies must carry the screening
    attestations of 4.2.3; the scope comes from the closed list of 4.4.1 d.
    """
    agreement = await service.create(session, caller, body)
    response.headers["ETag"] = etag(agreement.version)
    response.headers["Location"] = f"/api/v1/agreements/{agreement.id}"
    return service.read(agreement)


@router.get("", response_model=CursorPage[AgreementRead])
async def list_agreements(
    session: SessionDep,
    caller: AgreementReader,
    task_force_id: int | None = None,
    region_code: Annotated[
        str | None, Query(max_length=8, description="Task forces of this region and below.")
    ] = None,
    kind: AgreementKind | None = None,
    international: bool | None = None,
    scope: Annotated[ScopeItem | None, Query(description="Agreements covering this item.")] = None,
    party_kind: Annotated[
        PartyKind | None, Query(description="Agreements with a party of this kind.")
    ] = None,
    expiring_within: Annotated[
        int | None,
        Query(
            ge=0,
            le=3660,
            description="Only those still in force on `as_of` whose last day is at most this "
            "many days later (inclusive); ordered by that day.",
        ),
    ] = None,
    as_of: Annotated[
        Day | None, Query(description="The day `expiring_within` counts from; default today.")
    ] = None,
) -> CursorPage[AgreementRead]:
    """Agreements in the caller's jurisdiction, ordered by id (or by expiry)."""
    query = service.list_query(
        caller,
        task_force_id=task_force_id,
        region_code=region_code,
        kind=kind,
        international=international,
        scope=scope,
        party_kind=party_kind,
        expiring_within=expiring_within,
        as_of=as_of,
    )
    page: CursorPage[AgreementRead] = await paginate(session, query)
    return page


@router.get("/{agreement_id}")
async def get_agreement(
    agreement_id: int, session: SessionDep, caller: AgreementReader, response: Response
) -> AgreementRead:
    agreement = await service.get_visible(session, caller, agreement_id)
    response.headers["ETag"] = etag(agreement.version)
    return service.read(agreement)


@router.patch("/{agreement_id}")
async def update_agreement(
    agreement_id: int,
    body: AgreementUpdate,
    session: SessionDep,
    caller: AgreementWriter,
    response: Response,
    if_match: IfMatch = None,
) -> AgreementRead:
    """Edit an agreement; ``parties``, ``scope`` and ``documents`` are replaced whole."""
    agreement = await service.update(session, caller, agreement_id, body, if_match)
    response.headers["ETag"] = etag(agreement.version)
    return service.read(agreement)
