from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field

from gtpptppo_api.action_plans.models import ActionPlanState, FundingSource, Program
from gtpptppo_api.kit.schemas import Schema
from gtpptppo_api.regions.models import RegionLevel

Year = Annotated[int, Field(strict=True, ge=2000, le=2100, examples=[2026])]
Count = Annotated[int, Field(strict=True, ge=0, le=2_000_000_000)]
Rupiah = Annotated[
    int,
    Field(
        strict=True,
        ge=0,
        le=999_999_999_999_999,
        description="Whole rupiah (an integer; fractions are refused).",
        examples=[150_000_000],
    ),
]
LongText = Annotated[str, Field(min_length=1, max_length=10_000)]


# --- catalogue ----------------------------------------------------------------------------


class CatalogueActivity(Schema):
    code: str
    text: str


class CatalogueProgram(Schema):
    program: Program
    letter: str
    name: str
    activities: list[CatalogueActivity]


# --- plans --------------------------------------------------------------------------------


class LegalBasis(Schema):
    """The decree (Perda, Pergub, Perbup/Perwal, Perpres ...) adopting the plan."""

    number: Annotated[str | None, Field(min_length=1, max_length=200)] = None
    title: Annotated[str | None, Field(max_length=1000)] = None
    issued_on: date | None = None


class ProgramExclusionItem(Schema):
    """A program recorded as out of scope for this region, and why."""

    program: Program
    reason: Annotated[str, Field(min_length=1, max_length=2000)]


class ActionPlanCreate(Schema):
    task_force_id: int
    title: Annotated[str, Field(min_length=1, max_length=500)]
    first_year: Year
    last_year: Year
    legal_basis: LegalBasis | None = None
    out_of_scope: list[ProgramExclusionItem] = Field(default_factory=list, max_length=6)


class ActionPlanUpdate(Schema):
    """Every field optional. ``state`` moves draft -> adopted -> closed."""

    title: Annotated[str | None, Field(min_length=1, max_length=500)] = None
    first_year: Year | None = None
    last_year: Year | None = None
    legal_basis: LegalBasis | None = None
    out_of_scope: list[ProgramExclusionItem] | None = Field(
        default=None, max_length=6, description="Replaces the recorded list."
    )
    state: Literal[ActionPlanState.adopted, ActionPlanState.closed] | None = None


class ActionPlanRead(Schema):
    id: int
    task_force_id: int
    region_code: str
    level: RegionLevel
    kind: Literal["RAN", "RAD"]
    title: str
    first_year: int
    last_year: int
    state: ActionPlanState
    legal_basis: LegalBasis | None
    out_of_scope: list[ProgramExclusionItem]
    adopted_at: datetime | None
    closed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int


# --- activities ---------------------------------------------------------------------------


class Target(Schema):
    year: Year
    value: Annotated[int, Field(strict=True, gt=0, le=2_000_000_000)]


class IndicatorIn(Schema):
    name: Annotated[str, Field(min_length=1, max_length=500)]
    unit: Annotated[str, Field(min_length=1, max_length=100, examples=["desa", "orang"])]
    baseline: Count
    targets: list[Target] = Field(default_factory=list, max_length=20)


class IndicatorRead(Schema):
    id: int
    name: str
    unit: str
    baseline: int
    targets: list[Target]


class BudgetLineIn(Schema):
    year: Year
    source: FundingSource
    planned_amount: Rupiah


class BudgetLineRead(Schema):
    id: int
    year: int
    source: FundingSource
    planned_amount: int


class TimeFrame(Schema):
    start_year: Year
    end_year: Year


class Responsible(Schema):
    """Penanggung jawab: one of the task force's sub-task-forces, or a named agency."""

    sub_task_force_id: int | None = None
    agency: Annotated[str | None, Field(min_length=1, max_length=300)] = None


class ActivityCreate(Schema):
    program: Program
    catalogue_code: Annotated[
        str | None,
        Field(
            max_length=8,
            examples=["a.7"],
            description="A typical activity of GET /action-plans/catalogue; its text is "
            "the activity when `activity` is not given.",
        ),
    ] = None
    problem_identified: LongText | None = None
    activity: LongText | None = None
    indicators: list[IndicatorIn] = Field(default_factory=list, max_length=50)
    time_frame: TimeFrame | None = None
    responsible: Responsible | None = None
    implementing_team: Annotated[str | None, Field(min_length=1, max_length=2000)] = None
    budget: list[BudgetLineIn] = Field(default_factory=list, max_length=200)


class ActivityUpdate(Schema):
    """Every field optional; ``indicators`` and ``budget`` replace the lists whole."""

    program: Program | None = None
    catalogue_code: Annotated[str | None, Field(max_length=8)] = None
    problem_identified: LongText | None = None
    activity: LongText | None = None
    indicators: list[IndicatorIn] | None = Field(default=None, max_length=50)
    time_frame: TimeFrame | None = None
    responsible: Responsible | None = None
    implementing_team: Annotated[str | None, Field(min_length=1, max_length=2000)] = None
    budget: list[BudgetLineIn] | None = Field(default=None, max_length=200)


class ActivityRead(Schema):
    id: int
    action_plan_id: int
    program: Program
    program_letter: str
    catalogue_code: str | None
    problem_identified: str | None
    activity: str | None
    indicators: list[IndicatorRead]
    time_frame: TimeFrame | None
    responsible: Responsible | None
    implementing_team: str | None
    budget: list[BudgetLineRead]
    missing_elements: list[str] = Field(
        description="Elements of BAB V a-f still missing; adoption needs none."
    )
    created_at: datetime
    updated_at: datetime
    version: int


# --- realisations -------------------------------------------------------------------------


class IndicatorValueIn(Schema):
    indicator_id: int
    achieved: Count


class SpendingIn(Schema):
    source: FundingSource
    amount: Rupiah


class RealisationPut(Schema):
    indicator_values: list[IndicatorValueIn] = Field(default_factory=list, max_length=50)
    spending: list[SpendingIn] = Field(default_factory=list, max_length=6)
    evidence_notes: Annotated[str | None, Field(max_length=10_000)] = None


class IndicatorValueRead(Schema):
    indicator_id: int
    achieved: int


class SpendingRead(Schema):
    source: FundingSource
    amount: int


class RealisationRead(Schema):
    id: int
    action_plan_id: int
    activity_id: int
    year: int
    indicator_values: list[IndicatorValueRead]
    spending: list[SpendingRead]
    evidence_notes: str | None
    created_at: datetime
    updated_at: datetime
    version: int


# --- progress and roll-up -----------------------------------------------------------------


class Money(Schema):
    planned: int
    realised: int
    absorption_bp: int | None = Field(
        description="realised * 10000 / planned, rounded half up; null when nothing is planned."
    )


class IndicatorProgress(Schema):
    indicator_id: int
    activity_id: int
    program: Program
    name: str
    unit: str
    baseline: int
    target: int
    achieved: int
    achievement_bp: int


class ProgramProgress(Schema):
    program: Program
    letter: str
    indicators: int
    achievement_bp: int | None
    budget: Money


class SourceBudget(Schema):
    source: FundingSource
    planned: int
    realised: int
    absorption_bp: int | None


class PlanProgress(Schema):
    indicators: int
    achievement_bp: int | None
    budget: Money


class ActionPlanProgress(Schema):
    """Progress of a plan in a year (or over its whole period); ratios in basis points."""

    action_plan_id: int
    from_year: int
    to_year: int
    plan: PlanProgress
    programs: list[ProgramProgress]
    indicators: list[IndicatorProgress]
    budget_by_source: list[SourceBudget]


class ProgramBudget(Schema):
    program: Program
    letter: str
    planned: int
    realised: int
    absorption_bp: int | None


class SourceProgramBudget(Schema):
    source: FundingSource
    program: Program
    planned: int
    realised: int
    absorption_bp: int | None


class PlanSummary(Schema):
    id: int
    task_force_id: int
    region_code: str
    kind: Literal["RAN", "RAD"]
    title: str
    first_year: int
    last_year: int
    state: ActionPlanState
    planned: int
    realised: int


class Rollup(Schema):
    """Budgets of the adopted and closed plans in a region's subtree."""

    region_code: str
    year: int | None
    plans: list[PlanSummary]
    total: Money
    by_source: list[SourceBudget]
    by_program: list[ProgramBudget]
    by_source_and_program: list[SourceProgramBudget]
