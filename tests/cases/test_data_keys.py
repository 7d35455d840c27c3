"""Per-case data keys (docs/personal-data.md, "How it is sealed"): each case's personal
fields under a key of its own, wrapped by the service key."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from gtpptppo_api.cases.sealing import rewrap
from gtpptppo_api.kit.crypto import Keyring, parse_keys
from tests.cases.helpers import case_body, create_centre
from tests.conftest import TEST_KEYS

NIK = "3302015507990001"


@pytest.fixture
async def banyumas(client, national, auth):
    centre = await create_centre(client, national, "33.02", "P2TP2A Banyumas")
    return centre, await auth("service_centre", centre=centre["id"])


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


async def test_each_case_has_a_key_of_its_own_and_an_update_a_new_one(client, session, banyumas):
    """Two cases, two data keys; a new version of a case is sealed under a fresh key; the
    newest service key wraps them; both read back."""
    centre, headers = banyumas
    first = await push(client, headers, centre, "K-1", personal={"name": "Ani", "nik": NIK})
    await push(client, headers, centre, "K-2", personal={"name": "Budi"})
    query = text("SELECT id, data_key_id, data_key FROM victim_case ORDER BY external_ref")
    keys = (await session.execute(query)).all()
    assert {row.data_key_id for row in keys} == {"k2"}
    assert keys[0].data_key != keys[1].data_key
    await push(client, headers, centre, "K-1", personal={"name": "Ani S.", "nik": NIK})
    again = (await session.execute(query)).all()
    assert again[0].data_key != keys[0].data_key
    shown = await client.get(
        f"/cases/{first['id']}", params={"include": "personal"}, headers=reading(headers)
    )
    assert shown.json()["personal"]["name"] == "Ani S."


async def test_cases_sealed_before_per_case_keys_are_moved_to_keys_of_their_own(
    client, session, banyumas
):
    """Existing records: a case sealed under the service key directly (as before) reads as
    it is, and ``gtpptppo keys rewrap`` seals it under a data key of its own."""
    centre, headers = banyumas
    case = await push(client, headers, centre, "L-1", personal={"name": "Lama", "nik": NIK})
    ring = Keyring(tuple(parse_keys(TEST_KEYS)))
    key_id, blob = ring.encrypt({"name": "Lama", "nik": NIK}, case["id"])
    await session.execute(
        text(
            "UPDATE victim_case SET personal_key_id = :k, personal_ciphertext = :b, "
            "data_key_id = NULL, data_key = NULL"
        ),
        {"k": key_id, "b": blob},
    )
    await session.commit()
    url = f"/cases/{case['id']}"
    assert (await client.get(url, params={"include": "personal"}, headers=reading(headers))).json()[
        "personal"
    ]["name"] == "Lama"
    stats = await rewrap(session, ring)
    assert (stats.resealed, stats.rewrapped) == (1, 0)
    await session.commit()
    columns = text("SELECT personal_key_id, data_key_id FROM victim_case")
    row = (await session.execute(columns)).one()
    assert tuple(row) == ("case", "k2")
    again = await client.get(url, params={"include": "personal"}, headers=reading(headers))
    assert again.json()["personal"]["name"] == "Lama"
    assert (await rewrap(session, ring)).resealed == 0  # safe to run again
