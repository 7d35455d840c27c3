"""A case's legal basis and consent (UU 27/2022 Pelindungan Data Pribadi)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from gtpptppo_api.auth.deps import ConsentReader, ConsentWriter
from gtpptppo_api.consent import service
from gtpptppo_api.consent.schemas import ConsentPut, ConsentRead, Withdrawal
from gtpptppo_api.db.session import SessionDep

router = APIRouter(prefix="/cases/{case_id}/consent", tags=["consent"])


@router.get("")
async def get_case_consent(
    case_id: uuid.UUID, session: SessionDep, caller: ConsentReader
) -> ConsentRead:
    """The case's legal basis, the purposes in force, and their history (its centre or the
    national admin)."""
    return await service.read(session, caller, case_id)


@router.put("")
async def set_case_consent(
    case_id: uuid.UUID, body: ConsentPut, session: SessionDep, caller: ConsentWriter
) -> ConsentRead:
    """Record the case's legal basis and consent as it now stands; audited. A child's
    consent (under 18 at identification) is given by a parent or guardian (422 naming
    ``given_by`` otherwise). Purposes left out are withdrawn now, never erased."""
    return await service.put(session, caller, case_id, body)


@router.post("/withdrawals")
async def withdraw_case_consent(
    case_id: uuid.UUID, body: Withdrawal, session: SessionDep, caller: ConsentWriter
) -> ConsentRead:
    """Withdraw one purpose from now on, with a reason; audited. Withdrawing ``referral``
    stops new referrals and hides the case from the centres it was referred to; 409 when
    the purpose is not in force."""
    return await service.withdraw(session, caller, case_id, body)
