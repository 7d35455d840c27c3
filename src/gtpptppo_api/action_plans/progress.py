"""Action plans' progress and roll-up: achievement and budget absorption, in SQL.

Ratios are integer basis points (10 000 = 100 %), computed in SQL with integer arithmetic
rounded half up: ``bp(n, d) = (20000 * n + d) / (2 * d)`` for ``d > 0``, else null.
"""

from __future__ import annotations

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

from gtpptppo_api.action_plans.activities import in_period
from gtpptppo_api.action_plans.catalogue import LETTER, PROGRAMS
from gtpptppo_api.action_plans.models import (
    ActionPlan,
    ActionPlanState,
    Activity,
    BudgetLine,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Realisation,
    Spending,
)
from gtpptppo_api.action_plans.plans import get_visible
from gtpptppo_api.action_plans.schemas import (
    ActionPlanProgress,
    IndicatorProgress,
    Money,
    PlanProgress,
    PlanSummary,
    ProgramBudget,
    ProgramProgress,
    Rollup,
    SourceBudget,
    SourceProgramBudget,
)
from gtpptppo_api.auth import scope
from gtpptppo_api.auth.service import Caller
from gtpptppo_api.errors import ValidationFailed
from gtpptppo_api.regions import service as regions

FULL = 10_000  # basis points of 100 %


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


# --- progress -----------------------------------------------------------------------------


def indicator_progress(plan_id: int, first: int, last: int) -> Select[Any]:
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


async def figures(
    session: AsyncSession, plan: ActionPlan, first: int, last: int
) -> ActionPlanProgress:
    indicators = indicator_progress(plan.id, first, last).subquery()
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
        return await figures(session, plan, plan.first_year, plan.last_year)
    in_period(plan, year, "year")
    return await figures(session, plan, year, year)


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
