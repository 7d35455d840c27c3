"""What an adopted plan's activities realised, year by year: indicator values and spending
by source of "ANGGARAN" a-d (BAB V).
"""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.action_plans.activities import get_activity, in_period
from gtpptppo_api.action_plans.models import (
    ActionPlan,
    ActionPlanState,
    FundingSource,
    IndicatorValue,
    Realisation,
    Spending,
)
from gtpptppo_api.action_plans.plans import get_writable
from gtpptppo_api.action_plans.schemas import (
    RealisationPut,
    RealisationRead,
)
from gtpptppo_api.audit import service as audit
from gtpptppo_api.auth.service import Caller
from gtpptppo_api.db.base import utcnow
from gtpptppo_api.errors import Conflict, ValidationFailed
from gtpptppo_api.kit.etag import check_if_match


def read_realisation(realisation: Realisation) -> RealisationRead:
    return RealisationRead.model_validate(realisation)


def realisation_query(
    plan: ActionPlan, *, year: int | None = None, activity_id: int | None = None
) -> Select[Realisation]:
    query = select(Realisation).where(Realisation.action_plan_id == plan.id)
    if year is not None:
        query = query.where(Realisation.year == year)
    if activity_id is not None:
        query = query.where(Realisation.activity_id == activity_id)
    return query.order_by(Realisation.id)


async def put_realisation(
    session: AsyncSession,
    caller: Caller,
    plan_id: int,
    activity_id: int,
    year: int,
    body: RealisationPut,
    if_match: str | None,
) -> tuple[Realisation, bool]:
    """Record (or replace) what an activity achieved and spent in a year.

    Realisation is recorded per year against the targets of an adopted plan (Permen PPPA
    10/2012 BAB V); indicator values name the activity's own indicators, spending names a
    source of "ANGGARAN" a-d in whole rupiah. The same PUT twice gives the same record. Returns the
    record and whether it was created.
    """
    plan = await get_writable(session, caller, plan_id)
    activity = await get_activity(session, plan, activity_id)
    if plan.state is not ActionPlanState.adopted:
        raise Conflict(
            f"Action plan {plan.id} is {plan.state.value}: realisation is recorded against "
            "an adopted plan."
        )
    in_period(plan, year, "year")
    own = {indicator.id for indicator in activity.indicators}
    seen: set[int] = set()
    for index, value in enumerate(body.indicator_values):
        field = f"indicator_values.{index}.indicator_id"
        if value.indicator_id not in own:
            raise ValidationFailed.field(
                field, f"activity {activity.id} has no indicator {value.indicator_id}"
            )
        if value.indicator_id in seen:
            raise ValidationFailed.field(field, f"indicator {value.indicator_id} given twice")
        seen.add(value.indicator_id)
    sources: set[FundingSource] = set()
    for index, spent in enumerate(body.spending):
        if spent.source in sources:
            raise ValidationFailed.field(
                f"spending.{index}.source", f"{spent.source.value} given twice"
            )
        sources.add(spent.source)
    realisation = await session.scalar(
        select(Realisation).where(Realisation.activity_id == activity.id, Realisation.year == year)
    )
    created = realisation is None
    before = None
    if realisation is None:
        realisation = Realisation(action_plan_id=plan.id, activity_id=activity.id, year=year)
        session.add(realisation)
    else:
        check_if_match(if_match, realisation.version)
        before = read_realisation(realisation)
        realisation.indicator_values.clear()
        realisation.spending.clear()
        await session.flush()
    realisation.evidence_notes = body.evidence_notes
    realisation.indicator_values.extend(
        IndicatorValue(indicator_id=v.indicator_id, achieved=v.achieved)
        for v in body.indicator_values
    )
    realisation.spending.extend(Spending(source=s.source, amount=s.amount) for s in body.spending)
    realisation.updated_at = utcnow()
    await session.flush()
    await session.refresh(realisation)
    await audit.record(
        session,
        caller,
        action="create" if created else "update",
        entity_type="action_plan_realisation",
        entity_id=realisation.id,
        before=before,
        after=read_realisation(realisation),
    )
    return realisation, created
