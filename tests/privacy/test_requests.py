"""Data subject requests (UU 27/2022): access across centres, restriction, rectification,
the law's clock and the compliance dashboard (docs/personal-data.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gtpptppo_api.kit import clock
from tests.cases.helpers import create_centre
from tests.helpers import error_fields, problem
from tests.privacy.support import NIK, OTHER_NIK, ask, complete, push, reading


@pytest.fixture
async def centres(client, national, auth):
    banyumas = await create_centre(client, national, "33.02", "P2TP2A Banyumas")
    surabaya = await create_centre(client, national, "35.78", "PPT Surabaya")
    return {
        "banyumas": (banyumas, await auth("service_centre", centre=banyumas["id"])),
        "surabaya": (surabaya, await auth("service_centre", centre=surabaya["id"])),
    }


async def test_an_access_request_returns_the_person_across_centres_and_no_one_else(client, centres):
    """Access (UU 27/2022 art. 32): the copy holds every case with the person's NIK, at
    every centre, with their personal fields and witnesses, delivered to the centre that
    received the request; another person's case at the same centre is not in it."""
    banyumas, b_auth = centres["banyumas"]
    surabaya, s_auth = centres["surabaya"]
    person = {"name": "Sri Wahyuni", "nik": NIK, "phone": "081200000001"}
    own = await push(client, b_auth, banyumas, "B-1", personal=person)
    witness = [{"name": "Ibu Sri", "relation": "ibu"}]
    elsewhere = await push(
        client,
        s_auth,
        surabaya,
        "S-1",
        identified_on="2023-02-01",
        services=[{"type": "complaint", "started_on": "2023-02-01"}],
        personal={"name": "Sri W.", "nik": NIK},
        witnesses=witness,
    )
    stranger = await push(
        client, b_auth, banyumas, "B-2", personal={"name": "Dewi Lestari", "nik": OTHER_NIK}
    )

    request = await ask(client, b_auth, banyumas, own["id"], "access")
    assert request["state"] == "received"
    assert not request["overdue"]
    copy = await client.get(f"/data-requests/{request['id']}/copy", headers=b_auth)
    assert copy.status_code == 200, copy.text
    held = {case["id"]: case for case in copy.json()["cases"]}
    assert set(held) == {own["id"], elsewhere["id"]}
    assert held[own["id"]]["personal"] == {**person, "date_of_birth": None}
    assert held[elsewhere["id"]]["personal"]["name"] == "Sri W."
    assert [w["name"] for w in held[elsewhere["id"]]["witnesses"]] == ["Ibu Sri"]
    assert stranger["id"] not in copy.text
    assert "Dewi Lestari" not in copy.text
    assert [r["id"] for r in copy.json()["requests"]] == [request["id"]]

    # delivered to the centre that received it: not to the other centre
    problem(await client.get(f"/data-requests/{request['id']}/copy", headers=s_auth), 404)
    done = await complete(client, b_auth, request["id"])
    assert done.json()["state"] == "completed"
    assert done.json()["handled_by"].startswith("test service_centre")
    problem(await complete(client, b_auth, request["id"]), 409)


async def test_a_request_names_a_case_of_the_receiving_centre(client, centres, national):
    """Bad input names its field and records nothing."""
    banyumas, b_auth = centres["banyumas"]
    surabaya, s_auth = centres["surabaya"]
    theirs = await push(client, s_auth, surabaya, "S-9")
    bad = await client.post(
        f"/service-centres/{banyumas['id']}/data-requests",
        json={"kind": "access", "case_id": theirs["id"]},
        headers=b_auth,
    )
    assert error_fields(problem(bad, 422)) == {"case_id"}
    wrong = await client.post(
        f"/service-centres/{surabaya['id']}/data-requests",
        json={"kind": "access", "case_id": theirs["id"], "keep_counts": False},
        headers=s_auth,
    )
    assert error_fields(problem(wrong, 422)) == {"keep_counts"}
    listed = await client.get("/data-requests", headers=national)
    assert listed.json()["items"] == []


async def test_a_restricted_case_is_kept_but_its_personal_fields_are_not_used(client, centres):
    """Restriction: the record stays (counted), its personal fields are not shown until the
    restriction is lifted."""
    banyumas, b_auth = centres["banyumas"]
    case = await push(client, b_auth, banyumas, "R-1", personal={"name": "Ani", "nik": NIK})
    request = await ask(client, b_auth, banyumas, case["id"], "restriction")
    assert (await complete(client, b_auth, request["id"])).json()["cases_affected"] == 1
    url = f"/cases/{case['id']}"
    problem(await client.get(url, params={"include": "personal"}, headers=reading(b_auth)), 409)
    assert (await client.get(url, headers=b_auth)).status_code == 200
    lifted = await client.post(
        f"/data-requests/{request['id']}/lifting",
        json={"resolution": "keberatan selesai"},
        headers=b_auth,
    )
    assert lifted.json()["state"] == "lifted"
    shown = await client.get(url, params={"include": "personal"}, headers=reading(b_auth))
    assert shown.json()["personal"]["name"] == "Ani"


async def test_a_rectification_completes_once_the_corrected_case_is_pushed(client, centres):
    """Rectification: the centre pushes the corrected record; completing before is a 409."""
    banyumas, b_auth = centres["banyumas"]
    case = await push(client, b_auth, banyumas, "C-1", personal={"name": "Any", "nik": NIK})
    request = await ask(
        client, b_auth, banyumas, case["id"], "rectification", note="nama salah eja"
    )
    problem(await complete(client, b_auth, request["id"]), 409)
    await push(client, b_auth, banyumas, "C-1", personal={"name": "Ani", "nik": NIK})
    assert (await complete(client, b_auth, request["id"])).json()["state"] == "completed"


async def test_a_request_open_past_three_days_is_overdue_on_the_dashboard(
    client, centres, national
):
    """The law's clock: 3 x 24 hours from receipt; past it, an open request is overdue in
    the list and on the compliance dashboard of its region, not of another."""
    banyumas, b_auth = centres["banyumas"]
    case = await push(client, b_auth, banyumas, "D-1", personal={"nik": NIK})
    received = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    with clock.frozen_at(received):
        request = await ask(client, b_auth, banyumas, case["id"], "erasure")
    assert request["due_at"].startswith("2026-03-05T01:00")
    with clock.frozen_at(received + timedelta(hours=71)):
        assert (await client.get("/data-requests?overdue=true", headers=b_auth)).json()[
            "items"
        ] == []
    with clock.frozen_at(received + timedelta(hours=73)):
        late = (await client.get("/data-requests?overdue=true", headers=b_auth)).json()
        board = await client.get("/compliance?region_code=33&year=2026", headers=national)
        other = await client.get("/compliance?region_code=35&year=2026", headers=national)
    assert [r["id"] for r in late["items"]] == [request["id"]]
    assert [r["id"] for r in board.json()["overdue_data_requests"]] == [request["id"]]
    assert other.json()["overdue_data_requests"] == []
