from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field

from gtpptppo_api.agreements.models import AgreementKind, PartyKind, ScopeItem, SigningAuthority
from gtpptppo_api.kit.schemas import Day, Schema

Text = Annotated[str, Field(min_length=1, max_length=300)]
Country = Annotated[
    str,
    Field(
        pattern="^[A-Z]{2}$",
        examples=["MY"],
        description="ISO 3166-1 alpha-2 country; omitted for Indonesia.",
    ),
]


class Screening(Schema):
    """A company's attestations for private-sector cooperation (4.2.3 a-c)."""

    no_harmful_products: bool = Field(
        description="Its products do not harm health, e.g. cigarettes, formula milk (4.2.3 a)."
    )
    no_child_labour: bool = Field(
        description="It employs no child labour, nor the worst forms of child labour (4.2.3 b)."
    )
    no_sexual_exploitation: bool = Field(
        description="No child sexual exploitation, paedophilia or other violence (4.2.3 c)."
    )
    attested_on: date
    attested_by: Text


class PartyCreate(Schema):
    kind: PartyKind
    name: Annotated[
        str | None,
        Field(
            min_length=1,
            max_length=300,
            description="Required, except for a task force (its own name is used).",
        ),
    ] = None
    partner_task_force_id: Annotated[
        int | None, Field(description="Required when kind is task_force.")
    ] = None
    country: Country | None = None
    screening: Annotated[
        Screening | None,
        Field(description="Required, all three attested, when kind is company (4.2.3)."),
    ] = None


class PartyRead(Schema):
    id: int
    kind: PartyKind
    name: str
    partner_task_force_id: int | None
    country: str | None
    screening: Screening | None


class DocumentRef(Schema):
    """A reference to a document kept elsewhere: nothing is uploaded."""

    title: Annotated[str, Field(min_length=1, max_length=500)]
    reference: Annotated[str, Field(min_length=1, max_length=200, examples=["415.4/12/2026"])]
    dated_on: date
    locator: Annotated[
        str | None, Field(max_length=1000, description="Where the original is kept (an address).")
    ] = None


class DocumentRead(DocumentRef):
    id: int


Parties = Annotated[list[PartyCreate], Field(min_length=1, max_length=50)]
Scope = Annotated[
    list[ScopeItem],
    Field(min_length=1, description="Items of the closed list of 4.4.1 d, each at most once."),
]
Documents = Annotated[list[DocumentRef], Field(max_length=50)]


class AgreementCreate(Schema):
    task_force_id: int
    kind: AgreementKind
    title: Annotated[str, Field(min_length=1, max_length=500)]
    signed_on: Day
    valid_from: Day | None = Field(default=None, description="Defaults to signed_on.")
    valid_until: Day | None = Field(
        default=None, description="Last day in force; omitted for no end date."
    )
    signing_authority: SigningAuthority
    signatory_position: Annotated[str | None, Field(max_length=300)] = None
    parties: Parties
    scope: Scope
    documents: Documents = []


class AgreementUpdate(Schema):
    """Fields given replace the stored ones; ``parties``, ``scope``, ``documents`` whole."""

    kind: AgreementKind | None = None
    title: Annotated[str | None, Field(min_length=1, max_length=500)] = None
    signed_on: Day | None = None
    valid_from: Day | None = None
    valid_until: Day | None = None
    signing_authority: SigningAuthority | None = None
    signatory_position: Annotated[str | None, Field(max_length=300)] = None
    parties: Parties | None = None
    scope: Scope | None = None
    documents: Documents | None = None


class AgreementRead(Schema):
    id: int
    task_force_id: int
    region_code: str
    kind: AgreementKind
    title: str
    signed_on: date
    valid_from: date
    valid_until: date | None
    signing_authority: SigningAuthority
    signatory_position: str | None
    international: bool
    parties: list[PartyRead]
    scope: list[ScopeItem]
    documents: list[DocumentRead]
    created_at: datetime
    updated_at: datetime
    version: int
