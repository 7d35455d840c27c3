"""Capacity-building activities (Penguatan kapasitas SDM, 5.1) through HTTP."""

from __future__ import annotations

from gtpptppo_api.reports.sections import capacity as section_of
from tests.helpers import create_task_force, error_fields, problem


def activity_body(task_force_id, **extra):
    return {
        "task_force_id": task_force_id,
        "kind": "training",
        "title": "Pelatihan Pencatatan dan Pelaporan Korban TPPO",
        "topic": "recording_reporting",
        "started_on": "2026-05-12",
        "ended_on": "2026-05-14",
        "organiser_kind": "task_force",
        "organiser_name": "Sekretariat GT-PPTPPO",
        "participants": [
            {"role": "task_force_member", "sex": "female", "count": 7},
            {"role": "task_force_member", "sex": "male", "count": 5},
            {"role": "counsellor", "sex": "female", "count": 3},
        ],
        **extra,
    }


async def create_activity(client, headers, task_force_id, **extra):
    response = await client.post(
        "/capacity-activities", json=activity_body(task_force_id, **extra), headers=headers
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_activity_records_participants_by_role_and_sex(client, national):
    """5.1.1 and 5.1.2: members and centre staff, counted by role and sex."""
    tf = await create_task_force(client, national, "33.02")
    created = await create_activity(client, national, tf["id"])
    assert created["region_code"] == "33.02"
    assert created["participants_total"] == 15
    assert created["participants_by_sex"] == {"female": 10, "male": 5}
    assert created["participants"][2] == {"role": "counsellor", "sex": "female", "count": 3}
    one_day = await create_activity(
        client, national, tf["id"], kind="socialisation", ended_on=None, participants=[]
    )
    assert one_day["ended_on"] == one_day["started_on"]
    assert one_day["participants_by_sex"] == {"female": 0, "male": 0}


async def test_topic_is_a_closed_list_with_other_named(client, national):
    """5.1.1: the topics listed, or ``other`` named in ``other_topic``."""
    tf = await create_task_force(client, national, "33.02")
    unknown = activity_body(tf["id"], topic="cooking")
    assert error_fields(
        problem(await client.post("/capacity-activities", json=unknown, headers=national), 422)
    ) == {"topic"}

    unnamed = activity_body(tf["id"], topic="other")
    error = problem(await client.post("/capacity-activities", json=unnamed, headers=national), 422)
    assert error_fields(error) == {"other_topic"}
    assert error["errors"][0]["rule"] == "5.1.1"

    stray = activity_body(tf["id"], other_topic="Bahasa isyarat")
    assert error_fields(
        problem(await client.post("/capacity-activities", json=stray, headers=national), 422)
    ) == {"other_topic"}

    named = await create_activity(
        client, national, tf["id"], topic="other", other_topic="Bahasa isyarat untuk pendamping"
    )
    assert named["other_topic"] == "Bahasa isyarat untuk pendamping"


async def test_participant_counts_are_checked(client, national):
    tf = await create_task_force(client, national, "33.02")
    negative = activity_body(
        tf["id"], participants=[{"role": "interpreter", "sex": "male", "count": -1}]
    )
    assert error_fields(
        problem(await client.post("/capacity-activities", json=negative, headers=national), 422)
    ) == {"participants.0.count"}
    twice = activity_body(
        tf["id"],
        participants=[
            {"role": "interpreter", "sex": "male", "count": 1},
            {"role": "interpreter", "sex": "male", "count": 2},
        ],
    )
    assert error_fields(
        problem(await client.post("/capacity-activities", json=twice, headers=national), 422)
    ) == {"participants.1"}
    unknown_role = activity_body(
        tf["id"], participants=[{"role": "driver", "sex": "male", "count": 1}]
    )
    problem(await client.post("/capacity-activities", json=unknown_role, headers=national), 422)
    backwards = activity_body(tf["id"], ended_on="2026-05-01")
    assert error_fields(
        problem(await client.post("/capacity-activities", json=backwards, headers=national), 422)
    ) == {"ended_on"}


async def test_list_by_year_and_kind(client, national):
    tf = await create_task_force(client, national, "33.02")
    this_year = await create_activity(client, national, tf["id"])
    await create_activity(
        client, national, tf["id"], started_on="2025-11-01", ended_on="2025-11-01"
    )
    listed = await client.get("/capacity-activities?year=2026", headers=national)
    assert [a["id"] for a in listed.json()["items"]] == [this_year["id"]]
    by_kind = await client.get("/capacity-activities?kind=internship", headers=national)
    assert by_kind.json()["items"] == []


async def test_jurisdiction_applies_to_activities(client, auth, national):
    banyumas = await create_task_force(client, national, "33.02")
    cilacap = await create_task_force(client, national, "33.01")
    mine = await create_activity(client, national, banyumas["id"])
    theirs = await create_activity(client, national, cilacap["id"])
    admin = await auth("task_force_admin", "33.02")
    listed = (await client.get("/capacity-activities", headers=admin)).json()["items"]
    assert [a["id"] for a in listed] == [mine["id"]]
    problem(await client.get(f"/capacity-activities/{theirs['id']}", headers=admin), 404)
    problem(
        await client.patch(
            f"/capacity-activities/{theirs['id']}", json={"title": "x"}, headers=admin
        ),
        404,
    )
    problem(
        await client.post("/capacity-activities", json=activity_body(cilacap["id"]), headers=admin),
        404,
    )
    reporter = await auth("reporter", "33")
    assert (await client.get(f"/capacity-activities/{theirs['id']}", headers=reporter)).is_success
    problem(
        await client.post(
            "/capacity-activities", json=activity_body(banyumas["id"]), headers=reporter
        ),
        403,
    )


async def test_update_replaces_participants_and_checks_again(client, national):
    tf = await create_task_force(client, national, "33.02")
    created = await create_activity(client, national, tf["id"])
    problem(
        await client.patch(
            f"/capacity-activities/{created['id']}", json={"topic": "other"}, headers=national
        ),
        422,
    )
    edited = await client.patch(
        f"/capacity-activities/{created['id']}",
        json={"participants": [{"role": "health_worker", "sex": "male", "count": 4}]},
        headers={**national, "If-Match": '"1"'},
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["participants_total"] == 4
    assert edited.json()["title"] == created["title"]
    assert edited.headers["ETag"] == '"2"'


async def test_report_section_counts_the_year(client, national, session):
    """The annual report's capacity-building section (5.1), over the region subtree."""
    province = await create_task_force(client, national, "33")
    regency = await create_task_force(client, national, "33.02")
    elsewhere = await create_task_force(client, national, "35")
    await create_activity(client, national, province["id"])
    await create_activity(
        client,
        national,
        regency["id"],
        kind="workshop_seminar",
        topic="human_rights",
        participants=[
            {"role": "task_force_member", "sex": "female", "count": 2},
            {"role": "social_worker", "sex": "male", "count": 4},
        ],
    )
    await create_activity(
        client, national, regency["id"], started_on="2025-05-01", ended_on="2025-05-01"
    )
    await create_activity(client, national, elsewhere["id"])

    section = (await section_of.report_section(session, province["id"], 2026)).model_dump(
        mode="json"
    )
    assert section["activities"] == 2
    assert section["by_kind"] == {"training": 1, "workshop_seminar": 1}
    assert section["by_topic"] == {"human_rights": 1, "recording_reporting": 1}
    assert section["participants"] == 21
    assert section["participants_by_sex"] == {"female": 12, "male": 9}
    assert {"role": "task_force_member", "sex": "female", "count": 9} in section[
        "participants_by_role_and_sex"
    ]
