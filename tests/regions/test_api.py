"""Reference regions: Kemendagri codes of Kepmendagri 300.2.2-2138/2025 (a task force per
region, Permen PPPA 10/2012 BAB II)."""

from __future__ import annotations

import httpx

from tests.helpers import problem


async def _all(client: httpx.AsyncClient, headers: dict[str, str], **params: str) -> list[dict]:
    items: list[dict] = []
    cursor = None
    while True:
        query = {"limit": "200", **params}
        if cursor:
            query["cursor"] = cursor
        response = await client.get("/regions", params=query, headers=headers)
        assert response.status_code == 200, response.text
        page = response.json()
        items.extend(page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            return items


async def test_the_nation_38_provinces_and_514_regencies_are_loaded(client, national):
    regions = await _all(client, national)
    kinds = [r["kind"] for r in regions]
    assert kinds.count("nation") == 1
    assert kinds.count("province") == 38
    assert kinds.count("kabupaten") == 416
    assert kinds.count("kota") == 98
    assert len({r["code"] for r in regions}) == len(regions) == 553


async def test_region_by_code_names_banyumas_with_its_parent(client, national):
    response = await client.get("/regions/33.02", headers=national)
    assert response.status_code == 200
    assert response.json() == {
        "code": "33.02",
        "name": "Kabupaten Banyumas",
        "level": "regency",
        "kind": "kabupaten",
        "parent_code": "33",
    }
    province = (await client.get("/regions/33", headers=national)).json()
    assert province["name"] == "Jawa Tengah"
    assert province["parent_code"] == "ID"


async def test_regions_filter_by_parent_and_subtree(client, national):
    central_java = await _all(client, national, parent_code="33")
    assert len(central_java) == 35  # 29 kabupaten and 6 kota
    within = await _all(client, national, within="33")
    assert len(within) == 36


async def test_unknown_region_is_a_problem_404(client, national):
    problem(await client.get("/regions/99.99", headers=national), 404)


async def test_regions_need_a_token(client):
    problem(await client.get("/regions"), 401)


async def test_page_size_is_capped(client, national):
    body = problem(await client.get("/regions", params={"limit": 5000}, headers=national), 422)
    assert body["errors"][0]["field"] == "limit"
