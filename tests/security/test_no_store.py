"""Answers of the API are never stored by a browser, proxy or gateway: every one carries
``Cache-Control: no-store`` (case reads with and without personal fields, lists, exports,
members and partners, the audit log, errors), while the public site keeps its own caching."""

from __future__ import annotations

from tests.security.test_access_matrix import OPERATIONS
from tests.security.world import INSIDE, build_world


async def test_every_read_of_the_api_is_no_store(client, session, national, auth):
    world = await build_world(client, session, national, auth)
    missing = []
    for (method, template), op in OPERATIONS.items():
        if method != "GET":
            continue
        call = await op.build(world, INSIDE)
        response = await client.get(
            template.format(**call.path), params=call.params, headers=national
        )
        assert response.status_code < 500, (template, response.text)
        if response.headers.get("cache-control") != "no-store":
            missing.append(f"{template}: {response.headers.get('cache-control')}")
    assert missing == []


async def test_personal_fields_exports_and_errors_are_no_store(client, session, national, auth):
    world = await build_world(client, session, national, auth)
    case_id = world[INSIDE]["case"]["id"]
    personal = await client.get(
        f"/cases/{case_id}",
        params={"include": "personal"},
        headers={**national, "X-Access-Reason": "pendampingan"},
    )
    assert personal.json()["personal"]["nik"]
    for response in (
        personal,
        await client.get("/exports/cases.csv", headers=national),
        await client.get("/exports/cases.ndjson", headers=national),
        await client.get(f"/cases/{case_id}"),  # 401
        await client.get("/cases/00000000-0000-0000-0000-000000000000", headers=national),
    ):
        assert response.headers["cache-control"] == "no-store", response.request.url


async def test_the_public_site_keeps_its_caching(client, session, national, auth):
    await build_world(client, session, national, auth)
    response = await client.get("http://test/public/")
    assert response.status_code == 200
    assert response.headers.get("cache-control") != "no-store"
