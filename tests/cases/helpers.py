"""Case bodies and centres for the case tests."""

from __future__ import annotations

from typing import Any

import httpx


def case_body(ref: str, region: str = "33.02", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "external_ref": ref,
        "registered_region_code": region,
        "origin_region_code": region,
        "destination": {"country": "MY"},
        "identified_on": "2024-03-05",
        "victim": {"sex": "female", "age_at_identification": 24, "nationality": "ID"},
        "exploitation_types": ["forced_labour"],
        "services": [{"type": "complaint", "started_on": "2024-03-05", "ended_on": "2024-03-05"}],
        "legal_stage": "police_report",
        "status": "open",
    }
    body.update(extra)
    return body


async def create_centre(
    client: httpx.AsyncClient, headers: dict[str, str], region: str = "33.02", name: str = ""
) -> dict[str, Any]:
    response = await client.post(
        "/service-centres",
        json={"name": name or f"P2TP2A {region}", "kind": "p2tp2a", "region_code": region},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result
