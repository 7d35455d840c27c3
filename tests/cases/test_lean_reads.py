"""Lean reads (``kit.lean``, ``cases.lean``): the case list and a case by id answered beside
FastAPI give, for every request, the same status, body and headers as FastAPI gives.

The same requests (every role that reads cases, every filter, limits, pages by cursor, cases
outside the jurisdiction or missing, personal reads, bad parameters, revoked tokens) go to
an app with ``lean_reads`` on and to one with it off, over one database whose data is
committed (a real engine: the lean path reads with its own pooled connections, not the
tests' rolled-back session), and their answers are compared byte for byte, but for the
request id and the date. Another test shows that the lean path did answer: FastAPI's
session dependency is not run for the requests it answers.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.app import create_app
from gtpptppo_api.auth.models import Role
from gtpptppo_api.auth.service import create_token, revoke_token
from gtpptppo_api.db.engine import create_engine
from gtpptppo_api.db.migrate import upgrade
from gtpptppo_api.db.session import get_session
from gtpptppo_api.service_centres.models import ServiceCentre, ServiceCentreKind
from gtpptppo_api.settings import Settings
from tests.cases.helpers import case_body
from tests.cases.test_htcds import EVENTS, PERPETRATORS
from tests.conftest import TEST_KEYS, _postgres_database
from tests.exports.test_simfoni import SIMFONI

CONTEXT = {
    "trafficking_status": "actual_victim_of_trafficking",
    "recruitment_methods": ["through_friends_or_social_events"],
    "recruitment_place": {"region_code": "33.02"},
    "recruited_on": "2023-11-02",
    "vulnerability_details": "Utang keluarga — biaya berangkat 5.000.000 rupiah 😔",
}
NIK = "3302015507080001"
Answer = tuple[int, bytes, list[tuple[str, str]]]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
async def url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """A database of its own, whose data the tests commit."""
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("lean") / "lean.db"
        url = f"sqlite:///{path}"
        await asyncio.to_thread(upgrade, url)
        yield url
        return
    url, drop = await _postgres_database()
    try:
        await asyncio.to_thread(upgrade, url)
        yield url
    finally:
        await drop()


def settings(url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": url,
        "encryption_key": TEST_KEYS,
        "rate_limit": "100000/minute",
        "public_rate_limit": "100000/minute",
    }
    return Settings(**(values | overrides))


@asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://test/api/v1") as client,
    ):
        yield client


async def token(url: str, role: Role, region: str | None = None, centre: int | None = None) -> str:
    engine = create_engine(url)
    try:
        async with AsyncSession(engine, expire_on_commit=False) as session:
            _, clear = await create_token(
                session,
                name=f"lean {role.value}",
                role=role,
                region_code=region,
                service_centre_id=centre,
            )
            await session.commit()
    finally:
        await engine.dispose()
    return clear


async def revoke(url: str, clear: str) -> None:
    engine = create_engine(url)
    try:
        async with AsyncSession(engine, expire_on_commit=False) as session:
            await revoke_token(session, clear)
            await session.commit()
    finally:
        await engine.dispose()


async def centre(url: str, region: str) -> int:
    engine = create_engine(url)
    try:
        async with AsyncSession(engine, expire_on_commit=False) as session:
            row = ServiceCentre(
                name=f"P2TP2A {region}", kind=ServiceCentreKind.p2tp2a, region_code=region
            )
            session.add(row)
            await session.commit()
            return row.id
    finally:
        await engine.dispose()


@dataclass
class World:
    url: str
    tokens: dict[str, str]  # who -> token
    cases: dict[str, str]  # external ref -> id
    outside: str  # a case of Central Java's centre, outside Aceh's jurisdiction


def bodies() -> Iterable[tuple[str, dict[str, Any]]]:
    """(centre, body): cases of every shape the list shows, in two provinces."""
    yield "a", case_body("A-1")
    yield (
        "a",
        case_body(
            "A-2",
            victim={"sex": "male", "age_at_identification": 15, "nationality": "ID"},
            exploitation_types=["sexual_exploitation", "other"],
            services=[{"type": "health_rehabilitation", "started_on": "2024-03-06"}],
            status="closed",
            closure_reason="Kembali ke keluarga\tdi Purbalingga — 「完了」",
            legal_stage="prosecution",
            incident_on="2023-12-31",
        ),
    )
    yield (
        "a",
        case_body(
            "A-3",
            victim_context=CONTEXT,
            perpetrators=PERPETRATORS,
            events=EVENTS,
            simfoni=SIMFONI,
            transit=[{"region_code": "21.71"}, {"country": "SG"}],
            destination={"region_code": "31.71"},
            personal={"nik": NIK, "name": "Ani"},
            identified_on="2024-02-01",
        ),
    )
    yield "a", case_body("A-4", personal={"nik": NIK}, identified_on="2024-02-15")
    yield "a", case_body("A-5", region="33.01", incident_year=2022, identified_on="2023-01-09")
    for n in range(6, 13):
        yield "a", case_body(f"A-{n}", identified_on=f"20{10 + n}-02-0{n % 9 + 1}")
    yield "b", case_body("B-1", region="11.01", personal={"nik": NIK}, identified_on="2024-03-01")
    yield "b", case_body("B-2", region="11.01", status="follow_up")


@pytest.fixture(scope="module")
async def world(url: str) -> World:
    centres = {"a": await centre(url, "33"), "b": await centre(url, "11.01")}
    tokens = {
        "national": await token(url, Role.national_admin),
        "province 33": await token(url, Role.task_force_admin, "33"),
        "regency 33.02": await token(url, Role.reporter, "33.02"),
        "province 11": await token(url, Role.task_force_admin, "11"),
        "centre a": await token(url, Role.service_centre, centre=centres["a"]),
        "centre b": await token(url, Role.service_centre, centre=centres["b"]),
        "analyst": await token(url, Role.analyst),
    }
    cases = {}
    async with running(create_app(settings(url, lean_reads=False))) as client:
        for which, body in bodies():
            headers = {"Authorization": f"Bearer {tokens['centre ' + which]}"}
            path = f"/service-centres/{centres[which]}/cases/{body['external_ref']}"
            response = await client.put(path, json=body, headers=headers)
            assert response.status_code == 201, response.text
            cases[body["external_ref"]] = response.json()["id"]
    return World(url, tokens, cases, outside=cases["A-1"])


Asked = tuple[str, str, dict[str, str], dict[str, str]]  # who, path, params, headers


def requests(world: World) -> list[Asked]:
    """Every request compared, but the pages by cursor (which follow the first pages)."""
    a1, a3, b1 = world.cases["A-1"], world.cases["A-3"], world.cases["B-1"]
    missing = "00000000-0000-4000-8000-000000000000"
    found: list[Asked] = []
    for who in world.tokens:
        found += [
            (who, "/cases", {}, {}),
            (who, "/cases", {"limit": "3"}, {}),
            (who, f"/cases/{a1}", {}, {}),
            (who, f"/cases/{a3}", {}, {}),
            (who, f"/cases/{b1}", {}, {}),
            (who, f"/cases/{missing}", {}, {}),
        ]
    filters = [
        {"region_code": "33"},
        {"region_code": "33.01"},
        {"region_code": "11.01", "limit": "1"},
        {"year": "2024"},
        {"year": "2024", "sex": "female", "limit": "2"},
        {"sex": "male"},
        {"age_group": "child"},
        {"exploitation_type": "sexual_exploitation"},
        {"service": "health_rehabilitation"},
        {"service": "complaint", "status": "open", "limit": "200"},
        {"status": "closed"},
        {"service_centre_id": "1"},
        {"limit": "1"},
    ]
    for params in filters:
        found += [("national", "/cases", params, {}), ("province 33", "/cases", params, {})]
    bad = [
        {"limit": "0"},
        {"limit": "201"},
        {"limit": "abc"},
        {"limit": "+5"},
        {"year": "1800"},
        {"year": ""},
        {"sex": "robot"},
        {"region_code": "123456789"},
        {"cursor": "bm90IGEgY3Vyc29y"},
        {"cursor": "%%%"},
        {"unknown": "1"},
    ]
    found += [("national", "/cases", params, {}) for params in bad]
    found += [
        ("national", f"/cases/{a3}", {"include": "personal"}, {}),
        ("national", f"/cases/{a3}", {"include": "personal"}, {"X-Access-Reason": "Rujukan"}),
        ("centre a", f"/cases/{a3}", {"include": "personal"}, {"X-Access-Reason": "Rujukan"}),
        ("national", f"/cases/{a3}", {"include": "other"}, {}),
        ("national", f"/cases/{a3}", {}, {"X-Access-Reason": "x" * 501}),
        ("national", f"/cases/{a3}", {}, {"If-None-Match": '"1"'}),
        ("national", f"/cases/{a3.upper()}", {}, {}),
        ("national", f"/cases/{a3.replace('-', '')}", {}, {}),
        ("national", "/cases/not-a-uuid", {}, {}),
        ("nobody", "/cases", {}, {}),
        ("bad token", "/cases", {}, {}),
    ]
    return found


def headers_of(world: World, who: str, extra: dict[str, str]) -> dict[str, str]:
    if who == "nobody":
        return extra
    clear = world.tokens.get(who, "gtp_not-a-token")
    return {"Authorization": f"Bearer {clear}", **extra}


def answer(response: httpx.Response) -> Answer:
    kept = [(k, v) for k, v in response.headers.multi_items() if k not in ("x-request-id", "date")]
    return response.status_code, response.content, kept


async def ask_all(app: FastAPI, world: World) -> list[Answer]:
    """Each request twice (the first fills the token cache, the second may be lean), and
    the second pages: by the first page's next cursor, then back by its previous one."""
    answers = []
    async with running(app) as client:
        for who, path, params, extra in requests(world):
            headers = headers_of(world, who, extra)
            for _ in range(2):
                answers.append(answer(await client.get(path, params=params, headers=headers)))
        for who in world.tokens:
            headers = headers_of(world, who, {})
            page = await client.get("/cases", params={"limit": "2"}, headers=headers)
            cursor = page.json().get("next_cursor") if page.status_code == 200 else None
            while cursor:
                response = await client.get(
                    "/cases", params={"limit": "2", "cursor": cursor}, headers=headers
                )
                answers.append(answer(response))
                back = response.json()["previous_cursor"]
                answers.append(
                    answer(
                        await client.get(
                            "/cases", params={"limit": "2", "cursor": back}, headers=headers
                        )
                    )
                )
                cursor = response.json()["next_cursor"]
    return answers


async def test_every_answer_is_the_full_stacks_byte_for_byte(world: World) -> None:
    """The same requests, answered by an app with the lean reads and by one without: the
    same status, body and headers, every one (errors and personal reads included)."""
    lean = await ask_all(create_app(settings(world.url, lean_reads=True)), world)
    full = await ask_all(create_app(settings(world.url, lean_reads=False)), world)
    assert len(lean) == len(full) > 200
    differing = [n for n, (a, b) in enumerate(zip(lean, full, strict=True)) if a != b]
    assert not differing, (lean[differing[0]], full[differing[0]])
    statuses = {status for status, _, _ in full}
    assert statuses >= {200, 400, 401, 403, 404, 422}  # the comparison covers the errors too


async def test_a_revoked_token_is_refused_after_the_cache_bound_on_both_paths(
    world: World,
) -> None:
    """A token revoked while it is cached: served until the cache's bound, then 401, the
    same on both paths (the lean path serves only tokens the cache holds)."""
    answers = []
    for lean in (True, False):
        clear = await token(world.url, Role.national_admin)
        app = create_app(settings(world.url, lean_reads=lean, token_cache_seconds=0.5))
        headers = {"Authorization": f"Bearer {clear}"}
        async with running(app) as client:
            first = answer(await client.get("/cases", params={"limit": "2"}, headers=headers))
            await revoke(world.url, clear)
            cached = answer(await client.get("/cases", params={"limit": "2"}, headers=headers))
            await asyncio.sleep(0.6)
            after = answer(await client.get("/cases", params={"limit": "2"}, headers=headers))
        answers.append((first, cached, after))
    assert answers[0] == answers[1]
    assert [a[0] for a in answers[0]] == [200, 200, 401]


def counting_sessions(app: FastAPI) -> Callable[[], int]:
    """Count the requests whose FastAPI session dependency runs (the real one, counted)."""
    count = 0

    async def counted(request: Request) -> AsyncIterator[AsyncSession]:
        nonlocal count
        count += 1
        async for session in get_session(request):
            yield session

    app.dependency_overrides[get_session] = counted
    return lambda: count


async def test_the_lean_path_answers_without_fastapis_dependencies(world: World, url: str) -> None:
    """On PostgreSQL, a cached token's case list and case read run no FastAPI dependency
    (no session is opened for them); with the lean reads off, each one does. On SQLite
    every request goes through FastAPI."""
    sessions = {}
    for lean in (True, False):
        app = create_app(settings(world.url, lean_reads=lean))
        count = counting_sessions(app)
        headers = headers_of(world, "province 33", {})
        async with running(app) as client:
            await client.get("/cases", headers=headers)  # the token is looked up, then cached
            before = count()
            for _ in range(5):
                assert (await client.get("/cases", headers=headers)).status_code == 200
                path = f"/cases/{world.cases['A-3']}"
                assert (await client.get(path, headers=headers)).status_code == 200
            sessions[lean] = count() - before
    assert sessions[False] == 10
    assert sessions[True] == (0 if url.startswith("postgresql") else 10)


async def test_a_request_is_counted_once_against_the_rate_limit(world: World) -> None:
    """A lean read counts its request; one it then hands on (a missing case: the full
    stack's 404) is not counted again. With 4 requests a minute, the fifth is refused on
    both paths, whatever answered the first four."""
    missing = "/cases/00000000-0000-4000-8000-000000000000"
    statuses = {}
    for lean in (True, False):
        clear = await token(world.url, Role.national_admin)
        app = create_app(settings(world.url, lean_reads=lean, rate_limit="4/minute"))
        headers = {"Authorization": f"Bearer {clear}"}
        async with running(app) as client:
            answers = [
                await client.get(path, headers=headers)
                for path in ("/cases", missing, missing, "/cases", "/cases")
            ]
        statuses[lean] = [(r.status_code, r.json()["title"] if r.is_error else "") for r in answers]
    assert statuses[True] == statuses[False]
    assert [status for status, _ in statuses[True]] == [200, 404, 404, 200, 429]


async def test_a_lean_read_is_traced_as_the_full_stacks(world: World) -> None:
    """With tracing on, a case read gives the same spans either way: the server span named
    by the route template, and a span per SQL statement with its text."""
    seen = {}
    for lean in (True, False):
        exporter = InMemorySpanExporter()
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        app = create_app(settings(world.url, lean_reads=lean), tracer_provider=provider)
        headers = headers_of(world, "province 33", {})
        async with running(app) as client:
            path = f"/cases/{world.cases['A-3']}"
            await client.get(path, headers=headers)  # the token is looked up, then cached
            exporter.clear()
            assert (await client.get(path, headers=headers)).status_code == 200
        seen[lean] = sorted(
            (span.name, (span.attributes or {}).get("db.statement", ""))
            for span in exporter.get_finished_spans()
        )
    assert seen[True] == seen[False]
    assert ("GET /api/v1/cases/{case_id}", "") in seen[True]
    assert any(statement.startswith("SELECT") for _, statement in seen[True])
