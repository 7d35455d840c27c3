"""Request bodies and calls shared by the action-plan tests."""

from __future__ import annotations

from typing import Any

import httpx

PROGRAMS = (
    "prevention_child_participation",
    "health_rehabilitation",
    "social_rehabilitation_repatriation_reintegration",
    "legal_norm_development",
    "law_enforcement",
    "cooperation_coordination",
)
LEGAL_BASIS = {
    "number": "Perbup 12/2026",
    "title": "Rencana Aksi Daerah PP-TPPO 2026-2030",
    "issued_on": "2026-02-01",
}


def activity(program: str = PROGRAMS[0], **override: Any) -> dict[str, Any]:
    """An activity naming all six elements of BAB V a-f, over 2026-2027."""
    body: dict[str, Any] = {
        "program": program,
        "problem_identified": "Banyak calon pekerja migran berangkat tanpa informasi",
        "activity": "Sosialisasi kepada calon TKI tentang bahaya perdagangan orang",
        "indicators": [
            {
                "name": "Desa yang disosialisasikan",
                "unit": "desa",
                "baseline": 3,
                "targets": [{"year": 2026, "value": 10}, {"year": 2027, "value": 20}],
            }
        ],
        "time_frame": {"start_year": 2026, "end_year": 2027},
        "responsible": {"agency": "Dinas Tenaga Kerja"},
        "implementing_team": "Dinas Tenaga Kerja, Dinas Sosial, LSM setempat",
        "budget": [],
    }
    body.update(override)
    return body


async def create_plan(
    client: httpx.AsyncClient, headers: dict[str, str], task_force_id: int, **extra: Any
) -> dict[str, Any]:
    body = {
        "task_force_id": task_force_id,
        "title": "RAD PP-TPPO 2026-2030",
        "first_year": 2026,
        "last_year": 2030,
        **extra,
    }
    response = await client.post("/action-plans", json=body, headers=headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def add_activity(
    client: httpx.AsyncClient, headers: dict[str, str], plan_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    response = await client.post(f"/action-plans/{plan_id}/activities", json=body, headers=headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def adopt(
    client: httpx.AsyncClient, headers: dict[str, str], plan_id: int, **extra: Any
) -> httpx.Response:
    return await client.patch(
        f"/action-plans/{plan_id}",
        json={"state": "adopted", "legal_basis": LEGAL_BASIS, **extra},
        headers=headers,
    )


async def adopted_plan(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    task_force_id: int,
    budgets: dict[str, list[dict[str, Any]]] | None = None,
    **extra: Any,
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """A plan with one complete activity per program, adopted; activities by program."""
    plan = await create_plan(client, headers, task_force_id, **extra)
    activities = {}
    for program in PROGRAMS:
        body = activity(program, budget=(budgets or {}).get(program, []))
        activities[program] = await add_activity(client, headers, plan["id"], body)
    response = await adopt(client, headers, plan["id"])
    assert response.status_code == 200, response.text
    return response.json(), activities
