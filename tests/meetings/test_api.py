"""Coordination meetings (Permen PPPA 10/2012, 3.1 and 3.2): who chairs, who attends."""

from __future__ import annotations

import pytest

from tests.helpers import create_task_force, error_fields, problem
from tests.meetings.support import appoint, centre, hold, meeting_body, sub_task_forces


@pytest.fixture
async def yogya(client, national):
    """The province of DI Yogyakarta and Kota Yogyakarta, with their chairs."""
    province = await create_task_force(client, national, "34")
    city = await create_task_force(client, national, "34.71")
    return {
        "province": province,
        "city": city,
        "province_daily_chair": await appoint(client, national, province, "daily_chair"),
        "province_chair": await appoint(client, national, province, "chair"),
        "daily_chair": await appoint(client, national, city, "daily_chair"),
        "chair": await appoint(client, national, city, "chair"),
    }


async def test_plenary_is_chaired_by_the_daily_chair(client, national, yogya):
    """3.1.3 a 4: the daily chair (Ketua Harian) chairs the plenary of a regency/city."""
    city = yogya["city"]
    error = problem(
        await client.post(
            "/meetings",
            json=meeting_body(city, "plenary", "2025-02-10", yogya["chair"]),
            headers=national,
        ),
        422,
    )
    assert error_fields(error) == {"chaired_by_member_id"}
    assert error["errors"][0]["rule"] == "3.1.3 a 4"
    assert "Permen PPPA 10/2012, 3.1.3 a 4" in error["errors"][0]["message"]

    response = await client.post(
        "/meetings",
        json=meeting_body(city, "plenary", "2025-02-10", yogya["daily_chair"]),
        headers=national,
    )
    assert response.status_code == 201, response.text
    meeting = response.json()
    assert meeting["title"] == "Koordinasi Pleno"
    assert meeting["chaired_by_member_id"] == yogya["daily_chair"]["id"]
    assert response.headers["ETag"] == '"1"'


async def test_province_plenary_rule_is_cited_for_its_level(client, national, yogya):
    """3.1.2 a 4: at provincial level the section cited is the province's."""
    error = problem(
        await client.post(
            "/meetings",
            json=meeting_body(yogya["province"], "plenary", "2025-02-10", yogya["province_chair"]),
            headers=national,
        ),
        422,
    )
    assert error["errors"][0]["rule"] == "3.1.2 a 4"


async def test_yearly_coordination_is_chaired_by_the_chair(client, national, yogya):
    """3.1.3 c 4: the regency/city coordination is led by the chair (Ketua)."""
    city = yogya["city"]
    error = problem(
        await client.post(
            "/meetings",
            json=meeting_body(city, "coordination", "2025-03-01", yogya["daily_chair"]),
            headers=national,
        ),
        422,
    )
    assert error["errors"][0]["rule"] == "3.1.3 c 4"
    meeting = await hold(client, national, city, "coordination", "2025-03-01", yogya["chair"])
    assert meeting["title"] == "Koordinasi Kabupaten/Kota"


async def test_special_meeting_is_chaired_by_the_daily_chair(client, national, yogya):
    """3.1.3 c 5: a special coordination is led by the daily chair."""
    city = yogya["city"]
    error = problem(
        await client.post(
            "/meetings",
            json=meeting_body(city, "special", "2025-03-01", yogya["chair"]),
            headers=national,
        ),
        422,
    )
    assert error["errors"][0]["rule"] == "3.1.3 c 5"
    await hold(client, national, city, "special", "2025-03-01", yogya["daily_chair"])


async def test_sub_task_force_meeting_is_chaired_by_its_own_coordinator(client, national, yogya):
    """3.1.3 b 2: a sub-task-force's coordinator chairs its meetings, not another's."""
    city = yogya["city"]
    first, second = (await sub_task_forces(client, national, city))[:2]
    own = await appoint(
        client, national, city, "sub_task_force_coordinator", sub_task_force_id=first["id"]
    )
    other = await appoint(
        client, national, city, "sub_task_force_coordinator", sub_task_force_id=second["id"]
    )
    error = problem(
        await client.post(
            "/meetings",
            json=meeting_body(
                city, "sub_task_force", "2025-03-01", other, sub_task_force_id=first["id"]
            ),
            headers=national,
        ),
        422,
    )
    assert error["errors"][0]["rule"] == "3.1.3 b 2"
    missing = problem(
        await client.post(
            "/meetings",
            json=meeting_body(city, "sub_task_force", "2025-03-01", own),
            headers=national,
        ),
        422,
    )
    assert "sub_task_force_id" in error_fields(missing)
    meeting = await hold(
        client, national, city, "sub_task_force", "2025-03-01", own, sub_task_force_id=first["id"]
    )
    assert meeting["sub_task_force_id"] == first["id"]


async def test_the_chair_must_serve_on_the_meeting_day(client, national, yogya):
    """3.1: the chair is whoever holds the role on the day of the meeting."""
    city = yogya["city"]
    problem(
        await client.post(
            "/meetings",
            json=meeting_body(city, "plenary", "2024-01-31", yogya["daily_chair"]),
            headers=national,
        ),
        422,
    )
    # Another task force's daily chair is not this one's.
    error = problem(
        await client.post(
            "/meetings",
            json=meeting_body(city, "plenary", "2025-01-31", yogya["province_daily_chair"]),
            headers=national,
        ),
        422,
    )
    assert error_fields(error) == {"chaired_by_member_id"}


async def test_task_forces_below_take_part_in_coordination_only(client, national, yogya):
    """3.1.2 c 1: the provincial coordination takes in the regency/city task forces; a plenary
    does not, and a task force of another province is not below this one."""
    province, city = yogya["province"], yogya["city"]
    meeting = await hold(
        client,
        national,
        province,
        "coordination",
        "2025-06-01",
        yogya["province_chair"],
        attending_task_force_ids=[city["id"]],
        attendee_member_ids=[yogya["province_chair"]["id"], yogya["province_daily_chair"]["id"]],
    )
    assert meeting["attending_task_force_ids"] == [city["id"]]
    assert meeting["title"] == "Koordinasi Provinsi"

    plenary = problem(
        await client.post(
            "/meetings",
            json=meeting_body(
                province,
                "plenary",
                "2025-06-02",
                yogya["province_daily_chair"],
                attending_task_force_ids=[city["id"]],
            ),
            headers=national,
        ),
        422,
    )
    assert plenary["errors"][0]["rule"] == "3.1"

    banyumas = await create_task_force(client, national, "33.02")
    elsewhere = problem(
        await client.post(
            "/meetings",
            json=meeting_body(
                province,
                "coordination",
                "2025-06-02",
                yogya["province_chair"],
                attending_task_force_ids=[banyumas["id"]],
            ),
            headers=national,
        ),
        422,
    )
    assert error_fields(elsewhere) == {"attending_task_force_ids.0"}
    assert elsewhere["errors"][0]["rule"] == "3.1.2 c 1"


async def test_attendees_are_members_serving_that_day(client, national, yogya):
    city = yogya["city"]
    error = problem(
        await client.post(
            "/meetings",
            json=meeting_body(
                city,
                "plenary",
                "2025-02-01",
                yogya["daily_chair"],
                attendee_member_ids=[yogya["chair"]["id"], yogya["province_chair"]["id"]],
            ),
            headers=national,
        ),
        422,
    )
    assert error_fields(error) == {"attendee_member_ids.1"}


async def test_meeting_with_a_service_centre_of_its_region(client, national, yogya):
    """3.2: a task force coordinates with the service centres of its own region."""
    city = yogya["city"]
    own = await centre(client, national, "34.71")
    other = await centre(client, national, "34.01")
    meeting = await hold(
        client,
        national,
        city,
        "service_centre",
        "2025-04-01",
        None,
        service_centre_id=own["id"],
        centre_topics=["case_conference"],
    )
    assert meeting["centre_topics"] == ["case_conference"]
    error = problem(
        await client.post(
            "/meetings",
            json=meeting_body(
                city, "service_centre", "2025-04-01", None, service_centre_id=other["id"]
            ),
            headers=national,
        ),
        422,
    )
    assert error["errors"][0]["rule"] == "3.2"
    topics = problem(
        await client.post(
            "/meetings",
            json=meeting_body(
                city, "plenary", "2025-04-01", yogya["daily_chair"], centre_topics=["planning"]
            ),
            headers=national,
        ),
        422,
    )
    assert error_fields(topics) == {"centre_topics"}


async def test_follow_up_actions_and_their_progress(client, national, yogya):
    city = yogya["city"]
    late = problem(
        await client.post(
            "/meetings",
            json=meeting_body(
                city,
                "plenary",
                "2025-02-10",
                yogya["daily_chair"],
                follow_up_actions=[
                    {"description": "Draft the RAD", "owner": "Bappeda", "due_on": "2025-01-01"}
                ],
            ),
            headers=national,
        ),
        422,
    )
    assert error_fields(late) == {"follow_up_actions.0.due_on"}

    meeting = await hold(
        client,
        national,
        city,
        "plenary",
        "2025-02-10",
        yogya["daily_chair"],
        decisions=["Form a shelter working group"],
        follow_up_actions=[
            {"description": "Draft the RAD", "owner": "Bappeda", "due_on": "2025-04-01"}
        ],
    )
    assert meeting["follow_up_actions"][0]["status"] == "open"

    stale = await client.patch(
        f"/meetings/{meeting['id']}",
        json={"agenda": "x"},
        headers={**national, "If-Match": '"7"'},
    )
    problem(stale, 412)

    done = [
        {
            "description": "Draft the RAD",
            "owner": "Bappeda",
            "due_on": "2025-04-01",
            "status": "done",
            "completed_on": "2025-03-20",
        }
    ]
    response = await client.patch(
        f"/meetings/{meeting['id']}",
        json={"follow_up_actions": done},
        headers={**national, "If-Match": '"1"'},
    )
    assert response.status_code == 200, response.text
    assert response.headers["ETag"] == '"2"'
    updated = response.json()
    assert updated["follow_up_actions"][0]["status"] == "done"
    assert updated["decisions"] == ["Form a shelter working group"]

    # The whole meeting is checked again: the new date moves it before its chair's term.
    problem(
        await client.patch(
            f"/meetings/{meeting['id']}", json={"held_on": "2024-01-25"}, headers=national
        ),
        422,
    )
    audit = await client.get(
        "/audit-events",
        params={"entity_type": "meeting", "entity_id": meeting["id"]},
        headers=national,
    )
    assert [e["action"] for e in audit.json()["items"]] == ["create", "update"]


async def test_jurisdiction_and_roles(client, national, auth, yogya):
    """A regency/city sees its own meetings; another regency's answer 404; analysts 403."""
    city = yogya["city"]
    kulon_progo = await create_task_force(client, national, "34.01")
    kp_chair = await appoint(client, national, kulon_progo, "daily_chair")
    own = await hold(client, national, city, "plenary", "2025-02-01", yogya["daily_chair"])
    theirs = await hold(client, national, kulon_progo, "plenary", "2025-02-01", kp_chair)

    city_admin = await auth("task_force_admin", region="34.71")
    problem(await client.get(f"/meetings/{theirs['id']}", headers=city_admin), 404)
    assert (await client.get(f"/meetings/{own['id']}", headers=city_admin)).status_code == 200
    listed = await client.get("/meetings", headers=city_admin)
    assert [m["id"] for m in listed.json()["items"]] == [own["id"]]
    problem(
        await client.post(
            "/meetings",
            json=meeting_body(kulon_progo, "plenary", "2025-03-01", kp_chair),
            headers=city_admin,
        ),
        404,
    )
    problem(
        await client.patch(f"/meetings/{theirs['id']}", json={"agenda": "x"}, headers=city_admin),
        404,
    )

    province_reader = await auth("reporter", region="34")
    listed = await client.get("/meetings", params={"year": 2025}, headers=province_reader)
    assert {m["id"] for m in listed.json()["items"]} == {own["id"], theirs["id"]}
    problem(
        await client.post(
            "/meetings",
            json=meeting_body(city, "plenary", "2025-03-01", yogya["daily_chair"]),
            headers=province_reader,
        ),
        403,
    )
    problem(await client.get("/meetings", headers=await auth("analyst")), 403)


async def test_meetings_are_recorded_once_held(client, national, yogya):
    problem(
        await client.post(
            "/meetings",
            json=meeting_body(yogya["city"], "plenary", "2999-01-01", yogya["daily_chair"]),
            headers=national,
        ),
        422,
    )
