"""The "meetings and monitoring" section of the annual report (3.3.3), for the report worker."""

from __future__ import annotations

from gtpptppo_api.reports.sections.meetings import report_section
from tests.helpers import create_task_force
from tests.meetings.support import appoint, checklist, hold, sub_task_forces, visit


async def test_report_section_figures(client, national, session):
    province = await create_task_force(client, national, "34")
    city = await create_task_force(client, national, "34.71")
    daily = await appoint(client, national, city, "daily_chair")
    chair = await appoint(client, national, city, "chair")
    await hold(client, national, city, "plenary", "2025-02-01", daily)
    await hold(client, national, city, "plenary", "2025-06-01", daily)
    await hold(client, national, city, "plenary", "2024-06-01", daily)  # another year
    await hold(
        client,
        national,
        city,
        "coordination",
        "2025-03-01",
        chair,
        follow_up_actions=[
            {"description": "a", "owner": "Dinsos", "due_on": "2025-04-01"},
            {"description": "b", "owner": "Dinkes", "due_on": "2026-02-01"},
            {
                "description": "c",
                "owner": "Polres",
                "due_on": "2025-05-01",
                "status": "done",
                "completed_on": "2025-04-20",
            },
        ],
    )
    unit = (await sub_task_forces(client, national, city))[0]
    await visit(client, national, city, "sub_task_force", unit["id"], "2025-03-10")
    await visit(
        client,
        national,
        city,
        "sub_task_force",
        unit["id"],
        "2025-09-10",
        indicators=checklist(score=1),
    )
    await visit(
        client, national, province, "task_force", city["id"], "2025-05-05", kind="evaluation"
    )

    section = (await report_section(session, city["id"], 2025)).model_dump(mode="json")

    meetings = section["meetings"]
    assert meetings["held"] == {
        "plenary": 2,
        "sub_task_force": 0,
        "coordination": 1,
        "special": 0,
        "service_centre": 0,
    }
    assert meetings["total"] == 3
    assert meetings["follow_up_actions"] == {"total": 3, "done": 1, "open_past_due": 1}
    monitoring = section["monitoring"]
    assert monitoring["made"] == [
        {"kind": "monitoring", "subject_kind": "sub_task_force", "count": 2}
    ]
    assert monitoring["received"] == {"monitoring": 0, "evaluation": 1}
    assert {a["area"]: a["mean_score"] for a in monitoring["checklist"]} == dict.fromkeys(
        (
            "action_plan",
            "case_handling",
            "facilities",
            "institution",
            "policy",
            "victim_recording_reporting",
        ),
        2.0,
    )
    rules = {r["rule"]: r["status"] for r in section["compliance"]["rules"]}
    assert rules["coordination"] == "met"
    assert rules["evaluation"] == "missed"
    assert {s["rule"]: s["met"] for s in section["subtree_compliance"]}["coordination"] == 1
