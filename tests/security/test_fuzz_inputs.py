"""Malformed input is a 4xx problem+json that changes nothing, never a server error: bodies
nested past any real case, JSON strings that are not Unicode text (lone surrogates), numbers
past every range, and cursors no list gave, on every list endpoint."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from gtpptppo_api.app import API_PREFIX
from tests.cases.helpers import case_body, create_centre
from tests.helpers import problem
from tests.security.test_access_matrix import OPERATIONS
from tests.security.world import INSIDE, build_world

DEEP = 100_000
GARBAGE_CURSORS = (
    "AAAA",  # base64 of bytes that are no bookmark
    "zzz",  # not base64
    "%%%",  # not base64 either (the library took it as no cursor at all)
    "\u00e9t\u00e9",
    "Pg==Pg==",
    "PnV1aWQ6enp6",  # >uuid:zzz
    "Pmk6MX5pOjI=",  # >i:1~i:2, one value too many
    "Pmk6OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk=",  # >i:99999999999999999999999, past 64 bits
    "PnM6eH5zOnk=",  # >s:x~s:y
    "PmR0Om5vdC1hLWRhdGU=",  # >dt:not-a-date
    "Pnh+eH54",  # >x~x~x
    "Png=",  # >x, a null key
    "PmY6bmFu",  # >f:nan
    "PmI6ISE=",  # >b:!!
)
BIG_INTEGER = "1" + "0" * 400  # 10**400, written as an integer literal
BIG_FLOAT = "1e400"  # past a double: inf to a lenient parser


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """The app as a client sees it: a server error is a 500 response here, not an exception,
    so that every failing input is listed."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test/api/v1") as client:
        yield client


def _json(content: str) -> dict[str, str]:
    return {"content-type": "application/json"}


async def _no_cases(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    listed = await client.get("/cases", headers=headers)
    assert listed.status_code == 200, listed.text
    assert listed.json()["items"] == []


async def test_a_batch_nested_100000_deep_is_refused(client, national):
    """The standard parser recursed to the interpreter's limit: a 500."""
    centre = await create_centre(client, national)
    url = f"/service-centres/{centre['id']}/cases:batch"
    for body in ("[" * DEEP + "]" * DEEP, "[" + '{"a":' * DEEP + "1" + "}" * DEEP + "]"):
        response = await client.post(url, content=body, headers={**national, **_json(body)})
        assert problem(response, 422)["errors"][0]["field"] == "body"
    ndjson = {**national, "content-type": "application/x-ndjson"}
    response = await client.post(url, content="[" * DEEP + "]" * DEEP + "\n", headers=ndjson)
    assert problem(response, 422)["errors"][0]["field"] == "body"
    await _no_cases(client, national)


async def test_a_deep_body_to_any_json_endpoint_is_4xx(client, national):
    body = "{" + '"a":{' * DEEP + "}" * DEEP + "}"
    for path in ("/task-forces", "/service-centres", "/meetings"):
        response = await client.post(path, content=body, headers={**national, **_json(body)})
        assert 400 <= response.status_code < 500, (path, response.status_code)
        problem(response, response.status_code)


@pytest.mark.parametrize(
    "ref",
    [
        '"UNI-\\ud800"',  # a lone high surrogate, escaped
        '"UNI-\\udfff"',  # a lone low surrogate
        '"UNI-\\ude00\\ud83d"',  # a pair in the wrong order
        b'"UNI-\xed\xa0\x80"',  # a surrogate encoded as bytes (CESU-8): not UTF-8
        b'"UNI-\xff"',  # not UTF-8 at all
    ],
)
async def test_a_lone_surrogate_in_a_batch_reference_is_refused(client, national, ref):
    """A lone surrogate passed the standard parser, then failed to be answered: a 500."""
    centre = await create_centre(client, national)
    template = json.dumps([case_body("PLACEHOLDER")]).encode()
    ref_bytes = ref if isinstance(ref, bytes) else ref.encode()
    body = template.replace(b'"PLACEHOLDER"', ref_bytes)
    response = await client.post(
        f"/service-centres/{centre['id']}/cases:batch",
        content=body,
        headers={**national, "content-type": "application/json"},
    )
    assert problem(response, 422)["errors"][0]["field"] == "body"
    await _no_cases(client, national)


async def test_a_surrogate_or_undecodable_reference_in_a_put_is_refused(client, national):
    centre = await create_centre(client, national)
    base = f"/service-centres/{centre['id']}/cases"
    body = case_body("UNI-1")
    del body["external_ref"]
    # In the path: bytes that are not UTF-8 reach the app as U+FFFD; refused, not stored.
    for path in ("UNI-%ED%A0%80", "UNI-%FF", "UNI-%00"):
        response = await client.put(f"{base}/{path}", json=body, headers=national)
        assert "external_ref" in {e["field"] for e in problem(response, 422)["errors"]}
    # In the body, escaped
    text = json.dumps({**body, "external_ref": "PLACEHOLDER"}).replace("PLACEHOLDER", "\\ud800")
    response = await client.put(
        f"{base}/UNI-1", content=text, headers={**national, "content-type": "application/json"}
    )
    assert "external_ref" in {e["field"] for e in problem(response, 422)["errors"]}
    # Elsewhere in the body
    text = json.dumps({**body, "personal": {"name": "PLACEHOLDER"}}).replace(
        "PLACEHOLDER", "Ani \\udc00"
    )
    response = await client.put(
        f"{base}/UNI-1", content=text, headers={**national, "content-type": "application/json"}
    )
    assert "personal.name" in {e["field"] for e in problem(response, 422)["errors"]}
    await _no_cases(client, national)


@pytest.mark.parametrize("number", [BIG_INTEGER, BIG_FLOAT, "-" + BIG_FLOAT, "1" + "0" * 5000])
async def test_numbers_past_every_range_in_a_case_are_refused(client, national, number):
    centre = await create_centre(client, national)
    body = case_body("NUM-1")
    body["victim"]["age_at_identification"] = "PLACEHOLDER"
    text = json.dumps(body).replace('"PLACEHOLDER"', number)
    headers = {**national, "content-type": "application/json"}
    base = f"/service-centres/{centre['id']}/cases"
    response = await client.put(f"{base}/NUM-1", content=text, headers=headers)
    assert 400 <= response.status_code < 500, response.text
    problem(response, response.status_code)
    response = await client.post(f"{base}:batch", content=f"[{text}]", headers=headers)
    if response.status_code == 200:  # the item is refused, the batch answered
        assert response.json()["results"][0]["outcome"] == "invalid"
    else:
        problem(response, 422)
    await _no_cases(client, national)


def _integer_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in _integer_paths(item, (*path, key))]
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in _integer_paths(item, (*path, i))]
    return [path] if type(value) in (int, float) else []


def _with_literal(body: Any, path: tuple[Any, ...], literal: str) -> str:
    copy = json.loads(json.dumps(body))
    target = copy
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = "\u0000PLACEHOLDER"
    return json.dumps(copy).replace('"\\u0000PLACEHOLDER"', literal)


async def test_every_number_of_every_body_past_every_range_is_4xx(client, session, national, auth):
    """Each number of each write's body (the access matrix's calls) replaced by 10**400 as an
    integer literal and by 1e400: a 4xx problem each time, never a server error."""
    world = await build_world(client, session, national, auth)
    failures: list[str] = []
    tried = 0
    for (method, template), op in OPERATIONS.items():
        if method == "GET":
            continue
        call = await op.build(world, INSIDE)
        if call.json is None:
            continue
        for path in _integer_paths(call.json):
            for literal in (BIG_INTEGER, BIG_FLOAT):
                response = await client.request(
                    method,
                    template.format(**call.path),
                    content=_with_literal(call.json, path, literal),
                    headers={**national, "content-type": "application/json"},
                )
                tried += 1
                ok = response.status_code < 500 and (
                    response.is_success  # a batch answers each item's problems with a 200
                    or response.headers["content-type"].startswith("application/problem+json")
                )
                if not ok or (response.is_success and "cases:batch" not in template):
                    where = ".".join(map(str, path))
                    failures.append(
                        f"{method} {template} {where}={literal[:8]}: "
                        f"{response.status_code} {response.text[:200]}"
                    )
    assert not failures, "\n".join(failures)
    assert tried >= 40


def _list_operations(app: Any) -> set[str]:
    """Every GET of the API that takes a ``cursor``: the lists, from the OpenAPI document."""
    return {
        path.removeprefix(API_PREFIX)
        for path, item in app.openapi()["paths"].items()
        if path.startswith(API_PREFIX)
        and any(p["name"] == "cursor" for p in item.get("get", {}).get("parameters", []))
    }


async def test_every_list_refuses_a_cursor_it_did_not_give(client, session, app, national, auth):
    """Made-up cursors (not base64, base64 of no bookmark, a bookmark of the wrong type or
    length, a number past 64 bits) on every list, as the national admin: each a 422 naming
    ``cursor``; none a server error."""
    lists = _list_operations(app)
    assert len(lists) >= 15
    world = await build_world(client, session, national, auth)
    failures: list[str] = []
    for template in sorted(lists):
        call = await OPERATIONS[("GET", template)].build(world, INSIDE)
        url = template.format(**call.path)
        assert (await client.get(url, params=call.params, headers=national)).status_code == 200
        for cursor in GARBAGE_CURSORS:
            response = await client.get(
                url, params={**(call.params or {}), "cursor": cursor}, headers=national
            )
            fields = [e.get("field") for e in response.json().get("errors", [])]
            if (
                response.status_code != 422
                or fields != ["cursor"]
                or not response.headers["content-type"].startswith("application/problem+json")
            ):
                failures.append(
                    f"{url} cursor={cursor!r}: {response.status_code} {response.text[:150]}"
                )
    assert not failures, "\n".join(failures)


async def test_the_cursors_a_list_gives_still_work(client, national):
    """The refusal is of made-up cursors only: following next_cursor walks the whole list."""
    for region in ("33", "35", "31"):
        await client.post(
            "/task-forces",
            json={
                "name": f"GT {region}",
                "region_code": region,
                "established_decree": {
                    "number": f"P/{region}",
                    "title": "Pembentukan",
                    "issued_on": "2020-01-01",
                    "authority": "governor",
                },
            },
            headers=national,
        )
    seen: list[int] = []
    params: dict[str, Any] = {"limit": 1}
    while True:
        page = (await client.get("/task-forces", params=params, headers=national)).json()
        seen += [item["id"] for item in page["items"]]
        if not page["next_cursor"]:
            break
        params["cursor"] = page["next_cursor"]
    assert len(seen) == 3 == len(set(seen))
    current = await client.get(
        "/task-forces", params={"cursor": page["current_page"]}, headers=national
    )
    assert current.status_code == 200
