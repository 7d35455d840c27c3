"""The consent record of a case (UU 27/2022 Pelindungan Data Pribadi): its legal basis, who
consented, when, for which purposes, and withdrawal, with its history kept and audited."""

from __future__ import annotations

from tests.helpers import error_fields, problem
from tests.referrals.support import (
    centre,
    consent_body,
    purpose,
    push,
    set_consent,
)


async def test_consent_is_recorded_withdrawn_and_its_history_kept(client, national, auth):
    """A purpose withdrawn keeps its grant, with the time and the reason; a basis changed
    keeps the earlier one; every change is audited and an unchanged body changes nothing."""
    owner = await centre(client, national, auth, "33.02", "P2TP2A Banyumas")
    case_id = await push(client, owner, "C-1")
    first = await set_consent(
        client,
        owner,
        case_id,
        consent_body(purpose("services"), purpose("referral"), purpose("statistics")),
    )
    assert first["current"]["legal_basis"] == "consent"
    assert first["current"]["given_by"] == "victim"
    assert {g["purpose"] for g in first["granted"]} == {"services", "referral", "statistics"}
    assert first["htcds_agreement"] is True

    again = await set_consent(
        client,
        owner,
        case_id,
        consent_body(purpose("services"), purpose("referral"), purpose("statistics")),
    )
    assert again == first

    response = await client.post(
        f"/cases/{case_id}/consent/withdrawals",
        json={"purpose": "statistics", "reason": "korban menarik persetujuan"},
        headers=owner.headers,
    )
    assert response.status_code == 200, response.text
    withdrawn = response.json()
    assert {g["purpose"] for g in withdrawn["granted"]} == {"services", "referral"}
    [gone] = withdrawn["withdrawn"]
    assert gone["purpose"] == "statistics"
    assert gone["withdrawn_at"]
    assert gone["withdrawal_reason"] == "korban menarik persetujuan"
    again = await client.post(
        f"/cases/{case_id}/consent/withdrawals",
        json={"purpose": "statistics", "reason": "lagi"},
        headers=owner.headers,
    )
    problem(again, 409)

    public_task = {**consent_body(purpose("services")), "legal_basis": "public_task"}
    changed = await set_consent(client, owner, case_id, public_task)
    assert changed["current"]["legal_basis"] == "public_task"
    assert [r["legal_basis"] for r in changed["records"]] == ["public_task", "consent"]
    assert changed["records"][1]["superseded_at"] is not None
    assert {g["purpose"] for g in changed["withdrawn"]} == {"statistics", "referral"}
    assert changed["htcds_agreement"] is False

    events = await client.get(
        "/audit-events", params={"entity_type": "case", "entity_id": case_id}, headers=national
    )
    actions = [e["action"] for e in events.json()["items"]]
    assert actions.count("consent_set") == 2
    assert actions.count("consent_withdrawn") == 1


async def test_only_the_cases_centre_reads_and_sets_its_consent(client, national, auth):
    """The case's centre and the national admin; another centre gets 404 (as for a case it
    cannot see), a secretariat 403 (not its role)."""
    owner = await centre(client, national, auth, "33.02", "P2TP2A Banyumas")
    other = await centre(client, national, auth, "33.02", "UPTD PPA Banyumas")
    case_id = await push(client, owner, "C-2")
    body = consent_body(purpose("services"))
    problem(await client.get(f"/cases/{case_id}/consent", headers=other.headers), 404)
    put = await client.put(f"/cases/{case_id}/consent", json=body, headers=other.headers)
    problem(put, 404)
    secretariat = await auth("task_force_admin", "33.02")
    problem(await client.get(f"/cases/{case_id}/consent", headers=secretariat), 403)
    response = await client.put(f"/cases/{case_id}/consent", json=body, headers=national)
    assert response.status_code == 200, response.text
    read = await client.get(f"/cases/{case_id}/consent", headers=owner.headers)
    assert read.json()["current"]["recorded_by"]


async def test_a_childs_consent_needs_a_parent_or_guardian(client, national, auth):
    """A victim under 18 at identification does not consent alone (UU 27/2022 art. 25):
    a 422 naming ``given_by``, and nothing recorded; a guardian's consent is recorded."""
    owner = await centre(client, national, auth, "33.02", "P2TP2A Banyumas")
    case_id = await push(
        client, owner, "C-3", victim={"sex": "female", "age_at_identification": 16}
    )
    refused = await client.put(
        f"/cases/{case_id}/consent",
        json=consent_body(purpose("services"), given_by="victim"),
        headers=owner.headers,
    )
    assert error_fields(problem(refused, 422)) == {"given_by"}
    unnamed = await client.put(
        f"/cases/{case_id}/consent",
        json=consent_body(purpose("services"), given_by=None),
        headers=owner.headers,
    )
    assert error_fields(problem(unnamed, 422)) == {"given_by"}
    nothing = await client.get(f"/cases/{case_id}/consent", headers=owner.headers)
    assert nothing.json()["current"] is None
    assert nothing.json()["granted"] == []

    recorded = await set_consent(
        client, owner, case_id, consent_body(purpose("services"), given_by="guardian")
    )
    assert recorded["current"]["given_by"] == "guardian"


async def test_bad_consent_bodies_name_their_fields(client, national, auth):
    """Sharing names its agency, a named centre exists, a purpose is given once, the time
    has its offset and is not in the future."""
    owner = await centre(client, national, auth, "33.02", "P2TP2A Banyumas")
    case_id = await push(client, owner, "C-4")
    cases = {
        "purposes.0": consent_body(purpose("sharing")),
        "purposes.0.agency.service_centre_id": consent_body(
            purpose("sharing", kind="service_centre", service_centre_id=999999)
        ),
        "purposes.1": consent_body(purpose("services"), purpose("services")),
        "given_at": {**consent_body(), "given_at": "2024-03-05T09:00:00"},
    }
    for field, body in cases.items():
        response = await client.put(f"/cases/{case_id}/consent", json=body, headers=owner.headers)
        assert field in error_fields(problem(response, 422)), (field, response.text)
    future = {**consent_body(), "given_at": "2999-01-01T00:00:00+07:00"}
    response = await client.put(f"/cases/{case_id}/consent", json=future, headers=owner.headers)
    assert error_fields(problem(response, 422)) == {"given_at"}
