"""Cadence compliance of a task force, and the dashboard over a region (3.1, 3.3.1 d, 3.3.3).

The rules and their blocks are defined once, in ``compliance.rules``. One task force's
result is worked out from its few dates of the year; the dashboard over a province or the
nation does the same in SQL (the year's blocks as a small table of day numbers, each judged
block without an event counted with NOT EXISTS, a join on the annual report's state), and
counts the share of task forces meeting each rule with GROUP BY-free aggregates over those
rows.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import (
    CTE,
    Date,
    Integer,
    Select,
    Subquery,
    and_,
    case,
    func,
    literal,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from gtpptppo_api.auth import scope
from gtpptppo_api.auth.service import Caller
from gtpptppo_api.compliance import rules
from gtpptppo_api.compliance.rules import Period, RuleName, RuleResult, RuleStatus
from gtpptppo_api.compliance.schemas import (
    ComplianceDashboard,
    DashboardRow,
    OverdueDataRequest,
    PeriodRead,
    RegionRef,
    RuleRead,
    RuleShare,
    TaskForceComplianceRead,
    UnitRuleRead,
    WindowRead,
)
from gtpptppo_api.compliance.sql import day_number
from gtpptppo_api.errors import ValidationFailed
from gtpptppo_api.kit import clock
from gtpptppo_api.meetings.models import Meeting, MeetingKind
from gtpptppo_api.monitoring.models import MonitoringVisit, MonitorKind, SubjectKind, VisitKind
from gtpptppo_api.privacy.models import DataSubjectRequest, RequestState
from gtpptppo_api.regions import service as regions
from gtpptppo_api.regions.models import Region, RegionLevel
from gtpptppo_api.reports.models import Report, ReportKind, ReportTransition
from gtpptppo_api.settings import get_settings
from gtpptppo_api.task_forces import service as task_forces
from gtpptppo_api.task_forces.models import (
    Decree,
    DecreePurpose,
    SubTaskForce,
    TaskForce,
)

AnySelect = Select[*tuple[Any, ...]]

# --- one task force ----------------------------------------------------------------------


def _rule(name: RuleName, result: RuleResult) -> RuleRead:
    return RuleRead(
        rule=name,
        section=rules.SECTIONS[name],
        description=rules.DESCRIPTIONS[name],
        status=result.status,
        met=result.met,
        dates=result.dates,
        missed_windows=[WindowRead(start=w.start, end=w.end, days=w.days) for w in result.missed],
    )


async def _dates(session: AsyncSession, query: Select[date]) -> list[date]:
    return list((await session.scalars(query)).all())


def report_due_on(year: int, report_due: str | None) -> date:
    """The day the annual report for ``year`` is due: ``report_due`` (MM-DD) of the next year,
    by default the setting ``GTPPTPPO_ANNUAL_REPORT_DUE``."""
    settings = get_settings()
    if report_due is not None:
        settings = settings.model_copy(update={"annual_report_due": report_due})
    return settings.annual_report_due_on(year)


async def evaluate(
    session: AsyncSession,
    task_force: TaskForce,
    year: int,
    today: date | None = None,
    report_due: str | None = None,
) -> TaskForceComplianceRead:
    """Every cadence rule of 3.1 and 3.3.1 d, and the annual report submitted (3.3.3,
    Lampiran V), for one task force and year, on today in its time zone (``kit.clock``);
    ``report_due``: see :func:`report_due_on`."""
    today = today or clock.today(task_force.region_code)
    established = task_force.established_decree
    span = rules.period(
        year,
        today,
        established.issued_on if established else None,
        task_force.dissolved_on,
    )
    if span.empty:
        raise ValidationFailed.field(
            "year", f"task force {task_force.id} did not exist during {year} (up to today)"
        )
    in_span = (span.start, span.end)

    def meetings(kind: MeetingKind) -> Select[date]:
        return select(Meeting.held_on).where(
            Meeting.task_force_id == task_force.id,
            Meeting.kind == kind,
            Meeting.held_on.between(*in_span),
        )

    def visits(kind: VisitKind) -> Select[date]:
        """The visits the task force made itself."""
        return select(MonitoringVisit.visited_on).where(
            MonitoringVisit.monitor_task_force_id == task_force.id,
            MonitoringVisit.monitor_kind == MonitorKind.task_force,
            MonitoringVisit.kind == kind,
            MonitoringVisit.visited_on.between(*in_span),
        )

    # the monitorings of the task force by the head of its region (3.3.1 e 2 a, e 3 a)
    by_head = select(MonitoringVisit.visited_on).where(
        MonitoringVisit.monitor_kind == MonitorKind.head_of_region,
        MonitoringVisit.subject_kind == SubjectKind.task_force,
        MonitoringVisit.subject_task_force_id == task_force.id,
        MonitoringVisit.kind == VisitKind.monitoring,
        MonitoringVisit.visited_on.between(*in_span),
    )

    plenary = rules.each_block(
        await _dates(session, meetings(MeetingKind.plenary)), span, rules.PLENARY_MONTHS
    )
    units_rule = await _sub_task_forces(session, task_force, span)
    coordination = rules.at_least_once(
        await _dates(session, meetings(MeetingKind.coordination)), span
    )
    monitoring = rules.each_block(
        await _dates(session, visits(VisitKind.monitoring)), span, rules.MONITORING_MONTHS
    )
    evaluation = rules.at_least_once(await _dates(session, visits(VisitKind.evaluation)), span)
    report = await _annual_report(session, task_force, year, today, report_due_on(year, report_due))
    head = (
        rules.each_block(await _dates(session, by_head), span, rules.MONITORING_MONTHS)
        if task_force.level is not RegionLevel.national
        else RuleResult(RuleStatus.met)
    )
    results = [
        _rule(RuleName.plenary, plenary),
        units_rule,
        _rule(RuleName.coordination, coordination),
        _rule(RuleName.monitoring, monitoring),
        _rule(RuleName.evaluation, evaluation),
        _rule(RuleName.annual_report, report),
        _rule(RuleName.head_of_region, head),
    ]
    return TaskForceComplianceRead(
        task_force_id=task_force.id,
        region_code=task_force.region_code,
        level=task_force.level,
        year=year,
        period=PeriodRead(start=span.start, end=span.end, complete=span.complete),
        met_all=all(r.met for r in results),
        rules=results,
    )


async def _sub_task_forces(session: AsyncSession, task_force: TaskForce, span: Period) -> RuleRead:
    """Each sub-task-force meets at least once in each two-month period (3.1.x b 1)."""
    units = (
        await session.scalars(
            select(SubTaskForce)
            .where(SubTaskForce.task_force_id == task_force.id)
            .order_by(SubTaskForce.id)
        )
    ).all()
    held: dict[int, list[date]] = defaultdict(list)
    rows = await session.execute(
        select(Meeting.sub_task_force_id, Meeting.held_on).where(
            Meeting.task_force_id == task_force.id,
            Meeting.kind == MeetingKind.sub_task_force,
            Meeting.held_on.between(span.start, span.end),
        )
    )
    for unit_id, held_on in rows.all():
        if unit_id is not None:
            held[unit_id].append(held_on)
    per_unit = []
    for unit in units:
        result = rules.each_block(held[unit.id], span, rules.SUB_TASK_FORCE_MONTHS)
        per_unit.append(
            UnitRuleRead(
                sub_task_force_id=unit.id,
                kind=unit.kind,
                name=unit.name,
                status=result.status,
                met=result.met,
                dates=result.dates,
                missed_windows=[
                    WindowRead(start=w.start, end=w.end, days=w.days) for w in result.missed
                ],
            )
        )
    met = all(u.met for u in per_unit)
    read = _rule(
        RuleName.sub_task_forces,
        RuleResult(RuleStatus.met if met else RuleStatus.missed),
    )
    read.dates = sorted({d for u in per_unit for d in u.dates})
    read.missed_windows = [w for u in per_unit for w in u.missed_windows]
    read.sub_task_forces = per_unit
    return read


async def _annual_report(
    session: AsyncSession, task_force: TaskForce, year: int, today: date, due_on: date
) -> RuleResult:
    """The annual report for ``year`` submitted to the daily chair (3.3.3, Lampiran V), with
    the day of its latest ``submit`` as evidence."""
    report = (
        await session.execute(
            select(Report.id, Report.state).where(
                Report.task_force_id == task_force.id,
                Report.kind == ReportKind.annual,
                Report.year == year,
            )
        )
    ).one_or_none()
    if report is None:
        return rules.annual_report(year, today, None, None, due_on)
    submitted_at = await session.scalar(
        select(func.max(ReportTransition.occurred_at)).where(
            ReportTransition.report_id == report.id, ReportTransition.action == "submit"
        )
    )
    submitted_on = (
        clock.local_date(submitted_at, task_force.region_code) if submitted_at is not None else None
    )
    return rules.annual_report(
        year,
        today,
        report.state,
        submitted_on,
        due_on,
    )


async def task_force_compliance(
    session: AsyncSession, caller: Caller, task_force_id: int, year: int, report_due: str
) -> TaskForceComplianceRead:
    task_force = await task_forces.get_visible(session, caller, task_force_id)
    return await evaluate(session, task_force, year, report_due=report_due)


# --- the dashboard, in SQL ---------------------------------------------------------------


def _periods(root: str, year: int, today: date) -> CTE:
    """Task forces of the subtree with their period in the year, as day numbers."""
    jan1 = date(year, 1, 1)
    last = min(date(year, 12, 31), today)
    jan1_day = day_number(literal(jan1, Date))
    last_day = day_number(literal(last, Date))
    established = (
        select(func.min(Decree.issued_on))
        .where(Decree.task_force_id == TaskForce.id, Decree.purpose == DecreePurpose.establishment)
        .correlate(TaskForce)
        .scalar_subquery()
    )
    dissolved_eve = day_number(TaskForce.dissolved_on) - 1
    inner = (
        select(
            TaskForce.id.label("task_force_id"),
            TaskForce.name.label("task_force_name"),
            TaskForce.region_code,
            Region.name.label("region_name"),
            TaskForce.level,
            case(
                (established > literal(jan1, Date), day_number(established)), else_=jan1_day
            ).label("start_day"),
            case(
                (
                    and_(TaskForce.dissolved_on.is_not(None), dissolved_eve < last_day),
                    dissolved_eve,
                ),
                else_=last_day,
            ).label("end_day"),
        )
        .join(Region, Region.code == TaskForce.region_code)
        .where(regions.subtree_clause(TaskForce.region_code, root))
        .subquery()
    )
    return select(inner).where(inner.c.start_day <= inner.c.end_day).cte("periods")


def _missed_blocks(
    units: AnySelect, events: AnySelect, months: int, name: str, year: int, today: date
) -> Subquery:
    """How many judged blocks of ``months`` months each task force's units missed: blocks of
    the year over before today and lying within the unit's period, without one of its
    events (``compliance.rules.each_block``)."""
    units_q = units.subquery(f"{name}_units")
    events_q = events.subquery(f"{name}_events")
    block_rows = [
        select(
            day_number(literal(block.start, Date)).label("start_day"),
            day_number(literal(block.end, Date)).label("end_day"),
        )
        for block in rules.blocks(year, months)
    ]
    blocks = union_all(*block_rows).subquery(f"{name}_blocks")
    held = (
        select(literal_column("1"))
        .where(
            events_q.c.task_force_id == units_q.c.task_force_id,
            events_q.c.unit_id == units_q.c.unit_id,
            events_q.c.day.between(blocks.c.start_day, blocks.c.end_day),
        )
        .exists()
    )
    return (
        select(units_q.c.task_force_id, func.count().label("missed"))
        .join(
            blocks,
            and_(
                blocks.c.start_day >= units_q.c.start_day,
                blocks.c.end_day <= units_q.c.end_day,
                blocks.c.end_day < day_number(literal(today, Date)),
            ),
        )
        .where(~held)
        .group_by(units_q.c.task_force_id)
        .subquery(f"{name}_missed")
    )


def _whole(periods: CTE) -> AnySelect:
    return select(
        periods.c.task_force_id,
        literal_column("0", Integer).label("unit_id"),
        periods.c.start_day,
        periods.c.end_day,
    )


def _inside(periods: CTE, day: ColumnElement[int]) -> ColumnElement[bool]:
    return day.between(periods.c.start_day, periods.c.end_day)


def _rows(root: str, year: int, today: date, due_on: date) -> Subquery:
    periods = _periods(root, year, today)
    held = day_number(Meeting.held_on)
    visited = day_number(MonitoringVisit.visited_on)

    def meeting_events(kind: MeetingKind, unit: Any) -> AnySelect:
        return (
            select(Meeting.task_force_id, unit.label("unit_id"), held.label("day"))
            .join(periods, periods.c.task_force_id == Meeting.task_force_id)
            .where(Meeting.kind == kind, _inside(periods, held))
        )

    def visit_events(kind: VisitKind) -> AnySelect:
        return (
            select(
                MonitoringVisit.monitor_task_force_id.label("task_force_id"),
                literal_column("0", Integer).label("unit_id"),
                visited.label("day"),
            )
            .join(periods, periods.c.task_force_id == MonitoringVisit.monitor_task_force_id)
            .where(
                MonitoringVisit.monitor_kind == MonitorKind.task_force,
                MonitoringVisit.kind == kind,
                _inside(periods, visited),
            )
        )

    # the monitorings of each task force by the head of its region (3.3.1 e 2 a, e 3 a)
    head_events = (
        select(
            MonitoringVisit.subject_task_force_id.label("task_force_id"),
            literal_column("0", Integer).label("unit_id"),
            visited.label("day"),
        )
        .join(periods, periods.c.task_force_id == MonitoringVisit.subject_task_force_id)
        .where(
            MonitoringVisit.monitor_kind == MonitorKind.head_of_region,
            MonitoringVisit.subject_kind == SubjectKind.task_force,
            MonitoringVisit.kind == VisitKind.monitoring,
            _inside(periods, visited),
        )
    )

    def counted(events: AnySelect, name: str) -> Subquery:
        e = events.subquery(f"{name}_events")
        return (
            select(e.c.task_force_id, func.count().label("n"))
            .group_by(e.c.task_force_id)
            .subquery(f"{name}_count")
        )

    zero = literal_column("0", Integer)

    def missed(units: AnySelect, events: AnySelect, months: int, name: str) -> Subquery:
        return _missed_blocks(units, events, months, name, year, today)

    plenary = missed(
        _whole(periods), meeting_events(MeetingKind.plenary, zero), rules.PLENARY_MONTHS, "plenary"
    )
    units = select(
        periods.c.task_force_id,
        SubTaskForce.id.label("unit_id"),
        periods.c.start_day,
        periods.c.end_day,
    ).join(SubTaskForce, SubTaskForce.task_force_id == periods.c.task_force_id)
    sub = missed(
        units,
        meeting_events(MeetingKind.sub_task_force, Meeting.sub_task_force_id),
        rules.SUB_TASK_FORCE_MONTHS,
        "sub",
    )
    monitoring = missed(
        _whole(periods), visit_events(VisitKind.monitoring), rules.MONITORING_MONTHS, "mon"
    )
    head = missed(_whole(periods), head_events, rules.MONITORING_MONTHS, "head")
    coordination = counted(meeting_events(MeetingKind.coordination, zero), "coord")
    evaluation = counted(visit_events(VisitKind.evaluation), "eval")
    today_day = day_number(literal(today, Date))

    def block_status(q: Subquery) -> ColumnElement[str]:
        return case((func.coalesce(q.c.missed, 0) == 0, "met"), else_="missed")

    def count_status(q: Subquery) -> ColumnElement[str]:
        return case(
            (func.coalesce(q.c.n, 0) > 0, "met"),
            (periods.c.end_day < today_day, "missed"),
            else_="open",
        )

    # 3.3.3, Lampiran V: the annual report for the year has reached the daily chair
    # (``rules.annual_report``); a task force has at most one annual report a year.
    report = (
        select(Report.task_force_id)
        .where(
            Report.kind == ReportKind.annual,
            Report.year == year,
            Report.state.in_(sorted(rules.SUBMITTED_STATES)),
        )
        .subquery("report_submitted")
    )
    year_end_day = day_number(literal(date(year, 12, 31), Date))
    due_day = day_number(literal(due_on, Date))
    report_status = case(
        (report.c.task_force_id.is_not(None), "met"),
        (due_day < today_day, "missed"),
        (year_end_day < today_day, "due"),
        else_="open",
    )

    statuses = {
        RuleName.plenary: block_status(plenary),
        RuleName.sub_task_forces: block_status(sub),
        RuleName.coordination: count_status(coordination),
        RuleName.monitoring: block_status(monitoring),
        RuleName.evaluation: count_status(evaluation),
        RuleName.annual_report: report_status,
        RuleName.head_of_region: case(
            (periods.c.level == RegionLevel.national, "met"), else_=block_status(head)
        ),
    }
    met_all = and_(*(status == "met" for status in statuses.values()))
    query = select(
        periods.c.task_force_id,
        periods.c.task_force_name,
        periods.c.region_code,
        periods.c.region_name,
        periods.c.level,
        *(status.label(name.value) for name, status in statuses.items()),
        case((met_all, 1), else_=0).label("met_all"),
    )
    for q in (plenary, sub, monitoring, head, coordination, evaluation, report):
        query = query.outerjoin(q, q.c.task_force_id == periods.c.task_force_id)
    return query.subquery("compliance_rows")


async def dashboard(
    session: AsyncSession,
    caller: Caller,
    region_code: str | None,
    year: int,
    today: date | None = None,
    report_due: str | None = None,
) -> ComplianceDashboard:
    """One row per task force of the region's subtree with each rule met or not, the share
    meeting each rule, and the provinces and regencies with no task force in the year
    (BAB I: not every region has formed one)."""
    root = region_code or caller.scope_code
    region = await regions.get(session, root)
    if region is None:
        raise scope.not_found("region", repr(root))
    scope.ensure(caller, root, "region", repr(root))
    return await build_dashboard(session, root, year, today, report_due)


async def build_dashboard(
    session: AsyncSession,
    root: str,
    year: int,
    today: date | None = None,
    report_due: str | None = None,
) -> ComplianceDashboard:
    """The dashboard of the subtree of ``root``, with no jurisdiction check (workers), on
    today in the root's time zone (a province's; the nation's, WIB, for ``ID``)."""
    today = today or clock.today(root)
    if date(year, 1, 1) > today:
        raise ValidationFailed.field("year", f"{year} has not begun")
    rows_q = _rows(root, year, today, report_due_on(year, report_due))
    rows = (await session.execute(select(rows_q).order_by(rows_q.c.region_code))).mappings().all()

    def met(column: str) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((rows_q.c[column] == "met", 1), else_=0)), 0)

    totals = (
        await session.execute(
            select(
                func.count().label("total"),
                func.coalesce(func.sum(rows_q.c.met_all), 0).label("all"),
                *(met(name.value).label(name.value) for name in RuleName),
            ).select_from(rows_q)
        )
    ).one()
    total = int(totals.total)

    def share(rule: RuleName | None, count: int) -> RuleShare:
        return RuleShare(
            rule=rule,
            section=rules.SECTIONS[rule] if rule else None,
            met=count,
            total=total,
            share=round(count / total, 4) if total else 0.0,
        )

    shares = [share(name, int(getattr(totals, name.value))) for name in RuleName]
    shares.append(share(None, int(totals.all)))

    periods = _periods(root, year, today)
    missing = (
        await session.execute(
            select(Region.code, Region.name, Region.level)
            .where(
                regions.subtree_clause(Region.code, root),
                Region.level.in_([RegionLevel.province, RegionLevel.regency]),
                Region.code.not_in(select(periods.c.region_code)),
            )
            .order_by(Region.code)
        )
    ).all()
    without = [RegionRef(code=r.code, name=r.name, level=r.level) for r in missing]
    late = await session.execute(
        select(
            DataSubjectRequest.id,
            DataSubjectRequest.kind,
            DataSubjectRequest.service_centre_id,
            DataSubjectRequest.region_code,
            DataSubjectRequest.due_at,
        )
        .where(
            DataSubjectRequest.state == RequestState.received,
            DataSubjectRequest.due_at < clock.now(),
            regions.subtree_clause(DataSubjectRequest.region_code, root),
        )
        .order_by(DataSubjectRequest.due_at, DataSubjectRequest.id)
    )
    return ComplianceDashboard(
        region_code=root,
        year=year,
        as_of=min(date(year, 12, 31), today),
        task_forces=[
            DashboardRow.model_validate({**row, "met_all": bool(row["met_all"])}) for row in rows
        ],
        shares=shares,
        provinces_without_task_force=[r for r in without if r.level is RegionLevel.province],
        regencies_without_task_force=[r for r in without if r.level is RegionLevel.regency],
        overdue_data_requests=[OverdueDataRequest.model_validate(row._mapping) for row in late],
    )


CSV_COLUMNS = (
    "region_code",
    "region_name",
    "level",
    "task_force_id",
    "task_force_name",
    *(name.value for name in RuleName),
    "met_all",
)


def _cell(text: str) -> str:
    """Keep a spreadsheet from reading a name as a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(board: ComplianceDashboard) -> str:
    """The dashboard as CSV: a row per task force, then a row per region without one."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in board.task_forces:
        writer.writerow(
            [
                row.region_code,
                _cell(row.region_name),
                row.level.value,
                row.task_force_id,
                _cell(row.task_force_name),
                *(getattr(row, name.value).value for name in RuleName),
                "true" if row.met_all else "false",
            ]
        )
    for region in [*board.provinces_without_task_force, *board.regencies_without_task_force]:
        writer.writerow(
            [
                region.code,
                _cell(region.name),
                region.level.value,
                "",
                "",
                *("" for _ in RuleName),
                "",
            ]
        )
    return out.getvalue()
