"""Numbers past what the database stores are bad input (422), not a crash, on both backends
(found by the OpenAPI conformance run)."""

from __future__ import annotations

from tests.helpers import error_fields, problem


async def test_an_id_past_64_bits_is_422(client, national):
    body = problem(await client.get(f"/task-forces/{2**70}", headers=national), 422)
    assert error_fields(body) == {"request"}


async def test_an_id_past_the_integer_column_is_422_or_absent(client, national):
    """3,000,000,000 fits SQLite's integer (no such row: 404), not PostgreSQL's (422)."""
    response = await client.get("/task-forces/3000000000", headers=national)
    assert response.status_code in (404, 422)
    problem(response, response.status_code)


async def test_a_body_reference_past_64_bits_changes_nothing(client, national):
    response = await client.post(
        "/meetings",
        json={"task_force_id": 2**70, "kind": "plenary", "held_on": "2024-01-01", "agenda": "x"},
        headers=national,
    )
    problem(response, 422)
    assert (await client.get("/meetings", headers=national)).json()["items"] == []
