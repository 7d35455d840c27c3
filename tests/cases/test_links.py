"""The secretariat as the clearing house of victim data: likely duplicates linked as one
victim, and unlinked again, with the statistics and the reports following."""

from __future__ import annotations

from typing import Any

from gtpptppo_api.cases import cells
from tests.cases.helpers import case_body, create_centre
from tests.helpers import error_fields, problem
from tests.reports.support import open_report, run_generation_jobs, unit

NIK = "3302014101900002"


async def _push(client, headers, centre_id: int, items: list[dict[str, Any]]) -> dict[str, str]:
    response = await client.post(
        f"/service-centres/{centre_id}/cases:batch", json=items, headers=headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["invalid"] == 0, response.text
    return {r["external_ref"]: r["id"] for r in response.json()["results"]}


async def _world(client, national, auth) -> tuple[dict[str, str], dict[str, str], Any]:
    """Banyumas (33.02): A has a NIK, B and C have none (B is A under another record), D is
    another victim; Surabaya (35.78): E."""
    centre = await create_centre(client, national, "33.02")
    headers = await auth("service_centre", centre=centre["id"])
    ids = await _push(
        client,
        headers,
        centre["id"],
        [
            case_body("A", personal={"nik": NIK}),
            case_body("B"),
            case_body("C"),
            case_body("D", victim={"sex": "male", "age_at_identification": 30}),
        ],
    )
    other = await create_centre(client, national, "35.78")
    other_headers = await auth("service_centre", centre=other["id"])
    ids |= await _push(client, other_headers, other["id"], [case_body("E", region="35.78")])
    return ids, headers, centre


async def _victims(client, headers, **params: Any) -> dict[str, Any]:
    response = await client.get("/statistics/victims", params=params, headers=headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def _link(client, headers, one: str, two: str, reason: str = "orang yang sama"):
    return await client.post(
        f"/cases/{one}/links", json={"other_case_id": two, "reason": reason}, headers=headers
    )


async def _unlink(client, headers, one: str, two: str, reason: str = "ternyata berbeda"):
    return await client.delete(
        f"/cases/{one}/links/{two}", params={"reason": reason}, headers=headers
    )


async def test_a_link_counts_two_records_as_one_victim_until_undone(
    client, auth, national, session
):
    """Permen PPPA 10/2012 §2.3.4 (7), §2.2.4 d: the regency's secretariat resolves a likely
    duplicate; the statistics count one victim, and again two once it is undone."""
    ids, _, _ = await _world(client, national, auth)
    secretariat = await auth("task_force_admin", "33.02")
    before = await _victims(client, secretariat, group_by="sex")
    assert before["total"] == 4

    linked = await _link(client, secretariat, ids["A"], ids["B"])
    assert linked.status_code == 201, linked.text
    assert linked.json()["unlinked_at"] is None
    after = await _victims(client, secretariat, group_by="sex")
    assert after["total"] == 3
    assert {c["sex"]: c["count"] for c in after["cells"]} == {"female": 2, "male": 1}
    assert after["merged_records"] == 1
    assert (await _victims(client, national, year_basis="incident"))["total"] == 4  # with E
    assert await cells.differences(session) == []
    assert await cells.differences(session, "incident") == []

    undone = await _unlink(client, secretariat, ids["B"], ids["A"])
    assert undone.status_code == 200, undone.text
    assert undone.json()["unlink_reason"] == "ternyata berbeda"
    assert (await _victims(client, secretariat))["total"] == 4
    assert await cells.differences(session) == []

    history = await client.get(f"/cases/{ids['A']}/links", headers=secretariat)
    assert [(x["reason"], x["unlinked_by"] is not None) for x in history.json()] == [
        ("orang yang sama", True)
    ]
    events = (
        await client.get(
            "/audit-events",
            params={"entity_type": "case", "entity_id": ids["B"]},
            headers=national,
        )
    ).json()["items"]
    assert [e["action"] for e in events if "link" in e["action"]] == [
        "link_victim",
        "unlink_victim",
    ]


async def test_links_chain_and_split_along_those_that_remain(client, auth, national):
    """Permen PPPA 10/2012 §2.2.4 d: A-B and B-C make one victim; undoing A-B leaves B and
    C one victim and A its own; a later case of A's NIK and year joins A's victim."""
    ids, headers, centre = await _world(client, national, auth)
    province = await auth("task_force_admin", "33")
    assert (await _link(client, province, ids["A"], ids["B"])).status_code == 201
    assert (await _link(client, province, ids["C"], ids["B"])).status_code == 201
    assert (await _victims(client, province))["total"] == 2  # A=B=C, D (E is in 35)
    problem(await _link(client, province, ids["A"], ids["C"]), 409)  # one victim already

    # the same NIK in the same year, pushed later: the linked victim's case too
    later = await _push(
        client, headers, centre["id"], [case_body("F", personal={"nik": NIK}, services=[])]
    )
    assert (await _victims(client, province))["total"] == 2

    assert (await _unlink(client, province, ids["A"], ids["B"])).status_code == 200
    # A with F (the same NIK and year), B with C, D
    assert (await _victims(client, province))["total"] == 3
    assert (await _unlink(client, province, ids["C"], ids["B"])).status_code == 200
    assert (await _victims(client, province))["total"] == 4  # A with F, B, C, D
    problem(await _unlink(client, province, ids["C"], ids["B"]), 409)
    read = await client.get(f"/cases/{later['F']}", headers=national)
    assert read.json()["likely_duplicates"] == [ids["A"]]


async def test_links_need_a_secretariat_of_both_cases_and_a_reason(client, auth, national):
    """Permen PPPA 10/2012 §2.3.4 (7): a secretariat links the cases of its region only;
    centres, reporters and analysts do not link; bad input is named and changes nothing."""
    ids, headers, _ = await _world(client, national, auth)
    secretariat = await auth("task_force_admin", "33.02")
    problem(await _link(client, secretariat, ids["A"], ids["E"]), 404)  # E is in Surabaya
    for caller in (headers, await auth("reporter", "33.02"), await auth("analyst")):
        problem(await _link(client, caller, ids["A"], ids["B"]), 403)
    bad = await _link(client, secretariat, ids["A"], ids["A"])
    assert "other_case_id" in error_fields(problem(bad, 422))
    bad = await _link(client, secretariat, ids["A"], ids["B"], reason="")
    assert "reason" in error_fields(problem(bad, 422))
    problem(await _unlink(client, secretariat, ids["A"], ids["B"]), 409)  # not linked
    assert (await _victims(client, secretariat))["total"] == 4
    assert (await client.get(f"/cases/{ids['A']}/links", headers=secretariat)).json() == []


async def test_report_counts_a_linked_victim_once(client, session, national, auth):
    """Permen PPPA 10/2012 §2.2.4 d: a report's victims follow the secretariat's links as
    the statistics do, cell for cell."""
    province = await unit(client, national, auth, "33")
    ids, _, _ = await _world(client, national, auth)
    assert (await _link(client, province.admin, ids["B"], ids["C"])).status_code == 201
    report = await open_report(client, province.admin, province, year=2024)
    await run_generation_jobs(session)
    response = await client.get(f"/reports/{report['id']}", headers=province.admin)
    victims = response.json()["figures"]["victims"]
    statistics = await _victims(
        client, province.admin, region_code="33", year_basis="incident", group_by="sex"
    )
    assert victims["total"] == statistics["total"] == 3
    assert victims["merged_records"] == 1
    by_sex: dict[str, int] = {}
    for cell in victims["cells"]:
        by_sex[cell["sex"]] = by_sex.get(cell["sex"], 0) + cell["count"]
    assert by_sex == {c["sex"]: c["count"] for c in statistics["cells"]}
    assert [s["count"] for s in victims["by_service"]] == [3]
