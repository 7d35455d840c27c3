"""Numbers and dates written the Indonesian way, by babel's CLDR data for ``id_ID``: a dot
between thousands and a decimal comma (1.156; 1.234,5; 5,7%), and dates with the month's
Indonesian name (29 November 2026), as the regulation prints them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent

LOCALE = "id_ID"


def number(value: Any) -> str:
    """A whole number: 1.156."""
    return format_decimal(int(value), format="#,##0", locale=LOCALE)


def decimal(value: float, places: int = 2) -> str:
    """A decimal number with ``places`` decimals: 1.234,50."""
    pattern = "#,##0." + "0" * places if places else "#,##0"
    return format_decimal(value, format=pattern, locale=LOCALE)


def percent(rate: float) -> str:
    """A rate in [0, 1] as a percentage with one decimal: 5,7%."""
    return format_percent(rate, format="#,##0.0%", locale=LOCALE)


def long_date(day: date) -> str:
    """A day with its month's name: 29 November 2026."""
    return format_date(day, "d MMMM y", locale=LOCALE)


def when(value: Any) -> str:
    """An ISO 8601 timestamp as a date and time in UTC (29 November 2026 20.00 UTC); a naive
    one is UTC; ``–`` for none, and a text that is no timestamp as it is."""
    if value is None:
        return "–"
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return format_datetime(moment, "d MMMM y HH.mm", tzinfo=UTC, locale=LOCALE) + " UTC"
