"""The victim statistics' lean handler (``statistics.lean``): its CPU per request against the
full route's and against the raw cost of the route's statements, in one run.

PostgreSQL, BENCH_LEAN_CASES cases (default 20,000, as ``bench.common.fill_cases`` makes
them). For each question (a national administrator's ``group_by=year,sex``, the same for an
analyst, whose counts are perturbed), alternating in BENCH_LEAN_ROUNDS rounds (default 5)
of BENCH_LEAN_REQUESTS requests (default 200), the CPU of the event loop's thread
(``thread_time``) per request of:

- the route, through the whole stack and the in-process client (as ``bench_reads``);
- the raw work: the statements the route sends (captured from the API, the token lookup
  left out), as prepared asyncpg statements, their rows encoded by orjson;
- the lean handler, called directly with the request and its caller: what the lean layer
  adds (its token look-up in the cache, the response's start and body) is not in it;
- the in-process client alone, against an ASGI app that does nothing.

Each answer of the lean handler is checked to be the route's bytes before it is timed.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import IO, Any

import asyncpg
import httpx
import orjson
from sqlalchemy import event
from starlette.requests import Request

from bench.bench_reads import bare_app, dsn
from bench.common import KEY, database, fill_cases
from gtpptppo_api.app import create_app
from gtpptppo_api.auth.models import Role
from gtpptppo_api.auth.service import Caller, authenticate, create_token
from gtpptppo_api.db.engine import create_engine, create_sessionmaker
from gtpptppo_api.observability import logs
from gtpptppo_api.service_centres.models import ServiceCentre, ServiceCentreKind
from gtpptppo_api.settings import Settings
from gtpptppo_api.statistics import lean

N_CASES = int(os.environ.get("BENCH_LEAN_CASES", "20000"))
ROUNDS = int(os.environ.get("BENCH_LEAN_ROUNDS", "5"))
REQUESTS = int(os.environ.get("BENCH_LEAN_REQUESTS", "200"))
WARM_UP = 50
PATH = "/api/v1/statistics/victims"
QUERY = "group_by=year,sex"
WORK = ("route", "raw", "lean", "client")


async def setup(url: str) -> dict[str, str]:
    """The cases, and a token of each role asked as."""
    engine = create_engine(url)
    async with create_sessionmaker(engine)() as session, session.begin():
        centre = ServiceCentre(name="P2TP2A", kind=ServiceCentreKind.p2tp2a, region_code="33")
        session.add(centre)
        await session.flush()
        tokens = {
            role.value: (await create_token(session, name=role.value, role=role))[1]
            for role in (Role.national_admin, Role.analyst)
        }
        centre_id = centre.id
    await fill_cases(engine, centre_id, N_CASES)
    async with engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.exec_driver_sql("VACUUM ANALYZE")
    await engine.dispose()
    return tokens


async def cpu_ms(work: Callable[[], Awaitable[Any]], count: int) -> float:
    started = time.thread_time()
    for _ in range(count):
        await work()
    return 1000 * (time.thread_time() - started) / count


async def measure(
    app: Any, client: httpx.AsyncClient, raw_conn: Any, token: str
) -> dict[str, list[float]]:
    headers = {"Authorization": f"Bearer {token}"}
    async with app.state.sessionmaker() as session:
        caller: Caller = await authenticate(
            session, headers["Authorization"], app.state.token_cache
        )
    sent: list[tuple[str, tuple[Any, ...]]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "api_token" not in statement:
            sent.append((statement, tuple(parameters or ())))

    event.listen(app.state.engine.sync_engine, "before_cursor_execute", capture)
    expected = await client.get(f"{PATH}?{QUERY}", headers=headers)
    event.remove(app.state.engine.sync_engine, "before_cursor_execute", capture)
    assert expected.status_code == 200, expected.text[:300]
    prepared = [(await raw_conn.prepare(sql), args) for sql, args in sent]
    scope = {"type": "http", "method": "GET", "path": PATH, "query_string": QUERY.encode()}
    bare = httpx.AsyncClient(transport=httpx.ASGITransport(app=bare_app), base_url="http://b")

    async def route() -> None:
        response = await client.get(f"{PATH}?{QUERY}", headers=headers)
        assert response.status_code == 200

    async def raw() -> None:
        for statement, args in prepared:
            rows = await statement.fetch(*args)
            orjson.dumps({"items": [dict(row) for row in rows]}, default=str)

    async def lean_handler() -> None:
        answer = await lean.victims(Request({**scope, "headers": [], "app": app}), caller)
        assert answer is not None

    async def client_alone() -> None:
        await bare.get(f"{PATH}?{QUERY}", headers=headers)

    answer = await lean.victims(Request({**scope, "headers": [], "app": app}), caller)
    assert answer is not None
    assert answer.body == expected.content, "not the route's bytes"
    works = dict(zip(WORK, (route, raw, lean_handler, client_alone), strict=True))
    for work in works.values():
        await cpu_ms(work, WARM_UP)
    figures: dict[str, list[float]] = {name: [] for name in WORK}
    for _ in range(ROUNDS):
        for name, work in works.items():
            figures[name].append(await cpu_ms(work, REQUESTS))
    await bare.aclose()
    figures["statements"] = [float(len(prepared))]
    return figures


def report(role: str, figures: dict[str, list[float]]) -> None:
    median = {name: statistics.median(figures[name]) for name in WORK}

    def ratio(name: str) -> str:
        ratios = [a / r for a, r in zip(figures[name], figures["raw"], strict=True)]
        return f"{statistics.median(ratios):5.2f} [{min(ratios):.2f}-{max(ratios):.2f}]"

    print(
        f"lean-stats {role:15} {int(figures['statements'][0])} statement(s); CPU ms per "
        f"request: route {median['route']:.3f}  raw {median['raw']:.3f}  lean handler "
        f"{median['lean']:.3f}  client alone {median['client']:.3f}"
    )
    print(f"lean-stats {role:15} route/raw = {ratio('route')}  lean/raw = {ratio('lean')}")


async def run(url: str, void: IO[str]) -> dict[str, dict[str, list[float]]]:
    tokens = await setup(url)
    settings = Settings(
        database_url=url,
        encryption_key=KEY,
        rate_limit="1000000/minute",
        public_rate_limit="1000000/minute",
    )
    logs.configure(settings, stream=void)
    app = create_app(settings)
    raw_conn = await asyncpg.connect(
        dsn(url), server_settings={"plan_cache_mode": "force_custom_plan"}
    )
    results = {}
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://b") as client,
    ):
        for role, token in tokens.items():
            results[role] = await measure(app, client, raw_conn, token)
    await raw_conn.close()
    return results


async def main() -> None:
    print(
        f"lean-stats postgresql {N_CASES} cases, {ROUNDS} rounds x {REQUESTS} requests, "
        f"{QUERY}; medians of the rounds"
    )
    with open(os.devnull, "w") as void:  # noqa: ASYNC230 - opened once, never written to disk
        async with database("postgresql") as url:
            results = await run(url, void)
    for role, figures in results.items():
        report(role, figures)


if __name__ == "__main__":
    asyncio.run(main())
