"""Referrals and transfers of cases between service centres and agencies: the receiver
accepts or declines, consent limits what it sees, a transfer moves the case and its counts."""

from __future__ import annotations

from typing import Any

from gtpptppo_api.cases import cells
from tests.helpers import error_fields, problem
from tests.referrals.support import (
    PERSONAL,
    Centre,
    centre,
    consent_body,
    decide,
    purpose,
    push,
    refer,
    set_consent,
)


async def _three(client, national, auth) -> tuple[Centre, Centre, Centre]:
    """Banyumas' P2TP2A (the referring centre), Surabaya's UPTD PPA, a Banyumas hospital."""
    return (
        await centre(client, national, auth, "33.02", "P2TP2A Banyumas"),
        await centre(client, national, auth, "35.78", "UPTD PPA Surabaya"),
        await centre(client, national, auth, "33.02", "PPT RSUD Banyumas"),
    )


async def _consented_case(client, owner: Centre, ref: str, share_with: int) -> str:
    """A case with personal fields whose victim consented to services, referral, and sharing
    their identity with the centre ``share_with`` alone."""
    case_id = await push(client, owner, ref, personal=PERSONAL)
    body = consent_body(
        purpose("services"),
        purpose("referral"),
        purpose("sharing", kind="service_centre", service_centre_id=share_with),
    )
    await set_consent(client, owner, case_id, body)
    return case_id


async def test_a_referral_accepted_by_its_receiver_shows_what_consent_allows(
    client, national, auth
):
    """The receiver alone decides; before accepting it sees the referral, not the case;
    after, the case's fields, and personal ones only where the victim consented to share
    them with it (with a reason, audited). Others get 404, the sender 403 for the decision."""
    sender, surabaya, hospital = await _three(client, national, auth)
    case_id = await _consented_case(client, sender, "R-1", share_with=surabaya.id)
    created = await refer(
        client,
        sender,
        case_id,
        to={"kind": "service_centre", "service_centre_id": surabaya.id},
        service="legal_aid",
        note="Pendampingan hukum di Surabaya",
    )
    assert created.status_code == 201, created.text
    referral = created.json()
    assert referral["state"] == "pending"
    assert referral["external_ref"] == "R-1"
    rid = referral["id"]
    again = await refer(
        client,
        sender,
        case_id,
        to={"kind": "service_centre", "service_centre_id": surabaya.id},
        service="legal_aid",
    )
    problem(again, 409)

    assert (await client.get(f"/referrals/{rid}", headers=surabaya.headers)).status_code == 200
    problem(await client.get(f"/referrals/{rid}/case", headers=surabaya.headers), 409)
    problem(await client.get(f"/referrals/{rid}", headers=hospital.headers), 404)
    problem(await decide(client, hospital.headers, rid, "accept"), 404)
    problem(await decide(client, sender.headers, rid, "accept"), 403)
    problem(await client.get(f"/cases/{case_id}", headers=surabaya.headers), 404)

    accepted = await decide(client, surabaya.headers, rid, "accept")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["state"] == "accepted"
    assert accepted.json()["decided_by"]
    problem(await decide(client, surabaya.headers, rid, "decline", "terlambat"), 409)

    seen = await client.get(f"/referrals/{rid}/case", headers=surabaya.headers)
    assert seen.status_code == 200, seen.text
    assert seen.json()["case_id"] == case_id
    assert seen.json()["personal"] is None
    assert "service_centre_id" not in seen.json()
    assert PERSONAL["nik"] not in seen.text
    no_reason = await client.get(
        f"/referrals/{rid}/case", params={"include": "personal"}, headers=surabaya.headers
    )
    assert error_fields(problem(no_reason, 400)) == {"X-Access-Reason"}
    personal = await client.get(
        f"/referrals/{rid}/case",
        params={"include": "personal"},
        headers={**surabaya.headers, "X-Access-Reason": "pendampingan hukum"},
    )
    assert personal.status_code == 200, personal.text
    assert personal.json()["personal"]["nik"] == PERSONAL["nik"]
    problem(await client.get(f"/cases/{case_id}", headers=surabaya.headers), 404)

    incoming = await client.get(
        "/referrals", params={"direction": "incoming"}, headers=surabaya.headers
    )
    assert [r["id"] for r in incoming.json()["items"]] == [rid]
    outgoing = await client.get(
        "/referrals", params={"direction": "incoming"}, headers=sender.headers
    )
    assert outgoing.json()["items"] == []
    events = await client.get(
        "/audit-events", params={"entity_type": "referral", "entity_id": str(rid)}, headers=national
    )
    assert [e["action"] for e in events.json()["items"]] == [
        "referral_requested",
        "referral_accepted",
    ]
    reads = await client.get(
        "/audit-events", params={"entity_type": "case", "entity_id": case_id}, headers=national
    )
    assert "read_personal" in [e["action"] for e in reads.json()["items"]]


async def test_consent_keeps_personal_fields_from_a_receiver_not_named(client, national, auth):
    """The victim consented to share their identity with Surabaya's centre only: the
    hospital, once it accepted, sees the case but not the personal fields (403)."""
    sender, surabaya, hospital = await _three(client, national, auth)
    case_id = await _consented_case(client, sender, "R-2", share_with=surabaya.id)
    created = await refer(
        client,
        sender,
        case_id,
        to={"kind": "service_centre", "service_centre_id": hospital.id},
        service="health_rehabilitation",
    )
    rid = created.json()["id"]
    assert (await decide(client, hospital.headers, rid, "accept")).status_code == 200
    seen = await client.get(f"/referrals/{rid}/case", headers=hospital.headers)
    assert seen.status_code == 200
    assert seen.json()["exploitation_types"] == ["forced_labour"]
    refused = await client.get(
        f"/referrals/{rid}/case",
        params={"include": "personal"},
        headers={**hospital.headers, "X-Access-Reason": "rehabilitasi"},
    )
    assert problem(refused, 403)["purpose"] == "sharing"
    assert PERSONAL["name"] not in refused.text


async def test_a_transfer_declined_with_a_reason_leaves_the_case(client, national, auth):
    """A transfer is declined by the receiver, with a reason (422 naming ``reason``
    without one); the case stays with its centre. The sender cannot decide (403)."""
    sender, surabaya, _ = await _three(client, national, auth)
    case_id = await _consented_case(client, sender, "T-1", share_with=surabaya.id)
    created = await refer(
        client,
        sender,
        case_id,
        kind="transfer",
        to={"kind": "service_centre", "service_centre_id": surabaya.id},
    )
    assert created.status_code == 201, created.text
    rid = created.json()["id"]
    problem(await decide(client, sender.headers, rid, "decline", "tidak"), 403)
    no_reason = await decide(client, surabaya.headers, rid, "decline")
    assert error_fields(problem(no_reason, 422)) == {"reason"}
    declined = await decide(client, surabaya.headers, rid, "decline", "kapasitas rumah aman penuh")
    assert declined.status_code == 200, declined.text
    assert declined.json()["state"] == "declined"
    assert declined.json()["decision_reason"] == "kapasitas rumah aman penuh"
    case = await client.get(f"/cases/{case_id}", headers=sender.headers)
    assert case.status_code == 200
    assert case.json()["service_centre_id"] == sender.id
    problem(await client.get(f"/cases/{case_id}", headers=surabaya.headers), 404)
    problem(await client.get(f"/referrals/{rid}/case", headers=surabaya.headers), 409)


async def _total(client, headers, region: str) -> int:
    response = await client.get(
        "/statistics/victims", params={"region_code": region, "group_by": "sex"}, headers=headers
    )
    assert response.status_code == 200, response.text
    total: int = response.json()["total"]
    return total


async def test_a_transfer_accepted_moves_the_case_and_its_counts(client, national, auth, session):
    """The receiving centre of another province owns the case: same id, history and
    reference (its push of the reference updates it), the old centre no longer sees it, and
    the statistics cells move from Banyumas to Surabaya, exact against a recount."""
    sender, surabaya, _ = await _three(client, national, auth)
    case_id = await _consented_case(client, sender, "T-2", share_with=surabaya.id)
    before = {code: await _total(client, national, code) for code in ("33", "35")}
    created = await refer(
        client,
        sender,
        case_id,
        kind="transfer",
        to={"kind": "service_centre", "service_centre_id": surabaya.id},
    )
    accepted = await decide(client, surabaya.headers, created.json()["id"], "accept")
    assert accepted.status_code == 200, accepted.text

    case = await client.get(f"/cases/{case_id}", headers=surabaya.headers)
    assert case.status_code == 200, case.text
    moved: dict[str, Any] = case.json()
    assert moved["service_centre_id"] == surabaya.id
    assert moved["registered_region_code"] == "35.78"
    assert moved["external_ref"] == "T-2"
    problem(await client.get(f"/cases/{case_id}", headers=sender.headers), 404)
    assert await _total(client, national, "33") == before["33"] - 1
    assert await _total(client, national, "35") == before["35"] + 1
    assert await cells.differences(session, "identified") == []
    assert await cells.differences(session, "incident") == []

    assert await push(client, surabaya, "T-2", region="35.78", personal=PERSONAL) == case_id
    history = await client.get(f"/cases/{case_id}/referrals", headers=surabaya.headers)
    assert [r["kind"] for r in history.json()["items"]] == ["transfer"]
    events = await client.get(
        "/audit-events", params={"entity_type": "case", "entity_id": case_id}, headers=national
    )
    actions = [e["action"] for e in events.json()["items"]]
    assert actions[0] == "created"
    assert "transferred" in actions


async def test_a_transfer_to_a_centre_holding_the_reference_is_refused(client, national, auth):
    """The receiver has a case of the same reference: accepting would make two cases one
    key, so it is a 409 naming ``external_ref``, and nothing moves."""
    sender, surabaya, _ = await _three(client, national, auth)
    case_id = await _consented_case(client, sender, "T-3", share_with=surabaya.id)
    await push(client, surabaya, "T-3", region="35.78")
    created = await refer(
        client,
        sender,
        case_id,
        kind="transfer",
        to={"kind": "service_centre", "service_centre_id": surabaya.id},
    )
    clash = await decide(client, surabaya.headers, created.json()["id"], "accept")
    assert error_fields(problem(clash, 409)) == {"external_ref"}
    case = await client.get(f"/cases/{case_id}", headers=sender.headers)
    assert case.json()["service_centre_id"] == sender.id


async def test_withdrawing_referral_consent_stops_referrals_and_hides_the_case(
    client, national, auth
):
    """From the withdrawal on: the receiver that accepted no longer sees the case (403), a
    pending referral cannot be accepted and a new one cannot be made (409)."""
    sender, surabaya, hospital = await _three(client, national, auth)
    case_id = await _consented_case(client, sender, "W-1", share_with=surabaya.id)
    to_surabaya = {"kind": "service_centre", "service_centre_id": surabaya.id}
    accepted = (await refer(client, sender, case_id, to=to_surabaya, service="legal_aid")).json()
    await decide(client, surabaya.headers, accepted["id"], "accept")
    to_hospital = {"kind": "service_centre", "service_centre_id": hospital.id}
    pending = (
        await refer(client, sender, case_id, to=to_hospital, service="health_rehabilitation")
    ).json()
    assert (
        await client.get(f"/referrals/{accepted['id']}/case", headers=surabaya.headers)
    ).status_code == 200

    withdrawn = await client.post(
        f"/cases/{case_id}/consent/withdrawals",
        json={"purpose": "referral", "reason": "korban menolak dirujuk"},
        headers=sender.headers,
    )
    assert withdrawn.status_code == 200, withdrawn.text

    hidden = await client.get(f"/referrals/{accepted['id']}/case", headers=surabaya.headers)
    assert problem(hidden, 403)["purpose"] == "referral"
    assert (
        problem(await decide(client, hospital.headers, pending["id"], "accept"), 409)["purpose"]
        == "referral"
    )
    police = {"kind": "police", "name": "Polresta Banyumas"}
    assert (
        problem(await refer(client, sender, case_id, to=police, service="legal_aid"), 409)[
            "purpose"
        ]
        == "referral"
    )


async def test_a_referral_to_an_agency_outside_the_system(client, national, auth):
    """An agency that is no centre of the system (the police, LPSK) is named by kind and
    name; the referring centre records its answer. A transfer goes to centres only, and a
    referral names its service (422 naming each field)."""
    sender, surabaya, _ = await _three(client, national, auth)
    case_id = await _consented_case(client, sender, "A-1", share_with=surabaya.id)
    lpsk = {"kind": "lpsk", "name": "LPSK"}
    created = await refer(client, sender, case_id, to=lpsk, service="legal_aid")
    assert created.status_code == 201, created.text
    rid = created.json()["id"]
    assert created.json()["to"] == {**lpsk, "service_centre_id": None}
    problem(await client.get(f"/referrals/{rid}", headers=surabaya.headers), 404)
    recorded = await decide(client, sender.headers, rid, "accept", "perlindungan saksi")
    assert recorded.status_code == 200
    assert recorded.json()["state"] == "accepted"
    problem(await client.get(f"/referrals/{rid}/case", headers=sender.headers), 403)

    transfer = await refer(client, sender, case_id, kind="transfer", to=lpsk)
    assert error_fields(problem(transfer, 422)) == {"to.kind"}
    unnamed = await refer(client, sender, case_id, to={"kind": "police"}, service="legal_aid")
    assert error_fields(problem(unnamed, 422)) == {"to"}
    serviceless = await refer(client, sender, case_id, to=lpsk)
    assert error_fields(problem(serviceless, 422)) == {"service"}
    own = await refer(
        client,
        sender,
        case_id,
        to={"kind": "service_centre", "service_centre_id": sender.id},
        service="legal_aid",
    )
    assert error_fields(problem(own, 422)) == {"to.service_centre_id"}


async def test_no_referral_without_a_consent_record(client, national, auth):
    """A case whose centre recorded no consent (every case stored before consent records
    existed) cannot be referred: 409 naming the purpose."""
    sender, surabaya, _ = await _three(client, national, auth)
    case_id = await push(client, sender, "N-1")
    refused = await refer(
        client,
        sender,
        case_id,
        to={"kind": "service_centre", "service_centre_id": surabaya.id},
        service="legal_aid",
    )
    assert problem(refused, 409)["purpose"] == "referral"


async def test_withdrawn_sharing_consent_stops_referrals_and_the_htcds_export(
    client, national, auth
):
    """UU 27/2022: once the victim withdraws consent to share the case (every ``sharing``
    grant withdrawn), no new referral of it is made (409 naming the purpose) and it leaves
    the HTCDS export of whole records, while the other case of the centre stays in it, with
    its agreement to manage personal data as the consent record says."""
    sender, surabaya, _ = await _three(client, national, auth)
    case_id = await _consented_case(client, sender, "S-1", share_with=surabaya.id)
    kept_id = await _consented_case(client, sender, "S-2", share_with=surabaya.id)

    async def exported() -> dict[str, bool]:
        response = await client.get("/exports/htcds.json?region_code=33", headers=national)
        assert response.status_code == 200, response.text
        return {
            r["caseId"]: r["vic_AgreementToManagePersonalData"]
            for r in response.json()
            if r["caseId"] in (case_id, kept_id)
        }

    assert await exported() == {case_id: True, kept_id: True}
    withdrawn = await client.post(
        f"/cases/{case_id}/consent/withdrawals",
        json={"purpose": "sharing", "reason": "korban tidak ingin datanya dibagikan"},
        headers=sender.headers,
    )
    assert withdrawn.status_code == 200, withdrawn.text

    police = {"kind": "police", "name": "Polresta Banyumas"}
    refused = await refer(client, sender, case_id, to=police, service="legal_aid")
    assert problem(refused, 409)["purpose"] == "sharing"
    assert await exported() == {kept_id: True}
    allowed = await refer(client, sender, kept_id, to=police, service="legal_aid")
    assert allowed.status_code == 201, allowed.text
