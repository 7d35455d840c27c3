"""Referrals and transfers of cases (HTCDS 2.0 and Primero's model): a centre refers a case
for a service or transfers it whole; the receiving centre accepts or declines with a reason;
an agency outside the system is named by kind and name and the referring centre records its
answer. Every step is audited.

Consent gates each step (``consent.service``): no referral without the victim's referral
consent in force; a receiving centre sees the case only once it accepted, only the fields
``ReferredCase`` holds, the personal ones only where the victim consented to share them
with it; a withdrawal stops new referrals and acceptances and hides the case from receivers
from that moment.

A transfer accepted moves the case to the receiving centre: its id, versions, history and
audit trail stay; its reference stays too, now under the new centre (a push of the same
``external_ref`` by the new owner updates it; if the receiver already has a case of that
reference the transfer is refused, 409). Where the new centre's region does not hold the
case's registered region, the case is registered in the new centre's region, and its
statistics cells move with it in the same transaction.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.audit import service as audit
from gtpptppo_api.auth.models import Role
from gtpptppo_api.auth.service import Caller
from gtpptppo_api.cases import sealing
from gtpptppo_api.cases import service as cases
from gtpptppo_api.cases.cells import CellChanges
from gtpptppo_api.cases.models import Case
from gtpptppo_api.cases.schemas import Personal
from gtpptppo_api.consent import service as consent
from gtpptppo_api.consent.models import AgencyKind, Purpose
from gtpptppo_api.consent.schemas import Agency
from gtpptppo_api.db.base import utcnow
from gtpptppo_api.errors import (
    Conflict,
    FieldErrors,
    Forbidden,
    NotFound,
    field_error,
)
from gtpptppo_api.kit.crypto import Keyring
from gtpptppo_api.kit.schemas import Schema
from gtpptppo_api.referrals.models import Referral, ReferralKind, ReferralState
from gtpptppo_api.referrals.schemas import (
    Decision,
    ReferralCreate,
    ReferralDecision,
    ReferralRead,
    ReferredCase,
)
from gtpptppo_api.regions import service as regions
from gtpptppo_api.service_centres.models import ServiceCentre

# The case's fields a receiving centre sees (``ReferredCase``): nothing else of the record.
SHARED_FIELDS = set(ReferredCase.model_fields) - {"referral_id", "case_id", "personal"}


class CaseOwner(Schema):
    """A case's owner, as a transfer's audit event records it before and after."""

    service_centre_id: int
    registered_region_code: str
    external_ref: str
    version: int


def read(referral: Referral) -> ReferralRead:
    return ReferralRead(
        id=referral.id,
        case_id=referral.case_id,
        kind=referral.kind,
        from_centre_id=referral.from_centre_id,
        external_ref=referral.external_ref,
        to=Agency(
            kind=referral.agency_kind,
            service_centre_id=referral.to_centre_id,
            name=referral.agency_name,
        ),
        service=referral.service,
        note=referral.note,
        state=referral.state,
        decision_reason=referral.decision_reason,
        created_by=referral.created_by,
        created_at=referral.created_at,
        decided_by=referral.decided_by,
        decided_at=referral.decided_at,
    )


def _no_consent(purpose: Purpose) -> Conflict:
    return Conflict(
        f"The victim's consent for {purpose.value} is not recorded or was withdrawn.",
        purpose=purpose.value,
    )


async def _check_create(session: AsyncSession, case: Case, body: ReferralCreate) -> None:
    errors = FieldErrors()
    if body.kind is ReferralKind.referral and body.service is None:
        errors.add("service", "a referral names the service it is for")
    if body.kind is ReferralKind.transfer:
        if body.service is not None:
            errors.add("service", "a transfer moves the whole case, for no one service")
        if body.to.kind is not AgencyKind.service_centre:
            errors.add("to.kind", "a case is transferred to a service centre of the system")
    target = body.to.service_centre_id
    if target is not None:
        if target == case.service_centre_id:
            errors.add("to.service_centre_id", "is the case's own centre")
        elif await session.get(ServiceCentre, target) is None:
            errors.add("to.service_centre_id", "no such service centre")
    errors.raise_if_any("Invalid referral")


async def create(
    session: AsyncSession, caller: Caller, case_id: uuid.UUID, body: ReferralCreate
) -> ReferralRead:
    """The case's centre (or the national admin) refers or transfers it; audited. 409 when
    the victim's referral consent is not in force, or the same referral is pending."""
    case = await cases.get_visible(session, caller, case_id)
    await _check_create(session, case, body)
    if not await consent.permits(session, case.id, Purpose.referral):
        raise _no_consent(Purpose.referral)
    if await consent.sharing_withdrawn(session, case.id):
        # UU 27/2022: a withdrawn consent to share stops referrals from that moment
        raise _no_consent(Purpose.sharing)
    pending = select(Referral.id).where(
        Referral.case_id == case.id, Referral.state == ReferralState.pending
    )
    if body.kind is ReferralKind.transfer:
        pending = pending.where(Referral.kind == ReferralKind.transfer)
    else:
        pending = pending.where(
            Referral.kind == ReferralKind.referral,
            Referral.service == body.service,
            Referral.agency_kind == body.to.kind,
            Referral.to_centre_id.is_(None)
            if body.to.service_centre_id is None
            else Referral.to_centre_id == body.to.service_centre_id,
            Referral.agency_name.is_(None)
            if body.to.name is None
            else Referral.agency_name == body.to.name,
        )
    if await session.scalar(pending.limit(1)) is not None:
        raise Conflict(f"The same {body.kind.value} of this case is pending already.")
    referral = Referral(
        case_id=case.id,
        kind=body.kind,
        from_centre_id=case.service_centre_id,
        external_ref=case.external_ref,
        agency_kind=body.to.kind,
        to_centre_id=body.to.service_centre_id,
        agency_name=body.to.name,
        service=body.service,
        note=body.note,
        state=ReferralState.pending,
        created_by=caller.name,
    )
    session.add(referral)
    await session.flush()
    result = read(referral)
    await audit.record(
        session,
        caller,
        action=f"{body.kind.value}_requested",
        entity_type="referral",
        entity_id=referral.id,
        after=result,
    )
    return result


def _is_party(caller: Caller, referral: Referral) -> bool:
    if caller.role is Role.national_admin:
        return True
    centre = caller.service_centre_id
    return caller.role is Role.service_centre and centre in (
        referral.from_centre_id,
        referral.to_centre_id,
    )


async def get_visible(session: AsyncSession, caller: Caller, referral_id: int) -> Referral:
    """A referral the caller is a party to (its referring or receiving centre, the national
    admin); 404 otherwise, as if it did not exist."""
    referral = await session.get(Referral, referral_id)
    if referral is None or not _is_party(caller, referral):
        raise NotFound(f"No referral {referral_id} of yours.")
    return referral


def _decides(caller: Caller, referral: Referral) -> bool:
    """The receiving centre decides; for an agency outside the system, the referring centre
    records its answer; the national admin may do either."""
    if caller.role is Role.national_admin:
        return True
    decider = (
        referral.to_centre_id if referral.to_centre_id is not None else referral.from_centre_id
    )
    return caller.service_centre_id == decider


async def decide(
    session: AsyncSession, caller: Caller, referral_id: int, body: ReferralDecision
) -> ReferralRead:
    """Accept or decline (with a reason) a pending referral or transfer; audited. An
    acceptance needs the victim's referral consent still in force (409 otherwise); an
    accepted transfer moves the case to the receiving centre."""
    referral = await get_visible(session, caller, referral_id)
    if not _decides(caller, referral):
        raise Forbidden("Only the receiving centre accepts or declines a referral.")
    reason = (body.reason or "").strip() or None
    if body.decision is Decision.decline and reason is None:
        errors = FieldErrors()
        errors.add("reason", "required to decline")
        errors.raise_if_any("Invalid decision")
    if referral.state is not ReferralState.pending:
        raise Conflict(f"The {referral.kind.value} is {referral.state.value} already.")
    before = read(referral)
    if body.decision is Decision.accept:
        if not await consent.permits(session, referral.case_id, Purpose.referral):
            raise _no_consent(Purpose.referral)
        if referral.kind is ReferralKind.transfer:
            await _transfer(session, caller, referral)
        referral.state = ReferralState.accepted
    else:
        referral.state = ReferralState.declined
    referral.decision_reason = reason
    referral.decided_by = caller.name
    referral.decided_at = utcnow()
    await session.flush()
    result = read(referral)
    await audit.record(
        session,
        caller,
        action=f"{referral.kind.value}_{referral.state.value}",
        entity_type="referral",
        entity_id=referral.id,
        before=before,
        after=result,
        reason=reason,
    )
    return result


def _owner(case: Case) -> CaseOwner:
    return CaseOwner(
        service_centre_id=case.service_centre_id,
        registered_region_code=case.registered_region_code,
        external_ref=case.external_ref,
        version=case.version,
    )


async def _transfer(session: AsyncSession, caller: Caller, referral: Referral) -> None:
    """Move the case to the receiving centre, its cells with it where its region changes."""
    case = await session.get(Case, referral.case_id, with_for_update=True, populate_existing=True)
    centre = await session.get(ServiceCentre, referral.to_centre_id)
    if case is None or centre is None:  # both are kept by foreign keys; a guard for mypy
        raise NotFound(f"No case {referral.case_id}.")
    if case.service_centre_id != referral.from_centre_id:
        raise Conflict("The case has moved to another centre since it was referred.")
    clash = await session.scalar(
        select(Case.id).where(
            Case.service_centre_id == centre.id, Case.external_ref == case.external_ref
        )
    )
    if clash is not None:
        raise Conflict(
            f"The receiving centre has a case of reference {case.external_ref!r} already.",
            errors=[field_error("external_ref", "taken at the receiving centre")],
        )
    before = _owner(case)
    region = case.registered_region_code
    if not regions.in_subtree(region, centre.region_code):
        region = centre.region_code
    cells = CellChanges()
    if region != case.registered_region_code:
        cells.remove(case, case.record_key, shared=case.victim_shared)
        moved = {name: getattr(case, name) for name in _CELL_NAMES}
        cells.add(
            {**moved, "registered_region_code": region}, case.record_key, shared=case.victim_shared
        )
    case.service_centre_id = centre.id
    case.registered_region_code = region
    case.version += 1
    case.updated_at = utcnow()
    await session.flush()
    await cells.apply(session)
    await audit.record(
        session,
        caller,
        action="transferred",
        entity_type="case",
        entity_id=case.id,
        before=before,
        after=_owner(case),
        reason=f"referral {referral.id}",
    )


_CELL_NAMES = (
    "registered_region_code",
    "identified_year",
    "incident_basis_year",
    "age_group",
    "sex",
)


def list_query(
    caller: Caller,
    *,
    direction: str | None = None,
    state: ReferralState | None = None,
    case_id: uuid.UUID | None = None,
) -> Select[Any]:
    """The referrals the caller is a party to (a centre: sent or received; ``direction``
    ``incoming`` or ``outgoing`` for one side), in id order."""
    query = select(Referral)
    centre = caller.service_centre_id
    if caller.role is not Role.national_admin:
        sides = {
            "incoming": [Referral.to_centre_id == centre],
            "outgoing": [Referral.from_centre_id == centre],
        }.get(direction or "", [Referral.to_centre_id == centre, Referral.from_centre_id == centre])
        query = query.where(or_(*sides))
    elif direction == "incoming":
        query = query.where(Referral.to_centre_id.is_not(None))
    if case_id is not None:
        query = query.where(Referral.case_id == case_id)
    if state is not None:
        query = query.where(Referral.state == state)
    return query.order_by(Referral.id)


async def case_query(session: AsyncSession, caller: Caller, case_id: uuid.UUID) -> Select[Any]:
    """The referrals of a case the caller holds (its centre, the national admin): every one,
    those made by the centres that held it before included."""
    case = await cases.get_visible(session, caller, case_id)
    return select(Referral).where(Referral.case_id == case.id).order_by(Referral.id)


async def referred_case(
    session: AsyncSession,
    caller: Caller,
    referral_id: int,
    *,
    include_personal: bool,
    reason: str | None,
    keyring: Keyring,
) -> ReferredCase:
    """The case as its receiving centre sees it, once it accepted, while the victim's
    referral consent is in force; personal fields only with the victim's consent to share
    them with this centre, a reason, and an audit event."""
    referral = await get_visible(session, caller, referral_id)
    receiver = referral.to_centre_id
    if receiver is None or (
        caller.role is Role.service_centre and caller.service_centre_id != receiver
    ):
        raise Forbidden("Only the receiving centre of a referral reads the case through it.")
    if referral.state is not ReferralState.accepted:
        raise Conflict(f"The {referral.kind.value} is {referral.state.value}: accept it first.")
    if not await consent.permits(session, referral.case_id, Purpose.referral):
        raise Forbidden(
            "The victim withdrew consent for referral: the case is no longer shared.",
            purpose=Purpose.referral.value,
        )
    case = await session.get(Case, referral.case_id)
    if case is None:
        raise NotFound(f"No case {referral.case_id}.")
    shown = cases.read(case).model_dump(include=SHARED_FIELDS)
    result = ReferredCase(referral_id=referral.id, case_id=case.id, **shown)
    if include_personal:
        result.personal = await _personal(session, caller, case, receiver, reason, keyring)
    return result


async def _personal(
    session: AsyncSession,
    caller: Caller,
    case: Case,
    receiver: int,
    reason: str | None,
    keyring: Keyring,
) -> Personal:
    if not await consent.permits(
        session, case.id, Purpose.sharing, consent.AgencyRef.centre(receiver)
    ):
        raise Forbidden(
            "The victim has not consented to share personal data with this centre.",
            purpose=Purpose.sharing.value,
        )
    reason = cases.check_personal_read(case, reason)
    # opened under the case's own data key (nothing once erased)
    key = (await sealing.data_keys(keyring, [case.id])).get(case.id)
    opened, _witnesses = cases.personal_of(case, keyring, key)
    personal = Personal(**opened.model_dump(include=set(Personal.model_fields)))
    await audit.record(
        session,
        caller,
        action="read_personal",
        entity_type="case",
        entity_id=case.id,
        reason=reason[:500],
    )
    return personal
