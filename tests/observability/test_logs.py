"""Logs: JSON lines with the request id, route, status, duration and token id; no personal
field in any line, even at DEBUG."""

from __future__ import annotations

import json
import logging

import httpx

from tests.cases.helpers import case_body, create_centre
from tests.conftest import build_app

NAME = "Ratna Kusumawardani"
NIK = "3302016607950002"


async def test_no_personal_field_in_any_log_line_at_debug(
    json_lines, database_url, session, auth, national
):
    """A case with a name and NIK is pushed, read back with its personal fields, pushed
    again with a bad field, and pushed in a batch; at DEBUG with SQL echo off, no log line
    holds the name or the NIK (nor its last digits), and every line is JSON."""
    app = build_app(database_url, session, log_level="DEBUG")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test/api/v1") as client:
        centre = await create_centre(client, national)
        headers = await auth("service_centre", centre=centre["id"])
        url = f"/service-centres/{centre['id']}/cases"
        personal = {"name": NAME, "nik": NIK}
        pushed = await client.put(
            f"{url}/PII-1", json=case_body("PII-1", personal=personal), headers=headers
        )
        assert pushed.status_code in (200, 201), pushed.text
        read = await client.get(
            f"/cases/{pushed.json()['id']}",
            params={"include": "personal"},
            headers={**headers, "X-Access-Reason": "log check"},
        )
        assert read.json()["personal"]["nik"] == NIK  # the fields went through the process
        bad = case_body("PII-2", personal={"name": NAME, "nik": NIK + "x"})
        assert (await client.put(f"{url}/PII-2", json=bad, headers=headers)).status_code == 422
        batch = [case_body("PII-3", personal=personal)]
        assert (await client.post(f"{url}:batch", json=batch, headers=headers)).status_code < 300
    lines = json_lines.getvalue().splitlines()
    assert len(lines) >= 4
    assert logging.getLogger().getEffectiveLevel() == logging.DEBUG
    for line in lines:
        json.loads(line)
        for secret in (NAME, "Kusumawardani", NIK, NIK[-8:]):
            assert secret not in line


async def test_a_request_line_names_its_id_route_status_and_token(
    json_lines, database_url, session, national
):
    """X-Request-ID given is returned and logged; a made-up one with a newline is replaced;
    the line names the route template (not the path), the status, duration and token id."""
    app = build_app(database_url, session)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test/api/v1") as client:
        given = await client.get(
            "/task-forces/424242", headers={**national, "X-Request-ID": "req-7f3a.1"}
        )
        forged = await client.get("/regions/33", headers={"X-Request-ID": "a\nfake line"})
    assert given.headers["x-request-id"] == "req-7f3a.1"
    assert forged.headers["x-request-id"] not in ("a\nfake line", "")
    requests = [json.loads(line) for line in json_lines.getvalue().splitlines()]
    requests = [line for line in requests if line.get("event") == "request"]
    first = next(line for line in requests if line.get("request_id") == "req-7f3a.1")
    assert first["route"] == "/api/v1/task-forces/{task_force_id}"
    assert first["status"] == 404
    assert first["token_id"] is not None
    assert first["duration_ms"] >= 0
    assert "424242" not in json.dumps(first)
    second = next(line for line in requests if line.get("route") == "/api/v1/regions/{code}")
    assert (second["status"], second["token_id"]) == (401, None)
    assert second["request_id"] == forged.headers["x-request-id"]
