"""Imports of case records: the worker stores every valid row with the push's own rules."""

from __future__ import annotations

import io

from python_calamine import CalamineWorkbook

from gtpptppo_api.cases import service as cases_service
from gtpptppo_api.imports import service
from tests.cases.helpers import case_body, create_centre
from tests.helpers import problem
from tests.imports.helpers import XLSX_TYPE, csv_file, imported, run_jobs, upload, xlsx_file


async def test_csv_import_stores_valid_rows_and_names_refused_ones(
    client, session, centre, centre_auth
):
    """Valid rows are stored, an invalid one is refused naming its field, in two languages."""
    bodies = [
        case_body("IMP-1"),
        case_body("IMP-2", victim={"sex": "x", "age_at_identification": 3}),
    ]
    result = await imported(client, session, centre_auth, centre["id"], csv_file(bodies))
    assert result["state"] == "done", result
    assert (result["rows_total"], result["created"], result["refused"]) == (2, 1, 1)
    [refusal] = result["first_errors"]
    assert refusal["row_number"] == 3
    assert refusal["errors"][0]["field"] == "victim.sex"
    assert refusal["errors"][0]["pesan"]


async def test_the_same_file_twice_changes_nothing(client, session, centre, centre_auth):
    """Cases are keyed by external_ref: a second import of a file finds every case unchanged
    and stores no new version."""
    content = csv_file([case_body(f"TWICE-{i}") for i in range(5)])
    first = await imported(client, session, centre_auth, centre["id"], content)
    again = await imported(client, session, centre_auth, centre["id"], content)
    assert (first["created"], first["stored"]) == (5, 5)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 5)
    listed = await client.get("/cases", headers=centre_auth)
    assert {c["version"] for c in listed.json()["items"]} == {1}
    assert len(listed.json()["items"]) == 5


async def test_a_run_that_dies_mid_import_resumes_without_storing_a_row_twice(
    client, session, centre, centre_auth, monkeypatch
):
    """A worker dying after its first chunks: the next run starts after the last committed
    chunk; every row is counted once and stored once, refusals not repeated."""
    monkeypatch.setattr(service, "CHUNK_ROWS", 3)
    bodies = [case_body(f"RES-{i}") for i in range(10)]
    bodies[1] = case_body("RES-1", identified_on="2999-01-01")
    real = cases_service.store_items
    calls = {"n": 0}

    async def dies_on_the_third_chunk(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise ConnectionResetError("worker lost its connection")
        return await real(*args, **kwargs)

    monkeypatch.setattr(service.cases, "store_items", dies_on_the_third_chunk)
    response = await upload(client, centre_auth, centre["id"], csv_file(bodies))
    await run_jobs(session)  # the first attempt dies; its retry resumes
    result = (await client.get(response.headers["Location"][7:], headers=centre_auth)).json()
    assert result["state"] == "done", result
    assert (result["rows_done"], result["created"], result["refused"]) == (10, 9, 1)
    assert calls["n"] == 5  # 2 chunks, the one that died, then its retry and the last
    listed = await client.get("/cases", params={"limit": 50}, headers=centre_auth)
    refs = sorted(c["external_ref"] for c in listed.json()["items"])
    assert refs == sorted(f"RES-{i}" for i in range(10) if i != 1)


async def test_a_reference_repeated_in_a_file_is_refused_the_second_time(
    client, session, centre, centre_auth, monkeypatch
):
    """Across chunks too: the second row of a reference is refused, not stored over the first."""
    monkeypatch.setattr(service, "CHUNK_ROWS", 2)
    bodies = [case_body("DUP-1"), case_body("DUP-2"), case_body("DUP-1", status="closed")]
    result = await imported(client, session, centre_auth, centre["id"], csv_file(bodies))
    assert (result["created"], result["refused"]) == (2, 1)
    assert result["first_errors"][0]["row_number"] == 4
    assert result["first_errors"][0]["errors"][0]["field"] == "external_ref"


async def test_the_error_sheets_give_back_exactly_the_refused_rows(
    client, session, centre, centre_auth
):
    """errors.xlsx and errors.csv hold each refused row as sent, with what is wrong in
    Indonesian and English; the fixed sheet imports as it is."""
    bodies = [case_body(f"ES-{i}") for i in range(4)]
    bodies[2] = case_body("ES-2", registered_region_code="99.99")
    result = await imported(client, session, centre_auth, centre["id"], csv_file(bodies))
    assert result["refused"] == 1
    sheet = await client.get(result["errors_xlsx"][7:], headers=centre_auth)
    assert sheet.status_code == 200
    rows = list(
        CalamineWorkbook.from_filelike(io.BytesIO(sheet.content)).get_sheet_by_index(0).iter_rows()
    )
    assert rows[1][-2:] == ["masalah", "problem"]
    [row] = rows[2:]
    assert row[0] == "ES-2"
    assert "kode wilayah tidak dikenal" in row[-2]
    assert "unknown region code" in row[-1]
    text = (await client.get(result["errors_csv"][7:], headers=centre_auth)).text
    assert text.count("\n") == 2
    assert "ES-2" in text

    fixed = [[*cells] for cells in rows]
    fixed[2][rows[1].index("registered_region_code")] = "33.02"
    again = await imported(client, session, centre_auth, centre["id"], xlsx_file(fixed), XLSX_TYPE)
    assert (again["state"], again["created"], again["refused"]) == ("done", 1, 0)


async def test_imports_are_seen_only_by_who_pushes_for_the_centre(
    client, session, centre, centre_auth, auth, national
):
    """An import's refused rows hold personal data: another centre gets 404."""
    other = await create_centre(client, national, region="33.01")
    other_auth = await auth("service_centre", centre=other["id"])
    result = await imported(
        client, session, centre_auth, centre["id"], csv_file([case_body("V-1")])
    )
    problem(await client.get(f"/imports/{result['id']}", headers=other_auth), 404)
    problem(await client.get(f"/imports/{result['id']}/errors.csv", headers=other_auth), 404)
    problem(await upload(client, other_auth, centre["id"], csv_file([case_body("V-2")])), 404)
    assert (await client.get(f"/imports/{result['id']}", headers=national)).status_code == 200


async def test_a_large_batch_goes_through_the_worker_as_an_import(
    app, client, session, centre, centre_auth
):
    """A cases:batch past GTPPTPPO_BATCH_INLINE_ITEMS is answered 202 with an import; the
    worker stores it with the push's checks (row n is item n - 1); a retry with the same
    Idempotency-Key gets the same import."""
    app.state.settings.batch_inline_items = 3
    items = [case_body(f"BIG-{i}") for i in range(5)]
    items[3]["victim"] = {"sex": "x", "age_at_identification": 3}
    url = f"/service-centres/{centre['id']}/cases:batch"
    key = {**centre_auth, "Idempotency-Key": "big-1"}
    response = await client.post(url, json=items, headers=key)
    assert response.status_code == 202, response.text
    again = await client.post(url, json=items, headers=key)
    assert again.status_code == 202
    assert again.headers["Location"] == response.headers["Location"]
    await run_jobs(session)
    result = (await client.get(response.headers["Location"][7:], headers=centre_auth)).json()
    assert (result["state"], result["created"], result["refused"]) == ("done", 4, 1)
    assert result["first_errors"][0]["row_number"] == 4
    small = await client.post(url, json=items[:3], headers=centre_auth)
    assert small.status_code == 200
    assert small.json()["unchanged"] == 3
