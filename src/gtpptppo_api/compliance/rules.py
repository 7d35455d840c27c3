"""The cadence rules of 3.1, 3.3.1 d and 3.3.3, defined once.

Three shapes of rule:

**Once in every N months** (a block rule). "Paling sedikit 1 kali dalam 4 bulan" (3.1.x a 2),
"1 (satu) kali dalam 2 (dua) bulan, atau sesuai dengan kebutuhan" (3.1.x b 1) and "6 (enam)
bulan sekali" (3.3.1 d 1) are read in calendar months, as the year's fixed blocks of N
months that Indonesian administration already counts in: a plenary in each third of the year
(caturwulan: January–April, May–August, September–December), each sub-task-force in each
two-month period (January–February, …, November–December), a monitoring in each half
(semester: January–June, July–December). N divides 12, so the blocks tile every year, and a
regular schedule of one event every N calendar months puts one event in each block whatever
the length of its months, leap years included: plenaries on 1 February, 1 June and
1 October, sub-task-force meetings on the first of every other month, monitorings on
1 January and 1 July all meet the rule. Meetings held more often, "sesuai dengan kebutuhan",
count as well.

A block is judged when it is over (its last day before today) and the task force existed
through the whole of it: from its formation decree (or earlier) to the day before it was
dissolved (or later). The block in which a task force is formed, unless on the block's first
day, is its first period and not judged: its first meeting falls due in the first whole
block after formation; likewise the block in which it is dissolved. A judged block with none
of the events is missed, and is named as the missed window. The rule is met when no judged
block is missed: a block still running is not missed yet.

The task force's *period* in the year runs from 1 January (or the day its formation decree
was issued, if later) to 31 December (or the day before it was dissolved, or today, if
earlier); the events counted are those of the period.

**At least once in the year** (a count rule): the yearly coordination (3.1.x c 2) and the
evaluation (3.3.1 d 2). While the year is still running and the event has not happened yet,
the rule is ``open``, not ``missed``.

**The annual report submitted** (3.3.3, Lampiran V): the task force "wajib menyusun dan
menyampaikan laporan pelaksanaan tugas kepada Ketua Harian ... secara berkala 1 (satu)
tahunan". For compliance year Y the rule is

- ``met`` when the task force's annual report for year Y has been submitted to the daily
  chair: its state is one of submitted, discussed, consolidated, forwarded or received
  (``SUBMITTED_STATES``). The evidence is the date of its latest ``submit`` transition, in
  the task force's time zone like today (``kit.clock``);
- ``open`` while year Y has not ended (today ≤ 31 December Y) and it is not met;
- ``due`` from 1 January of Y + 1 to its due date, when it is not met: the regulation sets no
  date, so the due date is a setting (``GTPPTPPO_ANNUAL_REPORT_DUE``, by default 31 March of
  Y + 1);
- ``missed`` after the due date when it is not met: no report, a draft, or a report returned
  for revision.

Unlike the other rules it is judged on the calendar year, not on the task force's period, and
it names no missed windows.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, timedelta

from gtpptppo_api.reports.models import ReportState


class RuleStatus(enum.StrEnum):
    met = "met"  # terpenuhi
    missed = "missed"  # tidak terpenuhi
    open = "open"  # not yet: the year is still running and nothing has been missed
    due = "due"  # the year is over, the annual report not in yet, its due date not passed


class RuleName(enum.StrEnum):
    plenary = "plenary"
    sub_task_forces = "sub_task_forces"
    coordination = "coordination"
    monitoring = "monitoring"
    evaluation = "evaluation"
    annual_report = "annual_report"
    head_of_region = "head_of_region"


# Calendar months in each block (see the module docstring); each divides 12.
PLENARY_MONTHS = 4  # "1 kali dalam 4 bulan" (3.1.x a 2): January–April, May–August, ...
SUB_TASK_FORCE_MONTHS = 2  # "1 kali dalam 2 bulan" (3.1.x b 1): January–February, ...
MONITORING_MONTHS = 6  # "6 bulan sekali" (3.3.1 d 1): January–June, July–December

SECTIONS: dict[RuleName, str] = {
    RuleName.plenary: "3.1.1 a 2, 3.1.2 a 2, 3.1.3 a 2",
    RuleName.sub_task_forces: "3.1.1 b 1, 3.1.2 b 1, 3.1.3 b 1",
    RuleName.coordination: "3.1.1 c 2, 3.1.2 c 2, 3.1.3 c 2",
    RuleName.monitoring: "3.3.1 d 1",
    RuleName.evaluation: "3.3.1 d 2",
    RuleName.annual_report: "3.3.3, Lampiran V",
    RuleName.head_of_region: "3.3.1 d 1, 3.3.1 e 2 a, 3.3.1 e 3 a",
}

DESCRIPTIONS: dict[RuleName, str] = {
    RuleName.plenary: (
        "A plenary at least once in each four-month period of the year (January-April, "
        "May-August, September-December)."
    ),
    RuleName.sub_task_forces: (
        "Each sub-task-force meets at least once in each two-month period of the year "
        "(January-February, March-April, ..., November-December)."
    ),
    RuleName.coordination: "The national/provincial/regency coordination at least once a year.",
    RuleName.monitoring: (
        "A monitoring at least once in each half of the year (January-June, July-December)."
    ),
    RuleName.evaluation: "An evaluation at least once a year.",
    RuleName.annual_report: (
        "The annual report for the year submitted to the daily chair by its due date."
    ),
    RuleName.head_of_region: (
        "A provincial or regency/city task force monitored by the head of its region (the "
        "Governor, the Bupati/Walikota) at least once in each half of the year, as recorded "
        "by its secretariat; none is asked of the national task force."
    ),
}

# The states of a report that has reached the daily chair (3.3.3, Lampiran V); a draft has
# not, and a report returned for revision has to be submitted again.
SUBMITTED_STATES = frozenset(
    {
        ReportState.submitted,
        ReportState.discussed,
        ReportState.consolidated,
        ReportState.forwarded,
        ReportState.received,
    }
)


@dataclass(frozen=True, slots=True)
class Period:
    """The days of a year a task force is judged on (both ends included)."""

    start: date
    end: date
    complete: bool  # its last day is over (before today)

    @property
    def empty(self) -> bool:
        return self.end < self.start


def period(
    year: int, today: date, established_on: date | None, dissolved_on: date | None
) -> Period:
    """The task force's period in ``year``: see the module docstring."""
    start = date(year, 1, 1)
    end = date(year, 12, 31)
    if established_on is not None and established_on > start:
        start = established_on
    if dissolved_on is not None and dissolved_on - timedelta(days=1) < end:
        end = dissolved_on - timedelta(days=1)
    end = min(end, today)
    return Period(start=start, end=end, complete=end < today)


@dataclass(frozen=True, slots=True)
class Window:
    """A stretch of days with none of the events: ``days`` long, from ``start`` to ``end``."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(slots=True)
class RuleResult:
    status: RuleStatus
    dates: list[date] = field(default_factory=list)  # the events that satisfy the rule
    missed: list[Window] = field(default_factory=list)

    @property
    def met(self) -> bool:
        return self.status is RuleStatus.met


def blocks(year: int, months: int) -> list[Window]:
    """The blocks of ``months`` calendar months that tile ``year``, in order."""
    assert 12 % months == 0, months
    starts = [date(year, month, 1) for month in range(1, 13, months)]
    ends = [start - timedelta(days=1) for start in starts[1:]] + [date(year, 12, 31)]
    return [Window(start, end) for start, end in zip(starts, ends, strict=True)]


def judged(span: Period, months: int) -> list[Window]:
    """The blocks of the year that are over and that the task force existed through whole.

    ``span.end`` is at most today, and today when ``span`` is not complete: a block ending
    on it is still running.
    """
    return [
        block
        for block in blocks(span.start.year, months)
        if span.start <= block.start
        and block.end <= span.end
        and (span.complete or block.end < span.end)
    ]


def each_block(dates: list[date], span: Period, months: int) -> RuleResult:
    """A block rule: at least one of ``dates`` in each judged block of ``months`` months."""
    inside = sorted({d for d in dates if span.start <= d <= span.end})
    missed = [
        block
        for block in judged(span, months)
        if not any(block.start <= d <= block.end for d in inside)
    ]
    return RuleResult(RuleStatus.missed if missed else RuleStatus.met, inside, missed)


def at_least_once(dates: list[date], span: Period) -> RuleResult:
    """A count rule: at least one of ``dates`` in ``span``; ``open`` while the year runs."""
    inside = sorted({d for d in dates if span.start <= d <= span.end})
    if inside:
        return RuleResult(RuleStatus.met, inside)
    if not span.complete:
        return RuleResult(RuleStatus.open)
    return RuleResult(RuleStatus.missed, [], [Window(span.start, span.end)])


def annual_report(
    year: int, today: date, state: ReportState | None, submitted_on: date | None, due_on: date
) -> RuleResult:
    """The annual report for ``year`` submitted to the daily chair (3.3.3, Lampiran V).

    ``state`` is the report's state (None: no report), ``submitted_on`` the date of its latest
    ``submit``, ``due_on`` the day it is due (in ``year`` + 1). Met once submitted; open until
    31 December of ``year``; due until ``due_on``; missed after it.
    """
    if state in SUBMITTED_STATES:
        return RuleResult(RuleStatus.met, [submitted_on] if submitted_on else [])
    if today <= date(year, 12, 31):
        return RuleResult(RuleStatus.open)
    if today <= due_on:
        return RuleResult(RuleStatus.due)
    return RuleResult(RuleStatus.missed)
