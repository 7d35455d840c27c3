"""Every write is audit-logged with who, what, when, before and after."""

from __future__ import annotations

from tests.helpers import create_task_force, problem


async def test_writes_are_recorded_with_before_and_after(client, auth, national):
    admin = await auth("task_force_admin", "33")
    tf = await create_task_force(client, admin, "33")
    await client.patch(f"/task-forces/{tf['id']}", json={"name": "GT Jateng"}, headers=admin)

    events = (
        await client.get(
            "/audit-events",
            params={"entity_type": "task_force", "entity_id": tf["id"]},
            headers=national,
        )
    ).json()["items"]
    assert [e["action"] for e in events] == ["create", "update"]
    created, updated = events
    assert created["actor_name"] == "test task_force_admin 33"
    assert created["actor_role"] == "task_force_admin"
    assert created["before"] is None
    assert created["after"]["region_code"] == "33"
    assert updated["before"]["name"] == tf["name"]
    assert updated["after"]["name"] == "GT Jateng"
    assert updated["occurred_at"] >= created["occurred_at"]


async def test_a_refused_write_leaves_no_trace(client, national):
    tf = await create_task_force(client, national, "33")
    problem(
        await client.patch(
            f"/task-forces/{tf['id']}", json={"name": "x"}, headers={**national, "If-Match": '"0"'}
        ),
        412,
    )
    events = (
        await client.get("/audit-events", params={"entity_id": tf["id"]}, headers=national)
    ).json()["items"]
    assert [e["action"] for e in events if e["entity_type"] == "task_force"] == ["create"]
    assert (await client.get(f"/task-forces/{tf['id']}", headers=national)).json()["name"] == tf[
        "name"
    ]
