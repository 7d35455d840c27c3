"""Cooperation agreements: the rules of BAB IV.

Services flush, never commit; the request's session commits.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.agreements.models import (
    INTERNATIONAL_PARTIES,
    Agreement,
    AgreementDocument,
    AgreementKind,
    AgreementParty,
    AgreementScopeItem,
    PartyKind,
    ScopeItem,
    SigningAuthority,
)
from gtpptppo_api.agreements.schemas import (
    AgreementCreate,
    AgreementRead,
    AgreementUpdate,
    DocumentRef,
    PartyCreate,
    Screening,
)
from gtpptppo_api.audit import service as audit
from gtpptppo_api.auth import scope as jurisdiction
from gtpptppo_api.auth.service import Caller
from gtpptppo_api.db.base import utcnow
from gtpptppo_api.errors import FieldError, FieldErrors, ValidationFailed, field_error
from gtpptppo_api.kit import clock
from gtpptppo_api.kit.etag import check_if_match
from gtpptppo_api.regions import service as regions
from gtpptppo_api.regions.models import RegionKind, RegionLevel
from gtpptppo_api.task_forces import service as task_forces
from gtpptppo_api.task_forces.models import TaskForce
from gtpptppo_api.task_forces.service import ensure_active as _writable

INDONESIA = "ID"
REGULATION = "Permen PPPA 10/2012"


def read(agreement: Agreement) -> AgreementRead:
    return AgreementRead.model_validate(agreement)


def _head_of_region(level: RegionLevel, kind: RegionKind) -> SigningAuthority:
    if level is RegionLevel.national:
        return SigningAuthority.president
    if level is RegionLevel.province:
        return SigningAuthority.governor
    return SigningAuthority.walikota if kind is RegionKind.kota else SigningAuthority.bupati


def signing_authorities(
    level: RegionLevel, kind: RegionKind, agreement_kind: AgreementKind
) -> frozenset[SigningAuthority]:
    """Who may sign for the task force's government.

    - National: the President, a minister or the head of an agency (4.2.1: MoU between
      ministries and agencies).
    - Regions: cooperation goes through the Governor or the Bupati/Walikota (4.4); the
      technical agency (SKPD) signs the cooperation contract (4.4.1 c 1) f)), but a joint
      agreement (Kesepakatan Bersama) is signed by the head of the region (4.4.1 c 2) b)-c)).
    """
    if level is RegionLevel.national:
        return frozenset(
            {SigningAuthority.president, SigningAuthority.minister, SigningAuthority.agency_head}
        )
    head = _head_of_region(level, kind)
    if agreement_kind is AgreementKind.joint_agreement:
        return frozenset({head})
    return frozenset({head, SigningAuthority.agency_head})


def is_international(party: PartyCreate) -> bool:
    """A foreign government, an international organisation or any foreign party (4.3)."""
    return party.kind in INTERNATIONAL_PARTIES or party.country not in (None, INDONESIA)


async def _check_party(
    session: AsyncSession, task_force: TaskForce, index: int, party: PartyCreate
) -> tuple[FieldErrors, str | None]:
    """Errors of one party, and its name (a partner task force lends its own)."""
    field = f"parties.{index}"
    errors = FieldErrors()
    name = party.name
    if party.kind is PartyKind.task_force:
        if party.partner_task_force_id is None:
            errors.add(f"{field}.partner_task_force_id", "required for a task force party")
        elif party.partner_task_force_id == task_force.id:
            errors.add(
                f"{field}.partner_task_force_id", "a task force cannot cooperate with itself"
            )
        else:
            partner = await session.get(TaskForce, party.partner_task_force_id)
            if partner is None:
                errors.add(
                    f"{field}.partner_task_force_id",
                    f"no task force {party.partner_task_force_id}",
                )
            else:
                name = name or partner.name
    else:
        if party.partner_task_force_id is not None:
            errors.add(f"{field}.partner_task_force_id", "only a task force party names one")
        if name is None:
            errors.add(f"{field}.name", "required")
    if party.kind is PartyKind.foreign_government and party.country in (None, INDONESIA):
        errors.add(f"{field}.country", "a foreign government names its country")
    if party.kind is PartyKind.company:
        errors.extend(_check_screening(field, party.screening))
    return errors, name


def _check_screening(field: str, screening: Screening | None) -> list[FieldError]:
    """A company must attest the three points of 4.2.3 before an agreement is made.

    4.2.3: agreements are made with companies that do not breach the trafficking law or human
    rights; the company's products do not harm health (a), it employs no child labour (b) and
    commits no child sexual exploitation, paedophilia or other violence (c).
    """
    rule = "4.2.3"
    if screening is None:
        return [
            field_error(
                f"{field}.screening",
                "a private-sector partner must carry the screening attestations: no harmful "
                f"products, no child labour, no sexual exploitation ({REGULATION}, {rule})",
                rule,
            )
        ]
    lacking = [
        name
        for name in ("no_harmful_products", "no_child_labour", "no_sexual_exploitation")
        if not getattr(screening, name)
    ]
    return [
        field_error(
            f"{field}.screening.{name}",
            f"the company has not attested {name.replace('_', ' ')}; no agreement can be "
            f"made with it ({REGULATION}, {rule})",
            rule,
        )
        for name in lacking
    ]


async def _validate(
    session: AsyncSession, task_force: TaskForce, body: AgreementCreate
) -> tuple[bool, list[str | None]]:
    """Check a whole agreement; answer whether it is international and the parties' names.

    Every problem is reported at once (422 naming each field).
    """
    errors = FieldErrors()
    valid_from = body.valid_from or body.signed_on
    if body.valid_until is not None and body.valid_until < valid_from:
        errors.add("valid_until", f"must not be before valid_from ({valid_from})")
    region = task_force.region
    allowed = signing_authorities(region.level, region.kind, body.kind)
    if body.signing_authority not in allowed:
        rule = "4.2.1" if region.level is RegionLevel.national else "4.4.1 c"
        signers = " or ".join(sorted(a.value for a in allowed))
        errors.add(
            "signing_authority",
            f"a {body.kind.value} of a {region.level.value} task force ({region.name}) is "
            f"signed by the {signers}, not the {body.signing_authority.value} "
            f"({REGULATION}, {rule})",
            rule,
        )
    names: list[str | None] = []
    international = False
    for index, party in enumerate(body.parties):
        party_errors, name = await _check_party(session, task_force, index, party)
        errors.extend(party_errors)
        names.append(name)
        if is_international(party):
            international = True
            if task_force.level is not RegionLevel.national:
                field = "country" if party.kind not in INTERNATIONAL_PARTIES else "kind"
                errors.add(
                    f"parties.{index}.{field}",
                    "international cooperation is held only by the national task force "
                    f"(GT-PPTPPO Pusat), not by a {task_force.level.value} one "
                    f"({REGULATION}, 4.3)",
                    "4.3",
                )
    if len(set(body.scope)) != len(body.scope):
        errors.add("scope", "each scope item may be listed once", "4.4.1 d")
    errors.raise_if_any("The agreement is not valid")
    return international, names


def _parties(body: AgreementCreate, names: list[str | None]) -> list[AgreementParty]:
    rows = []
    for party, name in zip(body.parties, names, strict=True):
        screening = party.screening if party.kind is PartyKind.company else None
        rows.append(
            AgreementParty(
                kind=party.kind,
                name=name,
                partner_task_force_id=party.partner_task_force_id,
                country=party.country,
                attests_no_harmful_products=bool(screening and screening.no_harmful_products),
                attests_no_child_labour=bool(screening and screening.no_child_labour),
                attests_no_sexual_exploitation=bool(screening and screening.no_sexual_exploitation),
                screening_attested_on=screening.attested_on if screening else None,
                screening_attested_by=screening.attested_by if screening else None,
            )
        )
    return rows


def _documents(documents: list[DocumentRef]) -> list[AgreementDocument]:
    return [AgreementDocument(**document.model_dump()) for document in documents]


def _scope(items: list[ScopeItem]) -> list[AgreementScopeItem]:
    return [AgreementScopeItem(item=item) for item in items]


async def get_visible(session: AsyncSession, caller: Caller, agreement_id: int) -> Agreement:
    """The agreement if its task force lies in the caller's jurisdiction; 404 otherwise."""
    return await jurisdiction.get(session, caller, Agreement, agreement_id, noun="agreement")


def expiring_clause(within_days: int, as_of: date) -> Any:
    """Agreements expiring within ``within_days`` days of ``as_of``.

    ``valid_until`` is the last day in force. An agreement expires within N days when it is
    still in force on ``as_of`` and its last day is at most N days later:
    ``as_of <= valid_until <= as_of + N``. So one whose last day is day N is listed, day
    N + 1 is not, one already expired (``valid_until < as_of``) is not, and one with no end
    date never is.
    """
    return and_(
        Agreement.valid_until.is_not(None),
        Agreement.valid_until >= as_of,
        Agreement.valid_until <= as_of + timedelta(days=within_days),
    )


def list_query(
    caller: Caller,
    *,
    task_force_id: int | None = None,
    region_code: str | None = None,
    kind: AgreementKind | None = None,
    international: bool | None = None,
    scope: ScopeItem | None = None,
    party_kind: PartyKind | None = None,
    expiring_within: int | None = None,
    as_of: date | None = None,
) -> Select[Agreement]:
    """Agreements of task forces in the caller's jurisdiction.

    Ordered by id; with ``expiring_within``, by the last day in force, then id.
    """
    query = (
        select(Agreement)
        .join(TaskForce, TaskForce.id == Agreement.task_force_id)
        .where(jurisdiction.clause(caller, TaskForce.region_code))
    )
    if task_force_id is not None:
        query = query.where(Agreement.task_force_id == task_force_id)
    if region_code is not None:
        query = query.where(regions.subtree_clause(TaskForce.region_code, region_code))
    if kind is not None:
        query = query.where(Agreement.kind == kind)
    if international is not None:
        query = query.where(Agreement.international == international)
    if scope is not None:
        query = query.where(
            select(AgreementScopeItem.id)
            .where(
                AgreementScopeItem.agreement_id == Agreement.id, AgreementScopeItem.item == scope
            )
            .exists()
        )
    if party_kind is not None:
        query = query.where(
            select(AgreementParty.id)
            .where(AgreementParty.agreement_id == Agreement.id, AgreementParty.kind == party_kind)
            .exists()
        )
    if expiring_within is not None:
        day = as_of or clock.today(region_code or caller.scope_code)
        query = query.where(expiring_clause(expiring_within, day))
        # Never null here; coalesce tells the keyset pager so (valid_until is nullable).
        return query.order_by(func.coalesce(Agreement.valid_until, day), Agreement.id)
    return query.order_by(Agreement.id)


async def create(session: AsyncSession, caller: Caller, body: AgreementCreate) -> Agreement:
    """Record an agreement of a task force in the caller's jurisdiction.

    International cooperation only at national level (4.3); private-sector partners carry the
    screening of 4.2.3; the scope comes from the closed list of 4.4.1 d; the signing authority
    fits the level (4.2.1, 4.4, 4.4.1 c).
    """
    task_force = await task_forces.get_visible(session, caller, body.task_force_id)
    _writable(task_force)
    international, names = await _validate(session, task_force, body)
    agreement = Agreement(
        task_force_id=task_force.id,
        kind=body.kind,
        title=body.title,
        signed_on=body.signed_on,
        valid_from=body.valid_from or body.signed_on,
        valid_until=body.valid_until,
        signing_authority=body.signing_authority,
        signatory_position=body.signatory_position,
        international=international,
        parties=_parties(body, names),
        scope_items=_scope(body.scope),
        documents=_documents(body.documents),
    )
    session.add(agreement)
    await session.flush()
    await session.refresh(agreement)
    await audit.record(
        session,
        caller,
        action="create",
        entity_type="agreement",
        entity_id=agreement.id,
        after=read(agreement),
    )
    return agreement


def _as_create(agreement: Agreement) -> dict[str, Any]:
    """The stored agreement as the fields of an ``AgreementCreate``."""
    return {
        "task_force_id": agreement.task_force_id,
        "kind": agreement.kind,
        "title": agreement.title,
        "signed_on": agreement.signed_on,
        "valid_from": agreement.valid_from,
        "valid_until": agreement.valid_until,
        "signing_authority": agreement.signing_authority,
        "signatory_position": agreement.signatory_position,
        "parties": [
            PartyCreate(
                kind=party.kind,
                name=party.name,
                partner_task_force_id=party.partner_task_force_id,
                country=party.country,
                screening=Screening.model_validate(party.screening) if party.screening else None,
            )
            for party in agreement.parties
        ],
        "scope": agreement.scope,
        "documents": [
            DocumentRef.model_validate(d, from_attributes=True) for d in agreement.documents
        ],
    }


NULLABLE = frozenset({"valid_until", "signatory_position"})


async def update(
    session: AsyncSession,
    caller: Caller,
    agreement_id: int,
    body: AgreementUpdate,
    if_match: str | None,
) -> Agreement:
    """Edit an agreement; the whole result is checked again by the rules of ``create``."""
    agreement = await get_visible(session, caller, agreement_id)
    check_if_match(if_match, agreement.version)
    task_force = agreement.task_force
    _writable(task_force)
    changes = body.model_fields_set
    if not changes:
        raise ValidationFailed.nothing_to_change()
    for name in sorted(changes - NULLABLE):
        if getattr(body, name) is None:
            raise ValidationFailed.field(name, "must not be null")
    before = read(agreement)
    merged = AgreementCreate.model_construct(
        **{**_as_create(agreement), **{name: getattr(body, name) for name in changes}}
    )
    international, names = await _validate(session, task_force, merged)
    for name in ("kind", "title", "signed_on", "valid_from", "valid_until"):
        setattr(agreement, name, getattr(merged, name))
    agreement.signing_authority = merged.signing_authority
    agreement.signatory_position = merged.signatory_position
    agreement.international = international
    if "parties" in changes:
        agreement.parties = _parties(merged, names)
    if "scope" in changes:
        agreement.scope_items = _scope(merged.scope)
    if "documents" in changes:
        agreement.documents = _documents(merged.documents)
    agreement.updated_at = utcnow()  # a new version even when only the lists changed
    await session.flush()
    await session.refresh(agreement)
    await audit.record(
        session,
        caller,
        action="update",
        entity_type="agreement",
        entity_id=agreement.id,
        before=before,
        after=read(agreement),
    )
    return agreement
