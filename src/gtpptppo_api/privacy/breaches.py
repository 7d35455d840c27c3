"""The breach register (UU 27/2022 art. 46): a personal data breach, the subjects it
affected found by a query (centre, period of identification, fields exposed), and the
notices due to the subjects and the authority within 3 x 24 hours of its discovery.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.audit import service as audit
from gtpptppo_api.auth.service import Caller
from gtpptppo_api.cases.models import Case
from gtpptppo_api.errors import NotFound, ValidationFailed
from gtpptppo_api.kit import clock
from gtpptppo_api.privacy.models import Breach
from gtpptppo_api.privacy.schemas import BreachCreate, BreachRead, BreachUpdate
from gtpptppo_api.service_centres.models import ServiceCentre

NOTICE_WITHIN = timedelta(hours=72)  # UU 27/2022 art. 46 (1)


def read(breach: Breach) -> BreachRead:
    now = clock.now()
    late = breach.notify_due_at < now and (
        breach.authority_notified_at is None or breach.subjects_notified_at is None
    )
    values = {name: getattr(breach, name) for name in BreachRead.model_fields if name != "overdue"}
    return BreachRead.model_validate({**values, "overdue": late})


def affected_query(breach: Breach) -> Select[Any]:
    """The cases whose exposed fields the breach reached: of the centre (or every centre),
    identified in the period, holding one of the fields (and not erased before)."""
    held = {
        "name": Case.personal_ciphertext.is_not(None),
        "phone": Case.personal_ciphertext.is_not(None),
        "nik": Case.nik_index.is_not(None),
        "witnesses": Case.witnesses_ciphertext.is_not(None),
    }
    query: Select[Any] = select(Case.id, Case.service_centre_id, Case.external_ref).where(  # type: ignore[assignment]
        Case.identified_on >= breach.period_from,
        Case.identified_on <= breach.period_to,
        or_(*(held[name] for name in breach.fields)),
    )
    if breach.service_centre_id is not None:
        query = query.where(Case.service_centre_id == breach.service_centre_id)
    return query.order_by(Case.id)


async def create(session: AsyncSession, caller: Caller, body: BreachCreate) -> Breach:
    if body.period_to < body.period_from:
        raise ValidationFailed.field("period_to", "is before period_from")
    if body.discovered_at > clock.now():
        raise ValidationFailed.field("discovered_at", "is in the future")
    if body.service_centre_id is not None and (
        await session.get(ServiceCentre, body.service_centre_id) is None
    ):
        raise ValidationFailed.field("service_centre_id", "no such service centre")
    discovered = body.discovered_at.astimezone(UTC)
    breach = Breach(
        **body.model_dump(exclude={"fields", "discovered_at"}),
        discovered_at=discovered,
        fields=sorted(set(body.fields)),
        notify_due_at=discovered + NOTICE_WITHIN,
        recorded_by=caller.name,
    )
    count = select(func.count()).select_from(affected_query(breach).subquery())
    breach.affected_cases = int(await session.scalar(count) or 0)
    session.add(breach)
    await session.flush()
    await audit.record(
        session,
        caller,
        action="recorded",
        entity_type="data_breach",
        entity_id=breach.id,
        after=read(breach),
    )
    return breach


async def get(session: AsyncSession, breach_id: int) -> Breach:
    breach = await session.get(Breach, breach_id)
    if breach is None:
        raise NotFound(f"No breach {breach_id}.")
    return breach


async def update(
    session: AsyncSession, caller: Caller, breach_id: int, body: BreachUpdate
) -> Breach:
    """Record when the notices were sent (not before the discovery, nor in the future)."""
    breach = await get(session, breach_id)
    changes = body.model_dump(exclude_unset=True)
    if not changes:
        raise ValidationFailed.nothing_to_change()
    now = clock.now()
    for name, value in changes.items():
        if value is None:
            continue
        if value < breach.discovered_at:
            raise ValidationFailed.field(name, "is before the breach was discovered")
        if value > now:
            raise ValidationFailed.field(name, "is in the future")
    before = read(breach)
    for name, value in changes.items():
        setattr(breach, name, value.astimezone(UTC) if value is not None else None)
    await session.flush()
    await audit.record(
        session,
        caller,
        action="updated",
        entity_type="data_breach",
        entity_id=breach.id,
        before=before,
        after=read(breach),
    )
    return breach


async def affected_csv(session: AsyncSession, caller: Caller, breach_id: int) -> str:
    """The affected cases for the notice: each case's id, centre and reference, by which the
    centre holding it reaches the person (no personal value leaves the service here)."""
    breach = await get(session, breach_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["case_id", "service_centre_id", "service_centre_name", "external_ref"])
    query = (
        affected_query(breach)
        .add_columns(ServiceCentre.name)
        .join(ServiceCentre, ServiceCentre.id == Case.service_centre_id)
    )
    for row in await session.execute(query):
        writer.writerow([row.id, row.service_centre_id, _cell(row.name), _cell(row.external_ref)])
    await audit.record(
        session,
        caller,
        action="exported",
        entity_type="data_breach",
        entity_id=breach.id,
        reason="affected list for the notice",
    )
    return out.getvalue()


def _cell(text: str) -> str:
    """Keep a spreadsheet from reading a value as a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
