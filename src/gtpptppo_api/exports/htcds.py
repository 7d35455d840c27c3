"""The cases in the field names and value names of HTCDS 2.0 (``cases.htcds``).

National administrators (any region) and a service centre (its own cases) get one record
per case: the case, the victim and the victim context (``prs_*``, ``vic_*``, ``cas_*``),
with its perpetrators (``per_*``) and trafficking events (``hte_*``) in the JSON; the
personal fields (names, identity numbers, date of birth) only with ``?include=personal``
and a reason, audited as a case read is. Analysts get the k-anonymous release of
``exports.service`` under the same names. Fields the standard has no name for keep a
camelCase name of their own (``caseId``, ``majorityStatusAtExploit``, as in the global
dataset).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.audit import service as audit
from gtpptppo_api.auth.models import Role
from gtpptppo_api.auth.service import Caller
from gtpptppo_api.cases import htcds, sealing
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
from gtpptppo_api.cases.models import Case, CaseStatus, ExploitationType, Sex
from gtpptppo_api.consent import service as consent
from gtpptppo_api.db.base import table_of
from gtpptppo_api.errors import BadRequest, Forbidden, field_error
from gtpptppo_api.exports import service as release
from gtpptppo_api.exports import streams
from gtpptppo_api.kit.crypto import DataKey, Keyring
from gtpptppo_api.statistics.service import case_filters, resolve_scope

_CASE = table_of(Case)
SUPPRESSED = "*"
# The victim context's fields: (the API's name, the standard's, the closed list or None).
CONTEXT: tuple[tuple[str, str, type[Any] | None], ...] = (
    ("trafficking_status", "vic_TraffickingStatus", TraffickingStatus),
    ("trafficking_status_decided_by", "vic_TraffickingStatusDecisionMakingOrg", StatusDecider),
    ("relationship_to_trafficker", "vic_RelationshipToTrafficker", Relationship),
    ("recruitment_methods", "vic_MethodOfRecruitment", RecruitmentMethod),
    ("recruitment_websites_and_apps", "vic_RecruitmentWebsitesAndApps", WebsiteOrApp),
    ("recruitment_place", "vic_LocationOfRecruitment", None),
    ("control_methods", "vic_MethodsOfControl", ControlMethod),
    ("forced_labour_industry", "vic_ForcedLabourIndustry", Industry),
    ("sexual_exploitation_types", "vic_TypeOfSexExploitation", SexualExploitationType),
    ("exploitation_place", "vic_LocationOfExploitation", None),
    ("exploitation_websites_and_apps", "vic_ExploitationWebsitesAndApps", WebsiteOrApp),
    ("vulnerabilities", "vic_Vulnerabilities", Vulnerability),
    ("vulnerability_details", "vic_DetailsOfVulnerabilities", None),
)
MULTI = frozenset(
    {
        "recruitment_methods",
        "recruitment_websites_and_apps",
        "control_methods",
        "sexual_exploitation_types",
        "exploitation_websites_and_apps",
        "vulnerabilities",
    }
)
CASE_FIELDS = (
    "caseId",
    "externalRef",
    "cas_Status",
    "cas_ReasonForCaseClosure",
    "identificationDate",
    "registeredRegionCode",
    "prs_Gender",
    "prs_Citizenship",
    "ageAtIdentification",
    "vic_AgeWhenTrafficked",
    "majorityStatusAtExploit",
    "vic_TypeOfExploitation",
    *(name for _, name, _ in CONTEXT),
    "recruitmentDate",
    "exploitationDate",
)
PERSONAL_FIELDS = ("prs_FirstName", "prs_IdentityNumber", "prs_MobilePhone", "prs_Birthdate")
# The analysts' release (``exports.service.COLUMNS``) under the standard's names.
RELEASE_FIELDS = {
    "year": "yearOfRegistration",
    "region_code": "registeredRegionCode",
    "age_group": "majorityStatus",
    "sex": "prs_Gender",
    "nationality": "prs_Citizenship",
    "destination": "countryOfExploitation",
    "exploitation_types": "vic_TypeOfExploitation",
    "services": "services",
    "legal_stage": "legalStage",
    "status": "cas_Status",
}
_COLUMNS = (
    _CASE.c.id,
    _CASE.c.external_ref,
    _CASE.c.status,
    _CASE.c.closure_reason,
    _CASE.c.identified_on,
    _CASE.c.registered_region_code,
    _CASE.c.sex,
    _CASE.c.nationality,
    _CASE.c.age_at_identification,
    _CASE.c.age_at_exploitation,
    _CASE.c.majority_at_exploitation,
    _CASE.c.exploitation_types,
    _CASE.c.victim_context,
    _CASE.c.perpetrators,
    _CASE.c.events,
)
_SEALED = (
    _CASE.c.personal_key_id,
    _CASE.c.personal_ciphertext,
    _CASE.c.perpetrators_key_id,
    _CASE.c.perpetrators_ciphertext,
)


@dataclass(frozen=True)
class Export:
    """What an HTCDS export streams: the full records of ``query`` (unsealed with
    ``keyring`` when personal fields were asked for), or the analysts' ``release``."""

    query: Select[Any] | None = None
    keyring: Keyring | None = None
    release: release.Release | None = None

    @property
    def fields(self) -> tuple[str, ...]:
        if self.release is not None:
            return tuple(RELEASE_FIELDS.values())
        return CASE_FIELDS + (PERSONAL_FIELDS if self.keyring is not None else ())


async def case_query(
    session: AsyncSession,
    caller: Caller,
    columns: tuple[Any, ...],
    *,
    name: str,
    region_code: str | None,
    from_year: int | None,
    to_year: int | None,
    reason: str | None,
    personal: bool,
) -> Select[Any]:
    """The case-level export ``name`` of the caller's cases (a national administrator's
    region, a centre's own), without the restricted ones and those whose sharing consent
    was withdrawn; with ``personal``, the reason is required and audited."""
    root = await resolve_scope(session, caller, region_code)
    query = select(*columns).where(
        *case_filters(root, from_year, to_year),
        # restricted processing (UU 27/2022): kept, counted, never exported
        _CASE.c.restricted_at.is_(None),
        # the victim withdrew consent to share the case: out of the exports from then on
        ~consent.sharing_withdrawn_clause(_CASE.c.id),
    )
    if caller.role is Role.service_centre:
        query = query.where(_CASE.c.service_centre_id == caller.service_centre_id)
    elif caller.role is not Role.national_admin:
        raise Forbidden(
            f"The {name.upper()} export is for national administrators and service centres."
        )
    if personal:
        if not reason or not reason.strip():
            raise BadRequest(
                "Exporting personal fields needs a reason: send it in the X-Access-Reason header.",
                errors=[field_error("X-Access-Reason", "required", type="missing")],
            )
        await audit.record(
            session,
            caller,
            action="export_personal",
            entity_type="export",
            entity_id=f"{name}:{root}",
            reason=reason.strip()[:500],
        )
    return query.order_by(_CASE.c.id)


async def prepare(
    session: AsyncSession,
    caller: Caller,
    *,
    region_code: str | None,
    from_year: int | None,
    to_year: int | None,
    k: int,
    reason: str | None,
    keyring: Keyring | None,
) -> Export:
    """The export the caller may have; ``keyring``: personal fields asked for."""
    if caller.role is Role.analyst:
        if keyring is not None:
            raise Forbidden("Analysts get the de-identified release only, no personal field.")
        found = await release.prepare(
            session, caller, region_code=region_code, from_year=from_year, to_year=to_year, k=k
        )
        return Export(release=found)
    query = await case_query(
        session,
        caller,
        (
            *_COLUMNS,
            *(_SEALED if keyring is not None else ()),
            consent.htcds_agreement_clause(_CASE.c.id).label("agreement"),
        ),
        name="htcds",
        region_code=region_code,
        from_year=from_year,
        to_year=to_year,
        reason=reason if keyring is not None else None,
        personal=keyring is not None,
    )
    return Export(query=query, keyring=keyring)


def _plain(value: Any) -> str:
    return str(getattr(value, "value", value))


def _name(value: Any, cls: type[Any]) -> Any:
    """The standard's name of a stored value (or of each in a list)."""
    if isinstance(value, list):
        return [htcds.htcds_name(v, cls) for v in value]
    return None if value is None else htcds.htcds_name(value, cls)


def _place(place: dict[str, Any] | None) -> str | None:
    """A place as the standard's lookup holds it: a region code of Indonesia or a country."""
    if not place:
        return None
    return str(place.get("region_code") or place.get("country"))


def exploitation_types(types: list[str], context: dict[str, Any]) -> list[str]:
    """vic_TypeOfExploitation: the case's types, with the standard's own types for which
    the case says ``other``; each name once."""
    names = [htcds.htcds_name(t, ExploitationType) for t in types]
    others = context.get("other_exploitation_types") or []
    if others:
        names = [n for n in names if n != "Other"]
        names += [htcds.htcds_name(t, OtherExploitation) for t in others]
    return list(dict.fromkeys(names))


def _context(context: dict[str, Any]) -> dict[str, Any]:
    shown: dict[str, Any] = {}
    for api, name, cls in CONTEXT:
        value = context.get(api)
        if api.endswith("_place"):
            shown[name] = _place(value)
        elif cls is None:
            shown[name] = value
        elif api in MULTI:
            shown[name] = _name(value or [], cls)
        else:
            shown[name] = _name(value, cls)
    return shown


def _perpetrator(perpetrator: dict[str, Any], secret: dict[str, Any] | None) -> dict[str, Any]:
    shown = {
        "per_RoleInProcess": _name(perpetrator.get("roles") or [], PerpetratorRole),
        "per_RoleDetails": perpetrator.get("role_details"),
        "vic_RelationshipToTrafficker": _name(
            perpetrator.get("relationship_to_victim"), Relationship
        ),
        "prs_Gender": _name(perpetrator.get("sex"), Sex),
        "prs_Citizenship": perpetrator.get("nationality"),
        "reportedToPolice": perpetrator.get("reported_to_police"),
    }
    if secret is not None:
        shown["prs_FirstName"] = secret.get("name")
        shown["prs_IdentityNumber"] = secret.get("identity_number")
    return shown


def _event(event: dict[str, Any]) -> dict[str, Any]:
    return {
        "hte_Type": htcds.htcds_name(event["type"], EventType),
        "hte_Date": event["started_on"],
        "endDate": event.get("ended_on"),
        "hte_Country": event.get("country") or "ID",
        "hte_State": event.get("region_code"),
    }


def record(row: Any, keyring: Keyring | None, key: DataKey | None = None) -> dict[str, Any]:
    """One case as the standard names it (``row``: of ``_COLUMNS``, then ``_SEALED`` when
    ``keyring`` is given, with the personal fields opened with its data key ``key``)."""
    context = row.victim_context or {}
    majority = row.majority_at_exploitation
    shown: dict[str, Any] = {
        "caseId": str(row.id),
        "externalRef": row.external_ref,
        "cas_Status": _name(_plain(row.status), CaseStatus),
        "cas_ReasonForCaseClosure": row.closure_reason,
        "identificationDate": row.identified_on.isoformat(),
        "registeredRegionCode": row.registered_region_code,
        "prs_Gender": _name(_plain(row.sex), Sex),
        "prs_Citizenship": row.nationality,
        "ageAtIdentification": row.age_at_identification,
        "vic_AgeWhenTrafficked": row.age_at_exploitation,
        "majorityStatusAtExploit": _name(majority, Majority) if majority else "Unknown",
        "vic_AgreementToManagePersonalData": bool(row.agreement),
        "vic_TypeOfExploitation": exploitation_types(row.exploitation_types, context),
        **_context(context),
        "recruitmentDate": context.get("recruited_on"),
        "exploitationDate": context.get("exploited_on"),
    }
    secrets: list[dict[str, Any]] | list[None] = [None] * len(row.perpetrators)
    if keyring is not None:
        personal = _unseal(keyring, row, row.personal_key_id, row.personal_ciphertext, "", key)
        shown["prs_FirstName"] = personal.get("name")
        shown["prs_IdentityNumber"] = personal.get("nik")
        shown["prs_MobilePhone"] = personal.get("phone")
        shown["prs_Birthdate"] = personal.get("date_of_birth")
        sealed = _unseal(
            keyring, row, row.perpetrators_key_id, row.perpetrators_ciphertext, ":perpetrators", key
        )
        secrets = sealed.get("perpetrators") or [{} for _ in row.perpetrators]
    shown["perpetrators"] = [
        _perpetrator(p, secret) for p, secret in zip(row.perpetrators, secrets, strict=True)
    ]
    shown["hte"] = [_event(e) for e in row.events]
    return shown


def _unseal(
    keyring: Keyring,
    row: Any,
    key_id: str | None,
    ciphertext: bytes | None,
    suffix: str,
    key: DataKey | None,
) -> dict[str, Any]:
    """A sealed field of the case opened (under its own data key); nothing once erased."""
    try:
        return sealing.open_field(keyring, row, key_id, ciphertext, suffix, key) or {}
    except sealing.Erased:
        return {}


def _released(export: Export, records: Iterable[Any]) -> Iterable[dict[str, Any]]:
    """The analysts' rows, renamed, their values in the standard's names."""
    assert export.release is not None
    for row in release.released_rows(export.release, records):
        shown = {standard: row[name] for name, standard in RELEASE_FIELDS.items()}
        shown["majorityStatus"] = {"child": "Minor", "adult": "Adult"}.get(
            row["age_group"], row["age_group"]
        )
        shown["prs_Gender"] = _value(row["sex"], Sex)
        shown["cas_Status"] = _value(row["status"], CaseStatus)
        shown["vic_TypeOfExploitation"] = (
            SUPPRESSED
            if row["exploitation_types"] == SUPPRESSED
            else ";".join(
                dict.fromkeys(
                    htcds.htcds_name(t, ExploitationType)
                    for t in row["exploitation_types"].split(";")
                    if t
                )
            )
        )
        yield shown


def _value(value: str, cls: type[Any]) -> str:
    return value if value == SUPPRESSED else htcds.htcds_name(value, cls)


async def _partitions(session: AsyncSession, query: Select[Any]) -> AsyncIterator[list[Any]]:
    result = await session.stream(query.execution_options(yield_per=1000))
    async for partition in result.partitions(1000):
        yield list(partition)


async def records(session: AsyncSession, export: Export) -> AsyncIterator[list[dict[str, Any]]]:
    """The export's records, a partition at a time."""
    if export.release is not None:
        async for rows in _partitions(session, export.release.query):
            yield list(_released(export, rows))
        return
    assert export.query is not None
    async for rows in _partitions(session, export.query):
        keys = await _keys(export.keyring, rows)
        yield [record(row, export.keyring, keys.get(row.id)) for row in rows]


async def _keys(keyring: Keyring | None, rows: list[Any]) -> dict[Any, DataKey]:
    """The data keys of a partition's cases, one query (none without personal fields)."""
    return await sealing.data_keys(keyring, [row.id for row in rows]) if keyring else {}


def stream_csv(session: AsyncSession, export: Export) -> AsyncIterator[str]:
    """A row per case: the case-level fields (lists joined with ';'); the perpetrators and
    events are in the JSON."""
    return streams.csv_text(export.fields, records(session, export))


def stream_json(session: AsyncSession, export: Export) -> AsyncIterator[str]:
    """A JSON array of the records."""
    return streams.json_array(records(session, export))
