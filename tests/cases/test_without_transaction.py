"""The case reads run without a transaction on PostgreSQL: no BEGIN and COMMIT round trips.

Through the real session dependency (the other tests replace it with a rolled-back
transaction), on a PostgreSQL database of this test's own, committed to for real.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import event

from gtpptppo_api.app import create_app
from gtpptppo_api.auth.models import Role
from gtpptppo_api.auth.service import create_token
from gtpptppo_api.db.migrate import upgrade
from gtpptppo_api.settings import Settings
from tests.cases.helpers import case_body
from tests.conftest import TEST_KEYS, _postgres_database


@pytest.fixture
async def app() -> AsyncIterator[FastAPI]:
    url, drop = await _postgres_database()
    try:
        await asyncio.to_thread(upgrade, url)
        app = create_app(Settings(database_url=url, encryption_key=TEST_KEYS, rate_limit=""))
        async with app.router.lifespan_context(app):
            yield app
    finally:
        await drop()


async def bearer(app: FastAPI, role: Role, centre: int | None = None) -> dict[str, str]:
    async with app.state.sessionmaker() as session, session.begin():
        _, clear = await create_token(session, name=role.value, role=role, service_centre_id=centre)
    return {"Authorization": f"Bearer {clear}"}


async def test_case_reads_run_outside_a_transaction_and_writes_inside_one(app: FastAPI):
    """Every statement of GET /cases and GET /cases/{id} runs outside a transaction block;
    a push runs inside one; and the audit event of a personal read (its one write) is
    committed all the same."""
    in_transaction: list[tuple[str, bool]] = []

    @event.listens_for(app.state.engine.sync_engine, "after_cursor_execute")
    def _seen(conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        driver = conn.connection.driver_connection
        in_transaction.append((statement.split()[0], driver.is_in_transaction()))

    admin = await bearer(app, Role.national_admin)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test/api/v1"
    ) as client:
        response = await client.post(
            "/service-centres",
            json={"name": "P2TP2A 33.02", "kind": "p2tp2a", "region_code": "33.02"},
            headers=admin,
        )
        assert response.status_code == 201, response.text
        centre = await bearer(app, Role.service_centre, centre=response.json()["id"])
        body = {**case_body("T-1"), "personal": {"name": "Korban", "nik": "3302014501900001"}}

        in_transaction.clear()
        response = await client.put(
            f"/service-centres/{response.json()['id']}/cases/T-1", json=body, headers=centre
        )
        assert response.status_code == 201, response.text
        case_id = response.json()["id"]
        assert in_transaction
        assert all(inside for _, inside in in_transaction), in_transaction

        in_transaction.clear()
        listed = await client.get("/cases", headers=admin)
        assert listed.status_code == 200, listed.text
        assert [item["id"] for item in listed.json()["items"]] == [case_id]
        one = await client.get(
            f"/cases/{case_id}",
            params={"include": "personal"},
            headers={**centre, "X-Access-Reason": "follow-up visit"},
        )
        assert one.status_code == 200, one.text
        assert one.json()["personal"]["name"] == "Korban"
        assert ("INSERT", False) in in_transaction  # the audit event
        assert not any(inside for _, inside in in_transaction), in_transaction

        events = await client.get(
            "/audit-events", params={"entity_type": "case", "entity_id": case_id}, headers=admin
        )
        assert events.status_code == 200, events.text
        actions = [item["action"] for item in events.json()["items"]]
        assert "read_personal" in actions
