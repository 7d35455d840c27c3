"""Liveness for orchestrators: the process answers, asking no dependency."""

from __future__ import annotations

import httpx


async def test_healthz_answers_without_a_token_or_the_database(app):
    """``GET /healthz`` is 200 ``{"status": "ok"}`` with no token, and never cached."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["cache-control"] == "no-store"
