"""The cadence blocks of 3.1 and 3.3.1 d on hand-made calendars, at their edges."""

from __future__ import annotations

from datetime import date

from gtpptppo_api.compliance import rules
from gtpptppo_api.compliance.rules import RuleStatus, Window

YEAR = 2025  # not a leap year
WHOLE = rules.period(YEAR, date(2026, 6, 1), date(2024, 1, 15), None)


def plenary(*dates: date, span: rules.Period = WHOLE) -> rules.RuleResult:
    return rules.each_block(list(dates), span, rules.PLENARY_MONTHS)


def test_the_blocks_follow_the_regulation():
    """Permen PPPA 10/2012 §3.1.x a 2, b 1 and §3.3.1 d 1: once in 4 months, 2 months and
    6 months, read as the year's thirds, two-month periods and halves."""
    assert (rules.PLENARY_MONTHS, rules.SUB_TASK_FORCE_MONTHS, rules.MONITORING_MONTHS) == (
        4,
        2,
        6,
    )
    assert rules.blocks(YEAR, 4) == [
        Window(date(2025, 1, 1), date(2025, 4, 30)),
        Window(date(2025, 5, 1), date(2025, 8, 31)),
        Window(date(2025, 9, 1), date(2025, 12, 31)),
    ]
    assert [b.days for b in rules.blocks(YEAR, 2)] == [59, 61, 61, 62, 61, 61]
    assert [b.days for b in rules.blocks(2024, 2)] == [60, 61, 61, 62, 61, 61]
    assert rules.blocks(YEAR, 6)[1] == Window(date(2025, 7, 1), date(2025, 12, 31))


def test_a_plenary_on_the_first_of_february_june_and_october_is_met():
    """Permen PPPA 10/2012 §3.1.x a 2: one plenary every four calendar months meets the rule,
    though 1 February to 1 June is 120 days and 1 October to the next 1 February 123."""
    result = plenary(date(2025, 2, 1), date(2025, 6, 1), date(2025, 10, 1))
    assert (result.status, result.missed) == (RuleStatus.met, [])


def test_the_edges_of_a_block_are_its_first_and_last_day():
    """Permen PPPA 10/2012 §3.1.x a 2: 30 April belongs to January-April, 1 May to May-August;
    a plenary on 30 April and 1 May leaves September-December missed, named whole."""
    assert plenary(date(2025, 4, 30), date(2025, 5, 1), date(2025, 12, 31)).met
    result = plenary(date(2025, 4, 30), date(2025, 5, 1), date(2025, 8, 31))
    assert result.missed == [Window(date(2025, 9, 1), date(2025, 12, 31))]
    assert result.missed[0].days == 122
    assert plenary().missed == rules.blocks(YEAR, 4)


def test_sub_task_forces_every_other_month_at_28_to_31_day_months():
    """Permen PPPA 10/2012 §3.1.x b 1: on the first of every other month, or the last day of
    every other month (28 February, 30 April, 30 June, 31 August ...), in a common and in a
    leap year; one two-month period without a meeting is missed."""
    for year in (2025, 2024):
        span = rules.period(year, date(2026, 6, 1), date(2020, 1, 1), None)
        firsts = [date(year, m, 1) for m in (2, 4, 6, 8, 10, 12)]
        lasts = [rules.blocks(year, 2)[i].end for i in range(6)]
        for dates in (firsts, lasts):
            assert rules.each_block(dates, span, rules.SUB_TASK_FORCE_MONTHS).met, dates
        result = rules.each_block(lasts[:2] + lasts[3:], span, rules.SUB_TASK_FORCE_MONTHS)
        assert result.missed == [Window(date(year, 5, 1), date(year, 6, 30))]
    leap = rules.period(2024, date(2026, 6, 1), date(2020, 1, 1), None)
    assert rules.blocks(2024, 2)[0].end == date(2024, 2, 29)
    assert rules.each_block([date(2024, 2, 29)], leap, 2).missed[0].start == date(2024, 3, 1)


def test_monitoring_on_1_january_and_1_july_is_met():
    """Permen PPPA 10/2012 §3.3.1 d 1: every 6 months, in each half of the year."""
    dates = [date(2025, 1, 1), date(2025, 7, 1)]
    assert rules.each_block(dates, WHOLE, rules.MONITORING_MONTHS).met
    late = rules.each_block([date(2025, 7, 1)], WHOLE, rules.MONITORING_MONTHS)
    assert late.missed == [Window(date(2025, 1, 1), date(2025, 6, 30))]


def test_only_blocks_that_are_over_are_judged():
    """Permen PPPA 10/2012 §3.1.x a 2: on 30 April the first third is still running, not
    missed; on 1 May it is over and missed. The yearly rules are open meanwhile (§3.1.x c 2,
    §3.3.1 d 2)."""
    on_30_april = rules.period(YEAR, date(2025, 4, 30), None, None)
    assert plenary(span=on_30_april).met
    on_1_may = rules.period(YEAR, date(2025, 5, 1), None, None)
    assert plenary(span=on_1_may).missed == [Window(date(2025, 1, 1), date(2025, 4, 30))]
    assert rules.at_least_once([], on_1_may).status is RuleStatus.open
    assert rules.at_least_once([], WHOLE).status is RuleStatus.missed
    assert rules.at_least_once([date(2025, 10, 27)], WHOLE).status is RuleStatus.met


def test_the_first_period_after_formation_is_not_judged():
    """Permen PPPA 10/2012 §3.1.x a 2: a task force formed on 10 March holds its first
    plenary in May-August; January-April, in which it was formed, is not judged. Formed on
    1 May, May-August is its first whole third and is judged."""
    formed = rules.period(YEAR, date(2026, 1, 1), date(2025, 3, 10), None)
    assert formed.start == date(2025, 3, 10)
    assert plenary(date(2025, 6, 1), date(2025, 10, 1), span=formed).met
    on_first_day = rules.period(YEAR, date(2026, 1, 1), date(2025, 5, 1), None)
    assert plenary(date(2025, 10, 1), span=on_first_day).missed == [
        Window(date(2025, 5, 1), date(2025, 8, 31))
    ]


def test_a_schedule_starting_mid_year():
    """Permen PPPA 10/2012 §3.1.x b 1 and §3.3.1 d 1: formed on 15 June, a task force meeting
    from 1 July on the first of every other month, and monitoring from 1 December, meets both
    rules; the blocks it was formed in are not judged."""
    formed = rules.period(YEAR, date(2026, 1, 1), date(2025, 6, 15), None)
    meetings = [date(2025, m, 1) for m in (7, 9, 11)]
    assert rules.each_block(meetings, formed, rules.SUB_TASK_FORCE_MONTHS).met
    assert rules.each_block([date(2025, 12, 1)], formed, rules.MONITORING_MONTHS).met
    late = rules.each_block(meetings[:2], formed, rules.SUB_TASK_FORCE_MONTHS)
    assert late.missed == [Window(date(2025, 11, 1), date(2025, 12, 31))]


def test_the_block_of_dissolution_is_not_judged():
    """Counted to the day before dissolution: dissolved on 1 October, the task force is judged
    on January-April and May-August only."""
    span = rules.period(YEAR, date(2026, 1, 1), date(2024, 3, 1), date(2025, 10, 1))
    assert (span.start, span.end, span.complete) == (date(2025, 1, 1), date(2025, 9, 30), True)
    assert plenary(date(2025, 4, 1), date(2025, 8, 1), span=span).met
    assert plenary(date(2025, 8, 1), span=span).missed == [
        Window(date(2025, 1, 1), date(2025, 4, 30))
    ]
    assert rules.period(YEAR, date(2026, 1, 1), date(2026, 3, 1), None).empty
