"""A service centre in the coordination with its task force: it asks for a coordination (a
case conference, planning, problem solving), reads its meetings with the task force, and
reads the monitoring findings about itself."""

from __future__ import annotations

from typing import Any

from tests.cases.helpers import create_centre
from tests.helpers import create_task_force, error_fields, problem
from tests.meetings.support import appoint, hold, visit


async def _setting(client, national, auth) -> dict[str, Any]:
    """Banyumas (33.02) with its task force and two centres, and its secretariat."""
    task_force = await create_task_force(client, national, "33.02")
    daily = await appoint(client, national, task_force, "daily_chair", name="Harian Banyumas")
    centre = await create_centre(client, national, "33.02", name="P2TP2A Banyumas")
    other = await create_centre(client, national, "33.02", name="PPT RSUD Banyumas")
    return {
        "task_force": task_force,
        "daily": daily,
        "centre": centre,
        "other": other,
        "centre_token": await auth("service_centre", centre=centre["id"]),
        "other_token": await auth("service_centre", centre=other["id"]),
        "secretariat": await auth("task_force_admin", "33.02"),
    }


async def _ask(client, headers, centre_id: int, **body: Any):
    payload = {"topics": ["case_conference"], "subject": "Gelar kasus korban BMS-2024-001"}
    return await client.post(
        f"/service-centres/{centre_id}/coordination-requests",
        json={**payload, **body},
        headers=headers,
    )


async def test_a_centre_asks_for_a_case_conference_and_reads_its_meeting(client, national, auth):
    """Permen PPPA 10/2012 §3.2: coordination on either party's initiative, covering
    planning, case conferences (gelar kasus) and problem solving; the centre reads the
    meetings held with it, not the task force's others."""
    s = await _setting(client, national, auth)
    centre_id = s["centre"]["id"]
    asked = await _ask(client, s["centre_token"], centre_id, proposed_on="2024-06-20")
    assert asked.status_code == 201, asked.text
    request = asked.json()
    assert (request["task_force_id"], request["status"]) == (s["task_force"]["id"], "requested")
    listed = await client.get(
        f"/service-centres/{centre_id}/coordination-requests", headers=s["secretariat"]
    )
    assert [r["id"] for r in listed.json()["items"]] == [request["id"]]

    meeting = await hold(
        client,
        s["secretariat"],
        s["task_force"],
        "service_centre",
        "2024-06-20",
        None,
        service_centre_id=centre_id,
        centre_topics=["case_conference"],
        coordination_request_id=request["id"],
    )
    await hold(client, s["secretariat"], s["task_force"], "plenary", "2024-06-21", s["daily"])
    answered = await client.get(
        f"/service-centres/{centre_id}/coordination-requests", headers=s["centre_token"]
    )
    assert answered.json()["items"][0]["status"] == "held"
    assert answered.json()["items"][0]["meeting_id"] == meeting["id"]

    mine = await client.get(f"/service-centres/{centre_id}/meetings", headers=s["centre_token"])
    assert [(m["id"], m["centre_topics"]) for m in mine.json()["items"]] == [
        (meeting["id"], ["case_conference"])
    ]
    one = await client.get(
        f"/service-centres/{centre_id}/meetings/{meeting['id']}", headers=s["centre_token"]
    )
    assert one.json()["title"] == "Koordinasi dengan Pusat Pelayanan Terpadu"
    # another centre sees neither the centre nor its meetings; the task force's own
    # meetings stay the chain's
    other_path = f"/service-centres/{centre_id}/meetings/{meeting['id']}"
    problem(await client.get(other_path, headers=s["other_token"]), 404)
    other_meetings = await client.get(
        f"/service-centres/{s['other']['id']}/meetings", headers=s["other_token"]
    )
    assert other_meetings.json()["items"] == []
    problem(await client.get("/meetings", headers=s["centre_token"]), 403)


async def test_a_request_is_answered_once_and_by_its_own_task_force(client, national, auth):
    """Permen PPPA 10/2012 §3.2: a meeting answers a request of the centre it is held with,
    once; bad input is named and changes nothing."""
    s = await _setting(client, national, auth)
    centre_id = s["centre"]["id"]
    bad = await _ask(client, s["centre_token"], centre_id, topics=[])
    assert "topics" in error_fields(problem(bad, 422))
    bad = await _ask(client, s["centre_token"], centre_id, topics=["gossip"])
    assert "topics.0" in error_fields(problem(bad, 422))
    problem(await _ask(client, s["secretariat"], centre_id), 403)
    problem(await _ask(client, s["other_token"], centre_id), 404)
    request = (await _ask(client, s["centre_token"], centre_id)).json()

    def body(centre: int) -> dict[str, Any]:
        return {
            "task_force_id": s["task_force"]["id"],
            "kind": "service_centre",
            "held_on": "2024-06-20",
            "service_centre_id": centre,
            "agenda": "Gelar kasus",
            "coordination_request_id": request["id"],
        }

    wrong = await client.post("/meetings", json=body(s["other"]["id"]), headers=s["secretariat"])
    assert "coordination_request_id" in error_fields(problem(wrong, 422))
    meetings = await client.get(f"/service-centres/{s['other']['id']}/meetings", headers=national)
    assert meetings.json()["items"] == []
    first = await client.post("/meetings", json=body(centre_id), headers=s["secretariat"])
    assert first.status_code == 201, first.text
    again = await client.post("/meetings", json=body(centre_id), headers=s["secretariat"])
    assert "coordination_request_id" in error_fields(problem(again, 422))


async def test_a_centre_reads_the_monitoring_findings_about_itself(client, national, auth):
    """Permen PPPA 10/2012 §3.3.1 e 3 b: the regency's task force monitors its Pelayanan
    Terpadu; the centre reads the findings about itself, not about another."""
    s = await _setting(client, national, auth)
    centre_id, other_id = s["centre"]["id"], s["other"]["id"]
    about = await visit(
        client, s["secretariat"], s["task_force"], "service_centre", centre_id, "2024-07-01"
    )
    await visit(client, s["secretariat"], s["task_force"], "service_centre", other_id, "2024-07-02")
    found = await client.get(
        f"/service-centres/{centre_id}/monitoring-findings", headers=s["centre_token"]
    )
    assert found.status_code == 200, found.text
    assert [(v["id"], v["findings"]) for v in found.json()["items"]] == [
        (about["id"], about["findings"])
    ]
    problem(
        await client.get(
            f"/service-centres/{other_id}/monitoring-findings", headers=s["centre_token"]
        ),
        404,
    )
    problem(await client.get("/monitoring-visits", headers=s["centre_token"]), 403)
