from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field

from gtpptppo_api.kit.schemas import Day, Schema
from gtpptppo_api.partners.models import PartnerActivityKind, PartnerKind

Name = Annotated[str, Field(min_length=1, max_length=300)]
LongText = Annotated[str, Field(max_length=4000)]


class PartnerContact(Schema):
    """The group's contact person: personal data, stored encrypted."""

    name: Name
    phone: Annotated[str | None, Field(max_length=40, pattern=r"^\+?[0-9 ()-]{6,40}$")] = None
    email: Annotated[str | None, Field(max_length=200, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] = (
        None
    )


class PartnerCreate(Schema):
    name: Name
    kind: PartnerKind
    contribution: Annotated[
        str, Field(min_length=1, max_length=4000, description="Field of contribution.")
    ]
    listing_consent: bool = Field(
        default=False, description="The group agreed to be listed on the public pages."
    )
    contact: PartnerContact | None = None


class PartnerUpdate(Schema):
    """Every field optional; ``contact`` is replaced whole (null removes it)."""

    name: Name | None = None
    kind: PartnerKind | None = None
    contribution: Annotated[str | None, Field(min_length=1, max_length=4000)] = None
    listing_consent: bool | None = None
    contact: PartnerContact | None = None


class PartnerRead(Schema):
    id: int
    task_force_id: int
    name: str
    kind: PartnerKind
    contribution: str
    listing_consent: bool
    has_contact: bool
    contact: PartnerContact | None = Field(
        default=None, description="Only for task force administrators (the read is audited)."
    )
    created_at: datetime
    updated_at: datetime
    version: int


class PartnerActivityCreate(Schema):
    kind: PartnerActivityKind
    title: Name
    held_on: Day
    description: LongText = ""


class PartnerActivityRead(Schema):
    id: int
    partner_id: int
    kind: PartnerActivityKind
    title: str
    held_on: date
    description: str
    created_at: datetime


class AwardCreate(Schema):
    title: Name
    awarded_on: Day
    reason: Annotated[str, Field(min_length=1, max_length=4000)]
    decree_number: Annotated[str | None, Field(min_length=1, max_length=200)] = None


class AwardRead(Schema):
    id: int
    partner_id: int
    title: str
    awarded_on: date
    reason: str
    decree_number: str | None
    created_at: datetime
