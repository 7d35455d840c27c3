"""The API's face in its OpenAPI document, for the clients generated from it.

An operation's id is its route function's name (``get_case``, ``push_cases``), not FastAPI's
default made of the path and the method (``get_case_api_v1_cases__case_id__get``), which a
generated client would take for its function names. Function names are therefore unique
across the routers, and read as what a caller does.

A schema a route refers to without FastAPI seeing its model (a body read raw, as a batch of
cases) is added to the components by ``add_schemas``, so it is a model of its own in a
client rather than an inline one named after the operation.

A page of a list is a schema named after what it lists (``CasePage``, ``ReportSummaryPage``),
not pydantic's name for the parametrised generic (``CursorPage__T_Customized_CaseRead_``),
which a generated client would make a class of: ``readable_page_names``.

A create operation links its response to the reads of what it created (OpenAPI links), so a
client or a stateful tester can chain them:
``responses={201: links(get_task_force={"task_force_id": ID})}``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

# The runtime expressions a link's parameters are given by: the created resource's id,
# another field of the response body, a path parameter of the request.
ID = "$response.body#/id"


def body(field: str) -> str:
    return f"$response.body#/{field}"


def path(parameter: str) -> str:
    return f"$request.path.{parameter}"


def operation_id(route: APIRoute) -> str:
    """``FastAPI(generate_unique_id_function=...)``: the route function's name."""
    return route.name


def schema_ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def add_schemas(app: FastAPI, schemas: Mapping[str, dict[str, Any]]) -> None:
    """Add ``schemas`` to the components of the app's document."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        document = generate()
        document.setdefault("components", {}).setdefault("schemas", {}).update(schemas)
        return document

    app.openapi = openapi  # type: ignore[method-assign]


# pydantic's name for ``CursorPage[XRead]`` customised by fastapi-pagination
_PAGE = re.compile(r"^CursorPage__T_Customized_(\w+?)_$")


def page_name(name: str) -> str:
    """``CursorPage__T_Customized_CaseRead_`` -> ``CasePage``; other names unchanged."""
    found = _PAGE.match(name)
    if found is None:
        return name
    return found.group(1).removesuffix("Read") + "Page"


def readable_page_names(app: FastAPI) -> None:
    """Name the pages' schemas of the app's document after what they list (``page_name``),
    their references included."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        document = generate()
        schemas = document.get("components", {}).get("schemas", {})
        renames = {name: page_name(name) for name in schemas if page_name(name) != name}
        if not renames:
            return document
        prefix = "#/components/schemas/"
        text = json.dumps(document)
        for old, new in renames.items():
            text = text.replace(f'"{prefix}{old}"', f'"{prefix}{new}"')
        renamed: dict[str, Any] = json.loads(text)
        components = renamed["components"]["schemas"]
        for old, new in renames.items():
            schema = components.pop(old)
            schema["title"] = new
            components[new] = schema
        renamed["components"]["schemas"] = dict(sorted(components.items()))
        app.openapi_schema = renamed
        return renamed

    app.openapi = openapi  # type: ignore[method-assign]


def links(**reads: dict[str, str]) -> dict[str, Any]:
    """A response's ``links``: each read by its operation id, with its parameters."""
    return {
        "links": {
            read: {"operationId": read, "parameters": dict(parameters)}
            for read, parameters in reads.items()
        }
    }
