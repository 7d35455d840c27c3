"""Request bodies and calls shared by the tests."""

from __future__ import annotations

from typing import Any

import httpx

AUTHORITY_BY_CODE = {"ID": "president"}


def decree(authority: str, number: str = "1/2024", issued_on: str = "2024-01-15") -> dict[str, Any]:
    return {
        "number": number,
        "title": "Pembentukan Gugus Tugas PP-TPPO",
        "issued_on": issued_on,
        "authority": authority,
    }


def head_authority(region_code: str) -> str:
    """The authority that forms a task force in this region (2.1.5, 2.2.5, 2.3.5)."""
    if region_code == "ID":
        return "president"
    if "." not in region_code:
        return "governor"
    return "walikota" if int(region_code.split(".")[1]) >= 71 else "bupati"


def task_force_body(region_code: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": f"GT-PPTPPO {region_code}",
        "region_code": region_code,
        "established_decree": decree(head_authority(region_code), number=f"TF/{region_code}"),
        **extra,
    }


async def create_task_force(
    client: httpx.AsyncClient, headers: dict[str, str], region_code: str, **extra: Any
) -> dict[str, Any]:
    response = await client.post(
        "/task-forces", json=task_force_body(region_code, **extra), headers=headers
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """Assert an RFC 9457 problem with ``status`` and return its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["title"]
    assert body["type"]
    return body


def error_fields(body: dict[str, Any]) -> set[str]:
    return {error["field"] for error in body.get("errors", [])}
