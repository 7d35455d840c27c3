"""The cadence windows of 3.1 and 3.3.1 d on hand-made calendars, at their edges."""

from __future__ import annotations

from datetime import date, timedelta

from gtpptppo_api.compliance import rules
from gtpptppo_api.compliance.rules import RuleStatus, Window

YEAR = 2025  # not a leap year: 365 days
WHOLE = rules.period(YEAR, date(2026, 6, 1), date(2024, 1, 15), None)


def d(n: int, year: int = YEAR) -> date:
    return date(year, 1, 1) + timedelta(days=n - 1)


def plenary(*days: int) -> rules.RuleResult:
    return rules.every([d(n) for n in days], WHOLE, rules.PLENARY_GAP)


def test_the_gaps_follow_the_regulation():
    """3.1.x a 2, b 1 and 3.3.1 d 1: once in 4 months, 2 months, 6 months."""
    assert (rules.PLENARY_GAP, rules.SUB_TASK_FORCE_GAP, rules.MONITORING_GAP) == (121, 60, 182)


def test_plenary_on_day_1_and_day_122_is_in_time():
    """3.1.x a 2: day 1 and day 122 are 121 days apart; nothing is missed between them."""
    result = plenary(1, 122, 243, 364)
    assert result.status is RuleStatus.met
    assert result.dates == [d(1), d(122), d(243), d(364)]
    assert result.missed == []


def test_plenary_on_day_1_and_day_123_misses_a_window():
    """3.1.x a 2: day 1 then day 123 leaves 2 January – 2 May (121 days) without one."""
    result = plenary(1, 123, 244, 365)
    assert result.status is RuleStatus.missed
    assert result.missed == [Window(date(2025, 1, 2), date(2025, 5, 2))]
    assert result.missed[0].days == 121


def test_the_first_window_starts_on_1_january():
    """A first plenary on day 121 (1 May) is in time; on day 122 it is not."""
    assert plenary(121, 242, 363).status is RuleStatus.met
    late = plenary(122, 243, 364)
    assert late.missed == [Window(date(2025, 1, 1), date(2025, 5, 1))]


def test_the_last_window_ends_on_31_december():
    """A last plenary on day 245 (2 September) closes the year in time: 245 + 121 is 366,
    the day after 31 December. On day 244 it leaves 2 September – 31 December without one."""
    assert plenary(121, 242, 245).status is RuleStatus.met
    early = plenary(121, 242, 244)
    assert early.missed == [Window(date(2025, 9, 2), date(2025, 12, 31))]


def test_a_full_year_needs_three_plenaries():
    assert plenary(120, 240).status is RuleStatus.missed
    assert plenary().missed == [Window(date(2025, 1, 1), date(2025, 12, 31))]


def test_sub_task_force_every_60_days():
    """3.1.x b 1: once in 2 months, no 60 days without; six meetings in a year."""
    in_time = [d(n) for n in (60, 120, 180, 240, 300, 360)]
    assert rules.every(in_time, WHOLE, rules.SUB_TASK_FORCE_GAP).met
    late = [d(n) for n in (61, 120, 180, 240, 300, 360)]
    result = rules.every(late, WHOLE, rules.SUB_TASK_FORCE_GAP)
    assert result.missed == [Window(d(1), d(60))]


def test_monitoring_every_182_days():
    """3.3.1 d 1: every 6 months, no 182 days without a monitoring."""
    assert rules.every([d(182), d(364)], WHOLE, rules.MONITORING_GAP).met
    assert rules.every([d(183), d(364)], WHOLE, rules.MONITORING_GAP).missed == [
        Window(d(1), d(182))
    ]


def test_yearly_rules_are_open_while_the_year_runs():
    """3.1.x c 2 and 3.3.1 d 2: at least once a year; not missed before the year is over."""
    running = rules.period(YEAR, date(2025, 7, 1), None, None)
    assert running.end == date(2025, 7, 1)
    assert not running.complete
    assert rules.at_least_once([], running).status is RuleStatus.open
    assert rules.at_least_once([], WHOLE).status is RuleStatus.missed
    assert rules.at_least_once([d(300)], WHOLE).status is RuleStatus.met
    # A gap rule judges only the days gone by.
    assert rules.every([d(100)], running, rules.PLENARY_GAP).met


def test_the_period_follows_formation_and_dissolution():
    """Counted from the formation decree, to the day before dissolution."""
    span = rules.period(YEAR, date(2026, 1, 1), date(2025, 3, 1), date(2025, 10, 1))
    assert (span.start, span.end, span.complete) == (date(2025, 3, 1), date(2025, 9, 30), True)
    # The first window runs from 1 March (day 60): a plenary by day 180 (29 June).
    assert rules.every([d(180)], span, rules.PLENARY_GAP).met
    assert rules.every([d(181)], span, rules.PLENARY_GAP).missed == [Window(d(60), d(180))]
    assert rules.period(YEAR, date(2026, 1, 1), date(2026, 3, 1), None).empty


def test_a_leap_year_has_one_day_more():
    """In 2024 (366 days) a last plenary on day 245 leaves 122 days to 31 December."""
    leap = rules.period(2024, date(2025, 6, 1), None, None)
    assert rules.every([d(n, 2024) for n in (121, 242, 363)], leap, rules.PLENARY_GAP).met
    result = rules.every([d(n, 2024) for n in (121, 242, 245)], leap, rules.PLENARY_GAP)
    assert result.missed == [Window(date(2024, 9, 2), date(2024, 12, 31))]
