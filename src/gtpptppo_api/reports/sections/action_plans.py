"""The action-plan section of a task force's report (BAB V, §5.3; Lampiran V, §3.3.3)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.action_plans.catalogue import LETTER
from gtpptppo_api.action_plans.models import ActionPlan, ActionPlanState, Activity
from gtpptppo_api.action_plans.plans import read
from gtpptppo_api.action_plans.progress import FULL, figures, indicator_progress
from gtpptppo_api.action_plans.schemas import (
    ActionPlanRead,
    PlanProgress,
    ProgramProgress,
    SourceBudget,
)
from gtpptppo_api.reports.sections import Section


class BehindTarget(Section):
    """An activity with an indicator under its target (``achievement_bp`` under 10 000)."""

    activity_id: int
    program: str
    letter: str
    activity: str
    indicators_behind: int
    lowest_achievement_bp: int


class PlanSection(Section):
    """One plan over the years it shares with the report."""

    action_plan: ActionPlanRead
    from_year: int
    to_year: int
    progress: PlanProgress
    programs: list[ProgramProgress]
    absorption_by_source: list[SourceBudget]
    activities_behind_target: list[BehindTarget]


class ActionPlansSection(Section):
    task_force_id: int
    from_year: int
    to_year: int
    action_plans: list[PlanSection]


async def report_section(
    session: AsyncSession, task_force_id: int, year: int, *, years: int = 1
) -> ActionPlansSection:
    """The action-plan section of an annual (``years=1``) or five-year (``years=5``) report.

    For each adopted or closed plan of the task force overlapping ``year..year+years-1``:
    its progress over the overlapping years (``action_plans.progress``), budget absorption
    by source, and the activities behind target (an indicator with ``achievement_bp`` under
    10 000). Computed in SQL. Reports roll up per Lampiran V (3.3.3).
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
        progress = await figures(session, plan, first, to)
        indicators = indicator_progress(plan.id, first, to).subquery()
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
            PlanSection(
                action_plan=read(plan),
                from_year=first,
                to_year=to,
                progress=progress.plan,
                programs=progress.programs,
                absorption_by_source=progress.budget_by_source,
                activities_behind_target=[
                    BehindTarget(
                        activity_id=row.id,
                        program=row.program.value,
                        letter=LETTER[row.program],
                        activity=row.activity,
                        indicators_behind=int(row.indicators_behind),
                        lowest_achievement_bp=int(row.lowest_achievement_bp),
                    )
                    for row in behind
                ],
            )
        )
    return ActionPlansSection(
        task_force_id=task_force_id, from_year=year, to_year=last, action_plans=sections
    )
