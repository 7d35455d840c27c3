"""Action plans (RAN/RAD): drafting, the catalogue, adoption and its rules (BAB V)."""

from __future__ import annotations

import pytest

from tests.action_plans.plans import (
    LEGAL_BASIS,
    PROGRAMS,
    activity,
    add_activity,
    adopt,
    adopted_plan,
    create_plan,
)
from tests.helpers import create_task_force, error_fields, problem


@pytest.fixture
async def banyumas(client, national):
    return await create_task_force(client, national, "33.02")


async def _plan_with_all_programs(client, headers, tf_id, **first_activity):
    """A draft with one complete activity per program; the first one overridden."""
    plan = await create_plan(client, headers, tf_id)
    first = None
    for index, program in enumerate(PROGRAMS):
        body = activity(program, **(first_activity if index == 0 else {}))
        created = await add_activity(client, headers, plan["id"], body)
        first = first or created
    return plan, first


async def test_plan_is_a_rad_below_national_and_a_ran_at_national(client, national, banyumas):
    """BAB V: RAD in provinces and regencies/cities, RAN at national level."""
    rad = await create_plan(client, national, banyumas["id"])
    assert rad["kind"] == "RAD"
    assert rad["state"] == "draft"
    assert rad["region_code"] == "33.02"
    nation = await create_task_force(client, national, "ID")
    ran = await create_plan(client, national, nation["id"], title="RAN PP-TPPO")
    assert ran["kind"] == "RAN"

    listed = await client.get("/action-plans", params={"region_code": "33"}, headers=national)
    assert [p["id"] for p in listed.json()["items"]] == [rad["id"]]
    fetched = await client.get(f"/action-plans/{rad['id']}", headers=national)
    assert fetched.headers["etag"] == '"1"'


async def test_period_must_be_ordered(client, national, banyumas):
    response = await client.post(
        "/action-plans",
        json={"task_force_id": banyumas["id"], "title": "t", "first_year": 2030, "last_year": 2026},
        headers=national,
    )
    assert error_fields(problem(response, 422)) == {"last_year"}


async def test_catalogue_serves_the_regulation_activities(client, national):
    """BAB V "PROGRAM DAN KEGIATAN": six programs a-f with their typical activities."""
    response = await client.get("/action-plans/catalogue", headers=national)
    assert response.status_code == 200
    programs = response.json()
    assert [p["letter"] for p in programs] == ["a", "b", "c", "d", "e", "f"]
    assert [p["program"] for p in programs] == list(PROGRAMS)
    assert [len(p["activities"]) for p in programs] == [18, 4, 5, 3, 9, 7]
    texts = {a["code"]: a["text"] for p in programs for a in p["activities"]}
    assert texts["a.7"] == "Kampanye pencegahan perdagangan orang berbasis komunitas."
    assert texts["e.7"].startswith("Melakukan pendidikan dan penyegaran Hakim")


async def test_activity_from_the_catalogue_takes_its_text(client, national, banyumas):
    plan = await create_plan(client, national, banyumas["id"])
    body = activity(catalogue_code="a.7")
    del body["activity"]
    created = await add_activity(client, national, plan["id"], body)
    assert created["activity"] == "Kampanye pencegahan perdagangan orang berbasis komunitas."
    assert created["program_letter"] == "a"
    assert created["missing_elements"] == []


async def test_catalogue_activity_of_another_program_is_refused(client, national, banyumas):
    """BAB V: the typical activities are listed under their program."""
    plan = await create_plan(client, national, banyumas["id"])
    response = await client.post(
        f"/action-plans/{plan['id']}/activities",
        json=activity("law_enforcement", catalogue_code="a.7"),
        headers=national,
    )
    assert error_fields(problem(response, 422)) == {"catalogue_code"}


async def test_responsible_sub_task_force_must_be_the_plans_own(client, national, banyumas):
    """The responsible party (penanggung jawab) is a sub-task-force of this task force."""
    cilacap = await create_task_force(client, national, "33.01")
    other_units = await client.get(
        f"/task-forces/{cilacap['id']}/sub-task-forces", headers=national
    )
    own_units = await client.get(f"/task-forces/{banyumas['id']}/sub-task-forces", headers=national)
    plan = await create_plan(client, national, banyumas["id"])
    foreign = other_units.json()["items"][0]["id"]
    response = await client.post(
        f"/action-plans/{plan['id']}/activities",
        json=activity(responsible={"sub_task_force_id": foreign}),
        headers=national,
    )
    assert error_fields(problem(response, 422)) == {"responsible.sub_task_force_id"}
    own = own_units.json()["items"][0]["id"]
    created = await add_activity(
        client, national, plan["id"], activity(responsible={"sub_task_force_id": own})
    )
    assert created["responsible"] == {"sub_task_force_id": own, "agency": None}


# --- adoption: one test per element of BAB V a-f -------------------------------------------


async def _refused_for(client, national, tf_id, element, **override):
    plan, first = await _plan_with_all_programs(client, national, tf_id, **override)
    assert first["missing_elements"] == [element]
    body = problem(await adopt(client, national, plan["id"]), 422)
    assert error_fields(body) == {f"activities.{first['id']}.{element}"}
    error = body["errors"][0]
    assert error["element"] == element
    assert "Permen PPPA 10/2012" in error["message"]
    fetched = await client.get(f"/action-plans/{plan['id']}", headers=national)
    assert fetched.json()["state"] == "draft"
    return error


async def test_adoption_refused_without_problem_identified(client, national, banyumas):
    """BAB V "PROGRAM DAN KEGIATAN" a: Identifikasi masalah."""
    error = await _refused_for(
        client, national, banyumas["id"], "problem_identified", problem_identified=None
    )
    assert error["rule"] == "5.3 a"


async def test_adoption_refused_without_activity(client, national, banyumas):
    """BAB V "PROGRAM DAN KEGIATAN" b: Rencana kegiatan."""
    error = await _refused_for(client, national, banyumas["id"], "activity", activity=None)
    assert error["rule"] == "5.3 b"


async def test_adoption_refused_without_indicators(client, national, banyumas):
    """BAB V "PROGRAM DAN KEGIATAN" c: Indikator keberhasilan."""
    error = await _refused_for(client, national, banyumas["id"], "indicators", indicators=[])
    assert error["rule"] == "5.3 c"


async def test_adoption_refused_when_an_indicator_lacks_a_yearly_target(client, national, banyumas):
    """BAB V c: an indicator has a target for every year of the activity's time frame."""
    indicator = {
        "name": "Kader terlatih",
        "unit": "orang",
        "baseline": 0,
        "targets": [{"year": 2026, "value": 40}],
    }
    error = await _refused_for(
        client, national, banyumas["id"], "indicators", indicators=[indicator]
    )
    assert "2027" in error["message"]
    assert error["rule"] == "5.3 c"


async def test_adoption_refused_without_time_frame(client, national, banyumas):
    """BAB V "PROGRAM DAN KEGIATAN" d: Kerangka waktu pelaksanaan."""
    error = await _refused_for(client, national, banyumas["id"], "time_frame", time_frame=None)
    assert error["rule"] == "5.3 d"


async def test_adoption_refused_without_responsible_party(client, national, banyumas):
    """BAB V "PROGRAM DAN KEGIATAN" e: Penanggung jawab."""
    error = await _refused_for(client, national, banyumas["id"], "responsible", responsible=None)
    assert error["rule"] == "5.3 e"


async def test_adoption_refused_without_implementing_team(client, national, banyumas):
    """BAB V "PROGRAM DAN KEGIATAN" f: Tim Pelaksana."""
    error = await _refused_for(
        client, national, banyumas["id"], "implementing_team", implementing_team=None
    )
    assert error["rule"] == "5.3 f"


async def test_refusal_lists_every_activity_and_missing_element(client, national, banyumas):
    """BAB V: every activity names all six elements; the refusal lists every gap at once."""
    plan = await create_plan(client, national, banyumas["id"])
    bare = await add_activity(client, national, plan["id"], {"program": PROGRAMS[0]})
    partial = await add_activity(
        client, national, plan["id"], activity(PROGRAMS[1], time_frame=None, indicators=[])
    )
    assert bare["missing_elements"] == [
        "problem_identified",
        "activity",
        "indicators",
        "time_frame",
        "responsible",
        "implementing_team",
    ]
    response = await client.patch(
        f"/action-plans/{plan['id']}", json={"state": "adopted"}, headers=national
    )
    body = problem(response, 422)
    fields = error_fields(body)
    assert {f"activities.{bare['id']}.{e}" for e in bare["missing_elements"]} <= fields
    assert {
        f"activities.{partial['id']}.indicators",
        f"activities.{partial['id']}.time_frame",
    } <= fields
    assert {f"programs.{p}" for p in PROGRAMS[2:]} <= fields
    assert {"legal_basis.number", "legal_basis.issued_on"} <= fields
    assert len(fields) == 6 + 2 + 4 + 2


async def test_adoption_refused_while_a_program_has_no_activity(client, national, banyumas):
    """BAB V: programs a-f each need an activity or a recorded reason they are out of scope."""
    plan = await create_plan(client, national, banyumas["id"])
    for program in PROGRAMS[:5]:
        await add_activity(client, national, plan["id"], activity(program))
    body = problem(await adopt(client, national, plan["id"]), 422)
    assert error_fields(body) == {"programs.cooperation_coordination"}
    assert body["errors"][0]["rule"] == "5.3"

    reason = "Kerjasama dijalankan oleh GT Provinsi Jawa Tengah untuk seluruh kabupaten"
    adopted = await adopt(
        client,
        national,
        plan["id"],
        out_of_scope=[{"program": "cooperation_coordination", "reason": reason}],
    )
    assert adopted.status_code == 200, adopted.text
    assert adopted.json()["state"] == "adopted"
    assert adopted.json()["out_of_scope"] == [
        {"program": "cooperation_coordination", "reason": reason}
    ]


async def test_program_with_activities_cannot_be_out_of_scope(client, national, banyumas):
    plan = await create_plan(client, national, banyumas["id"])
    await add_activity(client, national, plan["id"], activity(PROGRAMS[0]))
    response = await client.patch(
        f"/action-plans/{plan['id']}",
        json={"out_of_scope": [{"program": PROGRAMS[0], "reason": "x"}]},
        headers=national,
    )
    assert error_fields(problem(response, 422)) == {"out_of_scope.0.program"}


async def test_adoption_needs_the_legal_basis(client, national, banyumas):
    """The plan is adopted by a decree: its number and date are recorded."""
    plan, _ = await _plan_with_all_programs(client, national, banyumas["id"])
    response = await client.patch(
        f"/action-plans/{plan['id']}", json={"state": "adopted"}, headers=national
    )
    assert error_fields(problem(response, 422)) == {"legal_basis.number", "legal_basis.issued_on"}
    response = await adopt(client, national, plan["id"])
    assert response.status_code == 200, response.text
    assert response.json()["legal_basis"] == LEGAL_BASIS
    assert response.json()["adopted_at"] is not None


async def test_one_adopted_plan_per_task_force_and_year(client, national, banyumas):
    """At most one adopted plan of a task force covers a given year."""
    first, _ = await adopted_plan(client, national, banyumas["id"])
    second, _ = await _plan_with_all_programs(client, national, banyumas["id"])
    problem(await adopt(client, national, second["id"]), 409)
    closed = await client.patch(
        f"/action-plans/{first['id']}", json={"state": "closed"}, headers=national
    )
    assert closed.status_code == 200
    assert closed.json()["state"] == "closed"
    assert (await adopt(client, national, second["id"])).status_code == 200


async def test_adopted_plan_is_not_edited(client, national, banyumas):
    """An adopted plan's activities are fixed; only realisations are recorded."""
    plan, activities = await adopted_plan(client, national, banyumas["id"])
    some = activities[PROGRAMS[0]]
    problem(
        await client.patch(
            f"/action-plans/{plan['id']}/activities/{some['id']}",
            json={"implementing_team": "Tim lain"},
            headers=national,
        ),
        409,
    )
    problem(
        await client.post(
            f"/action-plans/{plan['id']}/activities", json=activity(), headers=national
        ),
        409,
    )
    problem(
        await client.delete(
            f"/action-plans/{plan['id']}/activities/{some['id']}", headers=national
        ),
        409,
    )
    problem(
        await client.patch(f"/action-plans/{plan['id']}", json={"title": "x"}, headers=national),
        409,
    )
    realised = await client.put(
        f"/action-plans/{plan['id']}/realisations/{some['id']}/2026",
        json={"indicator_values": [{"indicator_id": some["indicators"][0]["id"], "achieved": 4}]},
        headers=national,
    )
    assert realised.status_code == 201, realised.text


async def test_state_moves_draft_adopted_closed_only(client, national, banyumas):
    plan = await create_plan(client, national, banyumas["id"])
    problem(
        await client.patch(
            f"/action-plans/{plan['id']}", json={"state": "closed"}, headers=national
        ),
        409,
    )
    problem(
        await client.patch(
            f"/action-plans/{plan['id']}", json={"state": "draft"}, headers=national
        ),
        422,
    )


async def test_draft_activities_are_edited_with_if_match(client, national, banyumas):
    plan = await create_plan(client, national, banyumas["id"])
    created = await add_activity(client, national, plan["id"], activity(implementing_team=None))
    url = f"/action-plans/{plan['id']}/activities/{created['id']}"
    problem(
        await client.patch(
            url, json={"implementing_team": "Tim"}, headers={**national, "If-Match": '"9"'}
        ),
        412,
    )
    edited = await client.patch(
        url, json={"implementing_team": "Tim Terpadu"}, headers={**national, "If-Match": '"1"'}
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["missing_elements"] == []
    assert edited.headers["etag"] == '"2"'
    assert (await client.delete(url, headers=national)).status_code == 204
    problem(await client.get(url, headers=national), 404)


async def test_years_stay_inside_the_plan_period(client, national, banyumas):
    plan = await create_plan(client, national, banyumas["id"])
    response = await client.post(
        f"/action-plans/{plan['id']}/activities",
        json=activity(time_frame={"start_year": 2025, "end_year": 2027}),
        headers=national,
    )
    assert error_fields(problem(response, 422)) == {"time_frame.start_year"}
    await add_activity(client, national, plan["id"], activity())
    response = await client.patch(
        f"/action-plans/{plan['id']}", json={"first_year": 2027}, headers=national
    )
    assert error_fields(problem(response, 422)) == {"first_year"}


async def test_writes_are_audited(client, national, banyumas):
    plan, _ = await adopted_plan(client, national, banyumas["id"])
    events = await client.get(
        "/audit-events",
        params={"entity_type": "action_plan", "entity_id": str(plan["id"])},
        headers=national,
    )
    assert [e["action"] for e in events.json()["items"]] == ["create", "adopt"]
