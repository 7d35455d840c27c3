"""Indonesia's clock: the current moment, and the calendar day in each of its three zones.

A server runs on UTC, where ``date.today()`` is still yesterday in Indonesia until 07:00 WIB.
Every "today" that decides a deadline, a cadence window or a default date is asked here, of
the region it concerns: Indonesia keeps three time zones (Keppres 41/1987):

- WIB (UTC+7, ``Asia/Jakarta``): Sumatra and its islands, Java, West and Central Kalimantan;
- WITA (UTC+8, ``Asia/Makassar``): Bali, the Nusa Tenggara, South, East and North Kalimantan,
  Sulawesi;
- WIT (UTC+9, ``Asia/Jayapura``): Maluku and Papua.

A region lies in its province's zone (no province is split). The nation, ``ID``, keeps the
capital's: WIB.

Tests set the moment with ``frozen_at``; nothing else does.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
WIT = ZoneInfo("Asia/Jayapura")

NATION = WIB  # the capital's zone

# Province code (Kepmendagri 300.2.2-2138/2025) -> zone.
PROVINCE_ZONES: dict[str, ZoneInfo] = {
    # Sumatra and its islands
    **dict.fromkeys(("11", "12", "13", "14", "15", "16", "17", "18", "19", "21"), WIB),
    # Java
    **dict.fromkeys(("31", "32", "33", "34", "35", "36"), WIB),
    # Bali and the Nusa Tenggara
    **dict.fromkeys(("51", "52", "53"), WITA),
    # Kalimantan: the west and centre on WIB, the south, east and north on WITA
    **dict.fromkeys(("61", "62"), WIB),
    **dict.fromkeys(("63", "64", "65"), WITA),
    # Sulawesi
    **dict.fromkeys(("71", "72", "73", "74", "75", "76"), WITA),
    # Maluku and Papua
    **dict.fromkeys(("81", "82", "91", "92", "93", "94", "95", "96"), WIT),
}

_frozen: datetime | None = None


def now() -> datetime:
    """The current moment, aware, in UTC."""
    return _frozen if _frozen is not None else datetime.now(UTC)


def zone(region_code: str | None = None) -> ZoneInfo:
    """The zone of a region (its province's); the nation's (WIB) for ``None`` or ``ID``."""
    if region_code is None:
        return NATION
    return PROVINCE_ZONES.get(region_code.split(".", 1)[0], NATION)


def local_date(moment: datetime, region_code: str | None = None) -> date:
    """The calendar day of ``moment`` in the region's zone; a naive moment is UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone(region_code)).date()


def today(region_code: str | None = None) -> date:
    """Today in the region's zone; without a region, the nation's (WIB)."""
    return local_date(now(), region_code)


@contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    """Make ``now()`` answer ``moment`` (aware; a naive one is UTC) until the block ends."""
    global _frozen
    previous = _frozen
    _frozen = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    try:
        yield
    finally:
        _frozen = previous
