"""The cadence rules of 3.1, 3.3.1 d and 3.3.3, defined once.

Three shapes of rule:

**Every N months** (a gap rule). "Paling sedikit 1 kali dalam 4 bulan" is read as *no
stretch of P consecutive days without the event*, where P is the year divided by the number
of periods, rounded down: a plenary P = 365 // 3 = 121 days, a sub-task-force meeting
P = 365 // 6 = 60 days, a monitoring P = 365 // 2 = 182 days. Rounding down means a full
year needs 3 plenaries, 6 meetings of each sub-task-force and 2 monitorings, as the
regulation's "once in every 4 / 2 / 6 months" implies.

The rule is evaluated over the task force's *period* in the year: from 1 January (or the day
its formation decree was issued, if later) to 31 December (or the day before it was
dissolved, or today, if earlier). The days just before the period start and just after its
end count as events, so with the events on days d1 < … < dk of the period (numbered from 1
to L) and d0 = 0, d(k+1) = L + 1:

    met  ⇔  d(i+1) − d(i) ≤ P  for every i

For a plenary in 2025: plenaries on day 1 and day 122 (1 January and 2 May) are close
enough, 121 days apart; on day 1 and day 123 they leave days 2–122 (2 January – 2 May,
121 days) without a plenary: that window is missed. A first plenary on day 121 (1 May) is
in time; on day 122 it leaves 1 January – 1 May without one.

**At least once in the year** (a count rule): the yearly coordination (3.1.x c 2) and the
evaluation (3.3.1 d 2). While the year is still running and the event has not happened yet,
the rule is ``open``, not ``missed``.

**The annual report submitted** (3.3.3, Lampiran V): the task force "wajib menyusun dan
menyampaikan laporan pelaksanaan tugas kepada Ketua Harian ... secara berkala 1 (satu)
tahunan". For compliance year Y the rule is

- ``met`` when the task force's annual report for year Y has been submitted to the daily
  chair: its state is one of submitted, discussed, consolidated, forwarded or received
  (``SUBMITTED_STATES``). The evidence is the date of its latest ``submit`` transition, in
  eastern Indonesia's calendar like ``today()``;
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
import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

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


DAYS_IN_YEAR = 365
PLENARY_GAP = DAYS_IN_YEAR // 3  # 121 days: "1 kali dalam 4 bulan" (3.1.x a 2)
SUB_TASK_FORCE_GAP = DAYS_IN_YEAR // 6  # 60 days: "1 kali dalam 2 bulan" (3.1.x b 1)
MONITORING_GAP = DAYS_IN_YEAR // 2  # 182 days: "6 bulan sekali" (3.3.1 d 1)

SECTIONS: dict[RuleName, str] = {
    RuleName.plenary: "3.1.1 a 2, 3.1.2 a 2, 3.1.3 a 2",
    RuleName.sub_task_forces: "3.1.1 b 1, 3.1.2 b 1, 3.1.3 b 1",
    RuleName.coordination: "3.1.1 c 2, 3.1.2 c 2, 3.1.3 c 2",
    RuleName.monitoring: "3.3.1 d 1",
    RuleName.evaluation: "3.3.1 d 2",
    RuleName.annual_report: "3.3.3, Lampiran V",
}

DESCRIPTIONS: dict[RuleName, str] = {
    RuleName.plenary: f"A plenary at least once in every {PLENARY_GAP} consecutive days.",
    RuleName.sub_task_forces: (
        f"Each sub-task-force meets at least once in every {SUB_TASK_FORCE_GAP} consecutive days."
    ),
    RuleName.coordination: "The national/provincial/regency coordination at least once a year.",
    RuleName.monitoring: f"A monitoring at least once in every {MONITORING_GAP} consecutive days.",
    RuleName.evaluation: "An evaluation at least once a year.",
    RuleName.annual_report: (
        "The annual report for the year submitted to the daily chair by its due date."
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

WIT = timedelta(hours=9)


def local_date(moment: datetime) -> date:
    """The date of ``moment`` in eastern Indonesia (WIT, UTC+9); a naive moment is UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment.astimezone(UTC) + WIT).date()


def today() -> date:
    """The current date in eastern Indonesia (WIT, UTC+9), where the day starts first."""
    return local_date(datetime.now(UTC))


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


def every(dates: list[date], span: Period, gap: int) -> RuleResult:
    """A gap rule: no ``gap`` consecutive days of ``span`` without one of ``dates``.

    The day before ``span.start`` and the day after ``span.end`` count as events, so a
    window is missed when two consecutive events are more than ``gap`` days apart; the
    missed window is the days between them.
    """
    inside = sorted({d for d in dates if span.start <= d <= span.end})
    bounds = [span.start - timedelta(days=1), *inside, span.end + timedelta(days=1)]
    missed = [
        Window(before + timedelta(days=1), after - timedelta(days=1))
        for before, after in itertools.pairwise(bounds)
        if (after - before).days > gap
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
