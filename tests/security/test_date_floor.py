"""No date before 1945-01-01 is taken (``kit.schemas.Day``): every date of every write's body,
and the date query parameters, set to 1944-12-31 is a 422 naming that field, and nothing is
stored; 1945-01-01 itself passes the floor."""

from __future__ import annotations

import json
import re
from typing import Any

from tests.helpers import error_fields, problem
from tests.security.test_access_matrix import OPERATIONS
from tests.security.world import INSIDE, build_world

DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NOT_INPUT_DATES = {"legal_basis.issued_on"}  # a law cited may be older than the Republic


def _date_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in _date_paths(item, (*path, key))]
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in _date_paths(item, (*path, i))]
    return [path] if isinstance(value, str) and DAY.match(value) else []


def _set(body: Any, path: tuple[Any, ...], value: str) -> Any:
    copy = json.loads(json.dumps(body))
    target = copy
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return copy


async def test_every_date_of_every_body_refuses_1944(client, session, national, auth):
    world = await build_world(client, session, national, auth)
    failures: list[str] = []
    tried = 0
    for (method, template), op in OPERATIONS.items():
        if method == "GET":
            continue
        call = await op.build(world, INSIDE)
        bodies = call.json if isinstance(call.json, list) else [call.json]
        for body in bodies:
            if not isinstance(body, dict):
                continue
            for path in _date_paths(body):
                field = ".".join(map(str, path))
                if field in NOT_INPUT_DATES:
                    continue
                sent = _set(body, path, "1944-12-31")
                response = await client.request(
                    method,
                    template.format(**call.path),
                    json=[sent] if isinstance(call.json, list) else sent,
                    headers=national,
                )
                tried += 1
                if "cases:batch" in template:  # the item is refused, the batch answered
                    result = response.json()["results"][0]
                    ok = result["outcome"] == "invalid" and field in {
                        e["field"] for e in result["errors"]
                    }
                else:
                    ok = response.status_code == 422 and field in error_fields(
                        problem(response, 422)
                    )
                if not ok:
                    failures.append(f"{method} {template} {field}: {response.text[:200]}")
    assert not failures, "\n".join(failures)
    assert tried >= 15


async def test_date_query_parameters_refuse_1944(client, session, national, auth):
    world = await build_world(client, session, national, auth)
    tf_id = world[INSIDE]["task_force"]["id"]
    for url, name in (("/agreements", "as_of"), (f"/task-forces/{tf_id}/chart", "on")):
        response = await client.get(url, params={name: "1944-12-31"}, headers=national)
        assert error_fields(problem(response, 422)) == {name}
        assert "1945-01-01" in response.text
        response = await client.get(url, params={name: "1945-01-01"}, headers=national)
        assert "earliest date" not in response.text  # past the floor (other rules may apply)
