"""Follow-up actions may name the action-plan activity they serve (issue: meetings, 5.3)."""

from __future__ import annotations

from tests.action_plans.plans import activity, add_activity, create_plan
from tests.helpers import create_task_force, error_fields, problem
from tests.meetings.support import appoint, meeting_body


async def test_follow_up_links_to_an_activity_of_its_own_task_force(client, national):
    banyumas = await create_task_force(client, national, "33.02")
    cilacap = await create_task_force(client, national, "33.01")
    own = await add_activity(
        client, national, (await create_plan(client, national, banyumas["id"]))["id"], activity()
    )
    foreign = await add_activity(
        client, national, (await create_plan(client, national, cilacap["id"]))["id"], activity()
    )
    daily_chair = await appoint(client, national, banyumas, "daily_chair")

    def body(activity_id):
        return meeting_body(
            banyumas,
            "plenary",
            "2026-03-10",
            daily_chair,
            follow_up_actions=[
                {
                    "description": "Sosialisasi di desa rawan",
                    "owner": "Dinas PPPA",
                    "due_on": "2026-04-30",
                    "action_plan_activity_id": activity_id,
                }
            ],
        )

    refused = await client.post("/meetings", json=body(foreign["id"]), headers=national)
    assert error_fields(problem(refused, 422)) == {"follow_up_actions.0.action_plan_activity_id"}
    created = await client.post("/meetings", json=body(own["id"]), headers=national)
    assert created.status_code == 201, created.text
    assert created.json()["follow_up_actions"][0]["action_plan_activity_id"] == own["id"]
