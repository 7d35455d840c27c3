"""The activities of an action plan: programs a-f of BAB V, their indicators, time frames,
budget lines and who is responsible. Only a draft plan takes changes.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.action_plans import rules
from gtpptppo_api.action_plans.catalogue import CATALOGUE, LETTER, RULE
from gtpptppo_api.action_plans.models import (
    ActionPlan,
    ActionPlanState,
    Activity,
    BudgetLine,
    FundingSource,
    Indicator,
    IndicatorTarget,
    Program,
)
from gtpptppo_api.action_plans.plans import cite, get_writable
from gtpptppo_api.action_plans.schemas import (
    ActivityCreate,
    ActivityRead,
    ActivityUpdate,
    BudgetLineIn,
    BudgetLineRead,
    IndicatorIn,
    IndicatorRead,
    Responsible,
    TimeFrame,
)
from gtpptppo_api.audit import service as audit
from gtpptppo_api.auth.service import Caller
from gtpptppo_api.db.base import utcnow
from gtpptppo_api.errors import Conflict, NotFound, ValidationFailed
from gtpptppo_api.kit.etag import check_if_match
from gtpptppo_api.task_forces.models import SubTaskForce


def read_activity(activity: Activity) -> ActivityRead:
    time_frame = None
    if activity.start_year is not None and activity.end_year is not None:
        time_frame = TimeFrame(start_year=activity.start_year, end_year=activity.end_year)
    responsible = None
    if activity.responsible_sub_task_force_id is not None or activity.responsible_agency:
        responsible = Responsible(
            sub_task_force_id=activity.responsible_sub_task_force_id,
            agency=activity.responsible_agency,
        )
    return ActivityRead(
        id=activity.id,
        action_plan_id=activity.action_plan_id,
        program=activity.program,
        program_letter=LETTER[activity.program],
        catalogue_code=activity.catalogue_code,
        problem_identified=activity.problem_identified,
        activity=activity.activity,
        indicators=[IndicatorRead.model_validate(i) for i in activity.indicators],
        time_frame=time_frame,
        responsible=responsible,
        implementing_team=activity.implementing_team,
        budget=[BudgetLineRead.model_validate(line) for line in activity.budget_lines],
        missing_elements=[element.name for element, _ in rules.missing_elements(activity)],
        created_at=activity.created_at,
        updated_at=activity.updated_at,
        version=activity.version,
    )


def activity_query(plan: ActionPlan, program: Program | None = None) -> Select[Activity]:
    query = select(Activity).where(Activity.action_plan_id == plan.id)
    if program is not None:
        query = query.where(Activity.program == program)
    return query.order_by(Activity.id)


async def get_activity(session: AsyncSession, plan: ActionPlan, activity_id: int) -> Activity:
    activity = await session.get(Activity, activity_id)
    if activity is None or activity.action_plan_id != plan.id:
        raise NotFound(f"Action plan {plan.id} has no activity {activity_id}.")
    return activity


def in_period(plan: ActionPlan, year: int, field: str) -> None:
    if not plan.first_year <= year <= plan.last_year:
        raise ValidationFailed.field(
            field, f"{year} is outside the plan's period {plan.first_year}-{plan.last_year}"
        )


def _require_draft(plan: ActionPlan) -> None:
    if plan.state is not ActionPlanState.draft:
        raise Conflict(
            f"Action plan {plan.id} is {plan.state.value}: its activities can no longer be "
            "edited; record realisations instead."
        )


def _indicators(plan: ActionPlan, items: Sequence[IndicatorIn]) -> list[Indicator]:
    indicators = []
    for index, item in enumerate(items):
        years: set[int] = set()
        for t_index, target in enumerate(item.targets):
            field = f"indicators.{index}.targets.{t_index}.year"
            in_period(plan, target.year, field)
            if target.year in years:
                raise ValidationFailed.field(field, f"{target.year} has two targets")
            years.add(target.year)
        indicators.append(
            Indicator(
                name=item.name,
                unit=item.unit,
                baseline=item.baseline,
                targets=[IndicatorTarget(year=t.year, value=t.value) for t in item.targets],
            )
        )
    return indicators


def _budget(plan: ActionPlan, items: Sequence[BudgetLineIn]) -> list[BudgetLine]:
    """Budget lines per year and source of BAB V "ANGGARAN" a-d, in whole rupiah."""
    seen: set[tuple[int, FundingSource]] = set()
    for index, item in enumerate(items):
        in_period(plan, item.year, f"budget.{index}.year")
        if (item.year, item.source) in seen:
            raise ValidationFailed.field(
                f"budget.{index}.source",
                f"{item.source.value} for {item.year} is listed twice; give one line per "
                "year and source",
            )
        seen.add((item.year, item.source))
    return [
        BudgetLine(year=i.year, source=i.source, planned_amount=i.planned_amount) for i in items
    ]


async def _apply(
    session: AsyncSession,
    plan: ActionPlan,
    activity: Activity,
    body: ActivityCreate | ActivityUpdate,
) -> None:
    """Apply the fields given in ``body``, checking each against the plan."""
    changes = body.model_dump(exclude_unset=True)
    for name in ("program", "indicators", "budget"):
        if name in changes and changes[name] is None:
            raise ValidationFailed.field(name, "must not be null")
    program = body.program or activity.program
    if body.program is not None:
        if body.program in {exclusion.program for exclusion in plan.exclusions}:
            raise ValidationFailed.field(
                "program",
                f"program {LETTER[body.program]} is recorded as out of scope for this plan; "
                "remove it from out_of_scope first",
            )
        activity.program = body.program
    if "catalogue_code" in changes:
        code = body.catalogue_code
        if code is not None:
            entry = CATALOGUE.get(code)
            if entry is None:
                raise ValidationFailed.field(
                    "catalogue_code", f"no typical activity {code!r} in the catalogue"
                )
            if entry.program is not program:
                raise ValidationFailed.field(
                    "catalogue_code",
                    f"{code} is an activity of program {LETTER[entry.program]}, not "
                    f"{LETTER[program]} {cite(RULE)}",
                    rule=RULE,
                )
            if "activity" not in changes:
                activity.activity = entry.text
        activity.catalogue_code = code
    elif body.program is not None and activity.catalogue_code is not None:
        entry = CATALOGUE[activity.catalogue_code]
        if entry.program is not program:
            raise ValidationFailed.field(
                "program", f"the activity comes from {entry.code}, of program {entry.program}"
            )
    for name in ("problem_identified", "activity", "implementing_team"):
        if name in changes:
            setattr(activity, name, changes[name])
    if "time_frame" in changes:
        frame = body.time_frame
        if frame is None:
            activity.start_year = activity.end_year = None
        else:
            in_period(plan, frame.start_year, "time_frame.start_year")
            in_period(plan, frame.end_year, "time_frame.end_year")
            if frame.end_year < frame.start_year:
                raise ValidationFailed.field("time_frame.end_year", "is before start_year")
            activity.start_year, activity.end_year = frame.start_year, frame.end_year
    if "responsible" in changes:
        await _set_responsible(session, plan, activity, body.responsible)
    if body.indicators is not None:
        indicators = _indicators(plan, body.indicators)
        activity.indicators.clear()
        await session.flush()
        activity.indicators.extend(indicators)
    if body.budget is not None:
        lines = _budget(plan, body.budget)
        activity.budget_lines.clear()
        await session.flush()
        activity.budget_lines.extend(lines)


async def _set_responsible(
    session: AsyncSession, plan: ActionPlan, activity: Activity, body: Responsible | None
) -> None:
    """The responsible party: a sub-task-force of the plan's own task force, or an agency."""
    if body is None:
        activity.responsible_sub_task_force_id = activity.responsible_agency = None
        return
    if body.sub_task_force_id is not None:
        unit = await session.get(SubTaskForce, body.sub_task_force_id)
        if unit is None or unit.task_force_id != plan.task_force_id:
            raise ValidationFailed.field(
                "responsible.sub_task_force_id",
                f"the task force of this plan has no sub-task-force {body.sub_task_force_id}",
            )
    activity.responsible_sub_task_force_id = body.sub_task_force_id
    activity.responsible_agency = body.agency


async def create_activity(
    session: AsyncSession, caller: Caller, plan_id: int, body: ActivityCreate
) -> Activity:
    """Add an activity under one of programs a-f to a draft plan (BAB V)."""
    plan = await get_writable(session, caller, plan_id)
    _require_draft(plan)
    activity = Activity(action_plan_id=plan.id, program=body.program)
    await _apply(session, plan, activity, body)
    session.add(activity)
    await session.flush()
    await session.refresh(activity)
    await audit.record(
        session,
        caller,
        action="create",
        entity_type="action_plan_activity",
        entity_id=activity.id,
        after=read_activity(activity),
    )
    return activity


async def update_activity(
    session: AsyncSession,
    caller: Caller,
    plan_id: int,
    activity_id: int,
    body: ActivityUpdate,
    if_match: str | None,
) -> Activity:
    plan = await get_writable(session, caller, plan_id)
    activity = await get_activity(session, plan, activity_id)
    _require_draft(plan)
    check_if_match(if_match, activity.version)
    before = read_activity(activity)
    await _apply(session, plan, activity, body)
    activity.updated_at = utcnow()
    await session.flush()
    await session.refresh(activity)
    await audit.record(
        session,
        caller,
        action="update",
        entity_type="action_plan_activity",
        entity_id=activity.id,
        before=before,
        after=read_activity(activity),
    )
    return activity


async def delete_activity(
    session: AsyncSession, caller: Caller, plan_id: int, activity_id: int
) -> None:
    plan = await get_writable(session, caller, plan_id)
    activity = await get_activity(session, plan, activity_id)
    _require_draft(plan)
    before = read_activity(activity)
    await session.delete(activity)
    await session.flush()
    await audit.record(
        session,
        caller,
        action="delete",
        entity_type="action_plan_activity",
        entity_id=activity_id,
        before=before,
    )
