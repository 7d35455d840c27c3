from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Literal

import pycountry
from pydantic import AfterValidator, Field, field_validator, model_validator

from gtpptppo_api.cases.htcds import (
    ControlMethod,
    EventType,
    Industry,
    Majority,
    OtherExploitation,
    PerpetratorRole,
    RecruitmentMethod,
    Relationship,
    SexualExploitationType,
    StatusDecider,
    TraffickingStatus,
    Vulnerability,
    WebsiteOrApp,
)
from gtpptppo_api.cases.models import (
    AgeGroup,
    CaseStatus,
    ExploitationType,
    LegalStage,
    ServiceType,
    Sex,
)
from gtpptppo_api.cases.simfoni import (
    Education,
    IncidentPlace,
    Occupation,
    PerpetratorRelationship,
    ViolenceForm,
    described,
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


def htcds(name: str, description: str = "", default: Any = None) -> Any:
    """A field that maps to the HTCDS 2.0 field ``name``: the OpenAPI document names it in
    the description and in ``x-htcds-field``."""
    text = f"HTCDS 2.0: `{name}`." + (f" {description}" if description else "")
    return Field(default=default, description=text, json_schema_extra={"x-htcds-field": name})


def empty_list() -> Any:
    """An empty list as a pushed field's default, made afresh for each body: a shared
    mutable default is deep-copied by the validator for every body that leaves the field
    out, a cost on each item of a batch or an import."""
    return Field(default_factory=list, json_schema_extra={"default": []})


def _distinct_list(value: list[Any]) -> list[Any]:
    if len(set(value)) != len(value):
        raise ValueError("each value once")
    return value


# Multi-select picklists: distinct members, in the order sent.
ControlMethods = Annotated[
    list[ControlMethod], Field(max_length=len(ControlMethod)), AfterValidator(_distinct_list)
]
OtherExploitations = Annotated[
    list[OtherExploitation],
    Field(max_length=len(OtherExploitation)),
    AfterValidator(_distinct_list),
]
PerpetratorRoles = Annotated[
    list[PerpetratorRole], Field(max_length=len(PerpetratorRole)), AfterValidator(_distinct_list)
]
RecruitmentMethods = Annotated[
    list[RecruitmentMethod],
    Field(max_length=len(RecruitmentMethod)),
    AfterValidator(_distinct_list),
]
SexualExploitationTypes = Annotated[
    list[SexualExploitationType],
    Field(max_length=len(SexualExploitationType)),
    AfterValidator(_distinct_list),
]
Vulnerabilities = Annotated[
    list[Vulnerability], Field(max_length=len(Vulnerability)), AfterValidator(_distinct_list)
]
WebsitesOrApps = Annotated[
    list[WebsiteOrApp], Field(max_length=len(WebsiteOrApp)), AfterValidator(_distinct_list)
]


class Place(Destination):
    """Where something happened: a region of Indonesia (its code) or another country."""


class VictimContext(Schema):
    """The victim context of HTCDS 2.0 (``vic_*``): how the victim was recruited, controlled
    and exploited, and what made them vulnerable. Every field is optional."""

    trafficking_status: TraffickingStatus | None = htcds("vic_TraffickingStatus")
    trafficking_status_decided_by: StatusDecider | None = htcds(
        "vic_TraffickingStatusDecisionMakingOrg"
    )
    relationship_to_trafficker: Relationship | None = htcds("vic_RelationshipToTrafficker")
    recruitment_methods: RecruitmentMethods = htcds("vic_MethodOfRecruitment", default=[])
    recruitment_websites_and_apps: WebsitesOrApps = htcds(
        "vic_RecruitmentWebsitesAndApps", default=[]
    )
    recruitment_place: Place | None = htcds(
        "vic_LocationOfRecruitment", "A region code of Indonesia or a country."
    )
    recruited_on: Day | None = htcds("hte_Date", "The date of recruitment.")
    control_methods: ControlMethods = htcds(
        "vic_MethodsOfControl", "The means of control.", default=[]
    )
    other_exploitation_types: OtherExploitations = htcds(
        "vic_TypeOfExploitation",
        "The standard's types of exploitation that the case's exploitation type `other` "
        "stands for.",
        default=[],
    )
    forced_labour_industry: Industry | None = htcds(
        "vic_ForcedLabourIndustry",
        "The industry (a section of ISIC Rev. 4); only with exploitation type forced_labour.",
    )
    sexual_exploitation_types: SexualExploitationTypes = htcds(
        "vic_TypeOfSexExploitation",
        "Only with exploitation type sexual_exploitation.",
        default=[],
    )
    exploitation_place: Place | None = htcds(
        "vic_LocationOfExploitation", "A region code of Indonesia or a country."
    )
    exploited_on: Day | None = htcds(
        "hte_Date", "When the exploitation began; on or before identified_on."
    )
    exploitation_websites_and_apps: WebsitesOrApps = htcds(
        "vic_ExploitationWebsitesAndApps", default=[]
    )
    vulnerabilities: Vulnerabilities = htcds("vic_Vulnerabilities", default=[])
    vulnerability_details: Annotated[str | None, Field(max_length=1000)] = htcds(
        "vic_DetailsOfVulnerabilities", "No names or identifiers here: it is not encrypted."
    )


class Perpetrator(Schema):
    """A perpetrator of the case (pelaku): the role in the process, the relationship to the
    victim, sex, nationality and whether reported to the police. ``name`` and
    ``identity_number`` are encrypted at rest and shown as the victim's personal fields."""

    roles: PerpetratorRoles = htcds("per_RoleInProcess", default=[])
    role_details: Annotated[str | None, Field(max_length=1000)] = htcds("per_RoleDetails")
    relationship_to_victim: Relationship | None = htcds("vic_RelationshipToTrafficker")
    sex: Sex | None = htcds("prs_Gender")
    nationality: Annotated[str | None, Field(min_length=2, max_length=2)] = htcds(
        "prs_Citizenship", "ISO 3166-1 alpha-2."
    )
    reported_to_police: bool | None = Field(
        default=None, description="Whether reported to the police (dilaporkan ke polisi)."
    )
    name: Annotated[str | None, Field(max_length=200)] = htcds(
        "prs_FirstName", "Encrypted; shown only with ?include=personal."
    )
    identity_number: Annotated[str | None, Field(max_length=50)] = htcds(
        "prs_IdentityNumber",
        "NIK or passport number. Encrypted; shown only with ?include=personal.",
    )

    PERSONAL: ClassVar[tuple[str, ...]] = ("name", "identity_number")

    @field_validator("nationality")
    @classmethod
    def _nationality(cls, value: str | None) -> str | None:
        return None if value is None else iso_country(value)


class TraffickingEvent(Place):
    """A trafficking event of HTCDS 2.0 (``hte_*``): recruitment, transit or exploitation,
    at a place (a region code of Indonesia or a country) on a day or over a period."""

    type: EventType = htcds("hte_Type", default=...)
    started_on: Day = htcds("hte_Date", "The day, or the first day of the period.", default=...)
    ended_on: Day | None = Field(default=None, description="The last day of a period.")

    @model_validator(mode="after")
    def _period(self) -> TraffickingEvent:
        if self.ended_on is not None and self.ended_on < self.started_on:
            raise ValueError("ended_on precedes started_on")
        return self


def simfoni(cls: type[Any], what: str) -> str:
    """The description of a SIMFONI-PPA field: what it is, then each value's label."""
    return f"SIMFONI-PPA: {what}. Values (label in SIMFONI-PPA): {described(cls)}."


ViolenceForms = Annotated[
    list[ViolenceForm], Field(max_length=len(ViolenceForm)), AfterValidator(_distinct_list)
]
PerpetratorRelationships = Annotated[
    list[PerpetratorRelationship],
    Field(max_length=len(PerpetratorRelationship)),
    AfterValidator(_distinct_list),
]


class Simfoni(Schema):
    """The categories of SIMFONI-PPA (the ministry's register) that the case holds nowhere
    else. The age band, the perpetrators' sex, the forms of violence the exploitation types
    and means of control give, and the relationship the HTCDS relationship gives are derived
    for the SIMFONI export (docs/htcds.md, "SIMFONI-PPA"); every field is optional."""

    violence_forms: ViolenceForms = Field(
        default=[],
        description=simfoni(
            ViolenceForm,
            "forms of violence (bentuk kekerasan) besides those derived (trafficking, and "
            "what the exploitation types and means of control give)",
        ),
    )
    incident_place: IncidentPlace | None = Field(
        default=None, description=simfoni(IncidentPlace, "place of incident (tempat kejadian)")
    )
    perpetrator_relationships: PerpetratorRelationships = Field(
        default=[],
        description=simfoni(
            PerpetratorRelationship,
            "the perpetrators' relationships to the victim (hubungan pelaku dengan korban); "
            "where given they replace what the HTCDS relationships give",
        ),
    )
    education: Education | None = Field(
        default=None, description=simfoni(Education, "the victim's education (pendidikan)")
    )
    occupation: Occupation | None = Field(
        default=None, description=simfoni(Occupation, "the victim's occupation (pekerjaan)")
    )


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


class VictimPersonal(Personal):
    """The victim's personal fields; the date of birth gives the age at exploitation."""

    date_of_birth: Day | None = htcds("prs_Birthdate")


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
    services: Annotated[list[ServiceReceivedIn], Field(max_length=50)] = empty_list()
    transit: Annotated[
        list[Destination],
        Field(
            max_length=20,
            description="The places the victim was moved through between origin and "
            "destination, in order: each a region_code or a country.",
        ),
    ] = empty_list()
    legal_stage: LegalStage = LegalStage.none
    status: CaseStatus = CaseStatus.open
    closure_reason: Annotated[str | None, Field(min_length=1, max_length=1000)] = htcds(
        "cas_ReasonForCaseClosure", "Only for a closed case (closed, closed_referred)."
    )
    victim_context: VictimContext | None = None
    perpetrators: Annotated[list[Perpetrator], Field(max_length=20)] = empty_list()
    events: Annotated[
        list[TraffickingEvent],
        Field(
            max_length=30,
            description="Trafficking events (HTCDS 2.0 `hte_*`). Where given, they fill "
            "origin_region_code (the first recruitment inside Indonesia), destination (the "
            "first exploitation) and transit (the transit events, in order) that the case "
            "leaves out.",
        ),
    ] = empty_list()
    simfoni: Simfoni | None = Field(
        default=None,
        description="SIMFONI-PPA categories the case holds nowhere else (optional).",
    )
    personal: VictimPersonal | None = None
    witnesses: Annotated[
        list[Witness],
        Field(max_length=20, description="The case's witnesses (saksi): encrypted at rest."),
    ] = empty_list()

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
        "closure_reason",
        "victim_context",
        "perpetrators",
        "events",
        "simfoni",
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
    status: CaseStatus = Field(description="HTCDS 2.0 `cas_Status` (open: Active).")
    closure_reason: str | None = None
    victim_context: VictimContext | None = None
    perpetrators: list[Perpetrator] = []
    events: list[TraffickingEvent] = []
    simfoni: Simfoni | None = None
    age_at_exploitation: int | None = htcds(
        "vic_AgeWhenTrafficked", "From the date of birth and the date of exploitation."
    )
    majority_at_exploitation: Majority | None = Field(
        default=None,
        description="A minor or an adult when exploited (the global dataset's "
        "majorityStatusAtExploit); unknown: null.",
    )
    version: int
    created_at: datetime
    updated_at: datetime
    personal: VictimPersonal | None = Field(
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
