"""Data subject requests (UU 27/2022, Pelindungan Data Pribadi, art. 5-13, 32-44).

A victim (or a child's parent or guardian) asks the service centre holding their case. The
centre records the request against that case; the case's NIK (its blind index) links the
person's cases at every centre. Each request runs on the law's clock, 3 x 24 hours from
receipt (``DEADLINE``), and ends ``completed`` or ``refused`` with who handled it and how;
every step is audited. Per kind, completing it does:

- access: the copy (``subject_copy``) of everything held about the person, across centres,
  for the receiving centre to hand over; reading it is audited;
- rectification: nothing more than the centre's push of the corrected case, which must come
  after the request (else 409);
- restriction: the person's cases are kept but used for nothing but storage and aggregate
  counts (their personal fields are no longer shown, and exports leave them out) until the
  restriction is lifted;
- erasure: the person's cases are crypto-shredded (``privacy.erasure``), their de-identified
  records kept for the counts unless ``keep_counts`` is false.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.audit import service as audit
from gtpptppo_api.auth import scope
from gtpptppo_api.auth.models import Role
from gtpptppo_api.auth.service import Caller
from gtpptppo_api.cases import sealing
from gtpptppo_api.cases import service as cases
from gtpptppo_api.cases.models import Case
from gtpptppo_api.db.keystore import KeyStore
from gtpptppo_api.errors import Conflict, Forbidden, ValidationFailed
from gtpptppo_api.kit import clock
from gtpptppo_api.kit.crypto import Keyring
from gtpptppo_api.privacy import erasure
from gtpptppo_api.privacy.models import DataSubjectRequest, RequestKind, RequestState
from gtpptppo_api.privacy.schemas import (
    DataRequestCreate,
    DataRequestDecision,
    DataRequestRead,
    SubjectCase,
    SubjectCopy,
)
from gtpptppo_api.webhooks import events as webhooks

# The law's clock: an answer within 3 x 24 hours of the request (UU 27/2022 art. 32 (2),
# 33, 34 (2), 40-44), for every kind of request this service answers.
DEADLINE = {kind: timedelta(hours=72) for kind in RequestKind}


def read(request: DataSubjectRequest, now: datetime | None = None) -> DataRequestRead:
    now = now or clock.now()
    overdue = request.state is RequestState.received and request.due_at < now
    return DataRequestRead.model_validate({**_columns(request), "overdue": overdue})


def _columns(request: DataSubjectRequest) -> dict[str, Any]:
    return {
        name: getattr(request, name) for name in DataRequestRead.model_fields if name != "overdue"
    }


def visible_clause(caller: Caller) -> Any:
    """A centre sees the requests it received; the others those of their region's centres."""
    return scope.clause(
        caller, DataSubjectRequest.region_code, centre_column=DataSubjectRequest.service_centre_id
    )


def list_query(
    caller: Caller, *, state: RequestState | None = None, overdue: bool | None = None
) -> Select[Any]:
    query = select(DataSubjectRequest).where(visible_clause(caller))
    if state is not None:
        query = query.where(DataSubjectRequest.state == state)
    if overdue is not None:
        late = (DataSubjectRequest.state == RequestState.received) & (
            DataSubjectRequest.due_at < clock.now()
        )
        query = query.where(late if overdue else ~late)
    return query.order_by(DataSubjectRequest.id)


async def get_visible(session: AsyncSession, caller: Caller, request_id: int) -> DataSubjectRequest:
    return await scope.get(
        session,
        caller,
        DataSubjectRequest,
        request_id,
        noun="data subject request",
        centre=lambda request: request.service_centre_id,
    )


def _ensure_handler(caller: Caller, request: DataSubjectRequest) -> None:
    """Only the centre that received the request (or the national admin) answers it."""
    if caller.role is Role.national_admin:
        return
    if (
        caller.role is not Role.service_centre
        or caller.service_centre_id != request.service_centre_id
    ):
        raise Forbidden(
            "Only the centre that received the request (or a national admin) answers it."
        )


async def create(
    session: AsyncSession, caller: Caller, centre_id: int, body: DataRequestCreate
) -> DataSubjectRequest:
    """Record a request received by the centre, against one of its cases; the clock starts."""
    centre = await cases.writable_centre(session, caller, centre_id)
    case = await session.get(Case, body.case_id)
    if case is None or case.service_centre_id != centre.id:
        raise ValidationFailed.field("case_id", "no case of this centre has this id")
    if case.erased_at is not None:
        raise ValidationFailed.field("case_id", "the personal data of this case was erased")
    if body.kind is not RequestKind.erasure and not body.keep_counts:
        raise ValidationFailed.field("keep_counts", "applies to an erasure only")
    now = clock.now()
    request = DataSubjectRequest(
        kind=body.kind,
        state=RequestState.received,
        service_centre_id=centre.id,
        region_code=centre.region_code,
        case_id=case.id,
        note=body.note,
        keep_counts=body.keep_counts,
        received_at=now,
        due_at=now + DEADLINE[body.kind],
        received_by=caller.name,
    )
    session.add(request)
    await session.flush()
    await audit.record(
        session,
        caller,
        action="received",
        entity_type="data_subject_request",
        entity_id=request.id,
        after=read(request, now),
    )
    # The centre's app learns that an answer is due, and by when (never whose request).
    await webhooks.emit(
        session,
        webhooks.DATA_SUBJECT_REQUEST_DUE,
        region_code=centre.region_code,
        service_centre_id=centre.id,
        data={
            "data_subject_request_id": request.id,
            "service_centre_id": centre.id,
            "due_on": request.due_at,
            "link": f"/api/v1/data-requests/{request.id}",
        },
    )
    return request


async def subject_cases(session: AsyncSession, request: DataSubjectRequest) -> list[Case]:
    """The person's cases: the request's case and every case with its NIK, at any centre."""
    if request.case_id is None:
        return []
    case = await session.get(Case, request.case_id)
    if case is None:
        return []
    if case.nik_index is None:
        return [case]
    found = await session.scalars(
        select(Case).where(Case.nik_index == case.nik_index).order_by(Case.id)
    )
    return list(found.all())


async def subject_copy(
    session: AsyncSession, caller: Caller, request_id: int, keyring: Keyring
) -> SubjectCopy:
    """Everything held about the person, for the centre that received the access request
    (across centres: the NIK links the person's cases); audited."""
    request = await get_visible(session, caller, request_id)
    _ensure_handler(caller, request)
    if request.kind is not RequestKind.access:
        raise Conflict("Only an access request has a copy.")
    if request.state is RequestState.refused:
        raise Conflict("The request was refused.")
    held = []
    found = await subject_cases(session, request)
    keys = await sealing.data_keys(keyring, [case.id for case in found])  # one query
    for case in found:
        shown = cases.read(case)
        shown.personal, shown.witnesses = cases.personal_of(case, keyring, keys.get(case.id))
        held.append(
            SubjectCase.model_validate(
                {
                    **shown.model_dump(),
                    "restricted": case.restricted_at is not None,
                    "erased": case.erased_at is not None,
                }
            )
        )
    ids = [c.id for c in held]
    requests = await session.scalars(
        select(DataSubjectRequest)
        .where(DataSubjectRequest.case_id.in_(ids))
        .order_by(DataSubjectRequest.id)
    )
    now = clock.now()
    await audit.record(
        session,
        caller,
        action="subject_copy",
        entity_type="data_subject_request",
        entity_id=request.id,
        reason=f"{len(held)} cases",
    )
    return SubjectCopy(
        request_id=request.id,
        generated_at=now,
        cases=held,
        requests=[read(r, now) for r in requests.all()],
    )


async def complete(
    session: AsyncSession,
    caller: Caller,
    request_id: int,
    decision: DataRequestDecision,
    keys: KeyStore,
) -> DataSubjectRequest:
    """Carry the request out (by its kind, see the module) and close it; an erasure's data
    keys leave ``keys`` once the session commits."""
    request = await _open_request(session, caller, request_id)
    subject = await subject_cases(session, request)
    ids = [case.id for case in subject]
    affected = len(ids)
    if request.kind is RequestKind.rectification:
        case = next((c for c in subject if c.id == request.case_id), None)
        if case is None or case.updated_at <= request.received_at:
            raise Conflict(
                "Push the corrected case first: it has not changed since the request.",
                case_id=str(request.case_id),
            )
        affected = 1
    elif request.kind is RequestKind.restriction:
        await _restrict(session, ids, clock.now())
    elif request.kind is RequestKind.erasure:
        affected = await erasure.erase(session, ids, keep_counts=request.keep_counts, keys=keys)
    return await _close(session, caller, request, RequestState.completed, decision, affected)


async def _restrict(session: AsyncSession, ids: list[uuid.UUID], when: datetime | None) -> None:
    if ids:
        await session.execute(update(Case).where(Case.id.in_(ids)).values(restricted_at=when))


async def refuse(
    session: AsyncSession, caller: Caller, request_id: int, decision: DataRequestDecision
) -> DataSubjectRequest:
    """Refuse the request, with the reason the person is told (UU 27/2022 art. 15)."""
    request = await _open_request(session, caller, request_id)
    return await _close(session, caller, request, RequestState.refused, decision, 0)


async def lift(
    session: AsyncSession, caller: Caller, request_id: int, decision: DataRequestDecision
) -> DataSubjectRequest:
    """Lift a restriction in force: the person's cases are processed again."""
    request = await get_visible(session, caller, request_id)
    _ensure_handler(caller, request)
    if request.kind is not RequestKind.restriction or request.state is not RequestState.completed:
        raise Conflict("Only a restriction in force can be lifted.")
    ids = [case.id for case in await subject_cases(session, request)]
    await _restrict(session, ids, None)
    return await _close(session, caller, request, RequestState.lifted, decision, len(ids))


async def _open_request(
    session: AsyncSession, caller: Caller, request_id: int
) -> DataSubjectRequest:
    request = await get_visible(session, caller, request_id)
    _ensure_handler(caller, request)
    if request.state is not RequestState.received:
        raise Conflict(f"The request is already {request.state.value}.")
    return request


async def _close(
    session: AsyncSession,
    caller: Caller,
    request: DataSubjectRequest,
    state: RequestState,
    decision: DataRequestDecision,
    affected: int,
) -> DataSubjectRequest:
    before = read(request)
    request.state = state
    request.handled_by, request.handled_at = caller.name, clock.now()
    request.resolution, request.cases_affected = decision.resolution, affected
    await session.flush()
    await audit.record(
        session,
        caller,
        action=state.value,
        entity_type="data_subject_request",
        entity_id=request.id,
        before=before,
        after=read(request),
    )
    return request
