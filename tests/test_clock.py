"""Indonesia's clock: every province in its zone, and the day's edge in each zone."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from pathlib import Path

from gtpptppo_api.kit import clock

REGIONS = Path(clock.__file__).parents[1] / "regions" / "data" / "regions.csv"


def test_every_province_has_its_zone():
    """Each province of the reference regions is mapped, and the islands fall as Keppres
    41/1987 draws them: Java and West Kalimantan on WIB, Bali, South Kalimantan and Sulawesi
    on WITA, Maluku and Papua on WIT; a regency is in its province's zone."""
    with REGIONS.open(newline="") as f:
        provinces = {row["code"] for row in csv.DictReader(f) if row["level"] == "province"}
    assert provinces == set(clock.PROVINCE_ZONES)
    zones = {code: clock.zone(code) for code in ("31", "61", "51", "63", "73", "81", "96")}
    assert zones == {
        "31": clock.WIB,
        "61": clock.WIB,
        "51": clock.WITA,
        "63": clock.WITA,
        "73": clock.WITA,
        "81": clock.WIT,
        "96": clock.WIT,
    }
    assert clock.zone("91.03") is clock.WIT
    assert clock.zone("ID") is clock.zone(None) is clock.WIB


def test_the_day_begins_first_in_the_east():
    """At 15:30 UTC only WIT has reached the next day; at 16:30 UTC WITA too, WIB not; at
    23:30 UTC on 31 December the nation (WIB) is in the new year, and UTC is not."""
    with clock.frozen_at(datetime(2024, 6, 30, 15, 30, tzinfo=UTC)):
        days = [clock.today(code) for code in ("33.02", "73", "91.03")]
        assert days == [date(2024, 6, 30), date(2024, 6, 30), date(2024, 7, 1)]
    with clock.frozen_at(datetime(2024, 6, 30, 16, 30, tzinfo=UTC)):
        days = [clock.today(code) for code in ("33.02", "73", "91.03")]
        assert days == [date(2024, 6, 30), date(2024, 7, 1), date(2024, 7, 1)]
    with clock.frozen_at(datetime(2024, 12, 31, 23, 30, tzinfo=UTC)):
        assert clock.now().date() == date(2024, 12, 31)
        assert clock.today() == date(2025, 1, 1)


def test_a_frozen_moment_ends_with_its_block():
    """``frozen_at`` holds only inside its block; a naive moment is read as UTC."""
    with clock.frozen_at(datetime(2024, 12, 31, 17, 0)):
        assert clock.today() == date(2025, 1, 1)
    assert abs((clock.now() - datetime.now(UTC)).total_seconds()) < 60
