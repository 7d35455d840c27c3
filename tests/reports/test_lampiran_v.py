"""The whole chain of Lampiran V above the regency (Permen PPPA 10/2012 §3.3.3 a-c): each
step's sender and receiver, the heads of region's steps recorded by their secretariats with
the letter's number and date, and no receipt of the national report by its own
secretariat."""

from __future__ import annotations

from typing import Any

from tests.helpers import error_fields, problem
from tests.reports.support import (
    open_report,
    run_generation_jobs,
    step,
    through_to_forwarded,
    unit,
)

LETTER = {"letter_number": "400/123/2025", "letter_date": "2025-01-15"}


async def _forwarded(client, session, national, auth, region: str):
    task_force = await unit(client, national, auth, region)
    report = await open_report(client, task_force.admin, task_force)
    await run_generation_jobs(session)
    forwarded = await through_to_forwarded(client, task_force, report["id"])
    assert forwarded["state"] == "forwarded"
    return task_force, report["id"]


async def _last(client, headers, report_id: int) -> dict[str, Any]:
    response = await client.get(f"/reports/{report_id}/transitions", headers=headers)
    last: dict[str, Any] = response.json()["items"][-1]
    return last


async def test_a_regency_report_goes_to_the_bupati_and_on_to_the_governor(
    client, session, national, auth
):
    """Permen PPPA 10/2012 §3.3.3 c 4-5: the chair reports to the Bupati/Walikota and the
    provincial secretariat; the Bupati/Walikota reports to the Governor; the regency's
    secretariat records the Bupati's steps, with the letter's number and date."""
    await unit(client, national, auth, "33")
    regency, rid = await _forwarded(client, session, national, auth, "33.02")
    forward = await _last(client, regency.admin, rid)
    assert (forward["sender"], forward["receiver"]) == (
        "Ketua GT-PPTPPO Kabupaten/Kota",
        "Bupati/Walikota dan Sekretariat GT-PPTPPO Provinsi",
    )
    province = await auth("task_force_admin", "33")

    early = await step(client, regency.admin, rid, "head_forward", **LETTER)
    problem(early, 409)  # the Bupati reports on what it received
    no_letter = await step(client, regency.admin, rid, "head_receive")
    assert "letter_number" in error_fields(problem(no_letter, 422))
    problem(await step(client, province, rid, "head_receive", **LETTER), 403)

    received = await step(client, regency.admin, rid, "head_receive", **LETTER)
    assert received.status_code == 200, received.text
    assert received.json()["state"] == "forwarded"  # the head's step changes no state
    onward = await step(client, regency.admin, rid, "head_forward", **LETTER)
    assert onward.status_code == 200, onward.text
    last = await _last(client, regency.admin, rid)
    assert (last["sender"], last["receiver"]) == ("Bupati/Walikota", "Gubernur")
    assert (last["letter_number"], last["letter_date"]) == ("400/123/2025", "2025-01-15")
    problem(await step(client, regency.admin, rid, "head_forward", **LETTER), 409)

    # the provincial secretariat receives the chair's report as before
    taken = await step(client, province, rid, "receive")
    assert taken.json()["state"] == "received"
    assert (await _last(client, province, rid))["receiver"] == "Sekretariat GT-PPTPPO Provinsi"
    html = await client.get(f"/reports/{rid}/document?format=html", headers=national)
    assert "Bupati/Walikota → Gubernur (surat 400/123/2025, 15 Januari 2025)" in html.text


async def test_a_province_report_reaches_the_nation_through_the_governor(
    client, session, national, auth
):
    """Permen PPPA 10/2012 §3.3.3 b 4-5: the chair reports to the Governor; the Governor
    reports to the President through the Minister of Home Affairs and the Coordinating
    Minister, chair of the national task force, whose secretariat then receives it."""
    await unit(client, national, auth, "ID")
    province, rid = await _forwarded(client, session, national, auth, "33")
    problem(await step(client, national, rid, "receive"), 409)  # not before the Governor's
    for action in ("head_receive", "head_forward"):
        done = await step(client, province.admin, rid, action, **LETTER)
        assert done.status_code == 200, done.text
    last = await _last(client, province.admin, rid)
    assert last["sender"] == "Gubernur"
    assert last["receiver"].startswith("Presiden melalui Menteri Dalam Negeri dan Menko Kesra")
    received = await step(client, national, rid, "receive")
    assert received.json()["state"] == "received"


async def test_the_national_report_is_not_received_by_its_own_secretariat(
    client, session, national, auth
):
    """Permen PPPA 10/2012 §3.3.3 a 4: the national chair reports to the President; the
    national secretariat that forwarded the report neither receives nor returns it, and no
    head of region takes a step."""
    nation, rid = await _forwarded(client, session, national, auth, "ID")
    forward = await _last(client, nation.admin, rid)
    assert (forward["sender"], forward["receiver"]) == ("Ketua GT-PPTPPO Pusat", "Presiden")
    problem(await step(client, national, rid, "receive"), 409)
    problem(await step(client, national, rid, "return", comment="x"), 409)
    problem(await step(client, national, rid, "head_receive", **LETTER), 409)
    report = await client.get(f"/reports/{rid}", headers=national)
    assert report.json()["state"] == "forwarded"
