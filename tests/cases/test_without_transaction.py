"""The case reads run without a transaction on PostgreSQL: no BEGIN and COMMIT round trips.

Through the real session dependency (the other tests replace it with a rolled-back
transaction), on a PostgreSQL database of this test's own, committed to for real.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from gtpptppo_api.auth.models import Role
from tests.cases.helpers import case_body
from tests.live import live_app


async def test_case_reads_run_outside_a_transaction_and_writes_inside_one():
    """Every statement of GET /cases and GET /cases/{id} runs outside a transaction block;
    a push runs inside one; and the audit event of a personal read (its one write) is
    committed all the same."""
    in_transaction: list[tuple[str, bool]] = []
    async with live_app() as live:

        @event.listens_for(live.app.state.engine.sync_engine, "after_cursor_execute")
        def _seen(conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
            driver = conn.connection.driver_connection
            in_transaction.append((statement.split()[0], driver.is_in_transaction()))

        client = live.client
        admin = await live.bearer(Role.national_admin)
        response = await client.post(
            "/service-centres",
            json={"name": "P2TP2A 33.02", "kind": "p2tp2a", "region_code": "33.02"},
            headers=admin,
        )
        assert response.status_code == 201, response.text
        centre = await live.bearer(Role.service_centre, response.json()["id"])
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
