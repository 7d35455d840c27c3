"""Cooperation agreements (Kerjasama GT-PPTPPO, BAB IV) through HTTP."""

from __future__ import annotations

from datetime import date, timedelta

from gtpptppo_api.agreements.models import ScopeItem
from gtpptppo_api.reports.sections import agreements as section_of
from tests.helpers import create_task_force, error_fields, problem

SCREENED = {
    "no_harmful_products": True,
    "no_child_labour": True,
    "no_sexual_exploitation": True,
    "attested_on": "2026-02-01",
    "attested_by": "Direktur PT Contoh",
}


def agreement_body(task_force_id, **extra):
    return {
        "task_force_id": task_force_id,
        "kind": "mou",
        "title": "Nota Kesepahaman Pencegahan dan Penanganan TPPO",
        "signed_on": "2026-03-01",
        "valid_until": "2028-02-29",
        "signing_authority": "agency_head",
        "parties": [{"kind": "ngo", "name": "Yayasan Peduli Buruh Migran"}],
        "scope": ["advocacy", "complaint_handling"],
        **extra,
    }


async def create_agreement(client, headers, task_force_id, **extra):
    response = await client.post(
        "/agreements", json=agreement_body(task_force_id, **extra), headers=headers
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_agreement_is_recorded_with_parties_scope_and_documents(client, national):
    tf = await create_task_force(client, national, "33.02")
    partner = await create_task_force(client, national, "33.01")
    created = await create_agreement(
        client,
        national,
        tf["id"],
        kind="cooperation_contract",
        parties=[
            {"kind": "task_force", "partner_task_force_id": partner["id"]},
            {"kind": "company", "name": "PT Contoh Sejahtera", "screening": SCREENED},
        ],
        documents=[
            {
                "title": "Perjanjian Kerjasama",
                "reference": "415.4/12/2026",
                "dated_on": "2026-03-01",
                "locator": "arsip://bagian-kerjasama/2026/12",
            }
        ],
    )
    assert created["region_code"] == "33.02"
    assert created["valid_from"] == "2026-03-01"  # defaults to the signing date
    assert created["international"] is False
    assert created["parties"][0]["name"] == partner["name"]
    assert created["parties"][1]["screening"]["no_child_labour"] is True
    assert created["scope"] == ["advocacy", "complaint_handling"]
    assert created["documents"][0]["reference"] == "415.4/12/2026"
    again = await client.get(f"/agreements/{created['id']}", headers=national)
    assert again.json() == created
    assert again.headers["ETag"] == '"1"'


async def test_international_agreement_refused_at_province_level(client, national):
    """4.3: international cooperation is held only by GT-PPTPPO Pusat."""
    province = await create_task_force(client, national, "33")
    body = agreement_body(
        province["id"],
        signing_authority="governor",
        parties=[{"kind": "foreign_government", "name": "Pemerintah Malaysia", "country": "MY"}],
    )
    error = problem(await client.post("/agreements", json=body, headers=national), 422)
    assert error_fields(error) == {"parties.0.kind"}
    assert error["errors"][0]["rule"] == "4.3"
    assert "4.3" in error["errors"][0]["message"]

    organisation = agreement_body(
        province["id"],
        signing_authority="governor",
        parties=[{"kind": "international_organisation", "name": "IOM"}],
    )
    problem(await client.post("/agreements", json=organisation, headers=national), 422)


async def test_foreign_party_of_any_kind_refused_below_national_level(client, national):
    """4.3: a foreign company makes the agreement international, so regency may not sign it."""
    regency = await create_task_force(client, national, "33.02")
    body = agreement_body(
        regency["id"],
        parties=[{"kind": "company", "name": "Foreign Co", "country": "SG", "screening": SCREENED}],
    )
    error = problem(await client.post("/agreements", json=body, headers=national), 422)
    assert error_fields(error) == {"parties.0.country"}
    assert error["errors"][0]["rule"] == "4.3"


async def test_international_agreement_accepted_at_national_level(client, national):
    """4.3: GT-PPTPPO Pusat holds international cooperation."""
    nation = await create_task_force(client, national, "ID")
    created = await create_agreement(
        client,
        national,
        nation["id"],
        signing_authority="minister",
        parties=[{"kind": "foreign_government", "name": "Government of Jordan", "country": "JO"}],
        scope=["information_exchange", "repatriation"],
    )
    assert created["international"] is True
    listed = await client.get("/agreements?international=true", headers=national)
    assert [a["id"] for a in listed.json()["items"]] == [created["id"]]


async def test_scope_is_the_closed_list_of_4_4_1_d(client, national):
    """4.4.1 d: eleven scope items, nothing else, each once."""
    tf = await create_task_force(client, national, "33.02")
    every = [item.value for item in ScopeItem]
    assert len(every) == 11
    created = await create_agreement(client, national, tf["id"], scope=every)
    assert created["scope"] == every

    unknown = agreement_body(tf["id"], scope=["advocacy", "tourism"])
    error = problem(await client.post("/agreements", json=unknown, headers=national), 422)
    assert error_fields(error) == {"scope.1"}

    twice = agreement_body(tf["id"], scope=["advocacy", "advocacy"])
    error = problem(await client.post("/agreements", json=twice, headers=national), 422)
    assert error_fields(error) == {"scope"}
    assert error["errors"][0]["rule"] == "4.4.1 d"

    empty = agreement_body(tf["id"], scope=[])
    assert error_fields(
        problem(await client.post("/agreements", json=empty, headers=national), 422)
    ) == {"scope"}


async def test_company_without_screening_refused(client, national):
    """4.2.3: no harmful products, no child labour, no sexual exploitation, attested."""
    tf = await create_task_force(client, national, "33.02")
    bare = agreement_body(tf["id"], parties=[{"kind": "company", "name": "PT Rokok"}])
    error = problem(await client.post("/agreements", json=bare, headers=national), 422)
    assert error_fields(error) == {"parties.0.screening"}
    assert error["errors"][0]["rule"] == "4.2.3"

    child_labour = agreement_body(
        tf["id"],
        parties=[
            {"kind": "ngo", "name": "LSM Mitra"},
            {
                "kind": "company",
                "name": "PT Kebun",
                "screening": {**SCREENED, "no_child_labour": False},
            },
        ],
    )
    error = problem(await client.post("/agreements", json=child_labour, headers=national), 422)
    assert error_fields(error) == {"parties.1.screening.no_child_labour"}
    assert "4.2.3" in error["errors"][0]["message"]


async def test_parties_are_checked(client, national):
    tf = await create_task_force(client, national, "33.02")
    body = agreement_body(
        tf["id"],
        parties=[
            {"kind": "task_force", "partner_task_force_id": tf["id"]},
            {"kind": "ngo"},
            {"kind": "task_force"},
        ],
    )
    error = problem(await client.post("/agreements", json=body, headers=national), 422)
    assert error_fields(error) == {
        "parties.0.partner_task_force_id",
        "parties.1.name",
        "parties.2.partner_task_force_id",
    }


async def test_signing_authority_fits_the_level(client, national):
    """4.4, 4.4.1 c: a regency's joint agreement is signed by its Bupati/Walikota."""
    regency = await create_task_force(client, national, "33.02")
    body = agreement_body(regency["id"], kind="joint_agreement", signing_authority="governor")
    error = problem(await client.post("/agreements", json=body, headers=national), 422)
    assert error_fields(error) == {"signing_authority"}
    assert error["errors"][0]["rule"] == "4.4.1 c"
    agency = agreement_body(regency["id"], kind="joint_agreement", signing_authority="agency_head")
    problem(await client.post("/agreements", json=agency, headers=national), 422)
    await create_agreement(
        client, national, regency["id"], kind="joint_agreement", signing_authority="bupati"
    )


async def test_validity_must_not_end_before_it_starts(client, national):
    tf = await create_task_force(client, national, "33.02")
    body = agreement_body(tf["id"], valid_from="2026-03-01", valid_until="2026-02-28")
    error = problem(await client.post("/agreements", json=body, headers=national), 422)
    assert error_fields(error) == {"valid_until"}


async def test_expiring_within_at_its_edges(client, national):
    """Listed: last day in force from as_of to as_of + N inclusive; not expired, not N + 1."""
    tf = await create_task_force(client, national, "33.02")
    as_of = date(2026, 1, 1)
    ends = {
        "expired yesterday": as_of - timedelta(days=1),
        "last day today": as_of,
        "day 90": as_of + timedelta(days=90),
        "day 91": as_of + timedelta(days=91),
    }
    ids = {}
    for title, last_day in ends.items():
        created = await create_agreement(
            client,
            national,
            tf["id"],
            title=title,
            signed_on="2025-01-01",
            valid_until=last_day.isoformat(),
        )
        ids[title] = created["id"]
    open_ended = agreement_body(tf["id"], title="no end date", signed_on="2025-01-01")
    del open_ended["valid_until"]
    assert (await client.post("/agreements", json=open_ended, headers=national)).status_code == 201

    listed = await client.get(
        "/agreements", params={"expiring_within": 90, "as_of": "2026-01-01"}, headers=national
    )
    assert [a["title"] for a in listed.json()["items"]] == ["last day today", "day 90"]
    wider = await client.get(
        "/agreements", params={"expiring_within": 91, "as_of": "2026-01-01"}, headers=national
    )
    assert [a["id"] for a in wider.json()["items"]] == [
        ids["last day today"],
        ids["day 90"],
        ids["day 91"],
    ]
    paged, cursor = [], None
    while True:
        params = {"expiring_within": 91, "as_of": "2026-01-01", "limit": 1}
        page = (
            await client.get(
                "/agreements",
                params={**params, "cursor": cursor} if cursor else params,
                headers=national,
            )
        ).json()
        paged += [a["id"] for a in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert paged == [ids["last day today"], ids["day 90"], ids["day 91"]]
    today_only = await client.get(
        "/agreements", params={"expiring_within": 0, "as_of": "2026-01-01"}, headers=national
    )
    assert [a["title"] for a in today_only.json()["items"]] == ["last day today"]
    negative = await client.get("/agreements?expiring_within=-1", headers=national)
    assert error_fields(problem(negative, 422)) == {"expiring_within"}


async def test_expiring_within_counts_from_today_by_default(client, national):
    tf = await create_task_force(client, national, "33.02")
    soon = await create_agreement(
        client,
        national,
        tf["id"],
        signed_on="2020-01-01",
        valid_until=(date.today() + timedelta(days=30)).isoformat(),
    )
    await create_agreement(
        client,
        national,
        tf["id"],
        signed_on="2020-01-01",
        valid_until=(date.today() + timedelta(days=200)).isoformat(),
    )
    listed = await client.get("/agreements?expiring_within=90", headers=national)
    assert [a["id"] for a in listed.json()["items"]] == [soon["id"]]


async def test_jurisdiction_applies_to_agreements(client, auth, national):
    banyumas = await create_task_force(client, national, "33.02")
    cilacap = await create_task_force(client, national, "33.01")
    mine = await create_agreement(client, national, banyumas["id"])
    theirs = await create_agreement(client, national, cilacap["id"])

    banyumas_admin = await auth("task_force_admin", "33.02")
    listed = (await client.get("/agreements", headers=banyumas_admin)).json()["items"]
    assert [a["id"] for a in listed] == [mine["id"]]
    missing = problem(await client.get(f"/agreements/{theirs['id']}", headers=banyumas_admin), 404)
    unknown = problem(await client.get("/agreements/999999", headers=banyumas_admin), 404)
    assert missing["title"] == unknown["title"]
    problem(
        await client.patch(
            f"/agreements/{theirs['id']}", json={"title": "x"}, headers=banyumas_admin
        ),
        404,
    )
    problem(
        await client.post(
            "/agreements", json=agreement_body(cilacap["id"]), headers=banyumas_admin
        ),
        404,
    )

    central_java = await auth("reporter", "33")
    listed = (await client.get("/agreements", headers=central_java)).json()["items"]
    assert {a["id"] for a in listed} == {mine["id"], theirs["id"]}
    problem(
        await client.post("/agreements", json=agreement_body(banyumas["id"]), headers=central_java),
        403,
    )
    analyst = await auth("analyst")
    assert (await client.get(f"/agreements/{mine['id']}", headers=analyst)).status_code == 200
    centre = await client.post(
        "/service-centres",
        json={"name": "P2TP2A", "kind": "p2tp2a", "region_code": "33.02"},
        headers=national,
    )
    centre_token = await auth("service_centre", centre=centre.json()["id"])
    problem(await client.get("/agreements", headers=centre_token), 403)


async def test_update_checks_the_rules_again_and_the_etag(client, national):
    province = await create_task_force(client, national, "33")
    created = await create_agreement(client, national, province["id"], signing_authority="governor")
    stale = await client.patch(
        f"/agreements/{created['id']}",
        json={"title": "Baru"},
        headers={**national, "If-Match": '"7"'},
    )
    problem(stale, 412)
    international = await client.patch(
        f"/agreements/{created['id']}",
        json={"parties": [{"kind": "international_organisation", "name": "UNODC"}]},
        headers=national,
    )
    assert problem(international, 422)["errors"][0]["rule"] == "4.3"
    problem(
        await client.patch(f"/agreements/{created['id']}", json={"scope": None}, headers=national),
        422,
    )
    edited = await client.patch(
        f"/agreements/{created['id']}",
        json={"scope": ["financing", "reporting"], "valid_until": None},
        headers={**national, "If-Match": '"1"'},
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["scope"] == ["financing", "reporting"]
    assert edited.json()["valid_until"] is None
    assert edited.json()["parties"] == created["parties"]
    assert edited.headers["ETag"] == '"2"'


async def test_report_section_counts_cooperation_of_the_year(client, national, session):
    """The annual report's cooperation section (BAB IV), over the region subtree, in SQL."""
    province = await create_task_force(client, national, "33")
    regency = await create_task_force(client, national, "33.02")
    elsewhere = await create_task_force(client, national, "35")
    await create_agreement(
        client, national, province["id"], signing_authority="governor", scope=["advocacy"]
    )  # 2026-03-01 .. 2028-02-29
    await create_agreement(
        client,
        national,
        regency["id"],
        kind="joint_agreement",
        signing_authority="bupati",
        signed_on="2024-01-01",
        valid_until="2026-06-30",
        parties=[{"kind": "company", "name": "PT Baik", "screening": SCREENED}],
        scope=["advocacy", "financing"],
    )
    await create_agreement(
        client, national, regency["id"], signed_on="2020-01-01", valid_until="2025-12-31"
    )  # over before 2026
    await create_agreement(client, national, elsewhere["id"], signing_authority="governor")

    section = (await section_of.report_section(session, province["id"], 2026)).model_dump(
        mode="json"
    )
    assert section["in_force"] == 2
    assert section["signed"] == 1
    assert section["ending"] == 1
    assert section["international"] == 0
    assert section["by_kind"] == {"joint_agreement": 1, "mou": 1}
    assert section["by_party_kind"] == {"company": 1, "ngo": 1}
    assert section["by_scope"] == {"advocacy": 2, "financing": 1}

    regency_only = (await section_of.report_section(session, regency["id"], 2025)).model_dump(
        mode="json"
    )
    assert regency_only["in_force"] == 2
    assert regency_only["ending"] == 1
