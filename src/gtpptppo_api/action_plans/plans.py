"""Action plans (RAN / RAD): the plan itself, BAB V "PROGRAM DAN KEGIATAN".

The chair of a task force drafts the plan and coordinates its implementation (2.1.4 a 1,
2.2.4 a, 2.3.4 a 1), so a plan belongs to one task force and lies in its region's
jurisdiction. A draft is edited, adopted (every element of BAB V present, no other
adopted plan over the same years) and closed. Services flush, never commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Select,
    func,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.action_plans import rules
from gtpptppo_api.action_plans.catalogue import CATALOGUE, LETTER, PROGRAMS, RULE
from gtpptppo_api.action_plans.models import (
    ActionPlan,
    ActionPlanState,
    Activity,
    BudgetLine,
    Indicator,
    IndicatorTarget,
    Program,
    ProgramExclusion,
)
from gtpptppo_api.action_plans.schemas import (
    ActionPlanCreate,
    ActionPlanRead,
    ActionPlanUpdate,
    CatalogueActivity,
    CatalogueProgram,
    ProgramExclusionItem,
)
from gtpptppo_api.audit import service as audit
from gtpptppo_api.auth import scope
from gtpptppo_api.auth.service import Caller
from gtpptppo_api.db.base import utcnow
from gtpptppo_api.errors import Conflict, FieldError, FieldErrors, ValidationFailed
from gtpptppo_api.kit.etag import check_if_match
from gtpptppo_api.regions import service as regions
from gtpptppo_api.task_forces import service as task_forces
from gtpptppo_api.task_forces.models import TaskForce, TaskForceStatus

MAX_PERIOD_YEARS = 10
cite = rules.cite


# --- catalogue ----------------------------------------------------------------------------


def catalogue() -> list[CatalogueProgram]:
    """Programs a-f and their typical activities (BAB V "PROGRAM DAN KEGIATAN")."""
    return [
        CatalogueProgram(
            program=program.kind,
            letter=program.letter,
            name=program.name,
            activities=[
                CatalogueActivity(code=entry.code, text=entry.text)
                for entry in CATALOGUE.values()
                if entry.program is program.kind
            ],
        )
        for program in PROGRAMS
    ]


# --- plans --------------------------------------------------------------------------------


def read(plan: ActionPlan) -> ActionPlanRead:
    return ActionPlanRead.model_validate(plan)


async def get_visible(session: AsyncSession, caller: Caller, plan_id: int) -> ActionPlan:
    """The plan if it lies in the caller's jurisdiction; 404 otherwise, as if missing."""
    return await scope.get(session, caller, ActionPlan, plan_id, noun="action plan")


def list_query(
    caller: Caller,
    *,
    task_force_id: int | None = None,
    region_code: str | None = None,
    state: ActionPlanState | None = None,
    year: int | None = None,
) -> Select[ActionPlan]:
    query = select(ActionPlan).where(scope.clause(caller, ActionPlan.region_code))
    if task_force_id is not None:
        query = query.where(ActionPlan.task_force_id == task_force_id)
    if region_code is not None:
        query = query.where(regions.subtree_clause(ActionPlan.region_code, region_code))
    if state is not None:
        query = query.where(ActionPlan.state == state)
    if year is not None:
        query = query.where(ActionPlan.first_year <= year, ActionPlan.last_year >= year)
    return query.order_by(ActionPlan.id)


def _check_period(first_year: int, last_year: int) -> None:
    """RAN and RAD are annual and five-year programs (5.3 ANGGARAN a); the ten-year cap is
    a bound of this API, not of the regulation."""
    if last_year < first_year:
        raise ValidationFailed.field("last_year", "must not be before first_year")
    if last_year - first_year + 1 > MAX_PERIOD_YEARS:
        raise ValidationFailed.field(
            "last_year",
            f"a plan covers at most {MAX_PERIOD_YEARS} years",
        )


def _exclusions(items: Sequence[ProgramExclusionItem]) -> list[ProgramExclusion]:
    seen: set[Program] = set()
    for index, item in enumerate(items):
        if item.program in seen:
            raise ValidationFailed.field(
                f"out_of_scope.{index}.program", f"{item.program.value} is listed twice"
            )
        seen.add(item.program)
    return [ProgramExclusion(program=item.program, reason=item.reason) for item in items]


async def get_writable(session: AsyncSession, caller: Caller, plan_id: int) -> ActionPlan:
    """The plan if the caller may act on it: its own task force's, or any for the national
    administrator (Lampiran VI: the level above reads and monitors); 404 or 403 otherwise."""
    plan = await get_visible(session, caller, plan_id)
    task_forces.ensure_own_level(caller, plan.region_code, "Drafting, adopting or closing a plan")
    return plan


async def create(session: AsyncSession, caller: Caller, body: ActionPlanCreate) -> ActionPlan:
    """Draft a plan for a task force: RAN at national level, RAD below (BAB V, 2.x.4 a).

    A dissolved task force plans nothing; a plan covers one to ten years.
    """
    task_force = await task_forces.get_visible(session, caller, body.task_force_id)
    task_forces.ensure_own_level(caller, task_force.region_code, "Drafting a plan")
    if task_force.status is TaskForceStatus.dissolved:
        raise Conflict(f"Task force {task_force.id} is dissolved and cannot adopt a plan.")
    _check_period(body.first_year, body.last_year)
    plan = ActionPlan(
        task_force_id=task_force.id,
        region_code=task_force.region_code,
        level=task_force.level,
        title=body.title,
        first_year=body.first_year,
        last_year=body.last_year,
        exclusions=_exclusions(body.out_of_scope),
    )
    if body.legal_basis is not None:
        plan.legal_basis_number = body.legal_basis.number
        plan.legal_basis_title = body.legal_basis.title
        plan.legal_basis_issued_on = body.legal_basis.issued_on
    session.add(plan)
    await session.flush()
    await session.refresh(plan)
    await audit.record(
        session,
        caller,
        action="create",
        entity_type="action_plan",
        entity_id=plan.id,
        after=read(plan),
    )
    return plan


async def _activities(session: AsyncSession, plan_id: int) -> Sequence[Activity]:
    query = select(Activity).where(Activity.action_plan_id == plan_id).order_by(Activity.id)
    return (await session.scalars(query)).all()


async def _outside_period(session: AsyncSession, plan: ActionPlan, first: int, last: int) -> int:
    """How many time frames, targets and budget lines fall outside ``first..last``."""
    activity_ids = select(Activity.id).where(Activity.action_plan_id == plan.id)
    indicator_ids = select(Indicator.id).where(Indicator.activity_id.in_(activity_ids))
    counts = [
        select(func.count()).where(
            Activity.action_plan_id == plan.id,
            (Activity.start_year < first) | (Activity.end_year > last),
        ),
        select(func.count()).where(
            IndicatorTarget.indicator_id.in_(indicator_ids),
            (IndicatorTarget.year < first) | (IndicatorTarget.year > last),
        ),
        select(func.count()).where(
            BudgetLine.activity_id.in_(activity_ids),
            (BudgetLine.year < first) | (BudgetLine.year > last),
        ),
    ]
    return sum([int(await session.scalar(query) or 0) for query in counts])


def adoption_errors(plan: ActionPlan, activities: Sequence[Activity]) -> list[FieldError]:
    """Everything that stops a plan from being adopted (BAB V "PROGRAM DAN KEGIATAN").

    - The decree adopting it: number and date.
    - Every activity names the six elements a-f: problem identified, activity, success
      indicators (a target for every year of its time frame), time frame, responsible party
      and implementing team.
    - Every program a-f (mirroring the six sub-task-forces) has at least one activity, or a
      recorded reason why it is out of scope for the region.
    """
    errors = FieldErrors()
    for name in ("number", "issued_on"):
        if getattr(plan, f"legal_basis_{name}") is None:
            errors.add(
                f"legal_basis.{name}",
                "the decree adopting the plan is needed to adopt it",
                type="missing",
            )
    for activity in activities:
        for element, reason in rules.missing_elements(activity):
            errors.add(
                f"activities.{activity.id}.{element.name}",
                f"activity {activity.id}: {reason}; every activity names "
                f"'{element.label}' {cite(element.rule)}",
                element.rule,
                activity_id=str(activity.id),
                element=element.name,
            )
    planned = {activity.program for activity in activities}
    excluded = {exclusion.program for exclusion in plan.exclusions}
    for program in PROGRAMS:
        if program.kind not in planned and program.kind not in excluded:
            errors.add(
                f"programs.{program.kind.value}",
                f"program {program.letter} ({program.name}) has no activity "
                f"and no recorded reason why it is out of scope {cite(RULE)}",
                RULE,
                program=program.kind.value,
            )
    return errors.items


async def _check_no_overlap(session: AsyncSession, plan: ActionPlan) -> None:
    """At most one adopted plan of a task force covers a given year.

    The task force row is locked first so two adoptions cannot both pass (PostgreSQL).
    """
    await session.execute(
        select(TaskForce.id).where(TaskForce.id == plan.task_force_id).with_for_update()
    )
    other = await session.scalar(
        select(ActionPlan.id).where(
            ActionPlan.task_force_id == plan.task_force_id,
            ActionPlan.id != plan.id,
            ActionPlan.state == ActionPlanState.adopted,
            ActionPlan.first_year <= plan.last_year,
            ActionPlan.last_year >= plan.first_year,
        )
    )
    if other is not None:
        raise Conflict(
            f"Action plan {other} of this task force is adopted and covers some of the years "
            f"{plan.first_year}-{plan.last_year}; close it first."
        )


async def update(
    session: AsyncSession,
    caller: Caller,
    plan_id: int,
    body: ActionPlanUpdate,
    if_match: str | None,
) -> ActionPlan:
    """Edit a draft, adopt it, or close an adopted plan.

    - A draft takes any edit (:func:`edit`); ``state: adopted`` then adopts it
      (:func:`adopt`).
    - An adopted plan only takes ``state: closed`` (:func:`close`); a closed plan is history.
    """
    plan = await get_writable(session, caller, plan_id)
    check_if_match(if_match, plan.version)
    before = read(plan)
    changes = body.model_dump(exclude_unset=True)
    if not changes:
        return plan
    _check_transition(plan, body, changes)
    activities = await edit(session, plan, body, changes)
    action = "update"
    if body.state is ActionPlanState.adopted:
        await adopt(session, plan, activities)
        action = "adopt"
    elif body.state is ActionPlanState.closed:
        close(plan)
        action = "close"
    plan.updated_at = utcnow()
    await session.flush()
    await session.refresh(plan)
    await audit.record(
        session,
        caller,
        action=action,
        entity_type="action_plan",
        entity_id=plan.id,
        before=before,
        after=read(plan),
    )
    return plan


def _check_transition(plan: ActionPlan, body: ActionPlanUpdate, changes: dict[str, Any]) -> None:
    """Only a draft is edited; only an adopted plan is closed (409)."""
    edits = set(changes) - {"state"}
    if plan.state is not ActionPlanState.draft:
        if edits:
            raise Conflict(
                f"Action plan {plan.id} is {plan.state.value}; only a draft can be edited."
            )
        if plan.state is ActionPlanState.closed or body.state is not ActionPlanState.closed:
            raise Conflict(f"Action plan {plan.id} is {plan.state.value}; it can only be closed.")
    elif body.state is ActionPlanState.closed:
        raise Conflict("Only an adopted plan can be closed.")


async def edit(
    session: AsyncSession, plan: ActionPlan, body: ActionPlanUpdate, changes: dict[str, Any]
) -> Sequence[Activity] | None:
    """Apply a draft's edits: its period (which must hold its activities' years), title,
    legal basis and the programs left out of scope (which must have no activities).
    Returns the plan's activities when it had to load them."""
    for name in ("title", "first_year", "last_year", "out_of_scope"):
        if name in changes and changes[name] is None:
            raise ValidationFailed.field(name, "must not be null")
    if "first_year" in changes or "last_year" in changes:
        first = body.first_year or plan.first_year
        last = body.last_year or plan.last_year
        _check_period(first, last)
        if await _outside_period(session, plan, first, last):
            raise ValidationFailed.field(
                "first_year" if "first_year" in changes else "last_year",
                f"activities have time frames, targets or budget lines outside {first}-{last}",
            )
        plan.first_year, plan.last_year = first, last
    if body.title is not None:
        plan.title = body.title
    if "legal_basis" in changes:
        if body.legal_basis is None:
            given: dict[str, Any] = {"number": None, "title": None, "issued_on": None}
        else:  # the fields given replace those recorded
            given = body.legal_basis.model_dump(exclude_unset=True)
        for name, value in given.items():
            setattr(plan, f"legal_basis_{name}", value)
    if body.out_of_scope is None:
        return None
    activities = await _activities(session, plan.id)
    planned = {activity.program for activity in activities}
    for index, item in enumerate(body.out_of_scope):
        if item.program in planned:
            raise ValidationFailed.field(
                f"out_of_scope.{index}.program",
                f"program {LETTER[item.program]} ({item.program.value}) has activities",
            )
    plan.exclusions.clear()
    await session.flush()
    plan.exclusions.extend(_exclusions(body.out_of_scope))
    return activities


async def adopt(
    session: AsyncSession, plan: ActionPlan, activities: Sequence[Activity] | None = None
) -> None:
    """Adopt a draft: every element of BAB V present (:func:`adoption_errors`, 422 listing
    every gap), its task force active, and no other adopted plan over the same years (409)."""
    if activities is None:
        activities = await _activities(session, plan.id)
    errors = adoption_errors(plan, activities)
    if errors:
        raise ValidationFailed(
            f"Action plan {plan.id} cannot be adopted: {len(errors)} element(s) missing "
            f"{cite(RULE)}",
            errors,
        )
    task_force = await session.get(TaskForce, plan.task_force_id)
    if task_force is None or task_force.status is TaskForceStatus.dissolved:
        raise Conflict(f"Task force {plan.task_force_id} is dissolved.")
    await _check_no_overlap(session, plan)
    plan.state = ActionPlanState.adopted
    plan.adopted_at = utcnow()


def close(plan: ActionPlan) -> None:
    """Close an adopted plan: it becomes history."""
    plan.state = ActionPlanState.closed
    plan.closed_at = utcnow()
