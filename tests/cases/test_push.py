"""Pushing case records: idempotent upserts, batches that store exactly the valid items."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from gtpptppo_api.kit import clock
from tests.cases.helpers import case_body, create_centre
from tests.helpers import error_fields, problem


@pytest.fixture
async def centre(client, national):
    return await create_centre(client, national)


@pytest.fixture
async def centre_auth(auth, centre):
    return await auth("service_centre", centre=centre["id"])


async def test_put_twice_is_one_case_unchanged(client, centre, centre_auth):
    url = f"/service-centres/{centre['id']}/cases/REF-1"
    first = await client.put(url, json=case_body("REF-1"), headers=centre_auth)
    assert first.status_code == 201, first.text
    assert first.json()["outcome"] == "created"
    again = await client.put(url, json=case_body("REF-1"), headers=centre_auth)
    assert again.status_code == 200
    assert again.json()["outcome"] == "unchanged"
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["version"] == 1

    changed = await client.put(url, json=case_body("REF-1", status="closed"), headers=centre_auth)
    assert changed.json()["outcome"] == "updated"
    assert changed.json()["version"] == 2
    case = (await client.get(f"/cases/{first.json()['id']}", headers=centre_auth)).json()
    assert case["status"] == "closed"
    assert case["version"] == 2
    assert case["age_group"] == "adult"


async def test_age_group_is_derived_child_under_18(client, centre, centre_auth):
    for ref, age, group in (("A", 17, "child"), ("B", 18, "adult"), ("C", 0, "child")):
        body = case_body(ref, victim={"sex": "male", "age_at_identification": age})
        result = await client.put(
            f"/service-centres/{centre['id']}/cases/{ref}", json=body, headers=centre_auth
        )
        case = (await client.get(f"/cases/{result.json()['id']}", headers=centre_auth)).json()
        assert case["age_group"] == group


async def test_batch_stores_exactly_the_valid_items(client, centre, centre_auth, national):
    items = [
        case_body("OK-1"),
        case_body("BAD-1", victim={"sex": "other", "age_at_identification": 30}),
        case_body("OK-2", exploitation_types=["sexual_exploitation", "forced_labour"]),
        case_body("BAD-2", identified_on="2999-01-01"),
        case_body("BAD-3", registered_region_code="35.78"),  # not under the centre's region
        case_body("BAD-4", victim={"sex": "female", "age_at_identification": 121}),
        case_body("BAD-5", destination={"country": "XX"}),
        case_body(
            "BAD-6",
            services=[{"type": "legal_aid", "started_on": "2024-05-01", "ended_on": "2024-04-01"}],
        ),
        case_body("BAD-7", exploitation_types=["smuggling"]),
        case_body("BAD-8", registered_region_code="33.99"),
        "not a case",
        case_body("OK-1"),  # repeated in the batch
    ]
    response = await client.post(
        f"/service-centres/{centre['id']}/cases:batch", json=items, headers=centre_auth
    )
    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["created"], result["invalid"]) == (2, 10)
    outcomes = [r["outcome"] for r in result["results"]]
    assert outcomes[0] == outcomes[2] == "created"
    fields = {r["index"]: error_fields(r) for r in result["results"] if r["outcome"] == "invalid"}
    assert fields == {
        1: {"victim.sex"},
        3: {"identified_on", "services.0.started_on"},
        4: {"registered_region_code"},
        5: {"victim.age_at_identification"},
        6: {"destination.country"},
        7: {"services.0"},
        8: {"exploitation_types.0"},
        9: {"registered_region_code"},
        10: {"item"},
        11: {"external_ref"},
    }
    listed = (await client.get("/cases", headers=national)).json()["items"]
    assert sorted(c["external_ref"] for c in listed) == ["OK-1", "OK-2"]


async def test_batch_accepts_ndjson_and_repeats_change_nothing(client, centre, centre_auth):
    items = [case_body(f"N-{i}") for i in range(5)]
    payload = "\n".join(json.dumps(i) for i in items) + "\n"
    url = f"/service-centres/{centre['id']}/cases:batch"
    headers = {**centre_auth, "Content-Type": "application/x-ndjson"}
    first = (await client.post(url, content=payload, headers=headers)).json()
    assert first["created"] == 5
    second = (await client.post(url, content=payload, headers=headers)).json()
    assert (second["unchanged"], second["created"], second["updated"]) == (5, 0, 0)


async def test_idempotency_key_replays_the_first_answer(client, centre, centre_auth):
    url = f"/service-centres/{centre['id']}/cases:batch"
    headers = {**centre_auth, "Idempotency-Key": "batch-0001"}
    first = await client.post(url, json=[case_body("K-1")], headers=headers)
    replay = await client.post(url, json=[case_body("K-1")], headers=headers)
    assert replay.json() == first.json()  # "created" again: the first answer, replayed
    assert replay.headers["idempotent-replayed"] == "true"
    other = await client.post(url, json=[case_body("K-2")], headers=headers)
    assert error_fields(problem(other, 422)) == {"Idempotency-Key"}


async def test_a_centre_pushes_only_its_own_cases(client, auth, national, centre):
    other = await create_centre(client, national, "33.01")
    other_auth = await auth("service_centre", centre=other["id"])
    response = await client.put(
        f"/service-centres/{centre['id']}/cases/X", json=case_body("X"), headers=other_auth
    )
    problem(response, 404)
    admin = await auth("task_force_admin", "33")
    problem(
        await client.put(
            f"/service-centres/{centre['id']}/cases/X", json=case_body("X"), headers=admin
        ),
        403,
    )


async def test_put_errors_name_the_fields_and_store_nothing(client, centre, centre_auth):
    body = case_body("E-1", identified_on="2999-01-01", origin_region_code="00.00")
    error = problem(
        await client.put(
            f"/service-centres/{centre['id']}/cases/E-1", json=body, headers=centre_auth
        ),
        422,
    )
    assert error_fields(error) == {"identified_on", "origin_region_code", "services.0.started_on"}
    assert (await client.get("/cases", headers=centre_auth)).json()["items"] == []


async def test_personal_fields_are_encrypted_at_rest(client, app, centre, centre_auth, session):
    personal = {"name": "Sri Wahyuni", "nik": "3302015507990001", "phone": "+62812000111"}
    created = await client.put(
        f"/service-centres/{centre['id']}/cases/P-1",
        json=case_body("P-1", personal=personal),
        headers=centre_auth,
    )
    case_id = created.json()["id"]
    rows = (await session.execute(text("SELECT * FROM victim_case"))).all()
    dump = repr(rows)
    for secret in ("Sri Wahyuni", "3302015507990001", "0812000111", "Wahyuni"):
        assert secret not in dump
    raw = (
        await session.execute(text("SELECT personal_key_id, personal_ciphertext FROM victim_case"))
    ).one()
    # the case's own data key seals the fields; the newest service key wraps that key, which
    # is kept in the key store, not in the cases' database
    assert raw[0] == "case"
    assert b"Sri" not in bytes(raw[1])
    stored = await app.state.keyring().key_store.get([uuid.UUID(case_id)])
    assert stored[uuid.UUID(case_id)][0] == "k2"
    events = (await session.execute(text("SELECT before, after FROM audit_event"))).all()
    assert "Sri Wahyuni" not in repr(events)
    # the owning centre reads them back with a reason
    read = await client.get(
        f"/cases/{case_id}",
        params={"include": "personal"},
        headers={**centre_auth, "X-Access-Reason": "case conference"},
    )
    assert read.json()["personal"] == personal | {"date_of_birth": None}


async def test_the_future_begins_at_midnight_in_the_case_region(client, national, auth):
    """ "identified_on must not be in the future" in the time zone of the region the case is
    registered in: at 16:30 UTC on 4 March it is 23:30 in Banyumas (WIB) and already 5 March
    in Jayapura (WIT), so a case identified on 5 March is refused in the one and accepted in
    the other, through PUT and the batch alike."""
    java = await create_centre(client, national, "33.02")
    papua = await create_centre(client, national, "91.03")
    java_auth = await auth("service_centre", centre=java["id"])
    papua_auth = await auth("service_centre", centre=papua["id"])
    with clock.frozen_at(datetime(2024, 3, 4, 16, 30, tzinfo=UTC)):
        refused = await client.put(
            f"/service-centres/{java['id']}/cases/EDGE-1",
            json=case_body("EDGE-1", "33.02"),
            headers=java_auth,
        )
        accepted = await client.put(
            f"/service-centres/{papua['id']}/cases/EDGE-1",
            json=case_body("EDGE-1", "91.03"),
            headers=papua_auth,
        )
        batch = await client.post(
            f"/service-centres/{java['id']}/cases:batch",
            json=[case_body("EDGE-2", "33.02")],
            headers=java_auth,
        )
    assert "identified_on" in error_fields(problem(refused, 422))
    assert accepted.status_code == 201, accepted.text
    assert batch.status_code == 200, batch.text
    (item,) = batch.json()["results"]
    assert item["outcome"] == "invalid"
    assert "identified_on" in error_fields(item)
