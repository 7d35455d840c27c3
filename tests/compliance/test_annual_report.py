"""The annual report submitted to the daily chair as a compliance rule (3.3.3, Lampiran V)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

import httpx
import pytest

from gtpptppo_api.kit import clock
from gtpptppo_api.settings import Settings
from tests.compliance.support import open_annual_report, transitions
from tests.conftest import build_app
from tests.helpers import create_task_force
from tests.reports.support import (
    YEAR,
    open_report,
    run_generation_jobs,
    step,
    through_to_forwarded,
    unit,
)


async def annual_report_rule(client, headers, task_force_id: int, year: int) -> dict[str, Any]:
    response = await client.get(
        f"/task-forces/{task_force_id}/compliance", params={"year": year}, headers=headers
    )
    assert response.status_code == 200, response.text
    result = response.json()
    rule: dict[str, Any] = next(r for r in result["rules"] if r["rule"] == "annual_report")
    if rule["status"] != "met":
        assert result["met_all"] is False
    return rule


async def dashboard_status(client, headers, region_code: str, year: int) -> str:
    response = await client.get(
        "/compliance", params={"region_code": region_code, "year": year}, headers=headers
    )
    assert response.status_code == 200, response.text
    (row,) = [r for r in response.json()["task_forces"] if r["region_code"] == region_code]
    status: str = row["annual_report"]
    return status


def last_submit_date(history: list[dict[str, Any]], region_code: str) -> str:
    submitted = max(
        datetime.fromisoformat(t["occurred_at"]) for t in history if t["action"] == "submit"
    )
    return clock.local_date(submitted, region_code).isoformat()


def noon(day: date) -> datetime:
    """A moment of ``day`` in every Indonesian time zone (12:00 WIB)."""
    return datetime.combine(day, time(5), UTC)


async def test_no_report_for_a_past_year_is_missed(client, national):
    """3.3.3: the annual report is due for the year; with none after 31 December, missed."""
    city = await create_task_force(client, national, "34.71")
    rule = await annual_report_rule(client, national, city["id"], YEAR)
    assert rule["status"] == "missed"
    assert rule["met"] is False
    assert (rule["dates"], rule["missed_windows"]) == ([], [])
    assert rule["section"] == "3.3.3, Lampiran V"
    assert await dashboard_status(client, national, "34.71", YEAR) == "missed"


async def test_a_draft_only_is_missed(client, national, auth):
    """3.3.3, Lampiran V: a report still in draft has not reached the daily chair."""
    city = await create_task_force(client, national, "34.71")
    await open_annual_report(client, await auth("task_force_admin", "34.71"), city["id"], YEAR)
    rule = await annual_report_rule(client, national, city["id"], YEAR)
    assert (rule["status"], rule["dates"]) == ("missed", [])
    assert await dashboard_status(client, national, "34.71", YEAR) == "missed"


async def test_a_submitted_report_is_met_with_its_submit_date(client, national, auth):
    """3.3.3, Lampiran V: submitted to the daily chair, the rule is met; the evidence is the
    day of the submission. Another year's report does not count."""
    admin = await auth("task_force_admin", "34.71")
    city = await create_task_force(client, national, "34.71")
    report = await open_annual_report(client, admin, city["id"], YEAR)
    submitted = await client.post(
        f"/reports/{report['id']}/transitions", json={"action": "submit"}, headers=admin
    )
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["state"] == "submitted"

    rule = await annual_report_rule(client, national, city["id"], YEAR)
    assert (rule["status"], rule["met"]) == ("met", True)
    assert rule["dates"] == [
        last_submit_date(await transitions(client, admin, report["id"]), "34.71")
    ]
    assert await dashboard_status(client, national, "34.71", YEAR) == "met"

    assert (await annual_report_rule(client, national, city["id"], YEAR + 1))["status"] == (
        "missed"
    )
    assert await dashboard_status(client, national, "34.71", YEAR + 1) == "missed"


async def test_returned_for_revision_is_missed_until_submitted_again(
    client, session, national, auth
):
    """Lampiran V: forwarded still counts as submitted; returned for revision it does not,
    until it is submitted again, and the evidence is then the latest submission."""
    regency = await unit(client, national, auth, "33.02")
    report = await open_report(client, regency.admin, regency)
    await run_generation_jobs(session)
    await through_to_forwarded(client, regency, report["id"])
    assert (await annual_report_rule(client, national, regency.id, YEAR))["status"] == "met"

    province = await auth("task_force_admin", "33")
    returned = await step(client, province, report["id"], "return", comment="Data kurang")
    assert returned.json()["state"] == "returned"
    assert (await annual_report_rule(client, national, regency.id, YEAR))["status"] == "missed"
    assert await dashboard_status(client, national, "33.02", YEAR) == "missed"

    again = await step(client, regency.admin, report["id"], "submit")
    assert again.json()["state"] == "submitted"
    history = await transitions(client, regency.admin, report["id"])
    assert [t["action"] for t in history].count("submit") == 2
    rule = await annual_report_rule(client, national, regency.id, YEAR)
    assert (rule["status"], rule["dates"]) == ("met", [last_submit_date(history, "33.02")])
    assert await dashboard_status(client, national, "33.02", YEAR) == "met"


async def test_the_current_year_with_nothing_is_open(client, national):
    """3.3.3: while the year runs, an annual report not yet submitted is open, not missed."""
    year = clock.today().year
    city = await create_task_force(client, national, "34.71")
    rule = await annual_report_rule(client, national, city["id"], year)
    assert (rule["status"], rule["met"], rule["dates"]) == ("open", False, [])
    assert await dashboard_status(client, national, "34.71", year) == "open"


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (date(YEAR, 12, 31), "open"),
        (date(YEAR + 1, 1, 1), "due"),
        (date(YEAR + 1, 3, 31), "due"),
        (date(YEAR + 1, 4, 1), "missed"),
    ],
)
async def test_the_report_is_due_until_31_march(client, national, today, status):
    """Permen PPPA 10/2012 §3.3.3 asks for a yearly report but sets no date: on 1 January the
    year just ended is not yet missed. Its report is due until the setting's day of the next
    year (31 March by default), missed the day after, in the API and the dashboard alike."""
    city = await create_task_force(client, national, "34.71")
    with clock.frozen_at(noon(today)):
        rule = await annual_report_rule(client, national, city["id"], YEAR)
        assert (rule["status"], rule["met"]) == (status, False)
        assert await dashboard_status(client, national, "34.71", YEAR) == status


async def test_the_due_date_is_a_setting(database_url, session, national):
    """Permen PPPA 10/2012 §3.3.3: with GTPPTPPO_ANNUAL_REPORT_DUE=01-31 the report for the
    year is missed on 15 February and due on 31 January; a submitted report is met all the
    same."""
    app = build_app(database_url, session, annual_report_due="01-31")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test/api/v1") as client:
        city = await create_task_force(client, national, "34.71")
        for today, status in ((date(YEAR + 1, 1, 31), "due"), (date(YEAR + 1, 2, 15), "missed")):
            with clock.frozen_at(noon(today)):
                rule = await annual_report_rule(client, national, city["id"], YEAR)
                assert rule["status"] == status
                assert await dashboard_status(client, national, "34.71", YEAR) == status


def test_a_due_date_that_is_not_a_day_of_every_year_is_refused():
    """The setting is a day of every year as MM-DD: 29 February or 31 April is refused."""
    for wrong in ("02-29", "04-31", "3-31", "31-03", ""):
        with pytest.raises(ValueError, match="MM-DD"):
            Settings(annual_report_due=wrong)
