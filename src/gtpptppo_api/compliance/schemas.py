from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from gtpptppo_api.compliance.rules import RuleName, RuleStatus
from gtpptppo_api.kit.schemas import Schema
from gtpptppo_api.regions.models import RegionLevel
from gtpptppo_api.task_forces.models import SubTaskForceKind


class WindowRead(Schema):
    """A stretch of days with none of the events the rule asks for."""

    start: date
    end: date
    days: int


class PeriodRead(Schema):
    start: date = Field(description="1 January, or the formation decree's date if later.")
    end: date = Field(description="31 December, or the day before dissolution or today.")
    complete: bool = Field(description="Whether the period's last day is over.")


class UnitRuleRead(Schema):
    sub_task_force_id: int
    kind: SubTaskForceKind
    name: str
    status: RuleStatus
    met: bool
    dates: list[date]
    missed_windows: list[WindowRead]


class RuleRead(Schema):
    rule: RuleName
    section: str = Field(description="Where Permen PPPA 10/2012 sets the rule.")
    description: str
    status: RuleStatus
    met: bool
    dates: list[date] = Field(
        description=(
            "The meetings or visits that satisfy the rule; for the annual report, the day it "
            "was (last) submitted to the daily chair."
        )
    )
    missed_windows: list[WindowRead] = Field(
        description="The windows with none (none for the annual report)."
    )
    sub_task_forces: list[UnitRuleRead] | None = None


class TaskForceComplianceRead(Schema):
    task_force_id: int
    region_code: str
    level: RegionLevel
    year: int
    period: PeriodRead
    met_all: bool
    rules: list[RuleRead]


class DashboardRow(Schema):
    task_force_id: int
    task_force_name: str
    region_code: str
    region_name: str
    level: RegionLevel
    plenary: RuleStatus
    sub_task_forces: RuleStatus
    coordination: RuleStatus
    monitoring: RuleStatus
    evaluation: RuleStatus
    annual_report: RuleStatus
    head_of_region: RuleStatus
    met_all: bool


class RuleShare(Schema):
    rule: RuleName | None = Field(description="null: every rule at once.")
    section: str | None
    met: int
    total: int
    share: float = Field(description="met / total, 0 when there is no task force.")


class RegionRef(Schema):
    code: str
    name: str
    level: RegionLevel


class OverdueDataRequest(Schema):
    """A data subject request still open after its 3 x 24 hours (UU 27/2022)."""

    id: int
    kind: str
    service_centre_id: int
    region_code: str
    due_at: datetime


class ComplianceDashboard(Schema):
    region_code: str
    year: int
    as_of: date = Field(description="The last day counted: 31 December or today.")
    task_forces: list[DashboardRow]
    shares: list[RuleShare]
    provinces_without_task_force: list[RegionRef]
    regencies_without_task_force: list[RegionRef]
    overdue_data_requests: list[OverdueDataRequest] = Field(
        default=[], description="Data subject requests of the subtree's centres past due."
    )
