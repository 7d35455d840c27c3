"""The references a centre transferred away.

A transfer keeps the case's ``external_ref`` under its new centre, so a later push of that
reference by the centre that gave the case away would otherwise make a second case of the
same victim there (a retried batch, a register kept in step by hand). Such a push is refused
for those references (``cases.service``), naming ``external_ref``.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.cases.models import Case
from gtpptppo_api.db.bulk import among
from gtpptppo_api.referrals.models import Referral, ReferralKind, ReferralState

CHUNK = 2000
MESSAGE = "the case of this reference was transferred to another service centre"


async def moved_refs(session: AsyncSession, centre_id: int, refs: Sequence[str]) -> set[str]:
    """Those of ``refs`` whose case ``centre_id`` transferred away and no longer holds."""
    dialect = session.get_bind().dialect.name
    moved: set[str] = set()
    for start in range(0, len(refs), CHUNK):
        chunk = list(refs[start : start + CHUNK])
        found = await session.scalars(
            select(Referral.external_ref)
            .join(Case, Case.id == Referral.case_id)
            .where(
                Referral.from_centre_id == centre_id,
                among(Referral.external_ref, chunk, dialect),
                Referral.kind == ReferralKind.transfer,
                Referral.state == ReferralState.accepted,
                Case.service_centre_id != centre_id,
            )
        )
        moved.update(found.all())
    return moved
