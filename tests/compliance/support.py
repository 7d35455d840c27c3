"""Annual reports opened and submitted over HTTP for the compliance tests (3.3.3)."""

from __future__ import annotations

from typing import Any

import httpx


async def open_annual_report(
    client: httpx.AsyncClient, headers: dict[str, str], task_force_id: int, year: int
) -> dict[str, Any]:
    """A draft annual report; its generation job is left pending (submitting needs none)."""
    response = await client.post(
        "/reports",
        json={"task_force_id": task_force_id, "kind": "annual", "year": year},
        headers=headers,
    )
    assert response.status_code == 202, response.text
    report: dict[str, Any] = response.json()
    return report


async def transitions(
    client: httpx.AsyncClient, headers: dict[str, str], report_id: int
) -> list[dict[str, Any]]:
    response = await client.get(f"/reports/{report_id}/transitions", headers=headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items
