"""A body that names an id outside the caller's jurisdiction answers exactly as one that
names an id that does not exist: the same status and the same text (OWASP API 2023 #1; an
answer that differs tells a regency's admin which ids exist in other provinces)."""

from __future__ import annotations

import json
import re
from typing import Any

from tests.security.test_access_matrix import OPERATIONS, Call
from tests.security.world import INSIDE, OUTSIDE, build_world

MISSING = 987_654_321


def _id_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Where a body holds an id: a key ``id`` or ``*_id`` with an integer."""
    found: list[tuple[Any, ...]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if (key == "id" or key.endswith("_id")) and type(item) is int:
                found.append((*path, key))
            else:
                found += _id_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _id_paths(item, (*path, index))
    return found


def _get(value: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        value = value[part]
    return value


def _replaced(body: Any, path: tuple[Any, ...], new: int) -> Any:
    copy = json.loads(json.dumps(body))
    _get(copy, path[:-1])[path[-1]] = new
    return copy


def _shape(response: Any, number: int) -> tuple[int, str]:
    """Status and body with the id asked for written as ``{id}``."""
    return response.status_code, re.sub(rf"(?<![\d.]){number}(?![\d.])", "{id}", response.text)


async def test_a_foreign_id_in_a_body_answers_as_a_missing_one(client, session, national, auth):
    """Every operation whose body (or, for a list, query) names ids: each id swapped for the
    same field's id of the other province, then for an id that exists nowhere; both answers
    must be identical."""
    world = await build_world(client, session, national, auth)
    caller = world.callers[INSIDE]["task_force_admin"]
    differences: list[str] = []
    compared = 0
    for (method, template), op in OPERATIONS.items():
        if op.public:
            continue
        inside: Call = await op.build(world, INSIDE)
        outside: Call = await op.build(world, OUTSIDE)
        where = "params" if method == "GET" else "json"
        sent, other = getattr(inside, where), getattr(outside, where)
        if not isinstance(sent, dict):
            continue
        for path in _id_paths(sent):
            try:
                foreign = _get(other, path)
            except (KeyError, IndexError, TypeError):
                continue
            if foreign == _get(sent, path):
                continue
            url = template.format(**inside.path)
            answers = []
            for number in (foreign, MISSING):
                response = await client.request(
                    method, url, headers=caller, **{where: _replaced(sent, path, number)}
                )
                answers.append(_shape(response, number))
            compared += 1
            if answers[0] != answers[1]:
                field = ".".join(map(str, path))
                differences.append(f"{method} {template} {field}: {answers[0]} vs {answers[1]}")
    assert not differences, "\n".join(differences)
    assert compared >= 10
