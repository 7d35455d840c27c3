"""Webhooks delivered to a real HTTP receiver on the loopback, signed per the Standard
Webhooks specification and verified with its reference verifier (``standardwebhooks``)."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import httpx
import pytest
from aiohttp import web
from standardwebhooks.webhooks import Webhook

from gtpptppo_api import jobs
from gtpptppo_api.db.base import utcnow
from gtpptppo_api.settings import get_settings
from tests.conftest import build_app
from tests.helpers import create_task_force, error_fields, problem
from tests.referrals.support import centre, push
from tests.reports.support import open_report, step, through_to_forwarded, unit
from tests.security.world import narrative_body

LOOPBACK = {
    "webhook_allow_http": True,
    "webhook_allowed_networks": "127.0.0.0/8",
    "webhook_retry_base_seconds": 0.2,
}


class Receiver:
    """An HTTP server on a loopback port that keeps every request it is sent."""

    def __init__(self) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        self.received: dict[str, list[tuple[dict[str, str], str]]] = {}
        self.runner: web.AppRunner | None = None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    async def _take(self, request: web.Request) -> web.Response:
        body = await request.text()
        self.received.setdefault(request.path.strip("/"), []).append((dict(request.headers), body))
        return web.Response(status=204)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/{name}", self._take)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None

    def messages(self, name: str, secret: str) -> list[dict[str, Any]]:
        """What ``name`` received, each verified with ``secret`` (raises when one fails)."""
        verifier = Webhook(secret)
        return [verifier.verify(body, headers) for headers, body in self.received.get(name, [])]


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    server = Receiver()
    yield server
    await server.stop()


@pytest.fixture
def loopback_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker's settings (``get_settings``) allow the loopback receiver, as the app's."""
    for name, value in LOOPBACK.items():
        monkeypatch.setenv(f"GTPPTPPO_{name.upper()}", str(value))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
async def client(database_url, session, loopback_settings) -> AsyncIterator[httpx.AsyncClient]:
    app = build_app(database_url, session, **LOOPBACK)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test/api/v1") as client:
        yield client


async def subscribe(client, headers, url: str, *types: str) -> dict[str, Any]:
    response = await client.post(
        "/webhook-subscriptions",
        json={"url": url, "event_types": list(types or ["report.state_changed"])},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


async def deliveries(client, headers, subscription_id: int) -> list[dict[str, Any]]:
    response = await client.get(
        f"/webhook-subscriptions/{subscription_id}/deliveries", headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def test_a_returned_report_reaches_the_regency_once_and_no_other(
    client, session, national, auth, receiver
):
    """Permen PPPA 10/2012 §3.3.3 c: the province returns the regency's report with a
    reason. The regency's subscription receives the forward and the return once each
    (signed, verified with the reference verifier; ids, states and the reason only), the
    province's receives them too (its subtree), another regency's receives nothing."""
    await receiver.start()
    province = await unit(client, national, auth, "33")
    regency = await unit(client, national, auth, "33.02")
    await create_task_force(client, national, "33.01")
    cilacap = await auth("task_force_admin", "33.01")
    mine = await subscribe(client, regency.admin, receiver.url("banyumas"))
    above = await subscribe(client, province.admin, receiver.url("jateng"))
    other = await subscribe(client, cilacap, receiver.url("cilacap"))

    report = await open_report(client, regency.admin, regency)
    await jobs.run_pending(session)
    await through_to_forwarded(client, regency, report["id"])
    reason = "Tabel 1 belum memuat kasus triwulan IV"
    returned = await step(client, province.admin, report["id"], "return", comment=reason)
    assert returned.status_code == 200, returned.text
    await jobs.run_pending(session)
    await jobs.run_pending(session)  # nothing is sent twice

    told = receiver.messages("banyumas", mine["secret"])
    assert [m["data"]["action"] for m in told] == ["forward", "return"]
    back = told[1]
    assert back["type"] == "report.state_changed"
    assert back["data"] == {
        "report_id": report["id"],
        "task_force_id": regency.id,
        "action": "return",
        "from_state": "forwarded",
        "to_state": "returned",
        "reason": reason,
        "link": f"/api/v1/reports/{report['id']}",
    }
    ids = [headers["webhook-id"] for headers, _ in receiver.received["banyumas"]]
    assert len(set(ids)) == 2
    assert len(receiver.messages("jateng", above["secret"])) == 2
    assert "cilacap" not in receiver.received
    assert await deliveries(client, cilacap, other["id"]) == []
    log = await deliveries(client, regency.admin, mine["id"])
    assert [(d["status"], d["response_status"], d["attempts"]) for d in log] == [
        ("delivered", 204, 1),
        ("delivered", 204, 1),
    ]
    # a signature by another secret does not verify
    with pytest.raises(Exception, match="signature"):
        receiver.messages("banyumas", other["secret"])


async def test_a_submitted_sub_task_force_report_is_told_once(
    client, session, national, auth, receiver
):
    """Lampiran V: a sub-task-force submits its report to the daily chair; the task force's
    subscription is told once, on the submission (not on the edits before it)."""
    await receiver.start()
    task_force = await create_task_force(client, national, "33.02")
    admin = await auth("task_force_admin", "33.02")
    mine = await subscribe(
        client, admin, receiver.url("banyumas"), "sub_task_force_report.submitted"
    )
    units = await client.get(f"/task-forces/{task_force['id']}/sub-task-forces", headers=admin)
    unit_id = units.json()["items"][0]["id"]
    draft = await client.post(
        "/sub-task-force-reports", json=narrative_body(unit_id, 2024), headers=admin
    )
    assert draft.status_code == 201, draft.text
    narrative_id = draft.json()["id"]
    edited = await client.patch(
        f"/sub-task-force-reports/{narrative_id}",
        json={"obstacles": "Anggaran dan tenaga terbatas"},
        headers=admin,
    )
    assert edited.status_code == 200, edited.text
    submitted = await client.post(f"/sub-task-force-reports/{narrative_id}/submit", headers=admin)
    assert submitted.status_code == 200, submitted.text
    await jobs.run_pending(session)
    [message] = receiver.messages("banyumas", mine["secret"])
    assert message["type"] == "sub_task_force_report.submitted"
    assert message["data"]["sub_task_force_report_id"] == narrative_id
    assert message["data"]["sub_task_force_id"] == unit_id


async def _attempt_when_due(client, session, headers, subscription_id: int) -> dict[str, Any]:
    """Wait for the delivery's next attempt to be due (its backoff), then run the jobs."""
    [delivery] = await deliveries(client, headers, subscription_id)
    due = delivery["next_attempt_at"]
    if due is not None:
        wait = (datetime.fromisoformat(due) - utcnow()).total_seconds()
        await asyncio.sleep(max(0.0, wait) + 0.05)
    await jobs.run_pending(session)
    [delivery] = await deliveries(client, headers, subscription_id)
    return delivery


async def test_a_receiver_down_for_a_while_gets_the_event_when_back(
    client, session, national, auth, receiver
):
    """The receiver is down: the attempt fails and the next is deferred by the backoff (a
    test-sized base delay); it comes back and gets the event once, signed by both the new
    secret and the one rotated out meanwhile."""
    regency = await unit(client, national, auth, "33.02")
    mine = await subscribe(client, regency.admin, receiver.url("banyumas"))
    report = await open_report(client, regency.admin, regency)
    await jobs.run_pending(session)
    await through_to_forwarded(client, regency, report["id"])

    await jobs.run_pending(session)
    [failed] = await deliveries(client, regency.admin, mine["id"])
    assert failed["status"] == "pending"
    assert failed["attempts"] == 1
    assert failed["response_status"] is None
    assert failed["last_error"]
    assert failed["next_attempt_at"] > failed["last_attempt_at"]

    rotated = await client.post(
        f"/webhook-subscriptions/{mine['id']}/secret-rotation", headers=regency.admin
    )
    assert rotated.status_code == 200, rotated.text
    new_secret = rotated.json()["secret"]
    await receiver.start()
    for _ in range(10):  # until delivered; each turn waits for its backoff
        delivery = await _attempt_when_due(client, session, regency.admin, mine["id"])
        if delivery["status"] != "pending":
            break
    assert delivery["status"] == "delivered"
    assert delivery["attempts"] >= 2
    [message] = receiver.messages("banyumas", new_secret)
    assert message["data"]["action"] == "forward"
    assert receiver.messages("banyumas", mine["secret"]) == [message]  # the old one too


async def test_a_subscription_failing_past_the_window_is_disabled_until_enabled(
    client, session, national, auth, receiver, monkeypatch
):
    """Every attempt failing for the retry window disables the subscription (with the reason
    in it); its owner enables it again, and the next events are delivered."""
    monkeypatch.setenv("GTPPTPPO_WEBHOOK_RETRY_HOURS", "0.0001")  # 0.36 s here
    get_settings.cache_clear()
    regency = await unit(client, national, auth, "33.02")
    mine = await subscribe(client, regency.admin, receiver.url("banyumas"))
    report = await open_report(client, regency.admin, regency)
    await jobs.run_pending(session)
    await through_to_forwarded(client, regency, report["id"])
    for _ in range(20):
        delivery = await _attempt_when_due(client, session, regency.admin, mine["id"])
        if delivery["status"] != "pending":
            break
    assert delivery["status"] == "failed"
    state = await client.get(f"/webhook-subscriptions/{mine['id']}", headers=regency.admin)
    assert state.json()["enabled"] is False
    assert "failed" in state.json()["disabled_reason"]

    back = await client.patch(
        f"/webhook-subscriptions/{mine['id']}", json={"enabled": True}, headers=regency.admin
    )
    assert back.json()["enabled"] is True
    assert back.json()["failing_since"] is None
    await receiver.start()
    province = await auth("task_force_admin", "33")
    await create_task_force(client, national, "33")
    received = await step(client, province, report["id"], "receive")
    assert received.status_code == 200, received.text
    await jobs.run_pending(session)
    [message] = receiver.messages("banyumas", mine["secret"])
    assert message["data"]["action"] == "receive"


async def test_urls_and_event_types_are_checked_when_subscribing(client, auth, national):
    """https only unless allowed; no loopback, private, link-local or metadata address
    unless allowed (this app allows http and 127.0.0.0/8 only); known event types only.
    Each refusal is a 422 naming its field."""
    await create_task_force(client, national, "33.02")
    admin = await auth("task_force_admin", "33.02")
    for url in (
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.5/hook",
        "http://192.168.1.10/hook",
        "http://[::1]:8080/hook",
        "http://[fd00:ec2::254]/hook",
        "ftp://127.0.0.1/hook",
        "http://user:pw@127.0.0.1/hook",
    ):
        response = await client.post(
            "/webhook-subscriptions",
            json={"url": url, "event_types": ["report.published"]},
            headers=admin,
        )
        assert error_fields(problem(response, 422)) == {"url"}, url
    response = await client.post(
        "/webhook-subscriptions",
        json={"url": "http://127.0.0.1:9/hook", "event_types": ["report.shredded"]},
        headers=admin,
    )
    assert error_fields(problem(response, 422)) == {"event_types.0"}
    types = (await client.get("/webhook-event-types", headers=admin)).json()
    assert {t["name"] for t in types} >= {"import.finished", "data_subject_request.due"}


async def test_https_is_required_without_the_setting(database_url, session, auth, national):
    """By default a webhook URL is https:// to a public address: http:// and the loopback
    are refused."""
    app = build_app(database_url, session)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test/api/v1") as client:
        await create_task_force(client, national, "33.02")
        admin = await auth("task_force_admin", "33.02")
        for url in ("http://1.1.1.1/hook", "https://127.0.0.1/hook"):
            response = await client.post(
                "/webhook-subscriptions",
                json={"url": url, "event_types": ["report.published"]},
                headers=admin,
            )
            body = problem(response, 422)
            assert error_fields(body) == {"url"}, (url, body)


def test_payload_fields_are_ids_states_and_links():
    """No event type of the catalogue carries a name, NIK or free personal field."""
    from gtpptppo_api.webhooks.events import CATALOGUE

    personal = {"name", "nik", "phone", "address", "personal", "victim", "witnesses"}
    for event in CATALOGUE.values():
        assert not event.fields & personal, event.name
        assert json.dumps(sorted(event.fields))


async def test_a_data_subject_request_received_tells_the_centre_when_it_is_due(
    client, session, national, auth, receiver
):
    """UU 27/2022: a request of a data subject has its clock (3 x 24 hours). The centre's
    app is told once that an answer is due and by when, with ids and a link only (never
    whose request, nor which case); another centre's app is told nothing."""
    await receiver.start()
    owner = await centre(client, national, auth, "33.02", "P2TP2A Banyumas")
    other = await centre(client, national, auth, "33.02", "UPTD PPA Banyumas")
    mine = await subscribe(client, owner.headers, receiver.url("mine"), "data_subject_request.due")
    await subscribe(client, other.headers, receiver.url("other"), "data_subject_request.due")
    case_id = await push(client, owner, "DSR-1")
    created = await client.post(
        f"/service-centres/{owner.id}/data-requests",
        json={"kind": "access", "case_id": case_id},
        headers=owner.headers,
    )
    assert created.status_code == 201, created.text
    request = created.json()
    await jobs.run_pending(session)
    await jobs.run_pending(session)

    [told] = receiver.messages("mine", mine["secret"])
    assert told["type"] == "data_subject_request.due"
    assert set(told["data"]) == {"data_subject_request_id", "service_centre_id", "due_on", "link"}
    assert told["data"]["data_subject_request_id"] == request["id"]
    assert told["data"]["link"] == f"/api/v1/data-requests/{request['id']}"
    assert datetime.fromisoformat(told["data"]["due_on"]) == datetime.fromisoformat(
        request["due_at"]
    )
    assert case_id not in json.dumps(told)
    assert "other" not in receiver.received
