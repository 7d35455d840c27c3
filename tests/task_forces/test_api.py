"""Task forces (Permen PPPA 10/2012 BAB II) through HTTP."""

from __future__ import annotations

from tests.helpers import create_task_force, decree, error_fields, problem, task_force_body

SIX = {
    "prevention_child_participation",
    "health_rehabilitation",
    "social_rehabilitation_repatriation_reintegration",
    "legal_norm_development",
    "law_enforcement",
    "cooperation_coordination",
}


async def test_region_decides_level_and_parent(client, national):
    """Permen PPPA 10/2012 BAB II: the parent task force is the task force of the parent region."""
    nation = await create_task_force(client, national, "ID")
    province = await create_task_force(client, national, "33")
    regency = await create_task_force(client, national, "33.02")
    city = await create_task_force(client, national, "33.74")

    assert (nation["level"], nation["parent_id"]) == ("national", None)
    assert (province["level"], province["parent_id"]) == ("province", nation["id"])
    assert (regency["level"], regency["parent_id"]) == ("regency", province["id"])
    assert city["parent_id"] == province["id"]
    assert regency["region_name"] == "Kabupaten Banyumas"
    assert regency["established_decree"]["authority"] == "bupati"
    assert regency["status"] == "active"

    children = await client.get(
        "/task-forces", params={"parent_id": province["id"]}, headers=national
    )
    assert [tf["id"] for tf in children.json()["items"]] == [regency["id"], city["id"]]


async def test_parent_is_found_when_formed_after_the_child(client, national):
    regency = await create_task_force(client, national, "33.02")
    assert regency["parent_id"] is None
    province = await create_task_force(client, national, "33")
    again = await client.get(f"/task-forces/{regency['id']}", headers=national)
    assert again.json()["parent_id"] == province["id"]


async def test_one_active_task_force_per_region(client, national):
    """Permen PPPA 10/2012 BAB II: at most one active task force per region; the national
    one is unique."""
    await create_task_force(client, national, "ID")
    body = task_force_body("ID")
    body["established_decree"]["number"] = "other"
    problem(await client.post("/task-forces", json=body, headers=national), 409)

    first = await create_task_force(client, national, "33.02")
    body = task_force_body("33.02")
    problem(await client.post("/task-forces", json=body, headers=national), 409)

    dissolved = await client.patch(
        f"/task-forces/{first['id']}",
        json={
            "status": "dissolved",
            "dissolved_on": "2025-06-30",
            "dissolution_reason": "re-formed",
            "dissolution_decree": decree("bupati", "Perbup 9/2025", "2025-06-20"),
        },
        headers=national,
    )
    assert dissolved.status_code == 200, dissolved.text
    assert dissolved.json()["status"] == "dissolved"
    second = await create_task_force(client, national, "33.02")
    assert second["id"] != first["id"]

    # Dissolving keeps history: the old one is still there, read-only.
    old = await client.get(f"/task-forces/{first['id']}", headers=national)
    assert old.json()["dissolved_on"] == "2025-06-30"
    problem(
        await client.patch(f"/task-forces/{first['id']}", json={"name": "x"}, headers=national),
        409,
    )
    listed = await client.get(
        "/task-forces", params={"region_code": "33.02", "status": "dissolved"}, headers=national
    )
    assert [tf["id"] for tf in listed.json()["items"]] == [first["id"]]


async def test_formation_decree_must_come_from_the_level_authority(client, national):
    """2.1.5 / 2.2.5 / 2.3.5: President, Governor, Bupati (regency) or Walikota (city)."""
    cases = [
        ("ID", "governor", "2.1.5"),
        ("33", "president", "2.2.5"),
        ("33.02", "walikota", "2.3.5"),  # Banyumas is a kabupaten: its Bupati decrees
        ("33.74", "bupati", "2.3.5"),  # Semarang is a kota: its Walikota decrees
    ]
    for region, authority, rule in cases:
        body = task_force_body(region)
        body["established_decree"] = decree(authority)
        error = problem(await client.post("/task-forces", json=body, headers=national), 422)
        assert error_fields(error) == {"established_decree.authority"}
        assert error["errors"][0]["rule"] == rule
        assert rule in error["detail"]
    listed = await client.get("/task-forces", headers=national)
    assert listed.json()["items"] == []  # bad input changed nothing


async def test_six_sub_task_forces_are_formed_with_the_task_force(client, national):
    """2.1.3 / 2.2.3 / 2.3.3: six sub-task-forces, each with a coordinating agency."""
    province = await create_task_force(
        client,
        national,
        "33",
        sub_task_forces=[{"kind": "health_rehabilitation", "coordinating_agency": "Dinkes Jateng"}],
    )
    units = (
        await client.get(f"/task-forces/{province['id']}/sub-task-forces", headers=national)
    ).json()["items"]
    assert {u["kind"] for u in units} == SIX
    by_kind = {u["kind"]: u for u in units}
    assert by_kind["health_rehabilitation"]["coordinating_agency"] == "Dinkes Jateng"
    assert by_kind["prevention_child_participation"]["coordinating_agency"] == "SKPD Pendidikan"
    assert all(u["coordinating_agency"] for u in units)


async def test_national_cooperation_unit_is_coordinated_by_the_kemenko_deputy(client, national):
    """Permen PPPA 10/2012 §2.1.4 c 6: the national Sub GT Kerjasama dan Koordinasi is
    coordinated by the Deputy for Women's Empowerment and Child Welfare of the Coordinating
    Ministry for People's Welfare, not by the Ministry of Foreign Affairs."""
    nation = await create_task_force(client, national, "ID")
    units = (
        await client.get(f"/task-forces/{nation['id']}/sub-task-forces", headers=national)
    ).json()["items"]
    (cooperation,) = [u for u in units if u["kind"] == "cooperation_coordination"]
    assert cooperation["coordinating_agency"] == (
        "Deputi Pemberdayaan Perempuan dan Kesejahteraan Anak, "
        "Kementerian Koordinator Kesejahteraan Rakyat"
    )


async def test_regency_may_merge_legal_sub_task_forces(client, national):
    """2.3.1 f: at regency level legal-norm and law-enforcement may be one unit."""
    regency = await create_task_force(client, national, "33.02", merge_legal_sub_task_forces=True)
    units = (
        await client.get(f"/task-forces/{regency['id']}/sub-task-forces", headers=national)
    ).json()["items"]
    assert len(units) == 5
    merged = next(u for u in units if u["kind"] == "legal_norm_development")
    assert merged["covers"] == ["legal_norm_development", "law_enforcement"]
    assert {kind for u in units for kind in u["covers"]} == SIX


async def test_province_may_not_merge_legal_sub_task_forces(client, national):
    body = task_force_body("33", merge_legal_sub_task_forces=True)
    error = problem(await client.post("/task-forces", json=body, headers=national), 422)
    assert error_fields(error) == {"merge_legal_sub_task_forces"}
    assert "2.3.1 f" in error["detail"]


async def test_sub_task_force_agency_can_be_changed_and_kinds_are_closed(client, national):
    regency = await create_task_force(client, national, "33.02")
    units = (
        await client.get(f"/task-forces/{regency['id']}/sub-task-forces", headers=national)
    ).json()["items"]
    unit = units[0]
    changed = await client.patch(
        f"/task-forces/{regency['id']}/sub-task-forces/{unit['id']}",
        json={"coordinating_agency": "Dinas Pendidikan Kabupaten Banyumas"},
        headers=national,
    )
    assert changed.json()["coordinating_agency"] == "Dinas Pendidikan Kabupaten Banyumas"
    # already formed
    problem(
        await client.post(
            f"/task-forces/{regency['id']}/sub-task-forces",
            json={"kind": unit["kind"]},
            headers=national,
        ),
        409,
    )
    error = problem(
        await client.post(
            f"/task-forces/{regency['id']}/sub-task-forces",
            json={"kind": "tourism"},
            headers=national,
        ),
        422,
    )
    assert error_fields(error) == {"kind"}


async def test_validation_errors_name_each_bad_field(client, national):
    body = {"name": "", "region_code": "33", "established_decree": {"number": "1"}}
    error = problem(await client.post("/task-forces", json=body, headers=national), 422)
    assert {
        "name",
        "established_decree.title",
        "established_decree.issued_on",
        "established_decree.authority",
    } <= error_fields(error)

    unknown = task_force_body("99.99")
    error = problem(await client.post("/task-forces", json=unknown, headers=national), 422)
    assert error_fields(error) == {"region_code"}

    extra = task_force_body("33", colour="blue")
    error = problem(await client.post("/task-forces", json=extra, headers=national), 422)
    assert error_fields(error) == {"colour"}


async def test_etag_and_if_match_guard_edits(client, national):
    tf = await create_task_force(client, national, "33")
    got = await client.get(f"/task-forces/{tf['id']}", headers=national)
    tag = got.headers["etag"]

    stale = '"999"'
    problem(
        await client.patch(
            f"/task-forces/{tf['id']}",
            json={"name": "GT Jateng"},
            headers={**national, "If-Match": stale},
        ),
        412,
    )
    assert (await client.get(f"/task-forces/{tf['id']}", headers=national)).json()["name"] == tf[
        "name"
    ]

    ok = await client.patch(
        f"/task-forces/{tf['id']}",
        json={"name": "GT Jateng", "secretariat": {"host_agency": "DP3AP2KB Jateng"}},
        headers={**national, "If-Match": tag},
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["secretariat"] == {"host_agency": "DP3AP2KB Jateng", "head": None}
    assert ok.headers["etag"] != tag
    # the old tag is now stale
    problem(
        await client.patch(
            f"/task-forces/{tf['id']}",
            json={"name": "again"},
            headers={**national, "If-Match": tag},
        ),
        412,
    )


async def test_list_is_cursor_paginated(client, national):
    for code in ("31", "32", "33", "34", "35"):
        await create_task_force(client, national, code)
    seen = []
    cursor = None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/task-forces", params=params, headers=national)).json()
        assert len(page["items"]) <= 2
        seen += [tf["region_code"] for tf in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == ["31", "32", "33", "34", "35"]


async def test_dissolution_needs_a_decree_of_the_authority_that_formed_it(client, national, auth):
    """Permen PPPA 10/2012 §2.3.5 (and §2.1.5, §2.2.5): the Bupati who formed a regency's task
    force dissolves it by decree. Without a decree, with the Governor's, or with one issued
    after the day of dissolution it is refused and nothing changes; the province may not
    record it for the regency (Lampiran VI); the regency's own secretariat records it, and the
    decree is kept with the task force's decrees."""
    regency = await create_task_force(client, national, "33.02")
    url = f"/task-forces/{regency['id']}"
    dissolve = {"status": "dissolved", "dissolved_on": "2025-06-30"}
    bupati = decree("bupati", "Perbup 9/2025", "2025-06-20")
    wrong = [
        (dissolve, "dissolution_decree"),
        (
            {**dissolve, "dissolution_decree": decree("governor", "Pergub 1/2025", "2025-06-20")},
            "dissolution_decree.authority",
        ),
        (
            {**dissolve, "dissolution_decree": {**bupati, "issued_on": "2025-07-01"}},
            "dissolution_decree.issued_on",
        ),
        (
            {**dissolve, "dissolution_decree": {**bupati, "number": "TF/33.02"}},
            "dissolution_decree.number",
        ),
        ({"name": "GT", "dissolution_decree": bupati}, "dissolution_decree"),
    ]
    for body, field in wrong:
        error = problem(await client.patch(url, json=body, headers=national), 422)
        assert error_fields(error) == {field}, body
    province = await auth("task_force_admin", "33")
    refused = problem(
        await client.patch(url, json={**dissolve, "dissolution_decree": bupati}, headers=province),
        403,
    )
    assert "Lampiran VI" in refused["rule"]
    assert (await client.get(url, headers=national)).json()["status"] == "active"

    own = await auth("task_force_admin", "33.02")
    done = await client.patch(url, json={**dissolve, "dissolution_decree": bupati}, headers=own)
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "dissolved"
    assert done.json()["dissolution_decree"]["number"] == "Perbup 9/2025"
    decrees = (await client.get(f"{url}/decrees", headers=national)).json()["items"]
    assert {(d["number"], d["purpose"]) for d in decrees} == {
        ("TF/33.02", "establishment"),
        ("Perbup 9/2025", "dissolution"),
    }
