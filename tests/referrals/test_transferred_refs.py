"""A centre that transferred a case away no longer pushes its reference: a later push of it
is refused (409 naming ``external_ref``, or an invalid item of a batch) and changes
nothing, instead of making a second case of the same victim at the old centre."""

from __future__ import annotations

from typing import Any

from tests.cases.helpers import case_body
from tests.helpers import error_fields, problem
from tests.referrals.support import (
    Centre,
    centre,
    consent_body,
    decide,
    purpose,
    push,
    refer,
    set_consent,
)


async def _transferred(client, national, auth, ref: str) -> tuple[Centre, Centre, str]:
    """A case of Banyumas' P2TP2A transferred to Surabaya's UPTD PPA, accepted."""
    sender = await centre(client, national, auth, "33.02", "P2TP2A Banyumas")
    receiver = await centre(client, national, auth, "35.78", "UPTD PPA Surabaya")
    case_id = await push(client, sender, ref)
    await set_consent(
        client, sender, case_id, consent_body(purpose("services"), purpose("referral"))
    )
    created = await refer(
        client,
        sender,
        case_id,
        kind="transfer",
        to={"kind": "service_centre", "service_centre_id": receiver.id},
    )
    assert created.status_code == 201, created.text
    accepted = await decide(client, receiver.headers, created.json()["id"], "accept")
    assert accepted.status_code == 200, accepted.text
    return sender, receiver, case_id


async def _state(client, national) -> tuple[int, list[Any], int]:
    """Every case the national administrator sees, the cases' audit events, and the total of
    the statistics."""
    cases = await client.get("/cases", params={"limit": 100}, headers=national)
    events = await client.get(
        "/audit-events", params={"entity_type": "case", "limit": 100}, headers=national
    )
    total = await client.get("/statistics/victims", headers=national)
    assert cases.status_code == events.status_code == total.status_code == 200
    return len(cases.json()["items"]), events.json()["items"], total.json()["total"]


async def test_a_push_of_a_transferred_reference_by_the_old_centre_is_refused(
    client, national, auth
):
    """PUT by the centre that gave the case away: 409 problem naming ``external_ref`` and
    saying the case was transferred; no case, audit event or count is added, and the case
    stays the receiver's, which still pushes it."""
    sender, receiver, case_id = await _transferred(client, national, auth, "TR-1")
    before = await _state(client, national)
    response = await client.put(
        f"/service-centres/{sender.id}/cases/TR-1",
        json=case_body("TR-1", victim={"sex": "male", "age_at_identification": 30}),
        headers=sender.headers,
    )
    body = problem(response, 409)
    assert error_fields(body) == {"external_ref"}
    assert "transferred to another centre" in body["detail"]
    assert await _state(client, national) == before
    mine = await client.get("/cases", params={"limit": 100}, headers=sender.headers)
    assert mine.status_code == 200, mine.text
    assert mine.json()["items"] == []
    # the national secretariat pushing for the old centre is refused alike (§2.1.4 c)
    problem(
        await client.put(
            f"/service-centres/{sender.id}/cases/TR-1", json=case_body("TR-1"), headers=national
        ),
        409,
    )
    # the receiver's push of the reference updates the same case
    assert await push(client, receiver, "TR-1", region="35.78") == case_id


async def test_in_a_batch_a_transferred_reference_is_an_invalid_item(client, national, auth):
    """In a batch the refused reference is one invalid item naming ``external_ref``; the
    other items are stored, and the refused one stores nothing."""
    sender, _, case_id = await _transferred(client, national, auth, "TR-2")
    cases_before, _, total_before = await _state(client, national)
    response = await client.post(
        f"/service-centres/{sender.id}/cases:batch",
        json=[case_body("TR-3"), case_body("TR-2"), case_body("TR-4")],
        headers=sender.headers,
    )
    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["created"], result["invalid"]) == (2, 1)
    refused = result["results"][1]
    assert refused["outcome"] == "invalid"
    assert refused["id"] is None
    assert {e["field"] for e in refused["errors"]} == {"external_ref"}
    assert "transferred to another centre" in refused["errors"][0]["message"]
    cases_after, _, total_after = await _state(client, national)
    assert (cases_after, total_after) == (cases_before + 2, total_before + 2)
    moved = await client.get(f"/cases/{case_id}", headers=national)
    assert moved.json()["external_ref"] == "TR-2"
    assert moved.json()["service_centre_id"] != sender.id


async def test_a_reference_transferred_back_is_the_old_centre_s_again(client, national, auth):
    """A case transferred back to the centre it came from is that centre's again: its push
    of the reference updates the case (only a reference the centre holds no case of now is
    refused)."""
    sender, receiver, case_id = await _transferred(client, national, auth, "TR-5")
    back = await refer(
        client,
        receiver,
        case_id,
        kind="transfer",
        to={"kind": "service_centre", "service_centre_id": sender.id},
    )
    assert back.status_code == 201, back.text
    accepted = await decide(client, sender.headers, back.json()["id"], "accept")
    assert accepted.status_code == 200, accepted.text
    assert await push(client, sender, "TR-5") == case_id
