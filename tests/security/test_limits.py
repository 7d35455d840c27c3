"""Caps and limits (OWASP API 2023 #4, unrestricted resource consumption), and how tokens
are kept (docs/architecture.md, "The life of a request"): bodies capped at
GTPPTPPO_MAX_BODY_BYTES however they are sent, batches capped in items, requests capped per
token, tokens stored only as hashes."""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import text

from gtpptppo_api.auth import service as auth_service
from gtpptppo_api.cases import service as cases_service
from tests.cases.helpers import case_body, create_centre
from tests.conftest import build_app, unavailable
from tests.helpers import problem, task_force_body

REDIS_URL = "redis://127.0.0.1:6379/15"


def client_of(app: object) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=transport, base_url="http://test/api/v1")


@pytest.fixture
async def capped(database_url, session) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app whose bodies are capped at 2,000 bytes."""
    async with client_of(build_app(database_url, session, max_body_bytes=2000)) as client:
        yield client


def padded_task_force(size: int) -> bytes:
    """A valid task-force body of exactly ``size`` bytes (JSON allows trailing blanks)."""
    raw = json.dumps(task_force_body("33.02")).encode()
    return raw + b" " * (size - len(raw))


async def test_a_body_under_the_cap_is_served(capped, national):
    response = await capped.post(
        "/task-forces",
        content=padded_task_force(1900),
        headers={**national, "Content-Type": "application/json"},
    )
    assert response.status_code == 201, response.text


async def test_a_declared_length_over_the_cap_is_413_and_changes_nothing(capped, national):
    response = await capped.post(
        "/task-forces",
        content=padded_task_force(2001),
        headers={**national, "Content-Type": "application/json"},
    )
    body = problem(response, 413)
    assert body["max_bytes"] == 2000
    assert (await capped.get("/task-forces", headers=national)).json()["items"] == []


async def test_a_chunked_body_is_counted_as_it_arrives(capped, national):
    """No Content-Length: the cap holds all the same, and reading stops at the cap."""
    sent: list[int] = []

    async def chunks() -> AsyncIterator[bytes]:
        raw = padded_task_force(50_000)
        for start in range(0, len(raw), 500):
            sent.append(start)
            yield raw[start : start + 500]

    request = capped.build_request(
        "POST",
        "/task-forces",
        content=chunks(),
        headers={**national, "Content-Type": "application/json"},
    )
    assert "content-length" not in request.headers
    response = await capped.send(request)
    problem(response, 413)
    assert len(sent) <= 6  # 5 chunks fill the cap; the 96 others were never read
    assert (await capped.get("/task-forces", headers=national)).json()["items"] == []


async def test_a_streamed_batch_over_the_cap_is_413(capped, client, national, auth):
    centre = await create_centre(client, national)
    headers = await auth("service_centre", centre=centre["id"])
    line = (json.dumps(case_body("R-1")) + "\n").encode()

    async def ndjson() -> AsyncIterator[bytes]:
        for _ in range(20):
            yield line

    response = await capped.post(
        f"/service-centres/{centre['id']}/cases:batch",
        content=ndjson(),
        headers={**headers, "Content-Type": "application/x-ndjson"},
    )
    problem(response, 413)
    assert (await client.get("/cases", headers=national)).json()["items"] == []


async def test_unauthenticated_bodies_are_capped_before_anything_else(capped):
    response = await capped.post(
        "/task-forces", content=b"x" * 3000, headers={"Content-Type": "application/json"}
    )
    problem(response, 413)


async def test_a_batch_over_the_item_cap_is_413(client, national, auth, monkeypatch):
    """Too many items is a size limit (413 problem+json), not a field error (422)."""
    monkeypatch.setattr(cases_service, "MAX_BATCH_ITEMS", 3)
    centre = await create_centre(client, national)
    headers = await auth("service_centre", centre=centre["id"])
    items = [case_body(f"R-{i}") for i in range(4)]
    response = await client.post(
        f"/service-centres/{centre['id']}/cases:batch", json=items, headers=headers
    )
    body = problem(response, 413)
    assert body["max_items"] == 3
    assert (await client.get("/cases", headers=national)).json()["items"] == []
    within = await client.post(
        f"/service-centres/{centre['id']}/cases:batch", json=items[:3], headers=headers
    )
    assert within.json()["created"] == 3


async def test_the_real_item_cap_is_ten_thousand():
    assert cases_service.MAX_BATCH_ITEMS == 10_000


async def test_rate_limit_per_token_answers_429_with_retry_after(database_url, session, auth):
    async with client_of(build_app(database_url, session, rate_limit="3/minute")) as limited:
        first = await auth("national_admin")
        other = await auth("national_admin")
        for _ in range(3):
            assert (await limited.get("/regions/33", headers=first)).status_code == 200
        refused = await limited.get("/regions/33", headers=first)
        body = problem(refused, 429)
        retry_after = int(refused.headers["retry-after"])
        assert 1 <= retry_after <= 60
        assert body["retry_after"] == retry_after
        # the limit is the token's own: another token is served
        assert (await limited.get("/regions/33", headers=other)).status_code == 200


async def test_the_rate_limit_window_moves_and_each_limit_counts(database_url, session, auth):
    """The in-process window (memory://) is a moving one: a request is served again once
    the oldest counted has left the window, and with two limits the tighter one refuses."""
    async with client_of(
        build_app(database_url, session, rate_limit="2/second;100/hour")
    ) as limited:
        headers = await auth("national_admin")
        for _ in range(2):
            assert (await limited.get("/regions/33", headers=headers)).status_code == 200
        refused = await limited.get("/regions/33", headers=headers)
        assert problem(refused, 429)["retry_after"] == 1
        await asyncio.sleep(1.05)  # the two counted requests have left the window
        assert (await limited.get("/regions/33", headers=headers)).status_code == 200


async def test_an_empty_rate_limit_disables_it(database_url, session, national):
    async with client_of(build_app(database_url, session, rate_limit="")) as unlimited:
        for _ in range(30):
            assert (await unlimited.get("/regions/33", headers=national)).status_code == 200


async def test_rate_limit_counters_are_shared_through_redis(database_url, session, auth):
    """Two API processes (two apps) over one Redis share each token's counter."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        unavailable(f"Redis unreachable at {REDIS_URL}: {exc}")
    settings = {
        "rate_limit": "3/minute",
        "rate_limit_storage": REDIS_URL,
        "broker_namespace": f"test{uuid.uuid4().hex[:8]}",
    }
    headers = await auth("national_admin")
    async with (
        client_of(build_app(database_url, session, **settings)) as one,
        client_of(build_app(database_url, session, **settings)) as two,
    ):
        assert (await one.get("/regions/33", headers=headers)).status_code == 200
        assert (await two.get("/regions/33", headers=headers)).status_code == 200
        assert (await one.get("/regions/33", headers=headers)).status_code == 200
        refused = await two.get("/regions/33", headers=headers)
        problem(refused, 429)
        assert int(refused.headers["retry-after"]) >= 1


# Nothing listens on port 1: the counters' store is down.
DOWN_STORAGE = "redis://127.0.0.1:1/0"


async def test_requests_are_served_by_default_while_the_rate_limit_storage_is_down(
    database_url, session, national, caplog
):
    """GTPPTPPO_RATE_LIMIT_WHEN_DOWN=serve (the default): a request is served, unlimited
    meanwhile, and the outage is logged."""
    app = build_app(database_url, session, rate_limit="3/minute", rate_limit_storage=DOWN_STORAGE)
    async with client_of(app) as client:
        for _ in range(5):  # past the limit of 3: nothing counts them
            assert (await client.get("/regions/33", headers=national)).status_code == 200
    assert "rate-limit storage unreachable; request let through" in caplog.text


async def test_requests_are_refused_with_503_while_the_rate_limit_storage_is_down_if_set(
    database_url, session, national
):
    """GTPPTPPO_RATE_LIMIT_WHEN_DOWN=refuse: 503 problem+json with Retry-After, and the
    request does nothing (a task force is not created)."""
    app = build_app(
        database_url,
        session,
        rate_limit="3/minute",
        rate_limit_storage=DOWN_STORAGE,
        rate_limit_when_down="refuse",
    )
    async with client_of(app) as client:
        refused = await client.post("/task-forces", json=task_force_body("33.02"), headers=national)
        body = problem(refused, 503)
        assert refused.headers["retry-after"] == str(body["retry_after"])
        assert "rate limit" in body["detail"]
    count = await session.scalar(text("SELECT count(*) FROM task_force"))
    assert count == 0


async def test_an_unreadable_rate_limit_is_refused_at_start():
    from pydantic import ValidationError

    from gtpptppo_api.settings import Settings

    with pytest.raises(ValidationError, match="rate_limit"):
        Settings(rate_limit="many per day")


async def test_tokens_are_stored_only_as_sha256(client, session, auth):
    headers = await auth("national_admin")
    clear = headers["Authorization"].removeprefix("Bearer ")
    rows = (await session.execute(text("SELECT * FROM api_token"))).all()
    assert rows
    for row in rows:
        assert all(clear not in str(value) for value in row)
    hashes = (await session.execute(text("SELECT token_hash FROM api_token"))).scalars().all()
    assert hashlib.sha256(clear.encode()).hexdigest() in hashes
    assert (await client.get("/regions/33", headers=headers)).status_code == 200


async def test_token_check_compares_in_constant_time(client, auth, monkeypatch):
    """The stored hash is compared with hmac.compare_digest, not ``==``."""
    headers = await auth("national_admin")
    digest = hashlib.sha256(headers["Authorization"].removeprefix("Bearer ").encode()).hexdigest()
    calls: list[tuple[str, str]] = []
    real = auth_service.hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(auth_service.hmac, "compare_digest", spy)
    assert (await client.get("/regions/33", headers=headers)).status_code == 200
    assert calls == [(digest, digest)]
