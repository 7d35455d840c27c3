"""Indonesian numbers and dates, as the reports, the public pages and the charts print them."""

from __future__ import annotations

from datetime import date

from gtpptppo_api.kit.indonesian import decimal, long_date, number, percent, when


def test_thousands_take_a_dot_and_decimals_a_comma():
    """id_ID: 1.234.567 and 1.234,50; a percentage keeps one decimal and no space (5,7%)."""
    assert number(1234567) == "1.234.567"
    assert decimal(1234.5) == "1.234,50"
    assert decimal(82.5, 1) == "82,5"
    assert decimal(7.0, 0) == "7"
    assert percent(0.057) == "5,7%"


def test_dates_name_the_month_in_indonesian():
    """The months by their Indonesian names; a timestamp is shown in UTC, a naive one read as
    UTC; none is a dash and a text that is no timestamp is left as it is."""
    assert long_date(date(2026, 1, 5)) == "5 Januari 2026"
    assert long_date(date(2026, 8, 17)) == "17 Agustus 2026"
    assert when("2026-03-01T01:30:00+07:00") == "28 Februari 2026 18.30 UTC"
    assert when("2026-12-31T23:05:00") == "31 Desember 2026 23.05 UTC"
    assert when(None) == "–"
    assert when("kemarin") == "kemarin"
