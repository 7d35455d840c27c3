"""The case standard's details in the report documents (HTCDS 2.0): victims by means of
control, recruitment method, the perpetrators' relationship, sector of forced labour and
transit. The internal document states them exactly, as the statistics count them; the
public one perturbs each from its cell key, as the analysts' statistics do, and shows
nothing of a small count; a detail no victim recorded is one sentence, not a table."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import httpx
import pytest

from gtpptppo_api.cases.htcds import ControlMethod, Industry, RecruitmentMethod, Relationship
from gtpptppo_api.reports.render import label
from tests.cases.helpers import case_body, create_centre
from tests.publishing.support import publish
from tests.reports.support import (
    YEAR,
    open_report,
    run_generation_jobs,
    through_to_forwarded,
    unit,
)

REGION = "33.02"
GROUPS = {
    "by_control_method": "control_method",
    "by_recruitment_method": "recruitment_method",
    "by_perpetrator_relationship": "perpetrator_relationship",
    "by_sector": "sector",
    "by_transit": "transit",
}
TABLE_IDS = {
    "control_method": "tabel-pengendalian",
    "recruitment_method": "tabel-perekrutan",
    "perpetrator_relationship": "tabel-hubungan-pelaku",
    "sector": "tabel-sektor",
    "transit": "tabel-transit",
}


@pytest.fixture
async def public(app):
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def _common(ref: str) -> dict[str, Any]:
    """One of many victims: debt bondage, recruited online, by an acquaintance, via Batam."""
    return case_body(
        ref,
        region=REGION,
        identified_on=f"{YEAR}-03-02",
        victim_context={
            "control_methods": ["debt_bondage"],
            "recruitment_methods": ["through_online_social_networks"],
        },
        perpetrators=[
            {"roles": ["recruiter_or_intermediary"], "relationship_to_victim": "acquainted"}
        ],
        transit=[{"region_code": "21.71"}],
    )


def _rare(ref: str) -> dict[str, Any]:
    """One of two victims: documents withheld, recruited at work, by family, no transit."""
    return case_body(
        ref,
        region=REGION,
        identified_on=f"{YEAR}-03-03",
        victim_context={
            "control_methods": ["withholds_documents"],
            "recruitment_methods": ["at_work"],
        },
        perpetrators=[{"roles": ["exploiter"], "relationship_to_victim": "familial"}],
    )


async def _world(client, national, auth) -> Any:
    """A regency with 16 victims of common details and 2 of rare ones; no sector recorded."""
    regency = await unit(client, national, auth, REGION)
    centre = await create_centre(client, national, REGION)
    headers = await auth("service_centre", centre=centre["id"])
    items = [_common(f"DT-{i}") for i in range(16)] + [_rare(f"DT-rare-{i}") for i in range(2)]
    response = await client.post(
        f"/service-centres/{centre['id']}/cases:batch", json=items, headers=headers
    )
    assert response.json()["created"] == len(items), response.text
    return regency


async def _statistics(client, headers, group: str) -> dict[Any, Any]:
    response = await client.get(
        "/statistics/victims",
        params={
            "group_by": group,
            "region_code": REGION,
            "from_year": YEAR,
            "to_year": YEAR,
            "year_basis": "incident",
        },
        headers=headers,
    )
    assert response.status_code == 200, response.text
    return {cell[group]: cell["count"] for cell in response.json()["cells"]}


def _table(html: str, table_id: str) -> dict[str, str] | None:
    """The rows of a one-way table of the page (label -> count as shown); None if absent."""
    found = re.search(rf'<table id="{table_id}".*?</table>', html, re.S)
    if found is None:
        return None
    rows = re.findall(
        r'<th scope="row">([^<]*)</th><td class="num" data-count>([^<]*)</td>', found.group(0)
    )
    return dict(rows)


def test_every_value_of_the_details_has_an_indonesian_label() -> None:
    """Every value of the standard's closed lists the report shows has a label of its own,
    translated into Indonesian (the documents are in Indonesian, Permen PPPA 10/2012
    §3.3.3)."""
    lists = {
        "control_method": ControlMethod,
        "recruitment_method": RecruitmentMethod,
        "perpetrator_relationship": Relationship,
        "sector": Industry,
    }
    for table, values in lists.items():
        for member in values:
            english = label(member.value, table, "en")
            indonesian = label(member.value, table, "id")
            assert english != member.value, (table, member)
            assert indonesian not in (member.value, english), (table, member)
    assert label("with_transit", "transit") == "Melalui tempat transit"
    assert label("without_transit", "transit") == "Tanpa tempat transit tercatat"


async def test_the_internal_report_states_each_detail_as_the_statistics_count_it(
    client, session, national, auth
):
    """Permen PPPA 10/2012 §3.3.3 (the annual report) and §2.x.4 c 6 (mapping how victims
    are recruited, controlled and moved): the report's figures of each detail equal the
    exact statistics of the task force's subtree and year; its document shows them in
    Indonesian, and a detail no victim recorded (the sector) as one sentence, not a table."""
    regency = await _world(client, national, auth)
    report = await open_report(client, regency.admin, regency)
    await run_generation_jobs(session)
    figures = (await client.get(f"/reports/{report['id']}", headers=regency.admin)).json()[
        "figures"
    ]["victims"]
    for table, group in GROUPS.items():
        stated = {row[group]: row["count"] for row in figures[table]}
        assert stated == await _statistics(client, national, group), table
    assert {r["control_method"]: r["count"] for r in figures["by_control_method"]} == {
        "debt_bondage": 16,
        "withholds_documents": 2,
    }
    assert {r["transit"]: r["count"] for r in figures["by_transit"]} == {
        "with_transit": 16,
        "without_transit": 2,
    }
    assert figures["by_sector"] == []

    page = await client.get(
        f"/reports/{report['id']}/document", params={"format": "html"}, headers=regency.admin
    )
    html = page.text
    assert _table(html, "tabel-pengendalian") == {
        "Jeratan utang": "16",
        "Dokumen identitas ditahan": "2",
    }
    assert _table(html, "tabel-perekrutan") == {
        "Di tempat kerja": "2",
        "Melalui media sosial daring": "16",
    }
    assert _table(html, "tabel-hubungan-pelaku") == {"Anggota keluarga": "2", "Kenalan": "16"}
    assert _table(html, "tabel-transit") == {
        "Melalui tempat transit": "16",
        "Tanpa tempat transit tercatat": "2",
    }
    assert _table(html, "tabel-sektor") is None
    assert (
        '<p class="empty" id="tabel-sektor">Sektor kerja paksa: tidak tercatat untuk korban '
        "mana pun pada periode ini.</p>"
    ) in html

    # the CSV has the same rows, each naming its table and its value
    exported = await client.get(
        f"/reports/{report['id']}/document", params={"format": "csv"}, headers=regency.admin
    )
    assert exported.status_code == 200, exported.text
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    for table, group in GROUPS.items():
        assert {r["value"]: int(r["count"]) for r in rows if r["table"] == table} == {
            row[group]: row["count"] for row in figures[table]
        }, table


async def test_the_public_report_perturbs_each_detail_and_hides_small_counts(
    client, public, session, national, auth, app
):
    """docs/disclosure-control.md: in the published report each detail's count is the
    analysts' perturbed value of the same cell (so the two cannot be subtracted), a value
    two victims recorded is not shown, and a detail hidden or unrecorded reads the same."""
    regency = await _world(client, national, auth)
    report = await open_report(client, regency.admin, regency)
    await run_generation_jobs(session)
    await through_to_forwarded(client, regency, report["id"])
    published = await publish(client, regency, report["id"])
    assert published.status_code == 201, published.text
    page = await public.get(f"/public/reports/{report['id']}")
    assert page.status_code == 200, page.text
    html = page.text
    analyst = await auth("analyst")
    control = app.state.disclosure
    for group, table_id in TABLE_IDS.items():
        perturbed = await _statistics(client, analyst, group)
        exact = await _statistics(client, national, group)
        shown = _table(html, table_id) or {}
        expected = {label(value, group): str(count) for value, count in perturbed.items() if count}
        assert shown == expected, group
        for value, count in exact.items():
            if count < control.threshold:
                assert label(value, group) not in shown, (group, value)
        if not expected:
            sentence = re.search(rf'<p class="empty" id="{table_id}">([^<]*)</p>', html)
            assert sentence is not None, group
            assert "terlalu kecil untuk diterbitkan" in sentence.group(1)
    # the rare values are recorded by two victims each: never shown
    assert "Dokumen identitas ditahan" not in html
    assert "Di tempat kerja" not in html
    assert "Tanpa tempat transit tercatat" not in html
