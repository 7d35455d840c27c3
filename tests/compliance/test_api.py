"""Cadence compliance per task force and the dashboard over a region (3.1, 3.3.1 d, 3.3.3,
BAB I)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest

from gtpptppo_api.compliance.service import build_dashboard, evaluate
from gtpptppo_api.kit import clock
from gtpptppo_api.task_forces.models import TaskForce
from tests.compliance.support import open_annual_report
from tests.helpers import create_task_force, decree, head_authority, problem
from tests.meetings.support import appoint, day, hold, sub_task_forces, visit

Y = 2025
RULES = (
    "plenary",
    "sub_task_forces",
    "coordination",
    "monitoring",
    "evaluation",
    "annual_report",
    "head_of_region",
)


def statuses(compliance):
    return {rule["rule"]: rule["status"] for rule in compliance["rules"]}


async def test_plenary_in_each_third_of_the_year(client, national):
    """Permen PPPA 10/2012 §3.1.3 a 2: plenaries on 1 February, 1 June and 1 October meet
    "paling sedikit 1 kali dalam 4 bulan" (the day counts between them are 120, 122 and 123);
    moved from 1 June to 1 September, May-August is missed; in the dashboard too."""
    city = await create_task_force(client, national, "34.71")
    chair = await appoint(client, national, city, "daily_chair")
    ids = [
        (await hold(client, national, city, "plenary", held_on, chair))["id"]
        for held_on in ("2025-02-01", "2025-06-01", "2025-10-01")
    ]
    url = f"/task-forces/{city['id']}/compliance"
    result = (await client.get(url, params={"year": Y}, headers=national)).json()
    plenary = result["rules"][0]
    assert plenary["rule"] == "plenary"
    assert (plenary["status"], plenary["met"], plenary["missed_windows"]) == ("met", True, [])
    assert plenary["dates"] == ["2025-02-01", "2025-06-01", "2025-10-01"]
    assert plenary["section"].startswith("3.1.1 a 2")
    assert "four-month period" in plenary["description"]
    assert result["period"] == {"start": "2025-01-01", "end": "2025-12-31", "complete": True}
    assert await dashboard_rule(client, national, "34.71", "plenary") == "met"

    moved = await client.patch(
        f"/meetings/{ids[1]}", json={"held_on": "2025-09-01"}, headers=national
    )
    assert moved.status_code == 200, moved.text
    result = (await client.get(url, params={"year": Y}, headers=national)).json()
    plenary = result["rules"][0]
    assert plenary["status"] == "missed"
    assert plenary["missed_windows"] == [{"start": "2025-05-01", "end": "2025-08-31", "days": 123}]
    assert await dashboard_rule(client, national, "34.71", "plenary") == "missed"


async def dashboard_rule(client, headers, region_code: str, rule: str, year: int = Y) -> str:
    response = await client.get(
        "/compliance", params={"region_code": region_code, "year": year}, headers=headers
    )
    assert response.status_code == 200, response.text
    (row,) = [r for r in response.json()["task_forces"] if r["region_code"] == region_code]
    status: str = row[rule]
    return status


async def compliance_rule(client, headers, task_force, rule: str, year: int = Y) -> dict:
    response = await client.get(
        f"/task-forces/{task_force['id']}/compliance", params={"year": year}, headers=headers
    )
    assert response.status_code == 200, response.text
    found: dict = next(r for r in response.json()["rules"] if r["rule"] == rule)
    return found


async def meet_every_other_month(client, headers, task_force, unit, dates) -> None:
    coordinator = await appoint(
        client, headers, task_force, "sub_task_force_coordinator", sub_task_force_id=unit["id"]
    )
    for held_on in dates:
        await hold(
            client,
            headers,
            task_force,
            "sub_task_force",
            held_on,
            coordinator,
            sub_task_force_id=unit["id"],
        )


async def test_sub_task_forces_are_judged_one_by_one(client, national):
    """Permen PPPA 10/2012 §3.1.3 b 1: each sub-task-force at least once in each two-month
    period; one meeting on the first of every other month meets it (1 February to 1 April is
    59 days); the units that never met miss all six periods."""
    city = await create_task_force(client, national, "34.71", merge_legal_sub_task_forces=True)
    units = await sub_task_forces(client, national, city)
    assert len(units) == 5
    first = units[0]
    dates = [f"2025-{m:02d}-01" for m in (2, 4, 6, 8, 10, 12)]
    await meet_every_other_month(client, national, city, first, dates)
    rule = await compliance_rule(client, national, city, "sub_task_forces")
    assert rule["status"] == "missed"
    by_unit = {u["sub_task_force_id"]: u for u in rule["sub_task_forces"]}
    assert by_unit[first["id"]]["status"] == "met"
    assert by_unit[first["id"]]["dates"] == dates
    others = [u for u in rule["sub_task_forces"] if u["sub_task_force_id"] != first["id"]]
    assert [len(u["missed_windows"]) for u in others] == [6] * 4
    assert others[0]["missed_windows"][0] == {
        "start": "2025-01-01",
        "end": "2025-02-28",
        "days": 59,
    }


async def test_regular_schedules_meet_every_rule_at_the_edges(client, national):
    """Permen PPPA 10/2012 §3.1.3 a 2, b 1 and §3.3.1 d 1 in the leap year 2024, on the last
    day of each period (29 February, 30 April, 30 June, 31 August, 31 October, 31 December),
    and in 2025 on the first of the months: plenary, every sub-task-force and monitoring
    are met, per task force and in the dashboard's SQL."""
    for year, region in ((2024, "34.71"), (2025, "34.01")):
        formation = decree(head_authority(region), f"TF/{region}", "2023-06-01")
        tf = await create_task_force(client, national, region, established_decree=formation)
        if year == 2024:
            two = ["02-29", "04-30", "06-30", "08-31", "10-31", "12-31"]
            four, six = ["02-29", "08-31", "12-31"], ["06-30", "12-31"]
        else:
            two = ["01-01", "03-01", "05-01", "07-01", "09-01", "11-01"]
            four, six = ["02-01", "06-01", "10-01"], ["01-01", "07-01"]
        daily = await appoint(client, national, tf, "daily_chair")
        for md in four:
            await hold(client, national, tf, "plenary", f"{year}-{md}", daily)
        units = await sub_task_forces(client, national, tf)
        for unit in units:
            await meet_every_other_month(client, national, tf, unit, [f"{year}-{md}" for md in two])
        for md in six:
            await visit(client, national, tf, "sub_task_force", units[0]["id"], f"{year}-{md}")
        for rule in ("plenary", "sub_task_forces", "monitoring"):
            found = await compliance_rule(client, national, tf, rule, year)
            assert (found["status"], found["missed_windows"]) == ("met", []), (year, rule)
            assert await dashboard_rule(client, national, region, rule, year) == "met"


async def test_the_first_period_after_formation(client, national):
    """Permen PPPA 10/2012 §3.1.3 a 2 and §3.3.1 d 1: a task force formed on 10 March 2025
    that holds its plenaries from 1 June and its first monitoring on 1 July meets both rules;
    the third and the half it was formed in are its first period, not judged."""
    formed = await create_task_force(
        client,
        national,
        "34.02",
        established_decree={
            "number": "Perbup 3/2025",
            "title": "Pembentukan GT-PPTPPO",
            "issued_on": "2025-03-10",
            "authority": "bupati",
        },
    )
    daily = await appoint(client, national, formed, "daily_chair")
    for held_on in ("2025-06-01", "2025-10-01"):
        await hold(client, national, formed, "plenary", held_on, daily)
    unit = (await sub_task_forces(client, national, formed))[0]
    await visit(client, national, formed, "sub_task_force", unit["id"], "2025-07-01")
    for rule in ("plenary", "monitoring"):
        assert (await compliance_rule(client, national, formed, rule))["status"] == "met"
        assert await dashboard_rule(client, national, "34.02", rule) == "met"


async def test_a_year_before_formation_is_refused(client, national):
    city = await create_task_force(client, national, "34.71")  # formed 15 January 2024
    problem(
        await client.get(
            f"/task-forces/{city['id']}/compliance", params={"year": 2023}, headers=national
        ),
        422,
    )
    result = (
        await client.get(
            f"/task-forces/{city['id']}/compliance", params={"year": 2024}, headers=national
        )
    ).json()
    assert result["period"]["start"] == "2024-01-15"


@pytest.fixture
async def diy(client, national, auth):
    """DI Yogyakarta in 2025, by hand:

    rule            34 (province)  34.01 Kulon Progo  34.71 Kota Yogyakarta
    plenary         missed (1, 123, 240)   met (100, 200, 300)   met (100, 200, 300)
    sub_task_forces missed         met (5 units x 6)  missed
    coordination    missed         met (150)          met (150)
    monitoring      met (181, 364) met (150, 320)     missed (100)
    evaluation      met (200)      met (330)          missed
    annual_report   missed (none)  met (submitted)    missed (a draft)
    head_of_region  missed (none)  met (100, 250)     missed (none)

    34.02, 34.03 and 34.04 have formed no task force. Banyumas (33.02) is outside.
    """
    province = await create_task_force(client, national, "34")
    kulon_progo = await create_task_force(
        client, national, "34.01", merge_legal_sub_task_forces=True
    )
    city = await create_task_force(client, national, "34.71")
    banyumas = await create_task_force(client, national, "33.02")

    p_daily = await appoint(client, national, province, "daily_chair")
    for n in (1, 123, 240):
        await hold(client, national, province, "plenary", day(Y, n), p_daily)
    for n in (181, 364):
        await visit(client, national, province, "task_force", city["id"], day(Y, n))
    await visit(
        client, national, province, "task_force", kulon_progo["id"], day(Y, 200), kind="evaluation"
    )

    for tf in (kulon_progo, city):
        daily = await appoint(client, national, tf, "daily_chair")
        chair = await appoint(client, national, tf, "chair")
        for n in (100, 200, 300):
            await hold(client, national, tf, "plenary", day(Y, n), daily)
        await hold(client, national, tf, "coordination", day(Y, 150), chair)

    units = await sub_task_forces(client, national, kulon_progo)
    for unit in units:
        coordinator = await appoint(
            client,
            national,
            kulon_progo,
            "sub_task_force_coordinator",
            sub_task_force_id=unit["id"],
        )
        for n in (55, 110, 165, 220, 275, 330):
            await hold(
                client,
                national,
                kulon_progo,
                "sub_task_force",
                day(Y, n),
                coordinator,
                sub_task_force_id=unit["id"],
            )
    for n in (150, 320):
        await visit(client, national, kulon_progo, "sub_task_force", units[0]["id"], day(Y, n))
    await visit(
        client,
        national,
        kulon_progo,
        "sub_task_force",
        units[1]["id"],
        day(Y, 330),
        kind="evaluation",
    )
    await visit(
        client,
        national,
        city,
        "sub_task_force",
        (await sub_task_forces(client, national, city))[0]["id"],
        day(Y, 100),
    )

    # 3.3.1 e 3 a: the Bupati of Kulon Progo monitors its task force in each half, recorded
    # by its secretariat
    for n in (100, 250):
        await visit(
            client,
            await auth("task_force_admin", "34.01"),
            kulon_progo,
            "task_force",
            kulon_progo["id"],
            day(Y, n),
            monitor_kind="head_of_region",
        )

    # 3.3.3, Lampiran V: each secretariat opens and submits its own annual report.
    kulon_progo_report = await open_annual_report(
        client, await auth("task_force_admin", "34.01"), kulon_progo["id"], Y
    )
    submitted = await client.post(
        f"/reports/{kulon_progo_report['id']}/transitions",
        json={"action": "submit"},
        headers=await auth("task_force_admin", "34.01"),
    )
    assert submitted.status_code == 200, submitted.text
    await open_annual_report(client, await auth("task_force_admin", "34.71"), city["id"], Y)

    b_daily = await appoint(client, national, banyumas, "daily_chair")
    await hold(client, national, banyumas, "plenary", day(Y, 100), b_daily)
    return {"province": province, "kulon_progo": kulon_progo, "city": city, "banyumas": banyumas}


EXPECTED = {
    "34": {
        "plenary": "missed",
        "sub_task_forces": "missed",
        "coordination": "missed",
        "monitoring": "met",
        "evaluation": "met",
        "annual_report": "missed",
        "head_of_region": "missed",
    },
    "34.01": dict.fromkeys(RULES, "met"),
    "34.71": {
        "plenary": "met",
        "sub_task_forces": "missed",
        "coordination": "met",
        "monitoring": "missed",
        "evaluation": "missed",
        "annual_report": "missed",
        "head_of_region": "missed",
    },
}


async def test_dashboard_of_a_small_province_counted_by_hand(client, national, diy):
    """The rows, the shares and the regencies without a task force (BAB I) of DI Yogyakarta,
    with the annual report submitted (3.3.3, Lampiran V) by Kulon Progo only."""
    response = await client.get(
        "/compliance", params={"region_code": "34", "year": Y}, headers=national
    )
    assert response.status_code == 200, response.text
    board = response.json()
    assert board["as_of"] == "2025-12-31"
    rows = {row["region_code"]: row for row in board["task_forces"]}
    assert list(rows) == ["34", "34.01", "34.71"]
    for code, expected in EXPECTED.items():
        assert {rule: rows[code][rule] for rule in RULES} == expected, code
    assert [row["met_all"] for row in rows.values()] == [False, True, False]

    shares = {share["rule"]: share for share in board["shares"]}
    assert {rule: shares[rule]["met"] for rule in RULES} == {
        "plenary": 2,
        "sub_task_forces": 1,
        "coordination": 2,
        "monitoring": 2,
        "evaluation": 2,
        "annual_report": 1,
        "head_of_region": 1,
    }
    assert shares[None]["met"] == 1
    assert all(share["total"] == 3 for share in board["shares"])
    assert shares["plenary"]["share"] == pytest.approx(0.6667)
    assert shares["annual_report"]["share"] == pytest.approx(0.3333)
    assert shares["annual_report"]["section"] == "3.3.3, Lampiran V"
    assert [r["code"] for r in board["regencies_without_task_force"]] == ["34.02", "34.03", "34.04"]
    assert board["provinces_without_task_force"] == []

    # The SQL dashboard and the per-task-force computation give the same answers.
    for row in board["task_forces"]:
        own = (
            await client.get(
                f"/task-forces/{row['task_force_id']}/compliance",
                params={"year": Y},
                headers=national,
            )
        ).json()
        assert statuses(own) == {rule: row[rule] for rule in RULES}
        assert own["met_all"] is row["met_all"]


async def test_national_dashboard_lists_the_regions_without_a_task_force(client, national, diy):
    """BAB I: not every province and regency has formed a task force."""
    board = (await client.get("/compliance", params={"year": Y}, headers=national)).json()
    assert board["region_code"] == "ID"
    assert len(board["task_forces"]) == 4
    assert len(board["provinces_without_task_force"]) == 38 - 1  # only DIY has one
    assert "33" in {r["code"] for r in board["provinces_without_task_force"]}
    assert len(board["regencies_without_task_force"]) == 514 - 3


async def test_a_year_still_running(client, national, session, diy):
    """On 1 July 2025 the yearly coordination and evaluation not yet held, and the annual
    reports not yet submitted (3.3.3), are open, not missed; the block rules judge the periods
    that are over: the province's plenary is met (its September-December third is still to
    come), the city's sub-task-forces have missed theirs. SQL and per-task-force agree."""
    today = date(2025, 7, 1)
    board = await build_dashboard(session, "34", Y, today=today)
    assert board.as_of == today
    rows = {row.region_code: row for row in board.task_forces}
    assert (rows["34"].coordination, rows["34"].evaluation) == ("open", "open")
    assert (rows["34"].plenary, rows["34"].monitoring) == ("met", "met")
    assert rows["34.71"].sub_task_forces == "missed"
    assert [row.annual_report for row in board.task_forces] == ["open", "met", "open"]
    assert rows["34.01"].sub_task_forces == "met"
    assert rows["34.71"].monitoring == "met"
    for row in board.task_forces:
        task_force = await session.get(TaskForce, row.task_force_id)
        own = (await evaluate(session, task_force, Y, today=today)).model_dump(mode="json")
        assert statuses(own) == {rule: getattr(row, rule).value for rule in RULES}
        assert own["period"]["complete"] is False


async def test_dashboard_as_csv(client, national, diy):
    """``?format=csv`` or ``Accept: text/csv``: a row per task force, then the regions without."""
    by_param = await client.get(
        "/compliance", params={"region_code": "34", "year": Y, "format": "csv"}, headers=national
    )
    by_header = await client.get(
        "/compliance",
        params={"region_code": "34", "year": Y},
        headers={**national, "Accept": "text/csv"},
    )
    for response in (by_param, by_header):
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert [r["region_code"] for r in rows] == [
            "34",
            "34.01",
            "34.71",
            "34.02",
            "34.03",
            "34.04",
        ]
        assert rows[1]["sub_task_forces"] == "met"
        assert rows[1]["met_all"] == "true"
        assert [r["annual_report"] for r in rows] == ["missed", "met", "missed", "", "", ""]
        assert rows[3]["task_force_id"] == ""


async def test_csv_is_documented_in_openapi(client):
    spec = (await client.get("http://test/openapi.json")).json()
    content = spec["paths"]["/api/v1/compliance"]["get"]["responses"]["200"]["content"]
    assert {"application/json", "text/csv"} <= set(content)


async def test_jurisdiction(client, national, auth, diy):
    """A regency/city sees its own compliance only; 404 elsewhere; centres 403."""
    city_admin = await auth("task_force_admin", region="34.71")
    own = (await client.get("/compliance", params={"year": Y}, headers=city_admin)).json()
    assert [row["region_code"] for row in own["task_forces"]] == ["34.71"]
    problem(
        await client.get(
            "/compliance", params={"region_code": "34", "year": Y}, headers=city_admin
        ),
        404,
    )
    problem(
        await client.get(
            f"/task-forces/{diy['kulon_progo']['id']}/compliance",
            params={"year": Y},
            headers=city_admin,
        ),
        404,
    )
    province_analyst = await auth("analyst", region="34")
    board = (await client.get("/compliance", params={"year": Y}, headers=province_analyst)).json()
    assert [row["region_code"] for row in board["task_forces"]] == ["34", "34.01", "34.71"]
    problem(
        await client.get(
            "/compliance", params={"region_code": "33", "year": Y}, headers=province_analyst
        ),
        404,
    )
    problem(
        await client.get(
            "/compliance", params={"region_code": "99.99", "year": Y}, headers=national
        ),
        404,
    )


async def test_the_year_ends_at_midnight_in_the_task_force_zone(client, national):
    """A rule open while the year runs (the yearly coordination, 3.1.x c 2) ends at midnight
    in the task force's own time zone: at 16:30 UTC on 31 December 2024 it is 23:30 in
    Yogyakarta (WIB), where 2024 is still open, and already 2025 in Jayapura (WIT), where it is
    missed; at 23:30 UTC it is 2025 in WIB too, for the task force and its province's
    dashboard."""
    java = await create_task_force(client, national, "34.71")
    papua = await create_task_force(client, national, "91.03")

    async def coordination(task_force):
        url = f"/task-forces/{task_force['id']}/compliance"
        response = await client.get(url, params={"year": 2024}, headers=national)
        assert response.status_code == 200, response.text
        return statuses(response.json())["coordination"]

    async def on_dashboard(region_code):
        response = await client.get(
            "/compliance", params={"region_code": region_code, "year": 2024}, headers=national
        )
        assert response.status_code == 200, response.text
        (row,) = response.json()["task_forces"]
        return row["coordination"]

    with clock.frozen_at(datetime(2024, 12, 31, 16, 30, tzinfo=UTC)):
        assert (await coordination(java), await coordination(papua)) == ("open", "missed")
        assert (await on_dashboard("34"), await on_dashboard("91")) == ("open", "missed")
    with clock.frozen_at(datetime(2024, 12, 31, 23, 30, tzinfo=UTC)):
        assert await coordination(java) == "missed"
        assert await on_dashboard("34") == "missed"
