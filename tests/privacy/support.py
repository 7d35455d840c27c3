"""Centres, cases and requests for the personal data tests."""

from __future__ import annotations

from typing import Any

import httpx

from tests.cases.helpers import case_body

NIK = "3302015507990001"
OTHER_NIK = "3578014501900002"


async def push(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    centre: dict[str, Any],
    ref: str,
    **extra: Any,
) -> dict[str, Any]:
    body = case_body(ref, region=centre["region_code"], **extra)
    answer = await client.put(
        f"/service-centres/{centre['id']}/cases/{ref}", json=body, headers=headers
    )
    assert answer.status_code in (200, 201), answer.text
    result: dict[str, Any] = answer.json()
    return result


async def ask(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    centre: dict[str, Any],
    case_id: str,
    kind: str,
    **extra: Any,
) -> dict[str, Any]:
    answer = await client.post(
        f"/service-centres/{centre['id']}/data-requests",
        json={"kind": kind, "case_id": case_id, **extra},
        headers=headers,
    )
    assert answer.status_code == 201, answer.text
    result: dict[str, Any] = answer.json()
    return result


async def complete(
    client: httpx.AsyncClient, headers: dict[str, str], request_id: int
) -> httpx.Response:
    return await client.post(
        f"/data-requests/{request_id}/completion",
        json={"resolution": "dilaksanakan"},
        headers=headers,
    )


def reading(headers: dict[str, str]) -> dict[str, str]:
    return {**headers, "X-Access-Reason": "permintaan subjek data"}
