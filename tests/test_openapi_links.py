"""The OpenAPI links from each create operation to the reads of what it created: every
create has them, each names an operation that exists and gives it all its path parameters
from the create's request or response, and a client following them gets what was created.
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.cases.helpers import case_body
from tests.helpers import task_force_body

Json = dict[str, Any]
CREATED = ("201", "202")


async def _document(client: httpx.AsyncClient) -> Json:
    response = await client.get("http://test/openapi.json")
    assert response.status_code == 200
    document: Json = response.json()
    return document


def _operations(document: Json) -> dict[str, tuple[str, str, Json]]:
    return {
        operation["operationId"]: (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }


def _path_parameters(operation: Json) -> set[str]:
    return {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}


def _body_fields(document: Json, response: Json) -> set[str]:
    schema = response["content"]["application/json"]["schema"]
    name = schema["$ref"].rsplit("/", 1)[-1]
    return set(document["components"]["schemas"][name]["properties"])


def _follow(document: Json, link: Json, request_path: Json, body: Json) -> str:
    """The URL a link leads to, its runtime expressions evaluated."""
    _method, path, operation = _operations(document)[link["operationId"]]
    values = {}
    for name, expression in link["parameters"].items():
        if expression.startswith("$response.body#/"):
            values[name] = body[expression.removeprefix("$response.body#/")]
        else:
            values[name] = request_path[expression.removeprefix("$request.path.")]
    query = {}
    for name, value in values.items():
        if name in _path_parameters(operation):
            path = path.replace("{" + name + "}", str(value))
        else:
            query[name] = value
    return str(httpx.URL("http://test" + path, params=query))


async def test_every_create_links_to_reads_that_exist_with_their_parameters(client):
    """Each POST or PUT documented with a 201 or 202 has links on it; each link names an
    existing operation, gives every path parameter it has (and only its parameters), from
    a path parameter of the create or a field of its response."""
    document = await _document(client)
    operations = _operations(document)
    creates = 0
    for create_id, (method, _path, create) in operations.items():
        created = [status for status in CREATED if status in create["responses"]]
        if method not in ("post", "put") or not created:
            continue
        creates += 1
        for status in created:
            response = create["responses"][status]
            assert response.get("links"), f"{create_id} {status} has no links"
            for name, link in response["links"].items():
                target = operations[link["operationId"]][2]
                given = set(link["parameters"])
                known = {p["name"] for p in target.get("parameters", [])}
                assert _path_parameters(target) <= given <= known, (create_id, name)
                for expression in link["parameters"].values():
                    if expression.startswith("$request.path."):
                        parameter = expression.removeprefix("$request.path.")
                        assert parameter in _path_parameters(create), (create_id, expression)
                    else:
                        field = expression.removeprefix("$response.body#/")
                        assert field in _body_fields(document, response), (create_id, expression)
    assert creates >= 20, creates


async def _follow_all(
    client, national, create_id: str, request_path: Json, created: httpx.Response
) -> int:
    """Follow every link of a create's response as the national admin: each read answers
    (202 for a report being generated), and a read of one thing reads the thing created."""
    document = await _document(client)
    _method, _path, create = _operations(document)[create_id]
    body = created.json()
    links = create["responses"][str(created.status_code)]["links"]
    for name, link in links.items():
        url = _follow(document, link, request_path, body)
        read = await client.get(url, headers=national)
        assert read.is_success, (name, url, read.text)
        if read.headers["content-type"] == "application/json" and "id" in read.json():
            assert read.json()["id"] == body["id"], (name, url)
    return len(links)


async def test_following_the_links_reads_what_was_created(client, national):
    """A task force, a service centre, a case pushed to it and a report: each create's
    links, followed as written, read what it made."""
    created = await client.post("/task-forces", json=task_force_body("ID"), headers=national)
    assert created.status_code == 201, created.text
    assert await _follow_all(client, national, "create_task_force", {}, created) == 4

    centre = await client.post(
        "/service-centres",
        json={"name": "P2TP2A Banyumas", "kind": "p2tp2a", "region_code": "33.02"},
        headers=national,
    )
    assert centre.status_code == 201, centre.text
    assert await _follow_all(client, national, "create_service_centre", {}, centre) == 1

    body = case_body("LINK-1")
    path = {"centre_id": centre.json()["id"], "external_ref": body.pop("external_ref")}
    pushed = await client.put(
        "/service-centres/{centre_id}/cases/{external_ref}".format(**path),
        json=body,
        headers=national,
    )
    assert pushed.status_code == 201, pushed.text
    assert await _follow_all(client, national, "push_case", path, pushed) == 1

    report = await client.post(
        "/reports",
        json={"task_force_id": created.json()["id"], "kind": "annual", "year": 2024},
        headers=national,
    )
    assert report.status_code == 202, report.text
    assert await _follow_all(client, national, "create_report", {}, report) == 3
