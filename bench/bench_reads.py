"""Scoped reads: the API's CPU per request against the database's own cost, in one run.

PostgreSQL, BENCH_READS_CASES cases (default 50,000), a national administrator's token. For
each endpoint below, the API's CPU per request (in-process ASGI client, so the client's
share of the transport is counted too) is set against the raw cost of the same work: the
statements that request sends to the database (captured from the API itself, the token
lookup left out), run as prepared asyncpg statements with the same parameters, and their
rows encoded as JSON (orjson). Both are CPU time of the thread running the event loop
(``thread_time``), where all of that work runs: the API's side, not the PostgreSQL server's,
which is the same for both; the embedded worker's threads, idle, are left out. The floor is
a 404 through the same stack (no route: no token, no query); the client alone, the same
requests sent to an ASGI app that does nothing, is shown too (counted in both, subtracted
from neither).

BENCH_READS_ROUNDS rounds (default 5) of BENCH_READS_REQUESTS requests (default 200) each,
after a warm-up, alternate the API and the raw work so that both see the same machine; each
endpoint's figures are the medians of its rounds, and its ratio the median of its rounds'
ratios (the spread is printed too: the machine is shared and noisy). Target: the case list,
a case by id and the statistics within 3x of their raw cost, the floor not subtracted.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import IO, Any

import asyncpg
import httpx
import orjson
from sqlalchemy import event, select
from sqlalchemy.engine import make_url

from bench.common import KEY, database, fill_cases
from gtpptppo_api.app import create_app
from gtpptppo_api.auth.models import Role
from gtpptppo_api.auth.service import create_token
from gtpptppo_api.cases.models import Case
from gtpptppo_api.db.engine import create_engine, create_sessionmaker
from gtpptppo_api.observability import logs
from gtpptppo_api.regions.models import RegionLevel
from gtpptppo_api.reports.models import Report, ReportKind
from gtpptppo_api.service_centres.models import ServiceCentre, ServiceCentreKind
from gtpptppo_api.settings import Settings
from gtpptppo_api.task_forces.models import TaskForce, TaskForceStatus

N_CASES = int(os.environ.get("BENCH_READS_CASES", "50000"))
ROUNDS = int(os.environ.get("BENCH_READS_ROUNDS", "5"))
REQUESTS = int(os.environ.get("BENCH_READS_REQUESTS", "200"))
WARM_UP = 50
TARGET = 3.0
# The endpoints held to TARGET; the others are shown for what they cost.
HELD = ("case list", "case by id", "statistics")
PROVINCES = ["11", "12", "31", "32", "33", "35", "51", "73", "94"]


@dataclass
class Endpoint:
    name: str
    path: str
    params: dict[str, str]
    authorised: bool = True


@dataclass
class Figures:
    api_ms: list[float]
    raw_ms: list[float]
    floor_ms: list[float]
    client_ms: list[float]

    def ratios(self) -> list[float]:
        return [a / r for a, r in zip(self.api_ms, self.raw_ms, strict=True)]


async def setup(url: str) -> tuple[str, uuid.UUID, int]:
    """Cases, task forces and reports to read; a national administrator's token, a case id
    and a report id."""
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    async with sessions() as session, session.begin():
        centre = ServiceCentre(name="P2TP2A", kind=ServiceCentreKind.p2tp2a, region_code="33")
        nation = TaskForce(
            name="GT-PPTPPO Pusat",
            region_code="ID",
            level=RegionLevel.national,
            status=TaskForceStatus.active,
            chair_position="Ketua",
            daily_chair_position="Ketua Harian",
            secretariat_host_agency="KemenPPPA",
        )
        session.add_all([centre, nation])
        await session.flush()
        forces = [
            TaskForce(
                name=f"GT-PPTPPO Provinsi {code}",
                region_code=code,
                level=RegionLevel.province,
                status=TaskForceStatus.active,
                parent_id=nation.id,
                chair_position="Gubernur",
                daily_chair_position="Kepala Dinas PPPA",
                secretariat_host_agency="Dinas PPPA",
            )
            for code in PROVINCES
        ]
        session.add_all(forces)
        await session.flush()
        reports = [
            Report(task_force_id=force.id, kind=ReportKind.annual, year=year)
            for force in [nation, *forces]
            for year in (2022, 2023)
        ]
        session.add_all(reports)
        await session.flush()
        _, token = await create_token(session, name="bench", role=Role.national_admin)
        centre_id, report_id = centre.id, reports[0].id
    await fill_cases(engine, centre_id, N_CASES)
    async with engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.exec_driver_sql("VACUUM ANALYZE")
        # a case shared with another (same NIK and year): its read looks for its duplicates
        case_id = await conn.scalar(
            select(Case.id).where(Case.victim_shared.is_(True)).order_by(Case.id).limit(1)
        )
    await engine.dispose()
    assert case_id is not None
    return token, case_id, report_id


def endpoints(case_id: uuid.UUID, report_id: int) -> list[Endpoint]:
    return [
        Endpoint("case list", "/api/v1/cases", {"limit": "20"}),
        Endpoint("case by id", f"/api/v1/cases/{case_id}", {}),
        Endpoint("statistics", "/api/v1/statistics/victims", {"group_by": "year,sex"}),
        Endpoint("task-force list", "/api/v1/task-forces", {"limit": "20"}),
        Endpoint("report metadata", "/api/v1/reports", {"limit": "20"}),
        Endpoint("public page", "/public/regions/33", {}, authorised=False),
    ]


async def cpu_ms(work: Callable[[], Awaitable[Any]], count: int) -> float:
    """CPU milliseconds of this thread per call of ``work``."""
    started = time.thread_time()
    for _ in range(count):
        await work()
    return 1000 * (time.thread_time() - started) / count


class Capture:
    """The statements a request sends through the API's engine (the token lookup left out),
    with their parameters, as the driver got them."""

    def __init__(self) -> None:
        self.on = False
        self.statements: list[tuple[str, tuple[Any, ...]]] = []

    def __call__(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if self.on and "api_token" not in statement:
            self.statements.append((statement, tuple(parameters or ())))


async def bare_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """An ASGI app that answers every request with a fixed JSON body and does nothing else:
    what the in-process client costs on its own (not subtracted from anything)."""
    if scope["type"] != "http":
        return
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json"), (b"content-length", b"2")],
        }
    )
    await send({"type": "http.response.body", "body": b"{}"})


def dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def run(url: str, void: IO[str]) -> dict[str, Figures]:
    token, case_id, report_id = await setup(url)
    # Limits as high as a bench needs, still counted as they are for every request.
    settings = Settings(
        database_url=url,
        encryption_key=KEY,
        rate_limit="1000000/minute",
        public_rate_limit="1000000/minute",
    )
    # Logs as `gtpptppo serve` writes them (one access line per request), into the void.
    logs.configure(settings, stream=void)
    app = create_app(settings)
    raw_conn = await asyncpg.connect(
        dsn(url), server_settings={"plan_cache_mode": "force_custom_plan"}
    )
    results: dict[str, Figures] = {}
    headers = {"Authorization": f"Bearer {token}"}
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://bench"
        ) as client,
    ):
        bare = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=bare_app), base_url="http://bench"
        )
        capture = Capture()
        event.listen(app.state.engine.sync_engine, "before_cursor_execute", capture)

        async def floor() -> None:
            response = await client.get("/api/v1/no-such-thing", headers=headers)
            assert response.status_code == 404, response.text[:300]

        for endpoint in endpoints(case_id, report_id):
            sent = headers if endpoint.authorised else {}

            async def api(endpoint: Endpoint = endpoint, sent: dict[str, str] = sent) -> None:
                response = await client.get(endpoint.path, params=endpoint.params, headers=sent)
                assert response.status_code == 200, response.text[:300]

            capture.statements.clear()
            capture.on = True
            await api()
            capture.on = False
            prepared = [(await raw_conn.prepare(sql), args) for sql, args in capture.statements]

            async def raw(prepared: list[tuple[Any, tuple[Any, ...]]] = prepared) -> None:
                for statement, args in prepared:
                    rows = await statement.fetch(*args)
                    orjson.dumps({"items": [dict(row) for row in rows]}, default=str)

            async def client_alone(
                endpoint: Endpoint = endpoint, sent: dict[str, str] = sent
            ) -> None:
                response = await bare.get(endpoint.path, params=endpoint.params, headers=sent)
                assert response.status_code == 200

            for work in (api, raw, floor, client_alone):
                await cpu_ms(work, WARM_UP)
            figures = Figures([], [], [], [])
            for _ in range(ROUNDS):
                figures.api_ms.append(await cpu_ms(api, REQUESTS))
                figures.raw_ms.append(await cpu_ms(raw, REQUESTS))
                figures.floor_ms.append(await cpu_ms(floor, REQUESTS))
                figures.client_ms.append(await cpu_ms(client_alone, REQUESTS))
            results[endpoint.name] = figures
            print(
                f"  {endpoint.name:16} {len(prepared)} statement(s) as the API sends them",
                file=sys.stderr,
            )
        await bare.aclose()
    await raw_conn.close()
    return results


def report(results: dict[str, Figures]) -> bool:
    met = True
    print(
        f"reads      postgresql {N_CASES} cases, {ROUNDS} rounds x {REQUESTS} requests; "
        "CPU ms per request (median of rounds)"
    )
    for name, figures in results.items():
        ratios = figures.ratios()
        ratio = statistics.median(ratios)
        floor = statistics.median(figures.floor_ms)
        held = name in HELD
        if held:
            met = met and ratio <= TARGET
        target = f" (target <= {TARGET:g}: {'met' if ratio <= TARGET else 'NOT met'})"
        print(
            f"reads      {name:16} API {statistics.median(figures.api_ms):6.3f}  raw "
            f"{statistics.median(figures.raw_ms):6.3f}  API/raw = {ratio:5.2f} "
            f"[rounds {min(ratios):.2f}-{max(ratios):.2f}]  floor/raw = "
            f"{floor / statistics.median(figures.raw_ms):4.2f}" + (target if held else "")
        )
    floors = [ms for figures in results.values() for ms in figures.floor_ms]
    print(f"reads      floor (a 404 through the same stack): {statistics.median(floors):.3f} ms")
    clients = [ms for figures in results.values() for ms in figures.client_ms]
    print(
        "reads      the client alone (the same requests to an ASGI app that does nothing; "
        f"counted in API and floor, not subtracted): {statistics.median(clients):.3f} ms"
    )
    return met


async def main() -> None:
    with open(os.devnull, "w") as void:  # noqa: ASYNC230 - opened once, never written to disk
        async with database("postgresql") as url:
            results = await run(url, void)
    report(results)


if __name__ == "__main__":
    asyncio.run(main())
