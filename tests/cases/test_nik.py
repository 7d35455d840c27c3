"""A NIK is 16 ASCII digits (Permendagri on the Nomor Induk Kependudukan): the same NIK typed
in full-width digits is the same NIK (NFKC), and digits of other scripts are refused, so a
victim is never counted twice through another spelling of one number."""

from __future__ import annotations

import pytest

from tests.cases.helpers import case_body, create_centre
from tests.helpers import problem

NIK = "3302015507080001"
FULL_WIDTH = "".join(chr(ord(d) - ord("0") + 0xFF10) for d in NIK)  # ３３０２...
ARABIC_INDIC = "".join(chr(ord(d) - ord("0") + 0x0660) for d in NIK)  # ٣٣٠٢...
DEVANAGARI = "".join(chr(ord(d) - ord("0") + 0x0966) for d in NIK)


@pytest.fixture
async def centre(client, national):
    return await create_centre(client, national)


async def _put(client, headers, centre, ref, nik):
    return await client.put(
        f"/service-centres/{centre['id']}/cases/{ref}",
        json=case_body(ref, personal={"nik": nik}),
        headers=headers,
    )


async def test_a_full_width_nik_is_the_same_nik(client, national, centre):
    """Full-width digits (and a full-width hyphen) are normalised: the second case is a
    likely duplicate of the first, the victim counted once, and the NIK reads back ASCII."""
    first = await _put(client, national, centre, "N-1", NIK)
    assert first.status_code == 201, first.text
    spaced = FULL_WIDTH[:6] + "\uff0d" + FULL_WIDTH[6:]
    second = await _put(client, national, centre, "N-2", spaced)
    assert second.status_code == 201, second.text
    read = await client.get(
        f"/cases/{second.json()['id']}",
        params={"include": "personal"},
        headers={**national, "X-Access-Reason": "test"},
    )
    assert read.json()["personal"]["nik"] == NIK
    assert read.json()["likely_duplicates"] == [first.json()["id"]]
    victims = await client.get("/statistics/victims", params={"group_by": "year"}, headers=national)
    assert victims.status_code == 200, victims.text
    assert victims.json()["merged_records"] == 1


@pytest.mark.parametrize("nik", [ARABIC_INDIC, DEVANAGARI, NIK[:8] + ARABIC_INDIC[8:]])
async def test_digits_of_other_scripts_are_refused_naming_the_field(client, national, centre, nik):
    response = await _put(client, national, centre, "N-3", nik)
    body = problem(response, 422)
    assert [e["field"] for e in body["errors"]] == ["personal.nik"]
    assert nik not in response.text  # the value is not echoed
    listed = await client.get("/cases", headers=national)
    assert listed.json()["items"] == []


async def test_a_batch_item_with_other_digits_is_invalid_and_stores_nothing(
    client, national, centre
):
    response = await client.post(
        f"/service-centres/{centre['id']}/cases:batch",
        json=[case_body("N-4", personal={"nik": ARABIC_INDIC})],
        headers=national,
    )
    assert response.status_code == 200, response.text
    result = response.json()["results"][0]
    assert result["outcome"] == "invalid"
    assert [e["field"] for e in result["errors"]] == ["personal.nik"]
