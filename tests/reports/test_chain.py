"""The reporting chain of Lampiran V (Permen PPPA 10/2012 §3.3.3): two regencies → a province
→ the nation."""

from __future__ import annotations

import pytest

from tests.helpers import error_fields, problem
from tests.reports.support import (
    YEAR,
    open_report,
    push_cases,
    run_generation_jobs,
    step,
    through_to_forwarded,
    unit,
)


@pytest.fixture
async def chain(client, national, auth):
    units = {
        code: await unit(client, national, auth, code) for code in ("ID", "33", "33.02", "33.74")
    }
    await push_cases(client, national, auth, "33.02", 7)
    await push_cases(client, national, auth, "33.74", 5)
    return units


async def get(client, headers, report_id):
    response = await client.get(f"/reports/{report_id}", headers=headers)
    assert response.status_code in (200, 202), response.text
    return response.json()


async def test_full_chain_national_equals_the_sum_of_the_leaves(client, session, chain):
    """Lampiran V: regency chairs report up to the province, the province to the nation."""
    regencies = {}
    for code in ("33.02", "33.74"):
        report = await open_report(client, chain[code].admin, chain[code])
        regencies[code] = report
    await run_generation_jobs(session)
    for code, report in regencies.items():
        ready = await client.get(f"/reports/{report['id']}", headers=chain[code].admin)
        assert ready.status_code == 200
        assert ready.json()["generation"] == "ready"
        forwarded = await through_to_forwarded(client, chain[code], report["id"])
        assert forwarded["state"] == "forwarded"
        assert forwarded["frozen_version"] == 1
        # the level above receives it
        received = await step(client, chain["33"].admin, report["id"], "receive")
        assert received.json()["state"] == "received"

    province = await open_report(client, chain["33"].admin, chain["33"])
    await run_generation_jobs(session)
    figures = (await get(client, chain["33"].admin, province["id"]))["figures"]
    assert figures["victims"]["total"] == 12
    completeness = figures["completeness"]
    assert (completeness["expected"], completeness["received"], completeness["rate"]) == (2, 2, 1.0)
    rows = {r["region_code"]: r for r in completeness["rows"]}
    assert rows["33.02"]["status"] == "in"
    assert rows["33.02"]["forwarded_total"] == 7
    assert rows["33.01"]["status"] == "no_task_force"
    assert all(r["difference"] == 0 for r in figures["reconciliation"])
    await through_to_forwarded(client, chain["33"], province["id"])

    nation = await open_report(client, national_headers(chain), chain["ID"])
    await run_generation_jobs(session)
    national_figures = (await get(client, national_headers(chain), nation["id"]))["figures"]
    leaves = sum(r["forwarded_total"] for r in rows.values() if r["status"] == "in")
    assert national_figures["victims"]["total"] == leaves == 12
    provinces = {r["region_code"]: r for r in national_figures["completeness"]["rows"]}
    assert provinces["33"]["status"] == "in"
    assert provinces["33"]["forwarded_total"] == 12
    assert national_figures["completeness"]["expected"] == 1
    by_region = {r["region_code"]: r["count"] for r in national_figures["victims"]["by_region"]}
    assert by_region == {"33": 12}


def national_headers(chain):
    return chain["ID"].admin


async def test_each_step_needs_its_actor_and_its_level(client, session, chain, auth):
    regency = chain["33.02"]
    report = await open_report(client, regency.admin, regency)
    await run_generation_jobs(session)
    rid = report["id"]

    # the level above cannot submit; a reporter moves nothing
    body = problem(await step(client, chain["33"].admin, rid, "submit"), 403)
    assert "Lampiran V" in body["detail"]
    problem(await step(client, await auth("reporter", "33.02"), rid, "submit"), 403)
    # out of order
    problem(
        await step(client, regency.admin, rid, "forward", acting_member_id=regency.chair["id"]), 409
    )

    assert (await step(client, regency.admin, rid, "submit")).status_code == 200
    # discussed only in a plenary meeting of this task force
    other = chain["33.74"].plenary["id"]
    problem(await step(client, regency.admin, rid, "discuss", meeting_id=other), 422)
    assert (
        await step(client, regency.admin, rid, "discuss", meeting_id=regency.plenary["id"])
    ).status_code == 200
    # the daily chair consolidates (not the chair)
    error = problem(
        await step(client, regency.admin, rid, "consolidate", acting_member_id=regency.chair["id"]),
        422,
    )
    assert error["errors"][0]["field"] == "acting_member_id"
    assert (
        await step(
            client, regency.admin, rid, "consolidate", acting_member_id=regency.daily_chair["id"]
        )
    ).status_code == 200
    # the chair forwards
    problem(
        await step(
            client, regency.admin, rid, "forward", acting_member_id=regency.daily_chair["id"]
        ),
        422,
    )
    assert (
        await step(client, regency.admin, rid, "forward", acting_member_id=regency.chair["id"])
    ).status_code == 200
    # the level above returns it, with a reason
    problem(await step(client, chain["33"].admin, rid, "return"), 422)
    problem(await step(client, regency.admin, rid, "return", comment="x"), 403)
    returned = await step(client, chain["33"].admin, rid, "return", comment="Data layanan kurang")
    assert returned.json()["state"] == "returned"
    assert (await step(client, regency.admin, rid, "submit")).json()["state"] == "submitted"

    history = (await client.get(f"/reports/{rid}/transitions", headers=regency.admin)).json()
    assert [t["action"] for t in history["items"]] == [
        "submit",
        "discuss",
        "consolidate",
        "forward",
        "return",
        "submit",
    ]
    assert history["items"][4]["comment"] == "Data layanan kurang"
    assert history["items"][4]["actor_role"] == "task_force_admin"


async def test_late_cases_show_as_a_difference_and_a_new_version(
    client, session, chain, national, auth
):
    regency = chain["33.02"]
    report = await open_report(client, regency.admin, regency)
    await run_generation_jobs(session)
    await through_to_forwarded(client, regency, report["id"])
    await push_cases(client, national, auth, "33.02", 2, prefix="LATE")

    # the forwarded version is frozen
    problem(await client.post(f"/reports/{report['id']}/generations", headers=regency.admin), 409)
    province = await open_report(client, chain["33"].admin, chain["33"])
    await run_generation_jobs(session)
    figures = (await get(client, chain["33"].admin, province["id"]))["figures"]
    difference = {r["region_code"]: r for r in figures["reconciliation"]}
    assert difference["33.02"] == {
        "region_code": "33.02",
        "region_name": "Kabupaten Banyumas",
        "forwarded_total": 7,
        "live_total": 9,
        "difference": 2,
    }
    # returned, resubmitted and regenerated: a new version, and the diff says what changed
    await step(client, chain["33"].admin, report["id"], "return", comment="Ada kasus terlambat")
    await step(client, regency.admin, report["id"], "submit")
    again = await client.post(f"/reports/{report['id']}/generations", headers=regency.admin)
    assert again.status_code == 202
    await run_generation_jobs(session)
    current = await get(client, regency.admin, report["id"])
    assert (current["version"], current["figures"]["victims"]["total"]) == (2, 9)
    versions = (await client.get(f"/reports/{report['id']}/versions", headers=regency.admin)).json()
    assert [v["number"] for v in versions["items"]] == [1, 2]
    assert versions["items"][0]["content_hash"] != versions["items"][1]["content_hash"]
    diff = (
        await client.get(f"/reports/{report['id']}/versions/1/diff/2", headers=regency.admin)
    ).json()
    changes = {c["path"]: (c["before"], c["after"]) for c in diff["changes"]}
    assert changes["victims.total"] == (7, 9)


async def test_regenerating_unchanged_data_keeps_the_version(client, session, chain):
    regency = chain["33.74"]
    report = await open_report(client, regency.admin, regency)
    await run_generation_jobs(session)
    await client.post(f"/reports/{report['id']}/generations", headers=regency.admin)
    await run_generation_jobs(session)
    versions = (await client.get(f"/reports/{report['id']}/versions", headers=regency.admin)).json()
    assert len(versions["items"]) == 1


async def test_five_year_report_has_a_yearly_series(client, session, chain, national, auth):
    regency = chain["33.74"]
    report = await open_report(client, regency.admin, regency, kind="five_year", year=YEAR - 4)
    assert report["years"] == list(range(YEAR - 4, YEAR + 1))
    await run_generation_jobs(session)
    figures = (await get(client, regency.admin, report["id"]))["figures"]
    assert {c["year"] for c in figures["victims"]["cells"]} == {YEAR}
    assert sum(c["count"] for c in figures["victims"]["cells"]) == 5
    assert set(figures["sections"]["meetings"]) == {str(y) for y in report["years"]}


async def test_narratives_of_sub_task_forces_enter_the_report(client, session, chain, auth):
    regency = chain["33.02"]
    units = (
        await client.get(f"/task-forces/{regency.id}/sub-task-forces", headers=regency.admin)
    ).json()["items"]
    reporter = await auth("reporter", "33.02")
    created = await client.post(
        "/sub-task-force-reports",
        json={
            "sub_task_force_id": units[0]["id"],
            "kind": "annual",
            "year": YEAR,
            "activities": "Sosialisasi di 12 desa",
            "obstacles": "",
            "recommendations": "Perluas ke sekolah",
        },
        headers=reporter,
    )
    assert created.status_code == 201, created.text
    nid = created.json()["id"]
    # all three parts before it is submitted
    assert (
        problem(await client.post(f"/sub-task-force-reports/{nid}/submit", headers=reporter), 422)[
            "errors"
        ][0]["field"]
        == "obstacles"
    )
    await client.patch(
        f"/sub-task-force-reports/{nid}", json={"obstacles": "Anggaran terbatas"}, headers=reporter
    )
    submitted = await client.post(f"/sub-task-force-reports/{nid}/submit", headers=reporter)
    assert submitted.json()["state"] == "submitted"

    report = await open_report(client, regency.admin, regency)
    await run_generation_jobs(session)
    narratives = (await get(client, regency.admin, report["id"]))["figures"]["narratives"]
    assert [n["activities"] for n in narratives] == ["Sosialisasi di 12 desa"]


async def test_reports_are_scoped_and_duplicates_refused(client, session, chain, auth):
    report = await open_report(client, chain["33.02"].admin, chain["33.02"])
    problem(await client.get(f"/reports/{report['id']}", headers=chain["33.74"].admin), 404)
    assert (
        await client.get(f"/reports/{report['id']}", headers=chain["33"].admin)
    ).status_code in (
        200,
        202,
    )
    again = await client.post(
        "/reports",
        json={"task_force_id": chain["33.02"].id, "kind": "annual", "year": YEAR},
        headers=chain["33.02"].admin,
    )
    assert problem(again, 409)["existing_report_id"] == report["id"]
    problem(await client.get("/reports", headers=await auth("analyst")), 403)


async def test_document_formats_hold_no_personal_field(client, session, chain):
    regency = chain["33.02"]
    report = await open_report(client, regency.admin, regency)
    await run_generation_jobs(session)
    for fmt, media in (
        ("html", "text/html"),
        ("pdf", "application/pdf"),
        ("json", "application/json"),
        ("csv", "text/csv"),
    ):
        response = await client.get(
            f"/reports/{report['id']}/document", params={"format": fmt}, headers=regency.admin
        )
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith(media)
        assert b"Rahasia" not in response.content
    html = (await client.get(f"/reports/{report['id']}/document", headers=regency.admin)).text
    assert "Tabel 1" in html


async def test_a_document_can_be_asked_for_in_english(client, session, chain):
    """The report document in English (``lang=en``), from the same templates and figures;
    Indonesian by default; another language is a 422 naming ``lang``."""
    regency = chain["33.02"]
    report = await open_report(client, regency.admin, regency)
    await run_generation_jobs(session)
    url = f"/reports/{report['id']}/document"
    english = await client.get(url, params={"lang": "en"}, headers=regency.admin)
    assert english.status_code == 200, english.text
    assert english.headers["content-language"] == "en"
    assert "Annual Report" in english.text
    assert "Table 1" in english.text
    assert "Tabel 1" not in english.text
    indonesian = await client.get(url, headers=regency.admin)
    assert indonesian.headers["content-language"] == "id"
    assert "Laporan Tahunan" in indonesian.text
    pdf = await client.get(url, params={"lang": "en", "format": "pdf"}, headers=regency.admin)
    assert pdf.headers["content-type"] == "application/pdf"
    body = problem(await client.get(url, params={"lang": "fr"}, headers=regency.admin), 422)
    assert "lang" in error_fields(body)
