"""Members and decrees (2.1.1, 2.1.5, 2.2.5, 2.3.5): appointed and dismissed by the right
authority, with a history that is never overwritten."""

from __future__ import annotations

import pytest

from tests.helpers import create_task_force, error_fields, problem


async def _decree(client, headers, tf_id, authority, number, issued_on="2024-01-10"):
    response = await client.post(
        f"/task-forces/{tf_id}/decrees",
        json={
            "number": number,
            "title": "Pengangkatan anggota GT-PPTPPO",
            "issued_on": issued_on,
            "authority": authority,
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


def _member(decree_id, role="member", appointed_on="2024-01-15", **extra):
    return {
        "person_name": "Siti Rahayu",
        "element": "government",
        "role": role,
        "institution": "Dinas Sosial",
        "position": "Kepala Dinas",
        "appointed_on": appointed_on,
        "appointment_decree_id": decree_id,
        **extra,
    }


@pytest.fixture
async def banyumas(client, national):
    return await create_task_force(client, national, "33.02")


async def test_decree_of_the_wrong_authority_is_refused(client, national, banyumas):
    """2.3.5: a regency's members are appointed by the Bupati, not the Governor."""
    response = await client.post(
        f"/task-forces/{banyumas['id']}/decrees",
        json={"number": "X", "title": "t", "issued_on": "2024-01-01", "authority": "governor"},
        headers=national,
    )
    error = problem(response, 422)
    assert error_fields(error) == {"authority"}
    assert error["errors"][0]["rule"] == "2.3.5"
    listed = await client.get(f"/task-forces/{banyumas['id']}/decrees", headers=national)
    assert [d["purpose"] for d in listed.json()["items"]] == ["establishment"]


async def test_appointment_needs_the_authority_for_the_role(client, national, banyumas):
    """2.3.5: members by the Bupati; the secretariat by the head of the PP-PA agency."""
    bupati = await _decree(client, national, banyumas["id"], "bupati", "Perbup 1/2024")
    agency = await _decree(client, national, banyumas["id"], "agency_head", "SK Kadis 2/2024")

    error = problem(
        await client.post(
            f"/task-forces/{banyumas['id']}/members",
            json=_member(agency["id"], role="chair"),
            headers=national,
        ),
        422,
    )
    assert error_fields(error) == {"appointment_decree_id"}
    assert "2.3.5" in error["detail"]
    problem(
        await client.post(
            f"/task-forces/{banyumas['id']}/members",
            json=_member(bupati["id"], role="head_of_secretariat"),
            headers=national,
        ),
        422,
    )
    ok = await client.post(
        f"/task-forces/{banyumas['id']}/members",
        json=_member(agency["id"], role="head_of_secretariat"),
        headers=national,
    )
    assert ok.status_code == 201, ok.text


async def test_national_sub_task_force_members_may_be_appointed_by_the_minister(client, national):
    """2.1.5 a-b: the President appoints the chair; the Minister PP-PA sub-task-force members."""
    nation = await create_task_force(client, national, "ID")
    units = (
        await client.get(f"/task-forces/{nation['id']}/sub-task-forces", headers=national)
    ).json()["items"]
    minister = await _decree(client, national, nation["id"], "minister", "Permen 1/2024")
    problem(
        await client.post(
            f"/task-forces/{nation['id']}/members",
            json=_member(minister["id"], role="chair"),
            headers=national,
        ),
        422,
    )
    ok = await client.post(
        f"/task-forces/{nation['id']}/members",
        json=_member(minister["id"], element="ngo", sub_task_force_id=units[0]["id"]),
        headers=national,
    )
    assert ok.status_code == 201, ok.text
    assert ok.json()["sub_task_force_id"] == units[0]["id"]


async def test_members_on_a_past_date_and_history_kept(client, national, banyumas):
    tf = banyumas["id"]
    first = await _decree(client, national, tf, "bupati", "Perbup 1/2024", "2024-01-10")
    second = await _decree(client, national, tf, "bupati", "Perbup 9/2025", "2024-12-20")
    old_chair = (
        await client.post(
            f"/task-forces/{tf}/members",
            json=_member(first["id"], role="chair", person_name="Budi Santoso"),
            headers=national,
        )
    ).json()
    member = (
        await client.post(f"/task-forces/{tf}/members", json=_member(first["id"]), headers=national)
    ).json()

    # one chair at a time
    problem(
        await client.post(
            f"/task-forces/{tf}/members",
            json=_member(second["id"], role="chair", appointed_on="2025-01-01"),
            headers=national,
        ),
        409,
    )
    dismissed = await client.post(
        f"/task-forces/{tf}/members/{old_chair['id']}/dismissal",
        json={
            "dismissed_on": "2025-01-01",
            "dismissal_decree_id": second["id"],
            "reason": "mutasi",
        },
        headers=national,
    )
    assert dismissed.status_code == 200, dismissed.text
    new_chair = await client.post(
        f"/task-forces/{tf}/members",
        json=_member(
            second["id"], role="chair", person_name="Dewi Lestari", appointed_on="2025-01-01"
        ),
        headers=national,
    )
    assert new_chair.status_code == 201, new_chair.text

    async def serving(day):
        page = await client.get(f"/task-forces/{tf}/members", params={"on": day}, headers=national)
        return sorted((m["role"], m["person_name"]) for m in page.json()["items"])

    assert await serving("2024-01-14") == []
    assert await serving("2024-06-01") == [("chair", "Budi Santoso"), ("member", "Siti Rahayu")]
    assert await serving("2024-12-31") == [("chair", "Budi Santoso"), ("member", "Siti Rahayu")]
    assert await serving("2025-01-01") == [("chair", "Dewi Lestari"), ("member", "Siti Rahayu")]

    history = (await client.get(f"/task-forces/{tf}/members", headers=national)).json()["items"]
    assert len(history) == 3
    old = next(m for m in history if m["id"] == old_chair["id"])
    assert old["appointed_on"] == "2024-01-15"
    assert old["dismissed_on"] == "2025-01-01"
    assert old["dismissal_decree_id"] == second["id"]
    assert old["appointment_decree_id"] == first["id"]
    assert member["dismissed_on"] is None

    # a dismissal is final: it is not rewritten
    problem(
        await client.post(
            f"/task-forces/{tf}/members/{old_chair['id']}/dismissal",
            json={"dismissed_on": "2025-02-01", "dismissal_decree_id": second["id"]},
            headers=national,
        ),
        409,
    )


async def test_dismissal_must_follow_appointment(client, national, banyumas):
    tf = banyumas["id"]
    decree = await _decree(client, national, tf, "bupati", "Perbup 1/2024")
    member = (
        await client.post(
            f"/task-forces/{tf}/members", json=_member(decree["id"]), headers=national
        )
    ).json()
    error = problem(
        await client.post(
            f"/task-forces/{tf}/members/{member['id']}/dismissal",
            json={"dismissed_on": "2024-01-01", "dismissal_decree_id": decree["id"]},
            headers=national,
        ),
        422,
    )
    assert error_fields(error) == {"dismissed_on"}


async def test_member_fields_are_checked(client, national, banyumas):
    tf = banyumas["id"]
    decree = await _decree(client, national, tf, "bupati", "Perbup 1/2024")
    error = problem(
        await client.post(
            f"/task-forces/{tf}/members",
            json=_member(decree["id"], element="celebrity", role="boss"),
            headers=national,
        ),
        422,
    )
    assert error_fields(error) == {"element", "role"}
    error = problem(
        await client.post(
            f"/task-forces/{tf}/members",
            json=_member(decree["id"], role="sub_task_force_coordinator"),
            headers=national,
        ),
        422,
    )
    assert error_fields(error) == {"sub_task_force_id"}
    other = await create_task_force(client, national, "33.01")
    foreign_decree = await _decree(client, national, other["id"], "bupati", "Perbup 5/2024")
    error = problem(
        await client.post(
            f"/task-forces/{tf}/members", json=_member(foreign_decree["id"]), headers=national
        ),
        422,
    )
    assert error_fields(error) == {"appointment_decree_id"}
    members = (await client.get(f"/task-forces/{tf}/members", headers=national)).json()
    assert members["items"] == []


async def test_duplicate_decree_number_is_a_conflict(client, national, banyumas):
    await _decree(client, national, banyumas["id"], "bupati", "Perbup 1/2024")
    response = await client.post(
        f"/task-forces/{banyumas['id']}/decrees",
        json={
            "number": "Perbup 1/2024",
            "title": "t",
            "issued_on": "2024-01-01",
            "authority": "bupati",
        },
        headers=national,
    )
    problem(response, 409)
