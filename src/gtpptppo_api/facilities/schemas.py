from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field

from gtpptppo_api.facilities.models import FacilityItem, ItemStatus, OwnerKind
from gtpptppo_api.kit.schemas import Day, Schema

Note = Annotated[str | None, Field(max_length=500)]


class ItemAssessment(Schema):
    item: FacilityItem
    status: ItemStatus
    note: Note = None


ItemList = Annotated[list[ItemAssessment], Field(max_length=len(FacilityItem))]


class FacilityInventoryCreate(Schema):
    """The inventory of a task force's secretariat or of a service centre: name exactly one.

    Applicable checklist items left out are recorded as missing.
    """

    task_force_id: Annotated[int | None, Field(description="For a secretariat.")] = None
    service_centre_id: Annotated[int | None, Field(description="For a service centre.")] = None
    assessed_on: Day
    notes: Annotated[str | None, Field(max_length=2000)] = None
    items: ItemList = []


class FacilityInventoryUpdate(Schema):
    """Items given replace the status and note of those items; the others are kept."""

    assessed_on: Day | None = None
    notes: Annotated[str | None, Field(max_length=2000)] = None
    items: ItemList | None = None


class ChecklistItemRead(Schema):
    item: FacilityItem
    group: str
    label: str
    section: str
    centre_only: bool


class ItemRead(Schema):
    item: FacilityItem
    group: str
    label: str
    section: str
    status: ItemStatus
    note: str | None


class FacilityInventoryRead(Schema):
    id: int
    owner_kind: OwnerKind
    task_force_id: int | None
    service_centre_id: int | None
    region_code: str
    assessed_on: date
    notes: str | None
    items: list[ItemRead]
    status_counts: dict[str, int]
    created_at: datetime
    updated_at: datetime
    version: int


class GapRow(Schema):
    item: FacilityItem
    owner_kind: OwnerKind
    label: str
    section: str
    missing: int
    partial: int
    present: int


class FacilityGaps(Schema):
    """What the secretariats and centres of a region subtree lack, item by item."""

    region_code: str
    inventories: dict[str, int]
    items: list[GapRow]
