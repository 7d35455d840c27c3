"""Witnesses (saksi) of a case: protected persons, kept and shown as the victim's personal
fields are (encrypted, to the owning centre and national admins, with a reason, audited)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from tests.cases.helpers import case_body, create_centre
from tests.helpers import error_fields, problem

WITNESSES = [
    {"name": "Siti Aminah", "nik": "3302014101900002", "phone": "0812345", "relation": "ibu"},
    {"name": "Budi", "nik": None, "phone": None, "relation": "tetangga"},
]


async def _case_with_witnesses(client, auth, national) -> tuple[str, dict[str, str]]:
    centre = await create_centre(client, national)
    headers = await auth("service_centre", centre=centre["id"])
    body = case_body("W-1", personal={"name": "Ani"}, witnesses=WITNESSES)
    response = await client.put(
        f"/service-centres/{centre['id']}/cases/W-1", json=body, headers=headers
    )
    assert response.status_code in (200, 201), response.text
    case_id: str = response.json()["id"]
    return case_id, headers


async def _read(client, case_id: str, headers: dict[str, str], reason: str | None = None) -> Any:
    extra = {"X-Access-Reason": reason} if reason else {}
    return await client.get(
        f"/cases/{case_id}", params={"include": "personal"}, headers={**headers, **extra}
    )


async def test_witnesses_are_shown_only_with_the_personal_fields(client, auth, national):
    """Permen PPPA 10/2012 §5.1.2 (saksi, definition h): a case records its witnesses, read
    as the victim's personal fields are: with a reason, by the owning centre, the
    secretariats of its region or the national admin, each read audited."""
    case_id, centre_headers = await _case_with_witnesses(client, auth, national)
    plain = await client.get(f"/cases/{case_id}", headers=national)
    assert plain.json()["witnesses"] is None
    assert "Siti" not in plain.text

    problem(await _read(client, case_id, national), 400)
    secretariat = await auth("task_force_admin", "33.02")
    for headers in (centre_headers, national, secretariat):
        read = await _read(client, case_id, headers, "pendampingan saksi di pengadilan")
        assert read.status_code == 200, read.text
        assert read.json()["witnesses"] == WITNESSES
    for headers in (await auth("reporter", "33.02"), await auth("reporter", "33")):
        problem(await _read(client, case_id, headers, "ingin tahu"), 403)
    problem(await _read(client, case_id, await auth("task_force_admin", "35"), "x"), 404)

    events = (
        await client.get(
            "/audit-events",
            params={"entity_type": "case", "entity_id": case_id},
            headers=national,
        )
    ).json()["items"]
    assert [e["reason"] for e in events if e["action"] == "read_personal"] == [
        "pendampingan saksi di pengadilan"
    ] * 3
    assert "Siti" not in repr(events)
    listed = await client.get("/cases", headers=national)
    assert "Siti" not in listed.text


async def test_witnesses_are_stored_encrypted(client, auth, national, session):
    """Permen PPPA 10/2012 §5.1.2: the witnesses' identities are never stored in clear."""
    case_id, _ = await _case_with_witnesses(client, auth, national)
    row = (
        await session.execute(
            text(
                "SELECT witnesses_key_id, witnesses_ciphertext, personal_ciphertext "
                "FROM victim_case"
            )
        )
    ).one()
    assert row[0]
    stored = bytes(row[1])
    for clear in (b"Siti", b"3302014101900002", b"tetangga"):
        assert clear not in stored
    assert stored != bytes(row[2])
    # read back through the API, the same witnesses
    read = await _read(client, case_id, national, "audit")
    assert read.json()["witnesses"] == WITNESSES


async def test_bad_witness_is_named_and_nothing_is_kept(client, auth, national):
    """Permen PPPA 10/2012 §5.1.2: a witness's NIK has 16 digits, as the victim's."""
    centre = await create_centre(client, national)
    headers = await auth("service_centre", centre=centre["id"])
    body = case_body("W-2", witnesses=[{"name": "X"}, {"name": "Y", "nik": "123"}])
    response = await client.put(
        f"/service-centres/{centre['id']}/cases/W-2", json=body, headers=headers
    )
    assert "witnesses.1.nik" in error_fields(problem(response, 422))
    assert (await client.get("/cases", headers=national)).json()["items"] == []


async def test_a_case_without_witnesses_is_pushed_as_before(client, auth, national):
    """Permen PPPA 10/2012 §5.1.2: witnesses are optional; adding them later is a new
    version, and the same body again is unchanged."""
    centre = await create_centre(client, national)
    headers = await auth("service_centre", centre=centre["id"])
    url = f"/service-centres/{centre['id']}/cases/W-3"
    first = await client.put(url, json=case_body("W-3"), headers=headers)
    assert first.json()["outcome"] == "created"
    with_witness = case_body("W-3", witnesses=WITNESSES[:1])
    assert (await client.put(url, json=with_witness, headers=headers)).json()["version"] == 2
    again = await client.put(url, json=with_witness, headers=headers)
    assert again.json()["outcome"] == "unchanged"
    read = await _read(client, first.json()["id"], national, "audit")
    assert read.json()["witnesses"] == WITNESSES[:1]
