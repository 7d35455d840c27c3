"""Cadence compliance per task force and the dashboard over a region (3.1, 3.3.1 d, 3.3.3,
BAB I)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from gtpptppo_api.compliance.service import build_dashboard, evaluate
from gtpptppo_api.task_forces.models import TaskForce
from tests.compliance.support import open_annual_report
from tests.helpers import create_task_force, problem
from tests.meetings.support import appoint, day, hold, sub_task_forces, visit

Y = 2025
RULES = ("plenary", "sub_task_forces", "coordination", "monitoring", "evaluation", "annual_report")


def statuses(compliance):
    return {rule["rule"]: rule["status"] for rule in compliance["rules"]}


async def test_plenary_edge_day_122_against_day_123(client, national):
    """3.1.3 a 2: a plenary on day 1 and day 122 is in time; on day 123 the window 2 January –
    2 May is missed. Moving that plenary back one day meets the rule."""
    city = await create_task_force(client, national, "34.71")
    chair = await appoint(client, national, city, "daily_chair")
    ids = [
        (await hold(client, national, city, "plenary", day(Y, n), chair))["id"]
        for n in (1, 123, 243, 364)
    ]
    url = f"/task-forces/{city['id']}/compliance"
    result = (await client.get(url, params={"year": Y}, headers=national)).json()
    plenary = result["rules"][0]
    assert plenary["rule"] == "plenary"
    assert plenary["status"] == "missed"
    assert plenary["met"] is False
    assert plenary["missed_windows"] == [{"start": "2025-01-02", "end": "2025-05-02", "days": 121}]
    assert plenary["section"].startswith("3.1.1 a 2")
    assert result["period"] == {"start": "2025-01-01", "end": "2025-12-31", "complete": True}

    moved = await client.patch(
        f"/meetings/{ids[1]}", json={"held_on": day(Y, 122)}, headers=national
    )
    assert moved.status_code == 200, moved.text
    result = (await client.get(url, params={"year": Y}, headers=national)).json()
    plenary = result["rules"][0]
    assert plenary["status"] == "met"
    assert plenary["dates"] == ["2025-01-01", "2025-05-02", "2025-08-31", "2025-12-30"]
    assert plenary["missed_windows"] == []


async def test_sub_task_forces_are_judged_one_by_one(client, national):
    """3.1.3 b 1: each sub-task-force at least once in every 60 days."""
    city = await create_task_force(client, national, "34.71", merge_legal_sub_task_forces=True)
    units = await sub_task_forces(client, national, city)
    assert len(units) == 5
    first = units[0]
    coordinator = await appoint(
        client, national, city, "sub_task_force_coordinator", sub_task_force_id=first["id"]
    )
    for n in (60, 120, 180, 240, 300, 360):
        await hold(
            client,
            national,
            city,
            "sub_task_force",
            day(Y, n),
            coordinator,
            sub_task_force_id=first["id"],
        )
    result = (
        await client.get(
            f"/task-forces/{city['id']}/compliance", params={"year": Y}, headers=national
        )
    ).json()
    rule = next(r for r in result["rules"] if r["rule"] == "sub_task_forces")
    assert rule["status"] == "missed"
    by_unit = {u["sub_task_force_id"]: u for u in rule["sub_task_forces"]}
    assert by_unit[first["id"]]["status"] == "met"
    assert len(by_unit[first["id"]]["dates"]) == 6
    others = [u for u in rule["sub_task_forces"] if u["sub_task_force_id"] != first["id"]]
    assert [u["missed_windows"] for u in others] == [
        [{"start": "2025-01-01", "end": "2025-12-31", "days": 365}]
    ] * 4


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
    plenary         missed (1, 123, 245)   met (100, 200, 300)   met (100, 200, 300)
    sub_task_forces missed         met (5 units x 6)  missed
    coordination    missed         met (150)          met (150)
    monitoring      met (182, 364) met (150, 320)     missed (100)
    evaluation      met (200)      met (330)          missed
    annual_report   missed (none)  met (submitted)    missed (a draft)

    34.02, 34.03 and 34.04 have formed no task force. Banyumas (33.02) is outside.
    """
    province = await create_task_force(client, national, "34")
    kulon_progo = await create_task_force(
        client, national, "34.01", merge_legal_sub_task_forces=True
    )
    city = await create_task_force(client, national, "34.71")
    banyumas = await create_task_force(client, national, "33.02")

    p_daily = await appoint(client, national, province, "daily_chair")
    for n in (1, 123, 245):
        await hold(client, national, province, "plenary", day(Y, n), p_daily)
    for n in (182, 364):
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
    },
    "34.01": dict.fromkeys(RULES, "met"),
    "34.71": {
        "plenary": "met",
        "sub_task_forces": "missed",
        "coordination": "met",
        "monitoring": "missed",
        "evaluation": "missed",
        "annual_report": "missed",
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
    reports not yet submitted (3.3.3), are open, not missed; the gap rules judge the days gone
    by. SQL and per-task-force agree."""
    today = date(2025, 7, 1)
    board = await build_dashboard(session, "34", Y, today=today)
    assert board.as_of == today
    rows = {row.region_code: row for row in board.task_forces}
    assert (rows["34"].coordination, rows["34"].evaluation) == ("open", "open")
    assert (rows["34"].plenary, rows["34"].monitoring) == ("missed", "met")
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
