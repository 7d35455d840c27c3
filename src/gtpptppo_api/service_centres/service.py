"""Service centres: formed by provincial and regency/city governments (5.1.2)."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.audit import service as audit
from gtpptppo_api.auth import scope
from gtpptppo_api.auth.service import Caller
from gtpptppo_api.errors import ValidationFailed
from gtpptppo_api.kit.etag import check_if_match
from gtpptppo_api.regions import service as regions
from gtpptppo_api.regions.models import RegionLevel
from gtpptppo_api.service_centres.models import ServiceCentre, ServiceCentreKind
from gtpptppo_api.service_centres.schemas import (
    ServiceCentreCreate,
    ServiceCentreRead,
    ServiceCentreUpdate,
)


def read(centre: ServiceCentre) -> ServiceCentreRead:
    return ServiceCentreRead.model_validate(centre)


async def get_visible(session: AsyncSession, caller: Caller, centre_id: int) -> ServiceCentre:
    """The centre if the caller may see it (a centre's own token sees it; others by
    jurisdiction over its region); 404 otherwise, as if it did not exist."""
    return await scope.get(
        session, caller, ServiceCentre, centre_id, noun="service centre", centre=_own_id
    )


def _own_id(centre: ServiceCentre) -> int:
    return centre.id


def list_query(
    caller: Caller,
    *,
    region_code: str | None = None,
    kind: ServiceCentreKind | None = None,
) -> Select[ServiceCentre]:
    query = scope.filter(
        select(ServiceCentre), caller, ServiceCentre.region_code, centre_column=ServiceCentre.id
    )
    if region_code is not None:
        query = query.where(regions.subtree_clause(ServiceCentre.region_code, region_code))
    if kind is not None:
        query = query.where(ServiceCentre.kind == kind)
    return query.order_by(ServiceCentre.id)


async def create(session: AsyncSession, caller: Caller, body: ServiceCentreCreate) -> ServiceCentre:
    """Register a centre in a province or regency/city (5.1.2: formed by regional governments)."""
    region = await regions.get(session, body.region_code)
    if region is None:
        raise ValidationFailed.field("region_code", f"unknown region code {body.region_code!r}")
    if region.level is RegionLevel.national:
        raise ValidationFailed.field(
            "region_code",
            "service centres are formed by provincial and regency/city governments "
            "(Permen PPPA 10/2012, 5.1.2)",
            rule="5.1.2",
        )
    scope.ensure_acts_in(caller, region.code)
    centre = ServiceCentre(**body.model_dump())
    session.add(centre)
    await session.flush()
    await session.refresh(centre)
    await audit.record(
        session,
        caller,
        action="create",
        entity_type="service_centre",
        entity_id=centre.id,
        after=read(centre),
    )
    return centre


async def update(
    session: AsyncSession,
    caller: Caller,
    centre_id: int,
    body: ServiceCentreUpdate,
    if_match: str | None,
) -> ServiceCentre:
    centre = await get_visible(session, caller, centre_id)
    check_if_match(if_match, centre.version)
    before = read(centre)
    for name, value in body.model_dump(exclude_unset=True).items():
        if value is None and name != "address":
            raise ValidationFailed.field(name, "must not be null")
        setattr(centre, name, value)
    await session.flush()
    await session.refresh(centre)
    await audit.record(
        session,
        caller,
        action="update",
        entity_type="service_centre",
        entity_id=centre.id,
        before=before,
        after=read(centre),
    )
    return centre
