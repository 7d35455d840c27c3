from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, Field, model_validator

from gtpptppo_api.consent.models import AgencyKind, ConsentGiver, ProcessingBasis, Purpose
from gtpptppo_api.kit.schemas import Schema

MAX_PURPOSES = 50
Text = Annotated[str, Field(min_length=1, max_length=300)]


class Agency(Schema):
    """An agency: a service centre of this system (``kind: service_centre`` with its id), or
    another one by kind and name (a police station, a hospital, LPSK, a social affairs
    office, a P2TP2A / UPTD PPA outside the system)."""

    kind: AgencyKind
    service_centre_id: int | None = None
    name: Text | None = None

    @model_validator(mode="after")
    def _named(self) -> Agency:
        if self.kind is AgencyKind.service_centre:
            if self.service_centre_id is None:
                raise ValueError("a service centre of the system is named by service_centre_id")
            if self.name is not None:
                raise ValueError("a service centre of the system is named by its id, not a name")
        else:
            if self.name is None:
                raise ValueError(f"an agency of kind {self.kind.value} is named by name")
            if self.service_centre_id is not None:
                raise ValueError("service_centre_id is only for kind service_centre")
        return self


class PurposeGrant(Schema):
    """A purpose the data may be used for; ``sharing`` names the agency it is shared with."""

    purpose: Purpose
    agency: Agency | None = None

    @model_validator(mode="after")
    def _agency(self) -> PurposeGrant:
        if self.purpose is Purpose.sharing and self.agency is None:
            raise ValueError("sharing names the agency the data is shared with")
        if self.purpose is not Purpose.sharing and self.agency is not None:
            raise ValueError("only sharing names an agency")
        return self


class ConsentPut(Schema):
    """The case's legal basis and consent as it now stands (UU 27/2022): purposes granted
    before and left out here are withdrawn now; those added are granted as of ``given_at``."""

    legal_basis: ProcessingBasis
    given_by: ConsentGiver | None = Field(
        None,
        description="Who consented; required when the legal basis is consent. A child's "
        "(under 18 at identification) is given by a parent or guardian.",
    )
    given_at: AwareDatetime = Field(
        description="When the consent was given (or the basis arose), with its UTC offset."
    )
    purposes: Annotated[list[PurposeGrant], Field(max_length=MAX_PURPOSES)] = []


class Withdrawal(Schema):
    """A purpose withdrawn (per purpose; ``sharing`` with one agency, or with all of them
    when no agency is named)."""

    purpose: Purpose
    agency: Agency | None = None
    reason: Annotated[str, Field(min_length=1, max_length=500)]


class GrantRead(Schema):
    id: int
    purpose: Purpose
    agency: Agency | None
    granted_at: datetime
    granted_by: str
    withdrawn_at: datetime | None
    withdrawn_by: str | None
    withdrawal_reason: str | None


class RecordRead(Schema):
    legal_basis: ProcessingBasis
    given_by: ConsentGiver | None
    given_at: datetime
    recorded_at: datetime
    recorded_by: str
    superseded_at: datetime | None


class ConsentRead(Schema):
    """A case's consent: the current basis (null when none is recorded), the purposes in
    force, and the history (earlier bases, withdrawn purposes), never erased."""

    case_id: uuid.UUID
    current: RecordRead | None
    granted: list[GrantRead]
    withdrawn: list[GrantRead]
    records: list[RecordRead] = Field(description="Every basis recorded, newest first.")
    htcds_agreement: bool = Field(
        description="HTCDS 2.0 vic_AgreementToManagePersonalData: the basis is the victim's "
        "consent (or a guardian's) and the services purpose is in force."
    )
