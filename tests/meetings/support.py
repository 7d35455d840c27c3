"""Bodies and calls shared by the meetings, monitoring and compliance tests."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

import httpx

from tests.helpers import head_authority

_numbers = itertools.count(1)

AREAS = (
    "policy",
    "institution",
    "action_plan",
    "victim_recording_reporting",
    "case_handling",
    "facilities",
)


def day(year: int, n: int) -> str:
    """Day ``n`` of ``year`` (1 January is day 1), as an ISO date."""
    return (date(year, 1, 1) + timedelta(days=n - 1)).isoformat()


async def sub_task_forces(
    client: httpx.AsyncClient, headers: dict[str, str], task_force: dict[str, Any]
) -> list[dict[str, Any]]:
    response = await client.get(f"/task-forces/{task_force['id']}/sub-task-forces", headers=headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def appoint(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    task_force: dict[str, Any],
    role: str,
    *,
    sub_task_force_id: int | None = None,
    appointed_on: str = "2024-02-01",
    name: str = "Siti Rahayu",
) -> dict[str, Any]:
    """Appoint a member by a decree of the head of the task force's region (2.x.5)."""
    decree = await client.post(
        f"/task-forces/{task_force['id']}/decrees",
        json={
            "number": f"SK/{next(_numbers)}",
            "title": "Pengangkatan anggota GT-PPTPPO",
            "issued_on": "2024-01-20",
            "authority": head_authority(task_force["region_code"]),
        },
        headers=headers,
    )
    assert decree.status_code == 201, decree.text
    member = await client.post(
        f"/task-forces/{task_force['id']}/members",
        json={
            "person_name": name,
            "element": "government",
            "role": role,
            "institution": "Dinas PPPA",
            "appointed_on": appointed_on,
            "appointment_decree_id": decree.json()["id"],
            "sub_task_force_id": sub_task_force_id,
        },
        headers=headers,
    )
    assert member.status_code == 201, member.text
    result: dict[str, Any] = member.json()
    return result


def meeting_body(
    task_force: dict[str, Any], kind: str, held_on: str, chair: dict[str, Any] | None, **extra: Any
) -> dict[str, Any]:
    return {
        "task_force_id": task_force["id"],
        "kind": kind,
        "held_on": held_on,
        "chaired_by_member_id": chair["id"] if chair else None,
        "agenda": "Rencana kerja tahunan; masalah dan hambatan",
        **extra,
    }


async def hold(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    task_force: dict[str, Any],
    kind: str,
    held_on: str,
    chair: dict[str, Any] | None,
    **extra: Any,
) -> dict[str, Any]:
    response = await client.post(
        "/meetings", json=meeting_body(task_force, kind, held_on, chair, **extra), headers=headers
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def checklist(score: int | None = 3) -> list[dict[str, Any]]:
    return [{"area": area, "indicator": f"Indicator of {area}", "score": score} for area in AREAS]


def visit_body(
    monitor: dict[str, Any], subject_kind: str, subject_id: int, visited_on: str, **extra: Any
) -> dict[str, Any]:
    return {
        "kind": "monitoring",
        "monitor_task_force_id": monitor["id"],
        "subject": {"kind": subject_kind, "id": subject_id},
        "visited_on": visited_on,
        "methods": ["field_visit", "document_review"],
        "findings": "Sub GT belum menyusun rencana kerja.",
        "recommendations": "Menyusun rencana kerja tahunan.",
        "indicators": checklist(),
        **extra,
    }


async def visit(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    monitor: dict[str, Any],
    subject_kind: str,
    subject_id: int,
    visited_on: str,
    **extra: Any,
) -> dict[str, Any]:
    response = await client.post(
        "/monitoring-visits",
        json=visit_body(monitor, subject_kind, subject_id, visited_on, **extra),
        headers=headers,
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def centre(
    client: httpx.AsyncClient, headers: dict[str, str], region_code: str
) -> dict[str, Any]:
    response = await client.post(
        "/service-centres",
        json={"name": f"P2TP2A {region_code}", "kind": "p2tp2a", "region_code": region_code},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result
