"""Building task forces with their officers and reports for the reporting tests."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api import jobs
from tests.cases.helpers import case_body, create_centre
from tests.helpers import create_task_force
from tests.meetings.support import appoint, hold

YEAR = 2024


async def run_generation_jobs(session: AsyncSession) -> int:
    """Do the pending jobs in the test's transaction, with the worker's claim / handler /
    done steps (the worker processes themselves are tested in tests/jobs)."""
    return await jobs.run_pending(session)


class Unit:
    """A task force with its chair, daily chair, a plenary held, and its admin's token."""

    def __init__(self, task_force, chair, daily_chair, plenary, admin):
        self.task_force = task_force
        self.id = task_force["id"]
        self.chair = chair
        self.daily_chair = daily_chair
        self.plenary = plenary
        self.admin = admin


async def unit(client: httpx.AsyncClient, national, auth, region: str) -> Unit:
    task_force = await create_task_force(client, national, region)
    chair = await appoint(client, national, task_force, "chair", name=f"Ketua {region}")
    daily = await appoint(client, national, task_force, "daily_chair", name=f"Harian {region}")
    plenary = await hold(client, national, task_force, "plenary", f"{YEAR}-12-10", daily)
    admin = national if region == "ID" else await auth("task_force_admin", region)
    return Unit(task_force, chair, daily, plenary, admin)


async def push_cases(client, national, auth, region: str, count: int, prefix: str = "C") -> None:
    centre = await create_centre(client, national, region)
    headers = await auth("service_centre", centre=centre["id"])
    items = [
        case_body(
            f"{prefix}-{region}-{i}",
            region=region,
            identified_on=f"{YEAR}-05-0{1 + i % 9}",
            victim={"sex": "female" if i % 2 else "male", "age_at_identification": 12 + 5 * i},
            services=[],
            personal={"name": f"Rahasia {i}"},
        )
        for i in range(count)
    ]
    response = await client.post(
        f"/service-centres/{centre['id']}/cases:batch", json=items, headers=headers
    )
    assert response.json()["created"] == count, response.text


async def open_report(client, headers, unit: Unit, kind: str = "annual", year: int = YEAR):
    response = await client.post(
        "/reports", json={"task_force_id": unit.id, "kind": kind, "year": year}, headers=headers
    )
    assert response.status_code == 202, response.text
    report: dict[str, Any] = response.json()
    assert report["generation"] == "pending"
    return report


async def step(client, headers, report_id: int, action: str, **extra) -> httpx.Response:
    return await client.post(
        f"/reports/{report_id}/transitions", json={"action": action, **extra}, headers=headers
    )


async def through_to_forwarded(client, unit: Unit, report_id: int) -> dict[str, Any]:
    """submit → discuss in plenary → consolidate (daily chair) → forward (chair)."""
    for action, extra in (
        ("submit", {}),
        ("discuss", {"meeting_id": unit.plenary["id"]}),
        ("consolidate", {"acting_member_id": unit.daily_chair["id"]}),
        ("forward", {"acting_member_id": unit.chair["id"]}),
    ):
        response = await step(client, unit.admin, report_id, action, **extra)
        assert response.status_code == 200, (action, response.text)
    result: dict[str, Any] = response.json()
    return result
