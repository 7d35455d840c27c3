from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import Field

from gtpptppo_api.cases.models import (
    AgeGroup,
    CaseStatus,
    ExploitationType,
    LegalStage,
    ServiceType,
)
from gtpptppo_api.cases.schemas import Destination, Personal, ServiceReceived
from gtpptppo_api.consent.schemas import Agency
from gtpptppo_api.kit.schemas import Schema
from gtpptppo_api.referrals.models import ReferralKind, ReferralState


class ReferralCreate(Schema):
    """A referral of the case for a service (``service`` required), or its transfer whole
    to another service centre of the system (no ``service``)."""

    kind: ReferralKind = ReferralKind.referral
    to: Agency = Field(
        description="The receiver: a service centre of the system by id, or another agency "
        "by kind and name (its answer is then recorded by the referring centre)."
    )
    service: ServiceType | None = None
    note: Annotated[str | None, Field(max_length=2000)] = None


class Decision(enum.StrEnum):
    accept = "accept"
    decline = "decline"


class ReferralDecision(Schema):
    decision: Decision
    reason: Annotated[
        str | None, Field(max_length=500, description="Why; required to decline.")
    ] = None


class ReferralRead(Schema):
    id: int
    case_id: uuid.UUID
    kind: ReferralKind
    from_centre_id: int
    external_ref: str = Field(description="The case's reference at the referring centre.")
    to: Agency
    service: ServiceType | None
    note: str | None
    state: ReferralState
    decision_reason: str | None
    created_by: str
    created_at: datetime
    decided_by: str | None
    decided_at: datetime | None


class ReferredCase(Schema):
    """What a receiving centre sees of a referred case: the fields the victim's referral
    consent covers, and the personal fields only where the victim consented to share them
    with this centre (``?include=personal`` with a reason, audited)."""

    referral_id: int
    case_id: uuid.UUID
    external_ref: str
    identified_on: date
    incident_on: date | None
    incident_year: int | None
    victim: dict[str, Any]
    age_group: AgeGroup
    origin_region_code: str | None
    destination: Destination | None
    transit: list[Destination]
    exploitation_types: list[ExploitationType]
    services: list[ServiceReceived]
    legal_stage: LegalStage
    status: CaseStatus
    personal: Personal | None = Field(
        default=None,
        description="Only with ?include=personal, where the victim consented to sharing "
        "with this centre.",
    )
