"""The "meetings and monitoring" section of a task force's report (§3.1, §3.2, §3.3.1,
§3.3.3)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.compliance import rules as cadence
from gtpptppo_api.compliance import service as compliance
from gtpptppo_api.compliance.schemas import DashboardRow
from gtpptppo_api.errors import NotFound, ValidationFailed
from gtpptppo_api.meetings.models import (
    FollowUpAction,
    FollowUpStatus,
    Meeting,
    MeetingKind,
)
from gtpptppo_api.monitoring.models import (
    ChecklistIndicator,
    MonitoringVisit,
    MonitorKind,
    SubjectKind,
    VisitKind,
)
from gtpptppo_api.reports.sections import Section
from gtpptppo_api.task_forces.models import TaskForce


class FollowUps(Section):
    total: int
    done: int
    open_past_due: int


class MeetingFigures(Section):
    """Meetings held in the year by kind (3.1, 3.2), and their follow-up actions."""

    held: dict[str, int]
    total: int
    follow_up_actions: FollowUps


class VisitsMade(Section):
    kind: str
    subject_kind: str
    count: int


class ChecklistArea(Section):
    """The checklist's mean score in one of its six areas (3.3.1 b)."""

    area: str
    indicators: int
    scored: int
    mean_score: float | None


class MonitoringFigures(Section):
    """Monitoring and evaluation made by the task force, by subject, and received from the
    level above (3.3.1 e)."""

    made: list[VisitsMade]
    received: dict[str, int]
    checklist: list[ChecklistArea]


class MeetingsSection(Section):
    task_force_id: int
    year: int
    meetings: MeetingFigures
    monitoring: MonitoringFigures
    # as the compliance dashboard gives them (compliance.schemas), less the rule a
    # report's own generation cannot judge (without_own_report)
    compliance: dict[str, Any] | None
    subtree_compliance: list[dict[str, Any]] | None


async def report_section(
    session: AsyncSession, task_force_id: int, year: int, *, in_annual_report: bool = False
) -> MeetingsSection:
    """The "meetings and monitoring" section of a task force's annual report (3.3.3).

    Figures for the year, all counted in SQL: meetings held by kind (3.1, 3.2); follow-up
    actions of those meetings, done, and still open past their due date at the end of the
    year; monitoring and evaluation made by the task force, by subject, and received from the
    level above (3.3.1 e); the checklist's mean score per area (3.3.1 b); the task force's own
    cadence compliance; and the share of task forces of its subtree meeting each rule.
    The report worker calls it with its own session.

    ``in_annual_report``: the section is part of the task force's annual report for
    ``year``, which is generated before it is submitted; the rule "annual report submitted"
    (3.3.3) is that very report, so the section does not judge it (see
    :func:`without_own_report`).
    """
    task_force = await session.get(TaskForce, task_force_id)
    if task_force is None:
        raise NotFound(f"No task force {task_force_id}.")
    first, last = date(year, 1, 1), date(year, 12, 31)

    held = dict(
        (
            await session.execute(
                select(Meeting.kind, func.count())
                .where(Meeting.task_force_id == task_force.id, Meeting.held_on.between(first, last))
                .group_by(Meeting.kind)
            )
        ).all()
    )
    actions = (
        await session.execute(
            select(
                func.count(FollowUpAction.id),
                func.coalesce(
                    func.sum(case((FollowUpAction.status == FollowUpStatus.done, 1), else_=0)), 0
                ),
                func.coalesce(
                    func.sum(
                        case(
                            (
                                and_(
                                    FollowUpAction.status == FollowUpStatus.open,
                                    FollowUpAction.due_on <= last,
                                ),
                                1,
                            ),
                            else_=0,
                        )
                    ),
                    0,
                ),
            )
            .join(Meeting, Meeting.id == FollowUpAction.meeting_id)
            .where(Meeting.task_force_id == task_force.id, Meeting.held_on.between(first, last))
        )
    ).one()
    in_year = MonitoringVisit.visited_on.between(first, last)
    # the visits the task force made itself (not those of the head of its region)
    own_visits = (
        MonitoringVisit.monitor_task_force_id == task_force.id,
        MonitoringVisit.monitor_kind == MonitorKind.task_force,
    )
    made = (
        await session.execute(
            select(MonitoringVisit.kind, MonitoringVisit.subject_kind, func.count())
            .where(*own_visits, in_year)
            .group_by(MonitoringVisit.kind, MonitoringVisit.subject_kind)
        )
    ).all()
    received = dict(
        (
            await session.execute(
                select(MonitoringVisit.kind, func.count())
                .where(
                    MonitoringVisit.subject_kind == SubjectKind.task_force,
                    MonitoringVisit.subject_task_force_id == task_force.id,
                    in_year,
                )
                .group_by(MonitoringVisit.kind)
            )
        ).all()
    )
    checklist = (
        await session.execute(
            select(
                ChecklistIndicator.area,
                func.count(ChecklistIndicator.id),
                func.count(ChecklistIndicator.score),
                func.avg(ChecklistIndicator.score),
            )
            .join(MonitoringVisit, MonitoringVisit.id == ChecklistIndicator.visit_id)
            .where(*own_visits, in_year)
            .group_by(ChecklistIndicator.area)
            .order_by(ChecklistIndicator.area)
        )
    ).all()
    try:
        own: dict[str, Any] | None = (
            await compliance.evaluate(session, task_force, year)
        ).model_dump(mode="json")
    except ValidationFailed:  # the task force did not exist that year
        own = None
    board_rows: list[DashboardRow] = []
    try:
        board = await compliance.build_dashboard(session, task_force.region_code, year)
        subtree: list[dict[str, Any]] | None = [s.model_dump(mode="json") for s in board.shares]
        board_rows = board.task_forces
    except ValidationFailed:  # the year has not begun
        subtree = None
    if in_annual_report and own is not None:
        own, subtree = without_own_report(task_force.id, own, subtree, board_rows)
    return MeetingsSection(
        task_force_id=task_force.id,
        year=year,
        meetings=MeetingFigures(
            held={kind.value: int(held.get(kind, 0)) for kind in MeetingKind},
            total=int(sum(held.values())),
            follow_up_actions=FollowUps(
                total=int(actions[0]), done=int(actions[1]), open_past_due=int(actions[2])
            ),
        ),
        monitoring=MonitoringFigures(
            made=[
                VisitsMade(kind=kind.value, subject_kind=subject.value, count=int(n))
                for kind, subject, n in made
            ],
            received={kind.value: int(received.get(kind, 0)) for kind in VisitKind},
            checklist=[
                ChecklistArea(
                    area=area.value,
                    indicators=int(total),
                    scored=int(scored),
                    mean_score=None if mean is None else round(float(mean), 2),
                )
                for area, total, scored, mean in checklist
            ],
        ),
        compliance=own,
        subtree_compliance=subtree,
    )


def without_own_report(
    task_force_id: int,
    own: dict[str, Any],
    shares: list[dict[str, Any]] | None,
    rows: list[DashboardRow],
) -> tuple[dict[str, Any], list[dict[str, Any]] | None]:
    """The compliance figures of a task force's annual report without judging the rule
    "annual report submitted" (3.3.3) for that task force: the report is the one being
    written. Its own rules leave the rule out (``met_all`` over the others); the subtree's
    share for the rule counts the other task forces only, and the share meeting every rule
    counts the task force by its other rules."""
    rule = cadence.RuleName.annual_report.value
    own_rules = [r for r in own["rules"] if r["rule"] != rule]
    judged = next((r for r in own["rules"] if r["rule"] == rule), None)
    own = {**own, "rules": own_rules, "met_all": all(r["met"] for r in own_rules)}
    row = next((r for r in rows if r.task_force_id == task_force_id), None)
    if shares is None or row is None or judged is None:
        return own, shares
    adjusted = []
    for share in shares:
        met, total = share["met"], share["total"]
        if share["rule"] == rule:
            met, total = met - int(judged["met"]), total - 1
        elif share["rule"] is None:
            met += int(own["met_all"]) - int(row.met_all)
        adjusted.append(
            {**share, "met": met, "total": total, "share": round(met / total, 4) if total else 0.0}
        )
    return own, adjusted
