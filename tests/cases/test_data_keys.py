"""Per-case data keys (docs/personal-data.md, "How it is sealed"): each case's personal
fields under a key of its own, wrapped by the service key and kept in the key store."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text

from gtpptppo_api.cases.sealing import rewrap, sweep
from gtpptppo_api.kit.crypto import DataKey, Keyring
from gtpptppo_api.settings import Settings
from tests.cases.helpers import case_body, create_centre
from tests.conftest import TEST_KEYS

NIK = "3302015507990001"


@pytest.fixture
async def banyumas(client, national, auth):
    centre = await create_centre(client, national, "33.02", "P2TP2A Banyumas")
    return centre, await auth("service_centre", centre=centre["id"])


@pytest.fixture
def ring(database_url: str) -> Keyring:
    """The service's keys and its key store, as the app under test has them."""
    return Keyring.from_settings(Settings(database_url=database_url, encryption_key=TEST_KEYS))


async def push(client, headers, centre, ref: str, **extra: Any) -> dict[str, Any]:
    body = case_body(ref, region=centre["region_code"], **extra)
    answer = await client.put(
        f"/service-centres/{centre['id']}/cases/{ref}", json=body, headers=headers
    )
    assert answer.status_code in (200, 201), answer.text
    result: dict[str, Any] = answer.json()
    return result


def reading(headers: dict[str, str]) -> dict[str, str]:
    return {**headers, "X-Access-Reason": "pendampingan"}


async def test_each_case_has_a_key_of_its_own_kept_out_of_the_database(
    client, session, banyumas, ring
):
    """Two cases, two data keys, wrapped by the newest service key and kept in the key
    store; the cases' database holds no key column. An update is sealed anew under the
    case's same key (a new one would replace the stored key before the update commits); it
    reads back."""
    centre, headers = banyumas
    first = await push(client, headers, centre, "K-1", personal={"name": "Ani", "nik": NIK})
    second = await push(client, headers, centre, "K-2", personal={"name": "Budi"})
    ids = [uuid.UUID(first["id"]), uuid.UUID(second["id"])]
    stored = await ring.key_store.get(ids)
    assert {key_id for key_id, _ in stored.values()} == {"k2"}
    assert stored[ids[0]][1] != stored[ids[1]][1]
    columns = (await session.execute(text("SELECT * FROM victim_case LIMIT 1"))).keys()
    assert not any("data_key" in name for name in columns)
    sealed = text("SELECT personal_ciphertext FROM victim_case WHERE external_ref = 'K-1'")
    before = await session.scalar(sealed)
    await push(client, headers, centre, "K-1", personal={"name": "Ani S.", "nik": NIK})
    assert await session.scalar(sealed) != before
    assert (await ring.key_store.get(ids[:1])) == {ids[0]: stored[ids[0]]}
    shown = await client.get(
        f"/cases/{first['id']}", params={"include": "personal"}, headers=reading(headers)
    )
    assert shown.json()["personal"]["name"] == "Ani S."


async def test_cases_sealed_before_per_case_keys_are_moved_to_keys_of_their_own(
    client, session, banyumas, ring
):
    """Existing records: a case sealed under the service key directly (as before) reads as
    it is, and ``gtpptppo keys rewrap`` seals it under a data key of its own, stored in the
    key store."""
    centre, headers = banyumas
    case = await push(client, headers, centre, "L-1", personal={"name": "Lama", "nik": NIK})
    case_id = uuid.UUID(case["id"])
    key_id, blob = ring.encrypt({"name": "Lama", "nik": NIK}, case["id"])
    await session.execute(
        text("UPDATE victim_case SET personal_key_id = :k, personal_ciphertext = :b"),
        {"k": key_id, "b": blob},
    )
    await session.commit()
    await ring.key_store.delete([case_id])
    url = f"/cases/{case['id']}"
    assert (await client.get(url, params={"include": "personal"}, headers=reading(headers))).json()[
        "personal"
    ]["name"] == "Lama"
    stats = await rewrap(session, ring)
    assert stats.resealed == 1
    await session.commit()
    columns = text("SELECT personal_key_id FROM victim_case")
    assert (await session.scalar(columns)) == "case"
    assert (await ring.key_store.get([case_id]))[case_id][0] == "k2"
    again = await client.get(url, params={"include": "personal"}, headers=reading(headers))
    assert again.json()["personal"]["name"] == "Lama"
    assert (await rewrap(session, ring)).resealed == 0  # safe to run again


async def test_the_sweep_removes_the_keys_no_case_needs(client, session, banyumas, ring):
    """A key stored by a push whose cases never committed (an orphan) is removed by the
    sweep once older than its bound, and not before; the key of a live case stays."""
    centre, headers = banyumas
    case = await push(client, headers, centre, "S-1", personal={"name": "Ani", "nik": NIK})
    live, orphan = uuid.UUID(case["id"]), uuid.uuid4()
    key_id, [wrapped] = ring.wrap([(DataKey.new(), str(orphan))])
    await ring.key_store.put([(orphan, key_id, wrapped)])
    await sweep(session, ring)  # the bound: an hour
    assert orphan in await ring.key_store.get([orphan])
    await sweep(session, ring, timedelta(0))
    assert set(await ring.key_store.get([live, orphan])) == {live}
