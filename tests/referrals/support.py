"""Centres, a case and its consent for the referral and consent tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from tests.cases.helpers import case_body, create_centre

GIVEN_AT = "2024-03-05T09:00:00+07:00"
PERSONAL = {"name": "Rahasia Korban", "nik": "3302015507080001", "phone": "081234567890"}


@dataclass
class Centre:
    id: int
    headers: dict[str, str]


async def centre(
    client: httpx.AsyncClient, national: dict[str, str], auth: Any, region: str, name: str
) -> Centre:
    found = await create_centre(client, national, region, name=name)
    return Centre(found["id"], await auth("service_centre", centre=found["id"]))


async def push(
    client: httpx.AsyncClient, owner: Centre, ref: str, region: str = "33.02", **extra: Any
) -> str:
    body = case_body(ref, region=region, **extra)
    response = await client.put(
        f"/service-centres/{owner.id}/cases/{ref}", json=body, headers=owner.headers
    )
    assert response.status_code in (200, 201), response.text
    case_id: str = response.json()["id"]
    return case_id


def consent_body(*purposes: dict[str, Any], given_by: str | None = "victim") -> dict[str, Any]:
    return {
        "legal_basis": "consent",
        "given_by": given_by,
        "given_at": GIVEN_AT,
        "purposes": list(purposes),
    }


def purpose(name: str, **agency: Any) -> dict[str, Any]:
    return {"purpose": name, "agency": agency} if agency else {"purpose": name}


async def set_consent(
    client: httpx.AsyncClient, owner: Centre, case_id: str, body: dict[str, Any]
) -> dict[str, Any]:
    response = await client.put(f"/cases/{case_id}/consent", json=body, headers=owner.headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def refer(
    client: httpx.AsyncClient, owner: Centre, case_id: str, **body: Any
) -> httpx.Response:
    return await client.post(f"/cases/{case_id}/referrals", json=body, headers=owner.headers)


async def decide(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    referral_id: int,
    decision: str,
    reason: str | None = None,
) -> httpx.Response:
    body = {"decision": decision, "reason": reason}
    return await client.post(f"/referrals/{referral_id}/decision", json=body, headers=headers)
