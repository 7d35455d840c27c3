"""Who may read and write action plans, and in which jurisdiction."""

from __future__ import annotations

import pytest

from tests.action_plans.plans import activity, adopted_plan, create_plan
from tests.helpers import create_task_force, problem


@pytest.fixture
async def plans(client, national):
    banyumas = await create_task_force(client, national, "33.02")
    cilacap = await create_task_force(client, national, "33.01")
    bogor = await create_task_force(client, national, "32.01")
    lines = {"law_enforcement": [{"year": 2026, "source": "apbd", "planned_amount": 1_000}]}
    return {
        "33.02": (await adopted_plan(client, national, banyumas["id"], budgets=lines))[0],
        "33.01": (await adopted_plan(client, national, cilacap["id"], budgets=lines))[0],
        "32.01": (await adopted_plan(client, national, bogor["id"], budgets=lines))[0],
        "task_forces": {"33.02": banyumas, "33.01": cilacap},
    }


async def test_regency_cannot_see_another_regencys_plan(client, auth, plans):
    """A regency user sees its own regency only; another's plan answers 404 as if missing."""
    banyumas = await auth("task_force_admin", region="33.02")
    other = plans["33.01"]["id"]
    for path in ("", "/activities", "/realisations", "/progress"):
        problem(await client.get(f"/action-plans/{other}{path}", headers=banyumas), 404)
    missing = problem(await client.get("/action-plans/999999", headers=banyumas), 404)
    hidden = problem(await client.get(f"/action-plans/{other}", headers=banyumas), 404)
    assert missing["detail"].replace("999999", "X") == hidden["detail"].replace(str(other), "X")
    problem(
        await client.patch(f"/action-plans/{other}", json={"state": "closed"}, headers=banyumas),
        404,
    )
    listed = await client.get("/action-plans", headers=banyumas)
    assert [p["id"] for p in listed.json()["items"]] == [plans["33.02"]["id"]]
    problem(
        await client.get("/action-plans/rollup", params={"region_code": "33"}, headers=banyumas),
        404,
    )
    response = await client.post(
        "/action-plans",
        json={
            "task_force_id": plans["task_forces"]["33.01"]["id"],
            "title": "t",
            "first_year": 2026,
            "last_year": 2030,
        },
        headers=banyumas,
    )
    problem(response, 404)


async def test_province_sees_its_regencies_plans_and_rollup(client, auth, plans):
    """A province sees its regencies' plans and a roll-up of their budgets (3.3.3)."""
    central_java = await auth("reporter", region="33")
    listed = await client.get("/action-plans", headers=central_java)
    assert {p["region_code"] for p in listed.json()["items"]} == {"33.02", "33.01"}
    rollup = await client.get("/action-plans/rollup", headers=central_java)
    assert rollup.status_code == 200, rollup.text
    assert rollup.json()["region_code"] == "33"
    assert rollup.json()["total"]["planned"] == 2_000
    problem(
        await client.get(
            "/action-plans/rollup", params={"region_code": "32"}, headers=central_java
        ),
        404,
    )


async def test_analyst_reads_plans_but_does_not_write(client, auth, plans):
    analyst = await auth("analyst")
    assert (await client.get("/action-plans", headers=analyst)).status_code == 200
    assert (await client.get("/action-plans/rollup", headers=analyst)).status_code == 200
    problem(
        await client.patch(
            f"/action-plans/{plans['33.02']['id']}", json={"state": "closed"}, headers=analyst
        ),
        403,
    )


async def test_forbidden_roles(client, auth, national, plans):
    reporter = await auth("reporter", region="33.02")
    plan = await create_plan(client, national, plans["task_forces"]["33.02"]["id"])
    problem(
        await client.post(
            f"/action-plans/{plan['id']}/activities", json=activity(), headers=reporter
        ),
        403,
    )
    centre = await client.post(
        "/service-centres",
        json={"name": "P2TP2A Banyumas", "kind": "p2tp2a", "region_code": "33.02"},
        headers=national,
    )
    centre_token = await auth("service_centre", centre=centre.json()["id"])
    problem(await client.get("/action-plans", headers=centre_token), 403)
    problem(await client.get("/action-plans/catalogue", headers=centre_token), 403)
    problem(await client.get("/action-plans"), 401)
