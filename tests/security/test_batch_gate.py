"""Batch pushes take turns in a process (GTPPTPPO_BATCH_CONCURRENCY), and the queue of
pushes waiting for a turn is bounded (GTPPTPPO_BATCH_QUEUE): past it a push is 503
problem+json with Retry-After and stores nothing; reads are never held by the turns."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator

import httpx
import pytest

from gtpptppo_api.kit import turns
from tests.cases.helpers import case_body, create_centre
from tests.conftest import build_app
from tests.helpers import problem


def client_of(app: object) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=transport, base_url="http://test/api/v1")


async def _slow_body(
    ref: str, release: asyncio.Event, started: asyncio.Event
) -> AsyncIterator[bytes]:
    """An NDJSON batch whose one line arrives once ``release`` is set (a slow uplink)."""
    started.set()
    await release.wait()
    yield (json.dumps(case_body(ref)) + "\n").encode()


async def test_pushes_wait_their_turn_past_the_queue_503_and_reads_pass(
    database_url, session, client, national, auth
):
    centre = await create_centre(client, national)
    headers = await auth("service_centre", centre=centre["id"])
    url = f"/service-centres/{centre['id']}/cases:batch"
    ndjson = {**headers, "Content-Type": "application/x-ndjson"}
    app = build_app(database_url, session, batch_concurrency=1, batch_queue=1)
    async with client_of(app) as gated:
        release_first, first_reading = asyncio.Event(), asyncio.Event()
        first = asyncio.create_task(
            gated.post(url, content=_slow_body("R-1", release_first, first_reading), headers=ndjson)
        )
        await first_reading.wait()  # the first push has its turn and is reading its body

        # A read is not a push: served while the push holds the turn.
        listed = await gated.get("/cases", headers=national)
        assert listed.status_code == 200, listed.text

        # The second push waits for the turn (the queue holds one)...
        release_second, second_reading = asyncio.Event(), asyncio.Event()
        release_second.set()
        second = asyncio.create_task(
            gated.post(
                url, content=_slow_body("R-2", release_second, second_reading), headers=ndjson
            )
        )
        await asyncio.sleep(0.05)
        assert not second_reading.is_set()  # not a byte of its body read yet
        assert not second.done()

        # ...and a third finds the queue full: 503, Retry-After, nothing stored.
        third = await gated.post(url, json=[case_body("R-3")], headers=headers)
        body = problem(third, 503)
        assert third.headers["Retry-After"] == "2"
        assert body["retry_after"] == 2

        release_first.set()
        assert (await first).json()["created"] == 1
        assert (await second).json()["created"] == 1
        assert second_reading.is_set()

    refs = {
        c["external_ref"] for c in (await client.get("/cases", headers=national)).json()["items"]
    }
    assert refs == {"R-1", "R-2"}


async def test_the_turns_are_released_after_a_refused_push(
    database_url, session, client, national, auth
):
    """A push that fails (here, an invalid body: 422) gives its turn back."""
    centre = await create_centre(client, national)
    headers = await auth("service_centre", centre=centre["id"])
    url = f"/service-centres/{centre['id']}/cases:batch"
    app = build_app(database_url, session, batch_concurrency=1, batch_queue=0)
    async with client_of(app) as gated:
        bad = await gated.post(
            url, content=b"{not json", headers={**headers, "Content-Type": "application/json"}
        )
        problem(bad, 422)
        good = await gated.post(url, json=[case_body("R-1")], headers=headers)
        assert good.status_code == 200, good.text
        assert good.json()["created"] == 1


async def _slow_json(body: dict[str, object], release: asyncio.Event) -> AsyncIterator[bytes]:
    """A JSON body that arrives once ``release`` is set: a request kept in flight."""
    await release.wait()
    yield json.dumps(body).encode()


async def _request_in_flight(
    gated: httpx.AsyncClient, national: dict[str, str], release: asyncio.Event
) -> asyncio.Task[httpx.Response]:
    """A request of the app (a new centre) in flight until ``release`` is set: the app has
    it and waits for its body."""
    other = asyncio.create_task(
        gated.post(
            "/service-centres",
            content=_slow_json(
                {"name": "P2TP2A Brebes", "kind": "p2tp2a", "region_code": "33.29"}, release
            ),
            headers={**national, "Content-Type": "application/json"},
        )
    )
    await asyncio.sleep(0.05)
    return other


async def _pushing(client, national, auth) -> tuple[dict[str, str], str]:
    """A new centre's push headers and batch URL."""
    centre = await create_centre(client, national)
    return (
        await auth("service_centre", centre=centre["id"]),
        f"/service-centres/{centre['id']}/cases:batch",
    )


async def test_a_push_gives_way_to_the_other_requests_in_flight(
    database_url, session, client, national, auth, monkeypatch
):
    """Reads first (PostgreSQL): at each of its turns, a push waits while another request of
    the process is in flight (up to ``turns.MAX_WAIT``, here longer than the test), and goes
    on once none is. The other request is not held by the push."""
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite: a push holds the write lock and does not give way (the next test)")
    monkeypatch.setattr(turns, "MAX_WAIT", 60.0)
    headers, url = await _pushing(client, national, auth)
    app = build_app(database_url, session)
    async with client_of(app) as gated:
        release = asyncio.Event()
        other = await _request_in_flight(gated, national, release)
        items = [case_body(f"R-{n}") for n in range(2 * turns.EVERY)]
        push = asyncio.create_task(gated.post(url, json=items, headers=headers))
        await asyncio.sleep(0.3)
        assert not push.done()  # paused at a turn, its cases not stored

        # A read arriving meanwhile is answered at once, the push still paused.
        listed = await gated.get("/cases", headers=national)
        assert listed.status_code == 200
        assert listed.json()["items"] == []
        assert not push.done()

        release.set()
        assert (await other).status_code == 201
        pushed = await push
        assert pushed.status_code == 200, pushed.text
        assert pushed.json()["created"] == 2 * turns.EVERY


async def test_a_push_is_not_starved_by_requests_that_never_end(
    database_url, session, client, national, auth, monkeypatch
):
    """The wait at a turn is bounded: with another request in flight throughout, a push
    still finishes, one turn per ``MAX_WAIT`` at the slowest. On SQLite a push does not
    give way at all (its transaction holds the one write lock every other request waits
    for): it finishes with ``MAX_WAIT`` longer than the test."""
    monkeypatch.setattr(turns, "MAX_WAIT", 0.01 if database_url.startswith("postgresql") else 60.0)
    headers, url = await _pushing(client, national, auth)
    app = build_app(database_url, session)
    async with client_of(app) as gated:
        release = asyncio.Event()
        other = await _request_in_flight(gated, national, release)
        items = [case_body(f"R-{n}") for n in range(4 * turns.EVERY)]
        pushed = await asyncio.wait_for(gated.post(url, json=items, headers=headers), 30)
        assert pushed.status_code == 200, pushed.text
        assert pushed.json()["created"] == 4 * turns.EVERY
        assert not other.done()  # in flight all along
        release.set()
        assert (await other).status_code == 201


HOLD_A_REQUEST = """
import sys
from gtpptppo_api.kit.in_flight import Requests
with Requests().one():
    print("in flight", flush=True)
    sys.stdin.readline()
print("done", flush=True)
"""


async def _other_process() -> asyncio.subprocess.Process:
    """Another process of the machine with a request in flight (until a line on its stdin)."""
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        HOLD_A_REQUEST,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert child.stdout is not None
    assert await asyncio.wait_for(child.stdout.readline(), 30) == b"in flight\n"
    return child


@pytest.mark.parametrize("end", ["finished", "killed"])
async def test_a_push_gives_way_to_the_requests_of_the_machines_other_processes(
    database_url, session, client, national, auth, monkeypatch, end
):
    """Reads first across the API processes of a machine (they share its cores): a push
    waits while another process has a request in flight, and goes on once it has none, or
    once that process is killed (its count is cleared when its slot's lock is found free)."""
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite: a push holds the write lock and does not give way")
    monkeypatch.setattr(turns, "MAX_WAIT", 60.0)
    headers, url = await _pushing(client, national, auth)
    app = build_app(database_url, session)
    other = await _other_process()
    try:
        async with client_of(app) as gated:
            push = asyncio.create_task(
                gated.post(url, json=[case_body(f"R-{n}") for n in range(40)], headers=headers)
            )
            await asyncio.sleep(0.3)
            assert not push.done()  # paused at a turn while the other process reads

            if end == "finished":
                assert other.stdin is not None
                other.stdin.write(b"\n")
                await other.stdin.drain()
            else:
                other.kill()
            pushed = await asyncio.wait_for(push, 30)
            assert pushed.status_code == 200, pushed.text
            assert pushed.json()["created"] == 40
    finally:
        if other.returncode is None:
            other.kill()
        await other.wait()
