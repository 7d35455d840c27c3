from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Literal

import pycountry
from pydantic import AfterValidator, Field, field_validator, model_validator

from gtpptppo_api.cases.models import (
    AgeGroup,
    CaseStatus,
    ExploitationType,
    LegalStage,
    ServiceType,
    Sex,
)
from gtpptppo_api.kit.schemas import Day, Schema

MAX_AGE = 120
RegionCode = Annotated[str, Field(min_length=2, max_length=8, pattern=r"^\d{2}(\.\d{2})?$")]


COUNTRIES = frozenset(country.alpha_2 for country in pycountry.countries)
NIK_SEPARATORS = re.compile(r"[\s.\-]")
# ASCII digits only: ``\d`` also takes the digits of every other script (``３``, ``٣``),
# which would give the same NIK another blind index, and its victim a second count.
NIK = re.compile(r"[0-9]{16}")


def nik_digits(value: str) -> str:
    """The NIK's 16 ASCII digits; ValueError if it has not got them.

    NFKC first: full-width digits and separators become ASCII ones (the same NIK typed on
    another keyboard); the digits of other scripts stay as they are, and are refused.
    """
    digits = NIK_SEPARATORS.sub("", unicodedata.normalize("NFKC", value))
    if not NIK.fullmatch(digits):
        raise ValueError("a NIK has 16 digits 0-9")
    return digits


def iso_country(value: str) -> str:
    code = value.upper()
    if code not in COUNTRIES:
        raise ValueError("must be an ISO 3166-1 alpha-2 country code")
    return code


class Destination(Schema):
    """Where the victim was taken (or moved through): a region of Indonesia or another
    country (ISO 3166)."""

    region_code: RegionCode | None = None
    country: Annotated[str | None, Field(min_length=2, max_length=2, examples=["MY"])] = None

    @field_validator("country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        return None if value is None else iso_country(value)

    @model_validator(mode="after")
    def _exactly_one(self) -> Destination:
        if (self.region_code is None) == (self.country is None):
            raise ValueError("give either region_code or country")
        return self


class Victim(Schema):
    sex: Sex
    age_at_identification: Annotated[int, Field(ge=0, le=MAX_AGE)]
    nationality: Annotated[str, Field(min_length=2, max_length=2)] = "ID"

    @field_validator("nationality")
    @classmethod
    def _nationality(cls, value: str) -> str:
        return iso_country(value)


class ServiceReceived(Schema):
    type: ServiceType
    started_on: date
    ended_on: date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> ServiceReceived:
        if self.ended_on is not None and self.ended_on < self.started_on:
            raise ValueError("ended_on precedes started_on")
        return self


class ServiceReceivedIn(ServiceReceived):
    """A service as pushed: its dates are not before ``EARLIEST_DAY`` (a case read keeps
    what is stored)."""

    started_on: Day
    ended_on: Day | None = None


class Personal(Schema):
    """Personal identifiers: encrypted at rest, shown only to those who may see them."""

    name: Annotated[str | None, Field(max_length=200)] = None
    nik: Annotated[str | None, Field(description="16-digit Nomor Induk Kependudukan")] = None
    phone: Annotated[str | None, Field(max_length=30)] = None

    @field_validator("nik")
    @classmethod
    def _nik(cls, value: str | None) -> str | None:
        return None if value is None else nik_digits(value)


class Witness(Personal):
    """A witness of the case (saksi), a protected person of the regulation: encrypted at
    rest and shown as the victim's personal fields are."""

    relation: Annotated[
        str | None, Field(max_length=100, description="To the victim, e.g. ibu, tetangga.")
    ] = None


def printable_ref(value: str) -> str:
    """A reference is printable text: no control or format character, no lone surrogate,
    and no U+FFFD, which is what a server makes of bytes that were not UTF-8 in a path."""
    if not value.isprintable() or "\ufffd" in value:
        raise ValueError("only printable characters (a control or undecodable one was sent)")
    return value


ExternalRef = Annotated[
    str,
    Field(min_length=1, max_length=100, pattern=r"^[^/\s]+$"),
    AfterValidator(printable_ref),
]


class CaseFields(Schema):
    """The fields of a case record (docs/architecture.md, "The case write path")."""

    registered_region_code: RegionCode
    origin_region_code: RegionCode | None = None
    destination: Destination | None = None
    identified_on: Day
    incident_on: Day | None = Field(
        default=None,
        description='When the trafficking took place (Table 1 "Tahun Kejadian"), if known; '
        "on or before identified_on.",
    )
    incident_year: Annotated[int | None, Field(ge=1900, le=2200)] = Field(
        default=None,
        description="The year of the incident when its day is not known (or the year of "
        "incident_on, which it must then equal).",
    )
    victim: Victim
    exploitation_types: Annotated[list[ExploitationType], Field(min_length=1, max_length=7)]
    services: Annotated[list[ServiceReceivedIn], Field(max_length=50)] = []
    transit: Annotated[
        list[Destination],
        Field(
            max_length=20,
            description="The places the victim was moved through between origin and "
            "destination, in order: each a region_code or a country.",
        ),
    ] = []
    legal_stage: LegalStage = LegalStage.none
    status: CaseStatus = CaseStatus.open
    personal: Personal | None = None
    witnesses: Annotated[
        list[Witness],
        Field(max_length=20, description="The case's witnesses (saksi): encrypted at rest."),
    ] = []

    @field_validator("exploitation_types")
    @classmethod
    def _distinct(cls, value: list[ExploitationType]) -> list[ExploitationType]:
        if len(set(value)) != len(value):
            raise ValueError("each exploitation type once")
        return sorted(value)

    def incident_year_known(self) -> int | None:
        """The incident's year, from its day or as given; None where unknown."""
        return self.incident_on.year if self.incident_on is not None else self.incident_year

    # Optional fields added after cases were first stored: left out of a case's content
    # (``cases.service.content_of``) while unset, so a client that does not send them
    # pushes the same content as before and its cases stay unchanged.
    LATER_FIELDS: ClassVar[tuple[str, ...]] = (
        "incident_on",
        "incident_year",
        "transit",
        "witnesses",
    )


class CaseIn(CaseFields):
    """A case in a batch; ``external_ref`` is the centre's own reference for it."""

    external_ref: ExternalRef


class CasePut(CaseFields):
    """The body of ``PUT .../cases/{external_ref}``; ``external_ref`` may repeat the path's."""

    external_ref: ExternalRef | None = None


class CaseRead(Schema):
    id: uuid.UUID
    service_centre_id: int
    external_ref: str
    registered_region_code: str
    origin_region_code: str | None
    destination: Destination | None
    identified_on: date
    incident_on: date | None = None
    incident_year: int | None = None
    victim: dict[str, Any]
    age_group: AgeGroup
    exploitation_types: list[ExploitationType]
    services: list[ServiceReceived]
    transit: list[Destination] = []
    legal_stage: LegalStage
    status: CaseStatus
    version: int
    created_at: datetime
    updated_at: datetime
    personal: Personal | None = Field(
        default=None, description="Only with ?include=personal, for those allowed."
    )
    witnesses: list[Witness] | None = Field(
        default=None, description="Only with ?include=personal, for those allowed."
    )
    likely_duplicates: list[uuid.UUID] | None = Field(
        default=None,
        description="Other cases with the same NIK identified the same year (authorised callers).",
    )


class VictimLinkCreate(Schema):
    """Link a case to another as the same victim (a likely duplicate resolved)."""

    other_case_id: uuid.UUID
    reason: Annotated[str, Field(min_length=1, max_length=500, description="Why: audited.")]


class VictimLinkRead(Schema):
    """Two cases a secretariat linked as one victim; ``unlinked_*`` once undone."""

    id: int
    case_id: uuid.UUID
    other_case_id: uuid.UUID
    reason: str
    linked_by: str
    linked_at: datetime
    unlinked_by: str | None = None
    unlinked_at: datetime | None = None
    unlink_reason: str | None = None


Outcome = Literal["created", "updated", "unchanged", "invalid"]


class ItemResult(Schema):
    index: int
    external_ref: str | None = None
    outcome: Outcome
    id: uuid.UUID | None = None
    version: int | None = None
    errors: list[dict[str, str]] | None = None


class BatchResult(Schema):
    created: int
    updated: int
    unchanged: int
    invalid: int
    results: list[ItemResult]
