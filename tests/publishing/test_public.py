"""Publishing reports to the community (2.1.4 a.5, 2.2.4 a.6, 2.3.4 a.6), the public site
(5.4) and its Atom feeds: no token, published data only, de-identified and suppressed."""

from __future__ import annotations

import asyncio
import io
import time
import xml.etree.ElementTree as ET

import httpx
import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from gtpptppo_api.cases.models import Case
from gtpptppo_api.disclosure.ptable import load
from gtpptppo_api.publishing import render
from gtpptppo_api.publishing import site as site_module
from tests.conftest import build_app
from tests.helpers import error_fields, problem
from tests.publishing.support import (
    INTERNAL_OBSTACLE,
    PARTNER_CONTACT,
    PDF_ROW,
    PUBLIC_ACTIVITY,
    REGION,
    SECRET_NAME,
    SECRET_NIK,
    SEEDED,
    THRESHOLD,
    Counts,
    forwarded_report,
    narrative,
    partners,
    publish,
    push_table,
    small,
)
from tests.reports.support import (
    open_report,
    push_cases,
    run_generation_jobs,
    step,
    through_to_forwarded,
    unit,
)

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
async def public(app):
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


@pytest.fixture
async def regency(client, session, national, auth):
    regency = await unit(client, national, auth, REGION)
    await push_table(client, national, auth)
    await narrative(client, regency.admin, regency)
    await partners(client, regency.admin, regency)
    return regency


def run_jobs(session):
    async def run() -> None:
        await run_generation_jobs(session)

    return run


async def test_unpublished_or_unforwarded_reports_are_404_publicly(
    client, session, public, regency, national, auth
):
    """2.3.4 a.6: only a forwarded report, published by its chair, is public."""
    report = await open_report(client, regency.admin, regency)
    await run_generation_jobs(session)
    problem(await public.get(f"/public/reports/{report['id']}"), 404)
    # a draft cannot be published
    problem(await publish(client, regency, report["id"]), 409)
    problem(await public.get(f"/public/reports/{report['id']}"), 404)
    problem(await public.get(f"/public/reports/{report['id']}.pdf"), 404)

    # forwarded but not yet published: still 404
    for action, extra in (
        ("submit", {}),
        ("discuss", {"meeting_id": regency.plenary["id"]}),
        ("consolidate", {"acting_member_id": regency.daily_chair["id"]}),
        ("forward", {"acting_member_id": regency.chair["id"]}),
    ):
        assert (await step(client, regency.admin, report["id"], action, **extra)).status_code == 200
    problem(await public.get(f"/public/reports/{report['id']}"), 404)

    published = await publish(client, regency, report["id"])
    assert published.status_code == 201, published.text
    assert published.json()["url"] == f"/public/reports/{report['id']}"
    assert (await public.get(f"/public/reports/{report['id']}")).status_code == 200

    # returned for revision by the province: no longer public
    province = await auth("task_force_admin", "33")
    returned = await step(client, province, report["id"], "return", comment="Perbaiki data")
    assert returned.status_code == 200, returned.text
    problem(await public.get(f"/public/reports/{report['id']}"), 404)
    problem(await public.get("/public/reports/999999"), 404)


async def test_only_the_chair_publishes_through_its_own_secretariat(client, session, regency, auth):
    """The chair reports to the community (2.3.4 a.6): the secretariat names the serving
    chair; a daily chair, a reporter or another jurisdiction cannot publish."""
    report = await forwarded_report(client, regency, run_jobs(session))
    url = f"/reports/{report['id']}/publication"
    wrong = await client.post(
        url, json={"acting_member_id": regency.daily_chair["id"]}, headers=regency.admin
    )
    assert "acting_member_id" in error_fields(problem(wrong, 422))
    reporter = await auth("reporter", REGION)
    problem(
        await client.post(url, json={"acting_member_id": regency.chair["id"]}, headers=reporter),
        403,
    )
    other = await auth("task_force_admin", "32")
    problem(
        await client.post(url, json={"acting_member_id": regency.chair["id"]}, headers=other), 404
    )
    province = await auth("task_force_admin", "33")  # sees it, but is not its secretariat
    problem(
        await client.post(url, json={"acting_member_id": regency.chair["id"]}, headers=province),
        403,
    )
    problem(await client.get(url, headers=regency.admin), 404)
    assert (await publish(client, regency, report["id"])).status_code == 201
    problem(await publish(client, regency, report["id"]), 409)
    shown = await client.get(url, headers=reporter)
    assert shown.status_code == 200
    assert shown.json()["feed_url"] == f"/public/feeds/{REGION}.atom"
    # withdrawn: 404 publicly again
    assert (await client.delete(url, headers=regency.admin)).status_code == 204
    problem(await client.get(url, headers=regency.admin), 404)


async def test_public_html_and_pdf_hold_no_personal_field_and_no_small_cell(
    client, session, public, regency
):
    """Permen PPPA 10/2012 §5.4 and docs/disclosure-control.md: the public report shows only
    de-identified aggregates, each count perturbed by cell key (the default ptable rounds to
    base 5 and hides what falls under 10), the total as a cell of its own; the narrative
    fields marked internal are left out."""
    report = await forwarded_report(client, regency, run_jobs(session))
    assert (await publish(client, regency, report["id"])).status_code == 201

    page = await public.get(f"/public/reports/{report['id']}")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    parsed = Counts(page.text)
    text = " ".join(parsed.text)
    assert parsed.counts, "the page shows counts"
    assert not [c for c in parsed.counts if small(c)]
    assert "×" in parsed.counts  # the small cells are there, hidden
    # Table 1 (11, 7, 3, 2), each perturbed from its cell key; the total (23) as a cell of
    # its own
    expected = await perturbed_table_1(session)
    assert parsed.counts[:4] == expected[:4]
    assert parsed.counts[4] == expected[4]
    assert parsed.counts[2:4] == ["×", "×"]
    for secret in (SECRET_NAME, SECRET_NIK[:10], "0812000000", PARTNER_CONTACT, INTERNAL_OBSTACLE):
        assert secret not in page.text
    assert PUBLIC_ACTIVITY in text
    # no names of officials either (the chart and report show positions only)
    assert "Harian 33.02" not in page.text
    assert "Ketua 33.02" not in page.text

    pdf = await public.get(f"/public/reports/{report['id']}.pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    pdf_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    rows = PDF_ROW.findall(pdf_text)
    assert len(rows) == 4, pdf_text
    assert all(not small(value) for _, _, value in rows)
    assert PUBLIC_ACTIVITY in pdf_text
    for secret in (SECRET_NAME, SECRET_NIK[:10], PARTNER_CONTACT, INTERNAL_OBSTACLE):
        assert secret not in pdf_text


async def perturbed_table_1(session) -> list[str]:
    """Table 1's four rows and its total as the default ptable publishes them, from the
    cases' record keys (× under the threshold)."""
    rows = (
        await session.execute(
            select(Case.age_group, Case.sex, func.count(), func.sum(Case.record_key)).group_by(
                Case.age_group, Case.sex
            )
        )
    ).all()
    found = {(age.value, sex.value): (n, key) for age, sex, n, key in rows}
    ptable = load()

    def shown(count: int, key: int) -> str:
        value = ptable.perturbed(count, key)
        return str(value) if value >= THRESHOLD else "×"

    cells = [shown(*found[row]) for row in SEEDED]
    total = shown(sum(n for n, _ in found.values()), sum(k for _, k in found.values()))
    return [*cells, total]


async def test_marking_a_field_internal_after_publication_hides_it(
    client, session, public, regency
):
    """A narrative field can be marked internal after submission; the public page follows."""
    report = await forwarded_report(client, regency, run_jobs(session))
    assert (await publish(client, regency, report["id"])).status_code == 201
    assert PUBLIC_ACTIVITY in (await public.get(f"/public/reports/{report['id']}")).text
    listed = await client.get("/sub-task-force-reports", headers=regency.admin)
    narrative_id = listed.json()["items"][0]["id"]
    edit = await client.patch(
        f"/sub-task-force-reports/{narrative_id}",
        json={"internal_fields": ["activities", "obstacles"]},
        headers=regency.admin,
    )
    assert edit.status_code == 200, edit.text
    assert PUBLIC_ACTIVITY not in (await public.get(f"/public/reports/{report['id']}")).text
    text_edit = await client.patch(
        f"/sub-task-force-reports/{narrative_id}", json={"activities": "x"}, headers=regency.admin
    )
    problem(text_edit, 409)


async def test_index_region_pages_and_caching(client, session, public, regency):
    """5.4: a public index per province and regency, readable on a phone; the region page
    shows the chart and the partners that consented to be listed (5.7), never a contact."""
    report = await forwarded_report(client, regency, run_jobs(session))
    assert (await publish(client, regency, report["id"])).status_code == 201

    index = await public.get("/public/")
    assert index.status_code == 200
    assert 'name="viewport"' in index.text
    assert 'data-region="33"' in index.text
    assert f"/public/reports/{report['id']}" in index.text
    assert index.headers["cache-control"].startswith("public")
    again = await public.get("/public/", headers={"If-None-Match": index.headers["etag"]})
    assert again.status_code == 304

    page = await public.get(f"/public/regions/{REGION}")
    assert page.status_code == 200
    assert "Karang Taruna Desa Sumber" in page.text
    assert "Mitra Teladan" in page.text
    assert "Kelompok Tanpa Persetujuan" not in page.text
    assert PARTNER_CONTACT not in page.text
    assert "Sub GT Penegakan Hukum" in page.text  # the chart
    assert f"/public/reports/{report['id']}" in page.text
    province = await public.get("/public/regions/33")
    assert f'data-region="{REGION}"' in province.text
    problem(await public.get("/public/regions/99.99"), 404)

    chart = await public.get(f"/public/task-forces/{regency.id}/chart.svg")
    assert chart.status_code == 200
    ET.fromstring(chart.content)  # noqa: S314 - our own output
    problem(await public.get("/public/task-forces/999999/chart.svg"), 404)


async def test_atom_feed_per_region(client, session, public, regency):
    """5.4 b: information media follow a region's newly published reports by Atom."""
    report = await forwarded_report(client, regency, run_jobs(session))
    empty = await public.get(f"/public/feeds/{REGION}.atom")
    assert empty.status_code == 200
    assert ET.fromstring(empty.content).findall(f"{ATOM}entry") == []  # noqa: S314
    assert (await publish(client, regency, report["id"])).status_code == 201

    for code, expected in ((REGION, 1), ("33", 1), ("ID", 1), ("32", 0)):
        feed = await public.get(f"/public/feeds/{code}.atom")
        assert feed.status_code == 200
        assert feed.headers["content-type"].startswith("application/atom+xml")
        root = ET.fromstring(feed.content)  # noqa: S314 - our own output
        assert root.tag == f"{ATOM}feed"
        entries = root.findall(f"{ATOM}entry")
        assert len(entries) == expected, code
        if expected:
            # a link without rel is the alternate (RFC 4287, 4.2.7.2)
            links = entries[0].findall(f"{ATOM}link")
            alternates = [x for x in links if x.get("rel", "alternate") == "alternate"]
            assert len(alternates) == 1
            link = alternates[0].get("href")
            assert link == f"/public/reports/{report['id']}"  # relative: no base URL set
            assert (
                entries[0].find(f"{ATOM}id").text == f"urn:gtpptppo:public:reports:{report['id']}"
            )
    problem(await public.get("/public/feeds/99.99.atom"), 404)


async def test_feed_links_never_come_from_the_host_header(client, session, regency, database_url):
    """A feed is cached publicly: a request with ``Host: evil.example`` must not make its
    links point there. Links use GTPPTPPO_PUBLIC_BASE_URL, or are relative without it."""
    report = await forwarded_report(client, regency, run_jobs(session))
    assert (await publish(client, regency, report["id"])).status_code == 201
    for base in (None, "https://gugustugas.example.go.id"):
        app = build_app(database_url, session, public_base_url=base)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as public:
            feed = await public.get(
                f"/public/feeds/{REGION}.atom", headers={"Host": "evil.example"}
            )
        assert feed.status_code == 200
        assert b"evil.example" not in feed.content
        root = ET.fromstring(feed.content)  # noqa: S314 - our own output
        link = root.findall(f"{ATOM}entry")[0].findall(f"{ATOM}link")[0].get("href")
        assert link == f"{base or ''}/public/reports/{report['id']}"


async def test_a_later_version_is_public_only_once_published_again(
    client, session, public, regency, national, auth
):
    """A publication names the version it publishes: after the report is returned,
    regenerated and forwarded again, the public page still shows the published version
    until the chair publishes the new one (Permen PPPA 10/2012 §2.3.4 a.6: the chair
    reports to the community)."""
    report = await forwarded_report(client, regency, run_jobs(session))
    assert (await publish(client, regency, report["id"])).status_code == 201
    first = (await client.get(f"/reports/{report['id']}", headers=regency.admin)).json()
    province = await unit(client, national, auth, "33")
    returned = await step(client, province.admin, report["id"], "return", comment="Perbaiki")
    assert returned.status_code == 200, returned.text
    await push_cases(client, national, auth, REGION, 3, prefix="LATE")  # a late correction
    regenerated = await client.post(f"/reports/{report['id']}/generations", headers=regency.admin)
    assert regenerated.status_code == 202, regenerated.text
    await run_generation_jobs(session)
    again = await through_to_forwarded(client, regency, report["id"])
    assert again["frozen_version"] > first["frozen_version"]

    page = await public.get(f"/public/reports/{report['id']}")
    assert page.status_code == 200
    assert f"Versi {first['frozen_version']} " in page.text
    # published again: the new version is public; the same version twice is a 409
    assert (await publish(client, regency, report["id"])).status_code == 201
    page = await public.get(f"/public/reports/{report['id']}")
    assert f"Versi {again['frozen_version']} " in page.text
    problem(await publish(client, regency, report["id"]), 409)


# --- what anyone can make the public site do --------------------------------------


def refuse(*_args, **_kwargs):
    raise AssertionError("the public site rendered a report on a read")


async def test_a_published_report_is_rendered_once_and_served_as_stored(
    client, session, public, regency, monkeypatch
):
    """The page and the PDF are rendered when the chair publishes; reads serve the stored
    bytes (no rendering at all), and a client with the ETag gets 304 and no body."""
    report = await forwarded_report(client, regency, run_jobs(session))
    assert (await publish(client, regency, report["id"])).status_code == 201
    monkeypatch.setattr(render, "report_pdf", refuse)
    monkeypatch.setattr(render, "page", refuse)
    monkeypatch.setattr(render, "report_page", refuse)
    for path, media in (
        (f"/public/reports/{report['id']}.pdf", "application/pdf"),
        (f"/public/reports/{report['id']}", "text/html"),
    ):
        first = await public.get(path)
        assert first.status_code == 200, first.text[:200]
        assert first.headers["content-type"].startswith(media)
        again = await public.get(path)
        assert again.content == first.content
        tag = first.headers["etag"]
        cached = await public.get(path, headers={"If-None-Match": f'"other", {tag}'})
        assert cached.status_code == 304
        assert cached.content == b""
        assert cached.headers["etag"] == tag
    assert first.content.startswith(b"<!DOCTYPE html>") or b"<html" in first.content


async def test_public_routes_are_limited_per_client_address(
    database_url, session, client, national, auth
):
    """GTPPTPPO_PUBLIC_RATE_LIMIT per client address; behind a trusted proxy, the address it
    appended last to X-Forwarded-For (what the client wrote before it is not believed)."""
    app = build_app(
        database_url,
        session,
        public_rate_limit="3/minute",
        trusted_proxy_header="X-Forwarded-For",
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as site:

        def via(address: str, claimed: str = "") -> dict[str, str]:
            return {"X-Forwarded-For": f"{claimed}, {address}" if claimed else address}

        for _ in range(3):
            assert (await site.get("/public/", headers=via("203.0.113.5"))).status_code == 200
        # a fourth from the same address, whatever it claims to be before the proxy's entry
        refused = await site.get("/public/", headers=via("203.0.113.5", claimed="198.51.100.9"))
        body = problem(refused, 429)
        assert "address" in body["detail"]
        assert refused.headers["retry-after"]
        # another address has its own count; the API's token limits are apart
        assert (await site.get("/public/", headers=via("203.0.113.6"))).status_code == 200
        assert (await site.get("/api/v1/regions/33", headers=national)).status_code == 200


async def test_a_process_serves_a_page_it_read_for_a_few_seconds(
    client, session, regency, database_url, monkeypatch
):
    """With GTPPTPPO_PUBLIC_CACHE_SECONDS, a read of a page this process served within that
    time asks nothing of the database (a withdrawal shows once it has passed, as it does
    in the public caches after their 5 minutes); the ETag still answers 304."""
    report = await forwarded_report(client, regency, run_jobs(session))
    assert (await publish(client, regency, report["id"])).status_code == 201
    app = build_app(database_url, session, public_cache_seconds=30)
    transport = httpx.ASGITransport(app=app)
    path = f"/public/reports/{report['id']}"
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as site:
        first = await site.get(path)
        assert first.status_code == 200
        withdrawn = await client.delete(
            f"/reports/{report['id']}/publication", headers=regency.admin
        )
        assert withdrawn.status_code == 204
        kept = await site.get(path)
        assert kept.content == first.content
        cached = await site.get(path, headers={"If-None-Match": first.headers["etag"]})
        assert cached.status_code == 304
        later = time.monotonic() + 31
        monkeypatch.setattr(site_module.time, "monotonic", lambda: later)
        problem(await site.get(path), 404)


async def test_a_crowd_of_readers_reads_a_page_once():
    """Twenty readers arriving at once for a page the process does not hold: one of them
    reads it, the others are given what it read; once its time is up, one reads it again
    while the others are still served the page held; a failed read lets each waiting
    reader read for itself. (The requests' own sessions are what production has and the
    test's shared session cannot: the cache is driven directly.)"""
    recent = site_module.RecentPages(30)
    reads = []

    async def read():
        reads.append(1)
        await asyncio.sleep(0.02)
        return site_module.service.Page(f'"{len(reads)}"', b"%PDF" + bytes(len(reads)))

    pages = await asyncio.gather(*(recent.get((7, True), read) for _ in range(20)))
    assert len(reads) == 1
    assert {page.etag for page in pages} == {'"1"'}

    expiry, page = recent.pages[(7, True)]
    recent.pages[(7, True)] = (expiry - 31, page)  # its time is up
    pages = await asyncio.gather(*(recent.get((7, True), read) for _ in range(20)))
    assert len(reads) == 2
    assert {page.etag for page in pages} == {'"1"', '"2"'}  # the old one meanwhile
    assert (await recent.get((7, True), read)).etag == '"2"'

    failures = []

    async def failing():
        failures.append(1)
        await asyncio.sleep(0.02)
        if len(failures) == 1:
            raise RuntimeError("database gone")
        return site_module.service.Page('"9"', b"x")

    results = await asyncio.gather(
        *(recent.get((8, False), failing) for _ in range(5)), return_exceptions=True
    )
    assert sum(isinstance(r, RuntimeError) for r in results) == 1
    assert [r.etag for r in results if not isinstance(r, Exception)] == ['"9"'] * 4
