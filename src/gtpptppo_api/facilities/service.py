"""Facilities inventories against the checklists of 5.2, and their gaps over a region.

Services flush, never commit; the request's session commits.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.audit import service as audit
from gtpptppo_api.auth import scope
from gtpptppo_api.auth.service import Caller
from gtpptppo_api.db.base import utcnow
from gtpptppo_api.errors import Conflict, FieldErrors, ValidationFailed, field_error
from gtpptppo_api.facilities import checklist
from gtpptppo_api.facilities.models import (
    FacilityInventory,
    FacilityItemStatus,
    ItemStatus,
    OwnerKind,
)
from gtpptppo_api.facilities.schemas import (
    FacilityGaps,
    FacilityInventoryCreate,
    FacilityInventoryRead,
    FacilityInventoryUpdate,
    GapRow,
    ItemAssessment,
    ItemRead,
)
from gtpptppo_api.kit.etag import check_if_match
from gtpptppo_api.regions import service as regions
from gtpptppo_api.service_centres import service as service_centres
from gtpptppo_api.task_forces import service as task_forces
from gtpptppo_api.task_forces.models import TaskForce
from gtpptppo_api.task_forces.service import ensure_active as _writable

REGULATION = "Permen PPPA 10/2012"


def read(inventory: FacilityInventory) -> FacilityInventoryRead:
    rows = sorted(inventory.items, key=lambda row: checklist.ORDER[row.item])
    items = []
    counts = dict.fromkeys((str(status) for status in ItemStatus), 0)
    for row in rows:
        entry = checklist.BY_ITEM[row.item]
        items.append(
            ItemRead(
                item=row.item,
                group=entry.group,
                label=entry.label,
                section=entry.section,
                status=row.status,
                note=row.note,
            )
        )
        counts[str(row.status)] += 1
    return FacilityInventoryRead(
        id=inventory.id,
        owner_kind=inventory.owner_kind,
        task_force_id=inventory.task_force_id,
        service_centre_id=inventory.service_centre_id,
        region_code=inventory.region_code,
        assessed_on=inventory.assessed_on,
        notes=inventory.notes,
        items=items,
        status_counts=counts,
        created_at=inventory.created_at,
        updated_at=inventory.updated_at,
        version=inventory.version,
    )


def _check_items(owner: OwnerKind, items: list[ItemAssessment]) -> None:
    """Each item once; a secretariat's checklist has no centre-only items (5.2).

    5.2 gives the secretariat of a task force its own list (GT-PPTPPO Pusat a-d, within the
    general a-g, which names the safe house or room); the hotline, victims' rooms and the
    special rooms at hospitals and police belong to the integrated service centre's list
    (5.2 Pusat Pelayanan Terpadu).
    """
    errors = FieldErrors()
    seen = set()
    for index, assessment in enumerate(items):
        field = f"items.{index}.item"
        entry = checklist.BY_ITEM[assessment.item]
        if assessment.item in seen:
            errors.add(field, f"{assessment.item.value} is listed twice")
        seen.add(assessment.item)
        if not checklist.applies(entry, owner):
            errors.add(
                field,
                f"{assessment.item.value} ({entry.label}) is a facility of an integrated "
                f"service centre, not of a secretariat ({REGULATION}, {entry.section})",
                "5.2",
            )
    errors.raise_if_any("The inventory is not valid")


def _visible_clause(caller: Caller) -> ColumnElement[bool]:
    """Inventories the caller may see: a centre's token its own; others by jurisdiction."""
    return scope.clause(
        caller, FacilityInventory.region_code, centre_column=FacilityInventory.service_centre_id
    )


def _owner_centre(inventory: FacilityInventory) -> int | None:
    return inventory.service_centre_id


async def get_visible(
    session: AsyncSession, caller: Caller, inventory_id: int
) -> FacilityInventory:
    """The inventory if the caller may see it; 404 otherwise, as if it did not exist."""
    return await scope.get(
        session,
        caller,
        FacilityInventory,
        inventory_id,
        noun="facilities inventory",
        centre=_owner_centre,
    )


def list_query(
    caller: Caller,
    *,
    region_code: str | None = None,
    owner_kind: OwnerKind | None = None,
    task_force_id: int | None = None,
    service_centre_id: int | None = None,
) -> Select[FacilityInventory]:
    query = select(FacilityInventory).where(_visible_clause(caller))
    if region_code is not None:
        query = query.where(regions.subtree_clause(FacilityInventory.region_code, region_code))
    if owner_kind is not None:
        query = query.where(FacilityInventory.owner_kind == owner_kind)
    if task_force_id is not None:
        query = query.where(FacilityInventory.task_force_id == task_force_id)
    if service_centre_id is not None:
        query = query.where(FacilityInventory.service_centre_id == service_centre_id)
    return query.order_by(FacilityInventory.id)


async def create(
    session: AsyncSession, caller: Caller, body: FacilityInventoryCreate
) -> FacilityInventory:
    """Record the inventory of a secretariat or a service centre against its 5.2 checklist.

    An applicable item left out is recorded as missing (tidak ada), so every inventory is
    complete against its checklist and the roll-ups count every item. One inventory per
    owner: later assessments edit it (409 otherwise).
    """
    if (body.task_force_id is None) == (body.service_centre_id is None):
        raise ValidationFailed(
            "Name exactly one owner: task_force_id (its secretariat) or service_centre_id.",
            [
                field_error(field, "give exactly one of the two")
                for field in ("task_force_id", "service_centre_id")
            ],
        )
    if body.task_force_id is not None:
        task_force = await task_forces.get_visible(session, caller, body.task_force_id)
        _writable(task_force)
        owner, region_code = OwnerKind.secretariat, task_force.region_code
        taken = FacilityInventory.task_force_id == task_force.id
    else:
        assert body.service_centre_id is not None
        centre = await service_centres.get_visible(session, caller, body.service_centre_id)
        owner, region_code = OwnerKind.service_centre, centre.region_code
        taken = FacilityInventory.service_centre_id == centre.id
    _check_items(owner, body.items)
    existing = await session.scalar(select(FacilityInventory.id).where(taken))
    if existing is not None:
        raise Conflict(
            f"This {owner.value} already has an inventory ({existing}); edit it instead.",
            existing_inventory_id=existing,
        )
    given = {assessment.item: assessment for assessment in body.items}
    rows = []
    for entry in checklist.checklist(owner):
        assessment = given.get(entry.item)
        rows.append(
            FacilityItemStatus(
                item=entry.item,
                status=assessment.status if assessment else ItemStatus.missing,
                note=assessment.note if assessment else None,
            )
        )
    inventory = FacilityInventory(
        owner_kind=owner,
        task_force_id=body.task_force_id,
        service_centre_id=body.service_centre_id,
        region_code=region_code,
        assessed_on=body.assessed_on,
        notes=body.notes,
        items=rows,
    )
    session.add(inventory)
    try:
        await session.flush()
    except IntegrityError as exc:  # a concurrent request recorded one first
        raise Conflict(f"This {owner.value} already has an inventory.") from exc
    await session.refresh(inventory)
    await audit.record(
        session,
        caller,
        action="create",
        entity_type="facility_inventory",
        entity_id=inventory.id,
        after=read(inventory),
    )
    return inventory


async def update(
    session: AsyncSession,
    caller: Caller,
    inventory_id: int,
    body: FacilityInventoryUpdate,
    if_match: str | None,
) -> FacilityInventory:
    """A new assessment: the items given replace those items' status and note."""
    inventory = await get_visible(session, caller, inventory_id)
    check_if_match(if_match, inventory.version)
    if inventory.task_force_id is not None:
        task_force = await session.get(TaskForce, inventory.task_force_id)
        assert task_force is not None
        _writable(task_force)
    changes = body.model_fields_set
    if not changes:
        raise ValidationFailed.nothing_to_change()
    for name in ("assessed_on", "items"):
        if name in changes and getattr(body, name) is None:
            raise ValidationFailed.field(name, "must not be null")
    before = read(inventory)
    if body.items is not None:
        _check_items(inventory.owner_kind, body.items)
        rows = {row.item: row for row in inventory.items}
        for assessment in body.items:
            row = rows.get(assessment.item)
            if row is None:  # an item the checklist gained after the inventory was made
                row = FacilityItemStatus(item=assessment.item)
                inventory.items.append(row)
            row.status = assessment.status
            row.note = assessment.note
    if body.assessed_on is not None:
        inventory.assessed_on = body.assessed_on
    if "notes" in changes:
        inventory.notes = body.notes
    inventory.updated_at = utcnow()
    await session.flush()
    await session.refresh(inventory)
    await audit.record(
        session,
        caller,
        action="update",
        entity_type="facility_inventory",
        entity_id=inventory.id,
        before=before,
        after=read(inventory),
    )
    return inventory


async def gap_rows(
    session: AsyncSession, where: ColumnElement[bool], owner_kind: OwnerKind | None = None
) -> tuple[dict[str, int], list[GapRow]]:
    """Inventories by owner kind, and per item and owner kind how many lack it, in SQL."""
    if owner_kind is not None:
        where = where & (FacilityInventory.owner_kind == owner_kind)
    owners = await session.execute(
        select(FacilityInventory.owner_kind, func.count())
        .where(where)
        .group_by(FacilityInventory.owner_kind)
    )
    inventories = dict.fromkeys((str(kind) for kind in OwnerKind), 0)
    inventories.update({str(kind): count for kind, count in owners.all()})

    def counted(status: ItemStatus) -> Any:
        return func.sum(case((FacilityItemStatus.status == status, 1), else_=0))

    result = await session.execute(
        select(
            FacilityItemStatus.item,
            FacilityInventory.owner_kind,
            counted(ItemStatus.missing),
            counted(ItemStatus.partial),
            counted(ItemStatus.present),
        )
        .join(FacilityInventory, FacilityInventory.id == FacilityItemStatus.inventory_id)
        .where(where)
        .group_by(FacilityItemStatus.item, FacilityInventory.owner_kind)
    )
    rows = [
        GapRow(
            item=item,
            owner_kind=kind,
            label=checklist.BY_ITEM[item].label,
            section=checklist.BY_ITEM[item].section,
            missing=int(missing),
            partial=int(partial),
            present=int(present),
        )
        for item, kind, missing, partial, present in result.all()
    ]
    rows.sort(key=lambda row: (checklist.ORDER[row.item], row.owner_kind.value))
    return inventories, rows


async def gaps(
    session: AsyncSession,
    caller: Caller,
    region_code: str | None = None,
    owner_kind: OwnerKind | None = None,
) -> FacilityGaps:
    """What the secretariats and centres of a region and the regions under it lack (5.2).

    Per checklist item and owner kind: how many inventories have it missing, partial or
    present. An unknown region answers 422; one outside the caller's jurisdiction 404.
    """
    root = region_code or caller.scope_code
    if root != regions.NATIONAL and await regions.get(session, root) is None:
        raise ValidationFailed.field("region_code", f"unknown region code {root!r}")
    # A centre's token is scoped to its centre's region too: outside it, 404 like any caller.
    scope.ensure(caller, root, "region", root)
    where = _visible_clause(caller) & regions.subtree_clause(FacilityInventory.region_code, root)
    inventories, rows = await gap_rows(session, where, owner_kind)
    return FacilityGaps(region_code=root, inventories=inventories, items=rows)
