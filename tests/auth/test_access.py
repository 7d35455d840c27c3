"""Roles and jurisdiction (docs/architecture.md, "Access and disclosure"): foreign resources
are 404, forbidden acts 403."""

from __future__ import annotations

import pytest

from tests.helpers import create_task_force, problem, task_force_body


@pytest.fixture
async def tree(client, national):
    """National, Central Java with Banyumas, and East Java with Surabaya."""
    return {
        code: await create_task_force(client, national, code)
        for code in ("ID", "33", "33.02", "35", "35.78")
    }


async def test_every_endpoint_needs_a_valid_token(client, tree):
    tf = tree["33"]
    for method, path in [
        ("GET", "/task-forces"),
        ("GET", f"/task-forces/{tf['id']}"),
        ("GET", f"/task-forces/{tf['id']}/members"),
        ("GET", "/regions/33"),
        ("GET", "/audit-events"),
    ]:
        missing = await client.request(method, path)
        problem(missing, 401)
        assert missing.headers["www-authenticate"] == "Bearer"
        wrong = await client.request(method, path, headers={"Authorization": "Bearer gtp_nope"})
        problem(wrong, 401)


async def test_regency_admin_sees_only_its_regency(client, auth, tree):
    banyumas = await auth("task_force_admin", "33.02")
    listed = (await client.get("/task-forces", headers=banyumas)).json()["items"]
    assert [tf["region_code"] for tf in listed] == ["33.02"]

    own = await client.get(f"/task-forces/{tree['33.02']['id']}", headers=banyumas)
    assert own.status_code == 200
    for code in ("ID", "33", "35", "35.78"):
        foreign = tree[code]["id"]
        body = problem(await client.get(f"/task-forces/{foreign}", headers=banyumas), 404)
        # exactly the answer for an id that does not exist: no hint that it exists
        ghost = problem(await client.get("/task-forces/987654", headers=banyumas), 404)
        assert body["detail"] == ghost["detail"].replace("987654", str(foreign))
        problem(
            await client.patch(f"/task-forces/{foreign}", json={"name": "x"}, headers=banyumas),
            404,
        )
        problem(await client.get(f"/task-forces/{foreign}/sub-task-forces", headers=banyumas), 404)
        problem(await client.get(f"/task-forces/{foreign}/members", headers=banyumas), 404)
        problem(await client.get(f"/task-forces/{foreign}/decrees", headers=banyumas), 404)


async def test_regency_admin_cannot_form_a_task_force_elsewhere(client, auth, national):
    banyumas = await auth("task_force_admin", "33.02")
    response = await client.post("/task-forces", json=task_force_body("33.01"), headers=banyumas)
    problem(response, 403)
    assert (await client.get("/task-forces", headers=national)).json()["items"] == []


async def test_province_admin_sees_its_regencies(client, auth, tree):
    central_java = await auth("task_force_admin", "33")
    listed = (await client.get("/task-forces", headers=central_java)).json()["items"]
    assert sorted(tf["region_code"] for tf in listed) == ["33", "33.02"]
    # Permen PPPA 10/2012 Lampiran VI: the province reads its regencies' task forces; the
    # regency's own secretariat edits its record.
    problem(
        await client.patch(
            f"/task-forces/{tree['33.02']['id']}",
            json={"name": "GT Banyumas"},
            headers=central_java,
        ),
        403,
    )
    edited = await client.patch(
        f"/task-forces/{tree['33.02']['id']}",
        json={"name": "GT Banyumas"},
        headers=await auth("task_force_admin", "33.02"),
    )
    assert edited.status_code == 200
    problem(await client.get(f"/task-forces/{tree['35.78']['id']}", headers=central_java), 404)
    problem(await client.get(f"/task-forces/{tree['ID']['id']}", headers=central_java), 404)


async def test_national_admin_sees_all(client, national, tree):
    listed = (await client.get("/task-forces", headers=national)).json()["items"]
    assert len(listed) == 5


async def test_reporters_and_analysts_read_but_do_not_write(client, auth, tree):
    for role in ("reporter", "analyst"):
        headers = await auth(role, "33")
        assert (await client.get(f"/task-forces/{tree['33']['id']}", headers=headers)).is_success
        body = problem(
            await client.patch(
                f"/task-forces/{tree['33']['id']}", json={"name": "x"}, headers=headers
            ),
            403,
        )
        assert body["permission"] == "task_forces:write"
    analyst = await auth("analyst", "33")
    problem(await client.get(f"/task-forces/{tree['33']['id']}/members", headers=analyst), 403)


async def test_service_centre_tokens_cannot_read_task_forces(client, auth, national, tree):
    created = await client.post(
        "/service-centres",
        json={"name": "P2TP2A Banyumas", "kind": "p2tp2a", "region_code": "33.02"},
        headers=national,
    )
    centre = await auth("service_centre", centre=created.json()["id"])
    problem(await client.get("/task-forces", headers=centre), 403)
    assert (await client.get("/regions/33", headers=centre)).status_code == 200


async def test_only_national_admins_read_the_audit_log(client, auth, tree):
    problem(await client.get("/audit-events", headers=await auth("task_force_admin", "33")), 403)
