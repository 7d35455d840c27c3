"""Action plans (RAN / RAD): the rules of BAB V "PROGRAM DAN KEGIATAN" and "ANGGARAN".

The chair of a task force drafts the plan and coordinates its implementation (2.1.4 a 1,
2.2.4 a, 2.3.4 a 1), so a plan belongs to one task force and lies in its region's
jurisdiction. Services flush, never commit; the request's session commits.

Ratios are integer basis points (10 000 = 100 %), computed in SQL with integer arithmetic
rounded half up: ``bp(n, d) = (20000 * n + d) / (2 * d)`` for ``d > 0``, else null.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    case,
    cast,
    func,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from gtpptppo_api.action_plans import rules
from gtpptppo_api.action_plans.catalogue import CATALOGUE, LETTER, PROGRAMS, RULE
from gtpptppo_api.action_plans.models import (
    ActionPlan,
    ActionPlanState,
    Activity,
    BudgetLine,
    FundingSource,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Program,
    ProgramExclusion,
    Realisation,
    Spending,
)
from gtpptppo_api.action_plans.schemas import (
    ActionPlanCreate,
    ActionPlanProgress,
    ActionPlanRead,
    ActionPlanUpdate,
    ActivityCreate,
    ActivityRead,
    ActivityUpdate,
    BudgetLineIn,
    BudgetLineRead,
    CatalogueActivity,
    CatalogueProgram,
    IndicatorIn,
    IndicatorProgress,
    IndicatorRead,
    Money,
    PlanProgress,
    PlanSummary,
    ProgramBudget,
    ProgramExclusionItem,
    ProgramProgress,
    RealisationPut,
    RealisationRead,
    Responsible,
    Rollup,
    SourceBudget,
    SourceProgramBudget,
    TimeFrame,
)
from gtpptppo_api.audit import service as audit
from gtpptppo_api.auth import scope
from gtpptppo_api.auth.service import Caller
from gtpptppo_api.db.base import utcnow
from gtpptppo_api.errors import Conflict, FieldError, FieldErrors, NotFound, ValidationFailed
from gtpptppo_api.kit.etag import check_if_match
from gtpptppo_api.regions import service as regions
from gtpptppo_api.task_forces import service as task_forces
from gtpptppo_api.task_forces.models import SubTaskForce, TaskForce, TaskForceStatus

MAX_PERIOD_YEARS = 10
FULL = 10_000  # basis points of 100 %
cite = rules.cite


class _RatioBp(FunctionElement[int]):
    """``round_half_up(10000 * n / d)`` as exact integer arithmetic, for ``d > 0``.

    SQLite: ``(20000 n + d) / (2 d)`` in 64-bit integers. PostgreSQL: the same with
    ``div()`` over NUMERIC, so a large sum cannot overflow BIGINT.
    """

    type = BigInteger()
    name = "ratio_bp"
    inherit_cache = True


@compiles(_RatioBp)
def _ratio_bp(element: _RatioBp, compiler: SQLCompiler, **kw: Any) -> str:
    n, d = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"((({n}) * 20000 + ({d})) / (({d}) * 2))"


@compiles(_RatioBp, "postgresql")
def _ratio_bp_postgresql(element: _RatioBp, compiler: SQLCompiler, **kw: Any) -> str:
    n, d = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(div(CAST({n} AS NUMERIC) * 20000 + ({d}), CAST({d} AS NUMERIC) * 2) AS BIGINT)"


def bp(numerator: Any, denominator: Any) -> ColumnElement[Any]:
    """``numerator / denominator`` in basis points, rounded half up; null when ``d <= 0``.

    Integer arithmetic only, so the figure is the same on both backends and never drifts.
    """
    return case((denominator > 0, _RatioBp(numerator, denominator)), else_=None)


def _total(column: Any) -> ColumnElement[int]:
    """An exact integer SUM on both backends (PostgreSQL sums BIGINT into NUMERIC)."""
    return cast(func.coalesce(func.sum(column), 0), BigInteger)


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

    - A draft takes any edit; ``state: adopted`` runs :func:`adoption_errors` (422 listing
      every gap) and needs no other adopted plan over the same years (409).
    - An adopted plan only takes ``state: closed``; a closed plan is history.
    """
    plan = await get_writable(session, caller, plan_id)
    check_if_match(if_match, plan.version)
    before = read(plan)
    changes = body.model_dump(exclude_unset=True)
    if not changes:
        return plan
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
    activities: Sequence[Activity] | None = None
    if body.out_of_scope is not None:
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
    action = "update"
    if body.state is ActionPlanState.adopted:
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
        action = "adopt"
    elif body.state is ActionPlanState.closed:
        plan.state = ActionPlanState.closed
        plan.closed_at = utcnow()
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


# --- activities ---------------------------------------------------------------------------


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


def _in_period(plan: ActionPlan, year: int, field: str) -> None:
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
            _in_period(plan, target.year, field)
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
        _in_period(plan, item.year, f"budget.{index}.year")
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
            _in_period(plan, frame.start_year, "time_frame.start_year")
            _in_period(plan, frame.end_year, "time_frame.end_year")
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


# --- realisations -------------------------------------------------------------------------


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
    _in_period(plan, year, "year")
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


# --- progress -----------------------------------------------------------------------------


def _indicator_progress(plan_id: int, first: int, last: int) -> Select[Any]:
    """Per indicator with a target in ``first..last``: target, achieved, achievement (bp).

    target = sum of its yearly targets in the range; achieved = sum of realised values in the
    range (0 when nothing was recorded); achievement_bp = bp(achieved, target).
    """
    targets = (
        select(
            IndicatorTarget.indicator_id,
            func.sum(IndicatorTarget.value).label("target"),
        )
        .where(IndicatorTarget.year.between(first, last))
        .group_by(IndicatorTarget.indicator_id)
        .subquery()
    )
    achieved = (
        select(
            IndicatorValue.indicator_id,
            func.sum(IndicatorValue.achieved).label("achieved"),
        )
        .join(Realisation, Realisation.id == IndicatorValue.realisation_id)
        .where(Realisation.action_plan_id == plan_id, Realisation.year.between(first, last))
        .group_by(IndicatorValue.indicator_id)
        .subquery()
    )
    target = cast(targets.c.target, BigInteger)
    done = cast(func.coalesce(achieved.c.achieved, 0), BigInteger)
    return (
        select(
            Indicator.id.label("indicator_id"),
            Indicator.activity_id,
            Activity.program,
            Indicator.name,
            Indicator.unit,
            Indicator.baseline,
            target.label("target"),
            done.label("achieved"),
            bp(done, target).label("achievement_bp"),
        )
        .join(Activity, Activity.id == Indicator.activity_id)
        .join(targets, targets.c.indicator_id == Indicator.id)
        .outerjoin(achieved, achieved.c.indicator_id == Indicator.id)
        .where(Activity.action_plan_id == plan_id)
    )


def _capped_mean(indicators: Any) -> tuple[ColumnElement[int], ColumnElement[Any]]:
    """Count and mean achievement of indicators, each capped at 100 %, rounded half up."""
    capped = case((indicators.c.achievement_bp > FULL, FULL), else_=indicators.c.achievement_bp)
    count = func.count(indicators.c.indicator_id)
    return count, bp(cast(func.coalesce(func.sum(capped), 0), BigInteger), count * FULL)


def _flows(plans: Select[Any], first: int | None, last: int | None) -> Any:
    """Money of ``plans`` (a select of plan ids): one row per planned line or spending.

    Columns: plan_id, program, source, planned, realised; years limited to first..last.
    """
    planned = (
        select(
            Activity.action_plan_id.label("plan_id"),
            Activity.program.label("program"),
            BudgetLine.source.label("source"),
            BudgetLine.planned_amount.label("planned"),
            literal_column("0", BigInteger).label("realised"),
        )
        .join(Activity, Activity.id == BudgetLine.activity_id)
        .where(Activity.action_plan_id.in_(plans))
    )
    realised = (
        select(
            Realisation.action_plan_id.label("plan_id"),
            Activity.program.label("program"),
            Spending.source.label("source"),
            literal_column("0", BigInteger).label("planned"),
            Spending.amount.label("realised"),
        )
        .join(Realisation, Realisation.id == Spending.realisation_id)
        .join(Activity, Activity.id == Realisation.activity_id)
        .where(Realisation.action_plan_id.in_(plans))
    )
    if first is not None and last is not None:
        planned = planned.where(BudgetLine.year.between(first, last))
        realised = realised.where(Realisation.year.between(first, last))
    return union_all(planned, realised).subquery("flows")


def _money(flows: Any, *group: Any) -> Select[Any]:
    """planned, realised and absorption_bp of ``flows`` grouped by ``group`` columns."""
    planned, realised = _total(flows.c.planned), _total(flows.c.realised)
    query = select(
        *group,
        planned.label("planned"),
        realised.label("realised"),
        bp(realised, planned).label("absorption_bp"),
    )
    return query.group_by(*group).order_by(*group) if group else query


def _money_of(row: Any) -> dict[str, Any]:
    return {
        "planned": int(row.planned),
        "realised": int(row.realised),
        "absorption_bp": None if row.absorption_bp is None else int(row.absorption_bp),
    }


async def _progress(
    session: AsyncSession, plan: ActionPlan, first: int, last: int
) -> ActionPlanProgress:
    indicators = _indicator_progress(plan.id, first, last).subquery()
    count, mean = _capped_mean(indicators)
    flows = _flows(select(ActionPlan.id).where(ActionPlan.id == plan.id), first, last)
    rows = (
        await session.execute(
            select(indicators).order_by(indicators.c.activity_id, indicators.c.indicator_id)
        )
    ).all()
    total = (await session.execute(select(count.label("n"), mean.label("bp")))).one()
    by_program = {
        row.program: row
        for row in (
            await session.execute(
                select(indicators.c.program, count.label("n"), mean.label("bp")).group_by(
                    indicators.c.program
                )
            )
        ).all()
    }
    money_by_program = {
        row.program: row for row in (await session.execute(_money(flows, flows.c.program))).all()
    }
    money = (await session.execute(_money(flows))).one()
    by_source = (await session.execute(_money(flows, flows.c.source))).all()
    zero = Money(planned=0, realised=0, absorption_bp=None)
    return ActionPlanProgress(
        action_plan_id=plan.id,
        from_year=first,
        to_year=last,
        plan=PlanProgress(
            indicators=int(total.n),
            achievement_bp=None if total.bp is None else int(total.bp),
            budget=Money(**_money_of(money)),
        ),
        programs=[
            ProgramProgress(
                program=program.kind,
                letter=program.letter,
                indicators=int(by_program[program.kind].n) if program.kind in by_program else 0,
                achievement_bp=(
                    int(by_program[program.kind].bp)
                    if program.kind in by_program and by_program[program.kind].bp is not None
                    else None
                ),
                budget=(
                    Money(**_money_of(money_by_program[program.kind]))
                    if program.kind in money_by_program
                    else zero
                ),
            )
            for program in PROGRAMS
        ],
        indicators=[IndicatorProgress.model_validate(row, from_attributes=True) for row in rows],
        budget_by_source=[SourceBudget(source=row.source, **_money_of(row)) for row in by_source],
    )


async def progress(
    session: AsyncSession, caller: Caller, plan_id: int, year: int | None
) -> ActionPlanProgress:
    """Achievement per indicator, per program and for the plan, and budget absorption.

    Computed in SQL for ``year`` (or the whole period), in basis points (10 000 = 100 %):

    - indicator: ``achievement_bp = bp(achieved, target)``, where target and achieved are the
      sums of its yearly targets and realised values in the years (unrecorded = 0); only
      indicators with a target in those years count;
    - program and plan: the mean of their indicators' achievement, each capped at 10 000 so
      an over-achieved indicator does not hide one behind target: ``bp(sum(min(a, 10000)),
      10000 * n)``;
    - budget: ``absorption_bp = bp(realised, planned)`` per program, per source and in total.
    """
    plan = await get_visible(session, caller, plan_id)
    if year is None:
        return await _progress(session, plan, plan.first_year, plan.last_year)
    _in_period(plan, year, "year")
    return await _progress(session, plan, year, year)


# --- roll-up ------------------------------------------------------------------------------


async def rollup(
    session: AsyncSession, caller: Caller, region_code: str | None, year: int | None
) -> Rollup:
    """Budgets of the adopted and closed plans in a region and the regions under it.

    A province sees its own plan and its regencies' (jurisdiction by region subtree);
    planned and realised sums by source, by program and both, in SQL, in whole rupiah.
    With ``year`` only the plans covering it and the money of that year count.
    """
    root = region_code or caller.scope_code
    if root != regions.NATIONAL and await regions.get(session, root) is None:
        raise ValidationFailed.field("region_code", f"unknown region code {root!r}")
    scope.ensure(caller, root, "region", root)
    plans = select(ActionPlan.id).where(
        regions.subtree_clause(ActionPlan.region_code, root),
        ActionPlan.state.in_([ActionPlanState.adopted, ActionPlanState.closed]),
    )
    if year is not None:
        plans = plans.where(ActionPlan.first_year <= year, ActionPlan.last_year >= year)
    flows = _flows(plans, year, year)
    per_plan = _money(flows, flows.c.plan_id).subquery()
    summaries = (
        await session.execute(
            select(
                ActionPlan,
                func.coalesce(per_plan.c.planned, 0).label("planned"),
                func.coalesce(per_plan.c.realised, 0).label("realised"),
            )
            .outerjoin(per_plan, per_plan.c.plan_id == ActionPlan.id)
            .where(ActionPlan.id.in_(plans))
            .order_by(ActionPlan.region_code, ActionPlan.id)
        )
    ).all()
    total = (await session.execute(_money(flows))).one()
    by_source = (await session.execute(_money(flows, flows.c.source))).all()
    by_program = (await session.execute(_money(flows, flows.c.program))).all()
    both = (await session.execute(_money(flows, flows.c.source, flows.c.program))).all()
    return Rollup(
        region_code=root,
        year=year,
        plans=[
            PlanSummary(
                id=plan.id,
                task_force_id=plan.task_force_id,
                region_code=plan.region_code,
                kind=plan.kind,
                title=plan.title,
                first_year=plan.first_year,
                last_year=plan.last_year,
                state=plan.state,
                planned=int(planned),
                realised=int(realised),
            )
            for plan, planned, realised in summaries
        ],
        total=Money(**_money_of(total)),
        by_source=[SourceBudget(source=row.source, **_money_of(row)) for row in by_source],
        by_program=[
            ProgramBudget(program=row.program, letter=LETTER[row.program], **_money_of(row))
            for row in by_program
        ],
        by_source_and_program=[
            SourceProgramBudget(source=row.source, program=row.program, **_money_of(row))
            for row in both
        ],
    )


# --- the report worker's section ----------------------------------------------------------


async def report_section(
    session: AsyncSession, task_force_id: int, year: int, *, years: int = 1
) -> dict[str, Any]:
    """The action-plan section of an annual (``years=1``) or five-year (``years=5``) report.

    For each adopted or closed plan of the task force overlapping ``year..year+years-1``:
    its progress over the overlapping years (see :func:`progress`), budget absorption by
    source, and the activities behind target (an indicator with ``achievement_bp`` under
    10 000). JSON-ready; computed in SQL. Reports roll up per Lampiran V (3.3.3).
    """
    last = year + years - 1
    plans = (
        await session.scalars(
            select(ActionPlan)
            .where(
                ActionPlan.task_force_id == task_force_id,
                ActionPlan.state.in_([ActionPlanState.adopted, ActionPlanState.closed]),
                ActionPlan.first_year <= last,
                ActionPlan.last_year >= year,
            )
            .order_by(ActionPlan.first_year, ActionPlan.id)
        )
    ).all()
    sections = []
    for plan in plans:
        first, to = max(year, plan.first_year), min(last, plan.last_year)
        figures = await _progress(session, plan, first, to)
        indicators = _indicator_progress(plan.id, first, to).subquery()
        behind = (
            await session.execute(
                select(
                    Activity.id,
                    Activity.program,
                    Activity.activity,
                    func.count(indicators.c.indicator_id).label("indicators_behind"),
                    func.min(indicators.c.achievement_bp).label("lowest_achievement_bp"),
                )
                .join(indicators, indicators.c.activity_id == Activity.id)
                .where(indicators.c.achievement_bp < FULL)
                .group_by(Activity.id, Activity.program, Activity.activity)
                .order_by(Activity.id)
            )
        ).all()
        sections.append(
            {
                "action_plan": read(plan).model_dump(mode="json"),
                "from_year": first,
                "to_year": to,
                "progress": figures.plan.model_dump(mode="json"),
                "programs": [p.model_dump(mode="json") for p in figures.programs],
                "absorption_by_source": [
                    s.model_dump(mode="json") for s in figures.budget_by_source
                ],
                "activities_behind_target": [
                    {
                        "activity_id": row.id,
                        "program": row.program.value,
                        "letter": LETTER[row.program],
                        "activity": row.activity,
                        "indicators_behind": int(row.indicators_behind),
                        "lowest_achievement_bp": int(row.lowest_achievement_bp),
                    }
                    for row in behind
                ],
            }
        )
    return {
        "task_force_id": task_force_id,
        "from_year": year,
        "to_year": last,
        "action_plans": sections,
    }
