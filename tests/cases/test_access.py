"""Who reads cases and their personal fields (docs/architecture.md, "Access and disclosure")."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.cases.helpers import case_body, create_centre
from tests.helpers import error_fields, problem

PERSONAL = {"name": "Ani", "nik": "3302016002050003", "phone": "081234"}


@pytest.fixture
async def world(client, auth, national):
    """A case in Banyumas (Central Java) and one in Surabaya (East Java)."""
    result = {}
    for region in ("33.02", "35.78"):
        centre = await create_centre(client, national, region)
        headers = await auth("service_centre", centre=centre["id"])
        pushed = await client.put(
            f"/service-centres/{centre['id']}/cases/R-{region}",
            json=case_body(f"R-{region}", region=region, personal=PERSONAL),
            headers=headers,
        )
        result[region] = {"centre": centre, "auth": headers, "case": pushed.json()["id"]}
    return result


async def test_regency_admin_never_sees_another_regions_case(client, auth, world):
    banyumas = await auth("task_force_admin", "33.02")
    listed = (await client.get("/cases", headers=banyumas)).json()["items"]
    assert [c["id"] for c in listed] == [world["33.02"]["case"]]
    problem(await client.get(f"/cases/{world['35.78']['case']}", headers=banyumas), 404)
    central_java = await auth("reporter", "33")
    assert [
        c["id"] for c in (await client.get("/cases", headers=central_java)).json()["items"]
    ] == [world["33.02"]["case"]]


async def test_a_centre_sees_only_its_own_cases(client, world):
    mine = world["33.02"]
    listed = (await client.get("/cases", headers=mine["auth"])).json()["items"]
    assert [c["id"] for c in listed] == [mine["case"]]
    problem(await client.get(f"/cases/{world['35.78']['case']}", headers=mine["auth"]), 404)


async def test_lists_and_reads_carry_no_personal_fields(client, national, world):
    listed = (await client.get("/cases", headers=national)).json()["items"]
    assert all(c["personal"] is None for c in listed)
    one = (await client.get(f"/cases/{world['33.02']['case']}", headers=national)).json()
    assert one["personal"] is None


async def test_personal_fields_need_a_reason_and_are_audited(client, national, world, session):
    case_id = world["33.02"]["case"]
    url = f"/cases/{case_id}"
    body = problem(await client.get(url, params={"include": "personal"}, headers=national), 400)
    assert body["errors"][0]["field"] == "X-Access-Reason"
    read = await client.get(
        url,
        params={"include": "personal"},
        headers={**national, "X-Access-Reason": "referral to shelter"},
    )
    assert read.json()["personal"] == PERSONAL | {"date_of_birth": None}
    events = (
        await client.get(
            "/audit-events",
            params={"entity_type": "case", "entity_id": case_id},
            headers=national,
        )
    ).json()["items"]
    reads = [e for e in events if e["action"] == "read_personal"]
    assert len(reads) == 1
    assert reads[0]["reason"] == "referral to shelter"
    assert "Ani" not in repr(events)


async def test_only_owner_secretariats_and_national_admin_read_personal_fields(client, auth, world):
    """Permen PPPA 10/2012 §2.1.4 C, §2.2.4 d, §2.3.4 (7): the secretariats of the case's
    region (the clearing house of victim data) read identities too, with a reason; a
    reporter does not."""
    case_id = world["33.02"]["case"]
    reason = {"X-Access-Reason": "checking"}
    for headers in (await auth("reporter", "33.02"), await auth("reporter", "33")):
        problem(
            await client.get(
                f"/cases/{case_id}", params={"include": "personal"}, headers={**headers, **reason}
            ),
            403,
        )
    for headers in (await auth("task_force_admin", "33.02"), await auth("task_force_admin", "33")):
        read = await client.get(
            f"/cases/{case_id}", params={"include": "personal"}, headers={**headers, **reason}
        )
        assert read.status_code == 200, read.text
        assert read.json()["personal"] == PERSONAL | {"date_of_birth": None}
    problem(await client.get("/cases", headers=await auth("analyst")), 403)


async def test_the_nik_is_findable_by_blind_index_only(session, world):
    rows = (await session.execute(text("SELECT nik_index FROM victim_case"))).scalars().all()
    assert len(set(rows)) == 1  # the same NIK in both regions: the same keyed hash
    assert PERSONAL["nik"] not in repr(rows)


async def test_case_filters(client, auth, national):
    centre = await create_centre(client, national, "33.02")
    headers = await auth("service_centre", centre=centre["id"])
    await client.post(
        f"/service-centres/{centre['id']}/cases:batch",
        json=[
            case_body("F-1", victim={"sex": "male", "age_at_identification": 12}),
            case_body("F-2", identified_on="2023-07-01", services=[]),
            case_body("F-3", exploitation_types=["domestic_servitude"], status="closed"),
        ],
        headers=headers,
    )

    async def refs(**params):
        page = await client.get("/cases", params=params, headers=national)
        return sorted(c["external_ref"] for c in page.json()["items"])

    assert await refs(sex="male") == ["F-1"]
    assert await refs(age_group="child") == ["F-1"]
    assert await refs(year=2023) == ["F-2"]
    assert await refs(exploitation_type="domestic_servitude") == ["F-3"]
    assert await refs(status="closed") == ["F-3"]
    assert await refs(service="complaint") == ["F-1", "F-3"]
    assert await refs(region_code="35") == []


async def test_the_case_list_pages_forward_and_back_by_cursor_within_the_jurisdiction(
    client, auth, national
):
    """Seven cases of the caller's regency and two of another, three a page: every case of
    the regency exactly once, in id order, the foreign ones never; ``previous_cursor`` leads
    back to the page before; a made-up cursor is a 422 problem naming it, not a page."""
    banyumas, solo = (
        await create_centre(client, national, "33.02"),
        await create_centre(client, national, "33.72"),
    )
    for centre, count in ((banyumas, 7), (solo, 2)):
        headers = await auth("service_centre", centre=centre["id"])
        items = [case_body(f"P-{n}", region=centre["region_code"]) for n in range(count)]
        pushed = await client.post(
            f"/service-centres/{centre['id']}/cases:batch", json=items, headers=headers
        )
        assert pushed.json()["created"] == count
    admin = await auth("task_force_admin", "33.02")

    pages, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/cases", params=params, headers=admin)).json()
        pages.append(page)
        cursor = page["next_cursor"]
        if cursor is None:
            break
    ids = [c["id"] for page in pages for c in page["items"]]
    assert [len(page["items"]) for page in pages] == [3, 3, 1]
    assert ids == sorted(ids)
    assert len(set(ids)) == 7
    assert {c["registered_region_code"] for page in pages for c in page["items"]} == {"33.02"}
    assert pages[0]["previous_cursor"] is None

    back = await client.get(
        "/cases", params={"limit": 3, "cursor": pages[2]["previous_cursor"]}, headers=admin
    )
    assert [c["id"] for c in back.json()["items"]] == [c["id"] for c in pages[1]["items"]]

    made_up = await client.get("/cases", params={"cursor": "not-a-cursor"}, headers=admin)
    assert error_fields(problem(made_up, 422)) == {"cursor"}
