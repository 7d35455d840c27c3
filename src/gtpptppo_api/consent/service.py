"""The consent record of a case (UU 27/2022 Pelindungan Data Pribadi) and what it permits.

Other domains ask it, never its tables: ``permits`` for one case (a referral, a view by a
receiving centre), ``permitted_clause`` for many in SQL (an export), ``htcds_agreement`` and
``htcds_agreement_clause`` for HTCDS 2.0's "agreement to manage personal data".

A purpose is permitted while a grant of it is in force (not withdrawn), whatever the legal
basis: the grants are what the victim (or the basis) covers, and a withdrawal stops the use
from that moment on. No record: nothing permitted.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.audit import service as audit
from gtpptppo_api.auth.service import Caller
from gtpptppo_api.cases import service as cases
from gtpptppo_api.cases.models import AgeGroup, Case
from gtpptppo_api.consent.models import (
    AgencyKind,
    ConsentGiver,
    ConsentGrant,
    ConsentRecord,
    ProcessingBasis,
    Purpose,
)
from gtpptppo_api.consent.schemas import (
    Agency,
    ConsentPut,
    ConsentRead,
    GrantRead,
    PurposeGrant,
    RecordRead,
    Withdrawal,
)
from gtpptppo_api.db.base import utcnow
from gtpptppo_api.errors import Conflict, FieldErrors
from gtpptppo_api.kit.schemas import EARLIEST_DAY
from gtpptppo_api.service_centres.models import ServiceCentre

GUARDIANS = frozenset({ConsentGiver.parent, ConsentGiver.guardian})


@dataclass(frozen=True)
class AgencyRef:
    """An agency as ``permits`` matches it: a centre of the system by id, or a kind and name."""

    kind: AgencyKind
    centre_id: int | None = None
    name: str | None = None

    @classmethod
    def of(cls, agency: Agency) -> AgencyRef:
        return cls(agency.kind, agency.service_centre_id, agency.name)

    @classmethod
    def centre(cls, centre_id: int) -> AgencyRef:
        return cls(AgencyKind.service_centre, centre_id)


def _in_force() -> ColumnElement[bool]:
    return ConsentGrant.withdrawn_at.is_(None)


def _agency_clause(agency: AgencyRef) -> ColumnElement[bool]:
    if agency.centre_id is not None:
        return ConsentGrant.agency_centre_id == agency.centre_id
    return and_(
        ConsentGrant.agency_kind == agency.kind,
        func.lower(ConsentGrant.agency_name) == (agency.name or "").lower(),
    )


def permitted_clause(
    case_id: Any, purpose: Purpose, agency: AgencyRef | None = None
) -> ColumnElement[bool]:
    """SQL: the case of ``case_id`` (a column, as in an export's query) may be used for
    ``purpose`` now (with ``agency``, for sharing)."""
    conditions = [ConsentGrant.case_id == case_id, ConsentGrant.purpose == purpose, _in_force()]
    if agency is not None:
        conditions.append(_agency_clause(agency))
    return exists().where(*conditions)


def sharing_withdrawn_clause(case_id: Any) -> ColumnElement[bool]:
    """SQL: the victim withdrew consent to share the case (a ``sharing`` grant withdrawn, none
    in force): from that moment it leaves the exports of whole records (UU 27/2022)."""
    sharing = and_(ConsentGrant.case_id == case_id, ConsentGrant.purpose == Purpose.sharing)
    return and_(
        exists().where(sharing, ConsentGrant.withdrawn_at.is_not(None)),
        ~exists().where(sharing, _in_force()),
    )


async def permits(
    session: AsyncSession,
    case_id: uuid.UUID,
    purpose: Purpose,
    agency: AgencyRef | None = None,
) -> bool:
    """Whether the case may be used for ``purpose`` now (``sharing``: with ``agency``)."""
    return bool(await session.scalar(select(permitted_clause(case_id, purpose, agency))))


async def sharing_withdrawn(session: AsyncSession, case_id: uuid.UUID) -> bool:
    """Whether the victim withdrew consent to share the case (``sharing_withdrawn_clause``)."""
    return bool(await session.scalar(select(sharing_withdrawn_clause(case_id))))


def htcds_agreement_clause(case_id: Any) -> ColumnElement[bool]:
    """SQL: HTCDS 2.0 ``vic_AgreementToManagePersonalData`` of the case of ``case_id``: its
    current basis is consent and the services purpose is in force."""
    current = exists().where(
        ConsentRecord.case_id == case_id,
        ConsentRecord.superseded_at.is_(None),
        ConsentRecord.legal_basis == ProcessingBasis.consent,
    )
    return and_(current, permitted_clause(case_id, Purpose.services))


async def htcds_agreement(
    session: AsyncSession, case_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, bool]:
    """``vic_AgreementToManagePersonalData`` of each case, in one query."""
    ids = list(dict.fromkeys(case_ids))
    if not ids:
        return {}
    agreed = set(
        (
            await session.scalars(
                select(Case.id).where(Case.id.in_(ids), htcds_agreement_clause(Case.id))
            )
        ).all()
    )
    return {case_id: case_id in agreed for case_id in ids}


# --- reading and setting -------------------------------------------------------------------


def _grant_read(grant: ConsentGrant) -> GrantRead:
    agency = None
    if grant.agency_kind is not None:
        agency = Agency(
            kind=grant.agency_kind,
            service_centre_id=grant.agency_centre_id,
            name=grant.agency_name,
        )
    return GrantRead(
        id=grant.id,
        purpose=grant.purpose,
        agency=agency,
        granted_at=grant.granted_at,
        granted_by=grant.granted_by,
        withdrawn_at=grant.withdrawn_at,
        withdrawn_by=grant.withdrawn_by,
        withdrawal_reason=grant.withdrawal_reason,
    )


async def _history(
    session: AsyncSession, case_id: uuid.UUID
) -> tuple[list[ConsentRecord], list[ConsentGrant]]:
    records = (
        await session.scalars(
            select(ConsentRecord)
            .where(ConsentRecord.case_id == case_id)
            .order_by(ConsentRecord.id.desc())
        )
    ).all()
    grants = (
        await session.scalars(
            select(ConsentGrant).where(ConsentGrant.case_id == case_id).order_by(ConsentGrant.id)
        )
    ).all()
    return list(records), list(grants)


async def _read(session: AsyncSession, case_id: uuid.UUID) -> ConsentRead:
    records, grants = await _history(session, case_id)
    current = next((r for r in records if r.superseded_at is None), None)
    granted = [_grant_read(g) for g in grants if g.withdrawn_at is None]
    agreed = (
        current is not None
        and current.legal_basis is ProcessingBasis.consent
        and any(g.purpose is Purpose.services for g in granted)
    )
    return ConsentRead(
        case_id=case_id,
        current=RecordRead.model_validate(current) if current else None,
        granted=granted,
        withdrawn=[_grant_read(g) for g in grants if g.withdrawn_at is not None],
        records=[RecordRead.model_validate(r) for r in records],
        htcds_agreement=agreed,
    )


async def read(session: AsyncSession, caller: Caller, case_id: uuid.UUID) -> ConsentRead:
    """The consent of a case the caller may see (its centre, or the national admin)."""
    case = await cases.get_visible(session, caller, case_id)
    return await _read(session, case.id)


async def _check(session: AsyncSession, case: Case, body: ConsentPut, now: datetime) -> None:
    """A 422 naming each bad field: who consented (a child's consent needs a parent or
    guardian, UU 27/2022 art. 25; UU 35/2014 on child protection), when, with whom."""
    errors = FieldErrors()
    if body.legal_basis is ProcessingBasis.consent:
        if body.given_by is None:
            errors.add("given_by", "required when the legal basis is consent")
        elif case.age_group is AgeGroup.child and body.given_by not in GUARDIANS:
            errors.add(
                "given_by",
                f"the victim was {case.age_at_identification} at identification, a child: "
                "consent is given by a parent or guardian",
            )
    if body.given_at > now:
        errors.add("given_at", "is in the future")
    elif body.given_at.date() < EARLIEST_DAY:
        errors.add("given_at", f"is before {EARLIEST_DAY.isoformat()}")
    seen: set[tuple[Any, ...]] = set()
    centre_ids = {
        g.agency.service_centre_id
        for g in body.purposes
        if g.agency is not None and g.agency.service_centre_id is not None
    }
    known = set(
        (
            await session.scalars(select(ServiceCentre.id).where(ServiceCentre.id.in_(centre_ids)))
        ).all()
    )
    for i, grant in enumerate(body.purposes):
        key = _key_of(grant)
        if key in seen:
            errors.add(f"purposes.{i}", "repeated")
        seen.add(key)
        if grant.agency is not None and grant.agency.service_centre_id not in (None, *known):
            errors.add(f"purposes.{i}.agency.service_centre_id", "no such service centre")
    errors.raise_if_any("Invalid consent")


def _key_of(grant: PurposeGrant | ConsentGrant) -> tuple[Any, ...]:
    """What makes two grants the same: the purpose and the agency (its id, or kind and name
    regardless of case)."""
    if isinstance(grant, PurposeGrant):
        agency = grant.agency
        if agency is None:
            return (grant.purpose,)
        return (grant.purpose, agency.kind, agency.service_centre_id, (agency.name or "").lower())
    if grant.agency_kind is None:
        return (grant.purpose,)
    name = (grant.agency_name or "").lower()
    return (grant.purpose, grant.agency_kind, grant.agency_centre_id, name)


async def put(
    session: AsyncSession, caller: Caller, case_id: uuid.UUID, body: ConsentPut
) -> ConsentRead:
    """Record the case's basis and purposes as they now stand; audited. An unchanged body
    changes nothing; a changed basis supersedes the current record (kept); purposes left out
    are withdrawn now (kept, with the time), new ones granted as of ``given_at``."""
    case = await cases.get_visible(session, caller, case_id)
    now = utcnow()
    await _check(session, case, body, now)
    before = await _read(session, case.id)
    records, grants = await _history(session, case.id)
    current = next((r for r in records if r.superseded_at is None), None)
    changed = False
    if current is None or (current.legal_basis, current.given_by, current.given_at) != (
        body.legal_basis,
        body.given_by,
        body.given_at,
    ):
        if current is not None:
            current.superseded_at = now
        session.add(
            ConsentRecord(
                case_id=case.id,
                legal_basis=body.legal_basis,
                given_by=body.given_by,
                given_at=body.given_at,
                recorded_by=caller.name,
                recorded_at=now,
            )
        )
        changed = True
    in_force = {_key_of(g): g for g in grants if g.withdrawn_at is None}
    wanted = {_key_of(g): g for g in body.purposes}
    for key, held in in_force.items():
        if key not in wanted:
            _withdraw(held, caller, now, "left out of the consent recorded")
            changed = True
    for key, asked in wanted.items():
        if key not in in_force:
            session.add(_grant(case.id, asked, body.given_at, caller))
            changed = True
    if not changed:
        return before
    await session.flush()
    after = await _read(session, case.id)
    await audit.record(
        session,
        caller,
        action="consent_set",
        entity_type="case",
        entity_id=case.id,
        before=before,
        after=after,
    )
    return after


def _grant(case_id: uuid.UUID, grant: PurposeGrant, at: datetime, caller: Caller) -> ConsentGrant:
    agency = grant.agency
    return ConsentGrant(
        case_id=case_id,
        purpose=grant.purpose,
        agency_kind=agency.kind if agency else None,
        agency_centre_id=agency.service_centre_id if agency else None,
        agency_name=agency.name if agency else None,
        granted_at=at,
        granted_by=caller.name,
    )


def _withdraw(grant: ConsentGrant, caller: Caller, now: datetime, reason: str) -> None:
    grant.withdrawn_at = now
    grant.withdrawn_by = caller.name
    grant.withdrawal_reason = reason[:500]


async def withdraw(
    session: AsyncSession, caller: Caller, case_id: uuid.UUID, body: Withdrawal
) -> ConsentRead:
    """Withdraw a purpose from now on (``sharing``: with the agency named, or every agency);
    the grant is kept with the time and the reason; audited. 409 when it is not in force."""
    case = await cases.get_visible(session, caller, case_id)
    before = await _read(session, case.id)
    query = select(ConsentGrant).where(
        ConsentGrant.case_id == case.id, ConsentGrant.purpose == body.purpose, _in_force()
    )
    if body.agency is not None:
        query = query.where(_agency_clause(AgencyRef.of(body.agency)))
    found: Sequence[ConsentGrant] = (await session.scalars(query.order_by(ConsentGrant.id))).all()
    if not found:
        raise Conflict(
            f"The purpose {body.purpose.value} is not granted for this case.",
            purpose=body.purpose.value,
        )
    now = utcnow()
    for grant in found:
        _withdraw(grant, caller, now, body.reason)
    await session.flush()
    after = await _read(session, case.id)
    await audit.record(
        session,
        caller,
        action="consent_withdrawn",
        entity_type="case",
        entity_id=case.id,
        before=before,
        after=after,
        reason=body.reason,
    )
    return after
