"""Referrals and transfers of cases between service centres and agencies."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Request

from gtpptppo_api.auth.deps import ReferralReader, ReferralWriter
from gtpptppo_api.db.session import SessionDep
from gtpptppo_api.kit.crypto import Keyring
from gtpptppo_api.kit.openapi import ID, links, path
from gtpptppo_api.kit.pagination import CursorPage, paginate
from gtpptppo_api.referrals import service
from gtpptppo_api.referrals.models import Referral, ReferralState
from gtpptppo_api.referrals.schemas import (
    ReferralCreate,
    ReferralDecision,
    ReferralRead,
    ReferredCase,
)

router = APIRouter(tags=["referrals"])


def _transform(rows: Sequence[Referral]) -> list[ReferralRead]:
    return [service.read(row) for row in rows]


@router.post(
    "/cases/{case_id}/referrals",
    status_code=201,
    responses={
        201: links(
            get_referral={"referral_id": ID},
            list_case_referrals={"case_id": path("case_id")},
        )
    },
)
async def refer_case(
    case_id: uuid.UUID, body: ReferralCreate, session: SessionDep, caller: ReferralWriter
) -> ReferralRead:
    """Refer the case to a centre or agency for a service, or transfer it whole to another
    centre; audited. Needs the victim's referral consent in force (409 otherwise)."""
    return await service.create(session, caller, case_id, body)


@router.get("/cases/{case_id}/referrals", response_model=CursorPage[ReferralRead])
async def list_case_referrals(
    case_id: uuid.UUID, session: SessionDep, caller: ReferralReader
) -> CursorPage[ReferralRead]:
    """Every referral and transfer of the case, those of its earlier centres included."""
    query = await service.case_query(session, caller, case_id)
    page: CursorPage[ReferralRead] = await paginate(session, query, transformer=_transform)
    return page


@router.get("/referrals", response_model=CursorPage[ReferralRead])
async def list_referrals(
    session: SessionDep,
    caller: ReferralReader,
    direction: Literal["incoming", "outgoing"] | None = None,
    state: ReferralState | None = None,
) -> CursorPage[ReferralRead]:
    """The referrals the caller's centre sent or received (``direction`` for one side)."""
    query = service.list_query(caller, direction=direction, state=state)
    page: CursorPage[ReferralRead] = await paginate(session, query, transformer=_transform)
    return page


@router.get("/referrals/{referral_id}")
async def get_referral(
    referral_id: int, session: SessionDep, caller: ReferralReader
) -> ReferralRead:
    return service.read(await service.get_visible(session, caller, referral_id))


@router.post("/referrals/{referral_id}/decision")
async def decide_referral(
    referral_id: int, body: ReferralDecision, session: SessionDep, caller: ReferralWriter
) -> ReferralRead:
    """The receiving centre accepts, or declines with a reason (for an agency outside the
    system, the referring centre records its answer); audited. An accepted transfer makes
    the receiver the case's centre. 409 when decided already or consent was withdrawn."""
    return await service.decide(session, caller, referral_id, body)


@router.get("/referrals/{referral_id}/case")
async def get_referred_case(
    referral_id: int,
    request: Request,
    session: SessionDep,
    caller: ReferralReader,
    include: Annotated[
        str | None,
        Query(pattern="^personal$", description="`personal` to add personal fields."),
    ] = None,
    x_access_reason: Annotated[
        str | None,
        Header(max_length=500, description="Why personal fields are read; required with them."),
    ] = None,
) -> ReferredCase:
    """The referred case as the receiving centre sees it, after accepting and while the
    victim's referral consent is in force: the fields consent covers, the personal ones
    only where the victim consented to share them with this centre (audited)."""
    ring: Keyring = request.app.state.keyring()
    return await service.referred_case(
        session,
        caller,
        referral_id,
        include_personal=include == "personal",
        reason=x_access_reason,
        keyring=ring,
    )
