"""Scoped reads: the API's CPU per request against the database's own cost, in one run.

PostgreSQL, BENCH_READS_CASES cases (default 50,000), a national administrator's token. For
each endpoint below, the API's CPU per request is set against the raw cost of the same work:
the statements that request sends to the database (captured from the API itself, the token
lookup left out), run as prepared asyncpg statements with the same parameters, and their
rows encoded as JSON (orjson), CPU time of the bench's thread (``thread_time``). The API's
side only, not the PostgreSQL server's, which is the same for both.

The API is measured twice:

- as it is deployed, a server: ``gtpptppo serve`` started as a process of its own (one
  uvicorn process on 127.0.0.1 and a free port; the in-process app's settings, rate limits
  high enough for a bench but still counted, as GTPPTPPO_* variables; its logs to
  /dev/null; RabbitMQ, GTPPTPPO_TEST_RABBITMQ_URL, as the job broker so that no worker
  runs in it), sent the requests over keep-alive HTTP (httpx) by this process. Its CPU
  per request is what its event loop's thread spent (``/proc/<pid>/task/<pid>/schedstat``,
  in nanoseconds, read with the thread asleep before and after each round): uvicorn's
  HTTP parsing counted, the client's work not. The server's other threads are read too;
  any work of theirs in a round is printed. The bench fails if the server does not
  answer, and stops it however the bench ends.
- in-process (an httpx ASGI client in this process, the app in embedded mode), the CPU of
  this thread: the client's share of each request is counted as the API's. The client
  alone, the same requests sent to an ASGI app that does nothing, is shown too.

The floor of each is a 404 through the same stack (no route: no token, no query). Nothing
is subtracted from anything.

BENCH_READS_ROUNDS rounds (default 5) of BENCH_READS_REQUESTS requests (default 200) each,
after a warm-up, alternate the server, the in-process app and the raw work so that all see
the same machine; each endpoint's figures are the medians of its rounds, and its ratios the
medians of its rounds' ratios (the spread is printed too: the machine is shared and noisy).
Target: the case list, a case by id and the statistics within 3x of their raw cost, held on
the server's figures, the floor not subtracted: the API's CPU per request is the server
process's, and the in-process client is not the API (it costs more than a case list's raw
work on its own).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import asyncpg
import httpx
import orjson
from sqlalchemy import event, select
from sqlalchemy.engine import make_url
from starlette.types import Receive, Scope, Send

from bench.cluster import ROOT, Service, free_port
from bench.common import KEY, database, fill_cases
from bench.scaleout import RABBITMQ_URL
from gtpptppo_api.app import create_app
from gtpptppo_api.auth.models import Role
from gtpptppo_api.auth.service import create_token
from gtpptppo_api.cases.models import Case
from gtpptppo_api.db.engine import create_engine, create_sessionmaker
from gtpptppo_api.observability import logs
from gtpptppo_api.regions.models import RegionLevel
from gtpptppo_api.reports.models import Report, ReportKind
from gtpptppo_api.service_centres.models import ServiceCentre, ServiceCentreKind
from gtpptppo_api.settings import ENV_PREFIX, Settings
from gtpptppo_api.task_forces.models import TaskForce, TaskForceStatus

N_CASES = int(os.environ.get("BENCH_READS_CASES", "50000"))
ROUNDS = int(os.environ.get("BENCH_READS_ROUNDS", "5"))
REQUESTS = int(os.environ.get("BENCH_READS_REQUESTS", "200"))
WARM_UP = 50
TARGET = 3.0
# The endpoints held to TARGET; the others are shown for what they cost.
HELD = ("case list", "case by id", "statistics")
PROVINCES = ["11", "12", "31", "32", "33", "35", "51", "73", "94"]
# Limits as high as a bench needs, still counted as they are for every request.
LIMIT = "1000000/minute"
# The settings of both the in-process app and the server (GTPPTPPO_* variables for it).
SHARED_SETTINGS = ("database_url", "encryption_key", "rate_limit", "public_rate_limit")
SERVER_READY_WITHIN = 120.0


@dataclass
class Endpoint:
    name: str
    path: str
    params: dict[str, str]
    authorised: bool = True


@dataclass
class Figures:
    """CPU ms per request of each round: the API in-process, the raw work, the in-process
    floor, the client alone; the server's event loop, its floor, and its other threads."""

    api_ms: list[float] = field(default_factory=list)
    raw_ms: list[float] = field(default_factory=list)
    floor_ms: list[float] = field(default_factory=list)
    client_ms: list[float] = field(default_factory=list)
    server_ms: list[float] = field(default_factory=list)
    server_floor_ms: list[float] = field(default_factory=list)
    others: list[dict[str, float]] = field(default_factory=list)

    def ratios(self, api_ms: list[float]) -> list[float]:
        return [a / r for a, r in zip(api_ms, self.raw_ms, strict=True)]


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


class Threads:
    """CPU time of each thread of a process, in nanoseconds: the first field of
    ``/proc/<pid>/task/<tid>/schedstat`` (the main thread's tid is the pid)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.tasks = Path(f"/proc/{pid}/task")

    def read(self) -> dict[int, int]:
        cpu = {}
        for task in self.tasks.iterdir():
            with contextlib.suppress(FileNotFoundError, ProcessLookupError):  # a thread gone
                cpu[int(task.name)] = int((task / "schedstat").read_text().split()[0])
        if self.pid not in cpu:
            raise RuntimeError(f"the server (pid {self.pid}) is gone")
        return cpu

    def name(self, tid: int) -> str:
        try:
            return f"{(self.tasks / str(tid) / 'comm').read_text().strip()} ({tid})"
        except OSError:
            return f"a thread gone ({tid})"

    async def settled(self) -> dict[int, int]:
        """Every thread's CPU once the main thread has stopped working (two readings 2 ms
        apart alike): what a request does after its response is sent counts in its round,
        and a thread asleep has its time up to date (a running one's is not)."""
        cpu = self.read()
        for _ in range(250):
            await asyncio.sleep(0.002)
            again = self.read()
            if again[self.pid] == cpu[self.pid]:
                return again
            cpu = again
        raise RuntimeError(f"the server (pid {self.pid}) does not stop working between rounds")


async def server_cpu_ms(
    work: Callable[[], Awaitable[Any]], count: int, threads: Threads
) -> tuple[float, dict[str, float]]:
    """CPU milliseconds of the server's event-loop thread per call of ``work``, and those of
    each of its other threads that did any work meanwhile."""
    before = await threads.settled()
    for _ in range(count):
        await work()
    after = await threads.settled()
    others = {
        threads.name(tid): (ns - before.get(tid, 0)) / 1e6 / count
        for tid, ns in after.items()
        if tid != threads.pid and ns > before.get(tid, 0)
    }
    return (after[threads.pid] - before[threads.pid]) / 1e6 / count, others


class Capture:
    """The statements a request sends through the API's engine (the token lookup left out),
    with their parameters, as the driver got them."""

    def __init__(self) -> None:
        self.on = False
        self.statements: list[tuple[str, tuple[Any, ...]]] = []

    def __call__(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if self.on and "api_token" not in statement:
            self.statements.append((statement, tuple(parameters or ())))


async def bare_app(scope: Scope, receive: Receive, send: Send) -> None:
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


# prctl(2) of this machine's C library, looked up before any fork (None: not Linux).
_PRCTL = getattr(ctypes.CDLL(None), "prctl", None) if sys.platform == "linux" else None
PR_SET_PDEATHSIG = 1


def _stop_with_parent() -> None:
    """In the server's process, before it runs: a SIGTERM when the process that started it
    ends, however it ends (even killed, when no ``finally`` runs)."""
    if _PRCTL is not None:
        _PRCTL(PR_SET_PDEATHSIG, signal.SIGTERM)


def server_environment(settings: Settings, namespace: str) -> dict[str, str]:
    """The server's environment: this one, the settings of the in-process app as GTPPTPPO_*
    variables, and RabbitMQ as its job broker (so that no worker runs in it)."""
    env = dict(os.environ)
    for name in SHARED_SETTINGS:
        value = getattr(settings, name)
        assert isinstance(value, str), name
        env[ENV_PREFIX + name.upper()] = value
    env[ENV_PREFIX + "BROKER_URL"] = RABBITMQ_URL
    env[ENV_PREFIX + "BROKER_NAMESPACE"] = namespace
    return env


@contextlib.contextmanager
def server(env: dict[str, str]) -> Iterator[Service]:
    """``gtpptppo serve`` as deployed: one uvicorn process on 127.0.0.1 and a free port, its
    logs to /dev/null; stopped at the end, whatever happens. An error if it does not
    answer within SERVER_READY_WITHIN seconds."""
    port = free_port()
    argv = [sys.executable, "-m", "gtpptppo_api.cli", "serve"]
    argv += ["--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(
        argv,
        env=env,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own group: stopped with whatever it starts
        preexec_fn=_stop_with_parent,  # one call of prctl, no lock taken
    )
    service = Service("gtpptppo serve", process, Path(os.devnull), port)
    try:
        wait_ready(service, argv, env)
        yield service
    finally:
        service.stop()


def wait_ready(service: Service, argv: list[str], env: dict[str, str]) -> None:
    deadline = time.monotonic() + SERVER_READY_WITHIN
    while service.alive():
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{service.url}/openapi.json", timeout=2).status_code == 200:
                return
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"{service.name} not answering on {service.url} after {SERVER_READY_WITHIN:.0f} s"
            )
        time.sleep(0.2)
    code = service.process.returncode
    raise RuntimeError(
        f"{service.name} exited ({code}) before answering; what it says when run again:\n"
        + said_by(argv, env)
    )


def said_by(argv: list[str], env: dict[str, str]) -> str:
    """The output of ``argv`` run again (its logs went to /dev/null the first time)."""
    try:
        done = subprocess.run(
            argv, env=env, cwd=ROOT, capture_output=True, text=True, timeout=30, check=False
        )
    except subprocess.TimeoutExpired:
        return "(nothing: it ran for 30 s this time)"
    return (done.stdout + done.stderr)[-4000:]


@dataclass
class Clients:
    """The clients of one run: the in-process one, the client alone (an ASGI app that does
    nothing), the server's over HTTP, and the server's threads."""

    app: httpx.AsyncClient
    bare: httpx.AsyncClient
    remote: httpx.AsyncClient
    threads: Threads
    headers: dict[str, str]


async def run(url: str, void: IO[str]) -> dict[str, Figures]:
    started = time.monotonic()
    token, case_id, report_id = await setup(url)
    print(f"  {N_CASES} cases set up in {time.monotonic() - started:.0f} s", file=sys.stderr)
    settings = Settings(
        database_url=url, encryption_key=KEY, rate_limit=LIMIT, public_rate_limit=LIMIT
    )
    env = server_environment(settings, f"bench_reads_{uuid.uuid4().hex[:8]}")
    # Logs as `gtpptppo serve` writes them (one access line per request), into the void.
    logs.configure(settings, stream=void)
    app = create_app(settings)
    raw_conn = await asyncpg.connect(
        dsn(url), server_settings={"plan_cache_mode": "force_custom_plan"}
    )
    results: dict[str, Figures] = {}
    try:
        with server(env) as served:
            async with (
                app.router.lifespan_context(app),
                httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=app), base_url="http://bench"
                ) as in_process,
                httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=bare_app), base_url="http://bench"
                ) as bare,
                httpx.AsyncClient(base_url=served.url) as remote,
            ):
                capture = Capture()
                event.listen(app.state.engine.sync_engine, "before_cursor_execute", capture)
                clients = Clients(
                    in_process,
                    bare,
                    remote,
                    Threads(served.process.pid),
                    {"Authorization": f"Bearer {token}"},
                )
                for endpoint in endpoints(case_id, report_id):
                    results[endpoint.name] = await measure(endpoint, clients, capture, raw_conn)
    finally:
        await raw_conn.close()
    return results


async def measure(
    endpoint: Endpoint, clients: Clients, capture: Capture, raw_conn: asyncpg.Connection
) -> Figures:
    """The rounds of one endpoint: the server, the raw work, the in-process app, their
    floors and the client alone, in turns."""
    sent = clients.headers if endpoint.authorised else {}
    started = time.monotonic()

    def get(client: httpx.AsyncClient) -> Callable[[], Awaitable[None]]:
        async def work() -> None:
            response = await client.get(endpoint.path, params=endpoint.params, headers=sent)
            assert response.status_code == 200, response.text[:300]

        return work

    def floor(client: httpx.AsyncClient) -> Callable[[], Awaitable[None]]:
        async def work() -> None:
            response = await client.get("/api/v1/no-such-thing", headers=clients.headers)
            assert response.status_code == 404, response.text[:300]

        return work

    api, served = get(clients.app), get(clients.remote)
    capture.statements.clear()
    capture.on = True
    await api()
    capture.on = False
    prepared = [(await raw_conn.prepare(sql), args) for sql, args in capture.statements]

    async def raw() -> None:
        for statement, args in prepared:
            rows = await statement.fetch(*args)
            orjson.dumps({"items": [dict(row) for row in rows]}, default=str)

    served_floor, api_floor, client_alone = (
        floor(clients.remote),
        floor(clients.app),
        get(clients.bare),
    )
    for work in (served, raw, api, served_floor, api_floor, client_alone):
        await cpu_ms(work, WARM_UP)
    figures = Figures()
    for _ in range(ROUNDS):
        ms, others = await server_cpu_ms(served, REQUESTS, clients.threads)
        figures.server_ms.append(ms)
        figures.raw_ms.append(await cpu_ms(raw, REQUESTS))
        figures.api_ms.append(await cpu_ms(api, REQUESTS))
        ms, more = await server_cpu_ms(served_floor, REQUESTS, clients.threads)
        figures.server_floor_ms.append(ms)
        figures.floor_ms.append(await cpu_ms(api_floor, REQUESTS))
        figures.client_ms.append(await cpu_ms(client_alone, REQUESTS))
        figures.others.append(
            {name: others.get(name, 0) + more.get(name, 0) for name in {*others, *more}}
        )
    print(
        f"  {endpoint.name:16} {len(prepared)} statement(s) as the API sends them; "
        f"measured in {time.monotonic() - started:.0f} s",
        file=sys.stderr,
    )
    return figures


def report_lines(results: dict[str, Figures], server: bool) -> bool:
    """One line per endpoint: API and raw CPU ms, their ratio, the floor's; whether the held
    endpoints are within TARGET."""
    met = True
    for name, figures in results.items():
        api_ms = figures.server_ms if server else figures.api_ms
        floor_ms = figures.server_floor_ms if server else figures.floor_ms
        ratios = figures.ratios(api_ms)
        ratio = statistics.median(ratios)
        raw = statistics.median(figures.raw_ms)
        target = ""
        if name in HELD:
            met = met and ratio <= TARGET
            target = f" (target <= {TARGET:g}: {'met' if ratio <= TARGET else 'NOT met'})"
        print(
            f"reads      {name:16} API {statistics.median(api_ms):6.3f}  raw {raw:6.3f}  "
            f"API/raw = {ratio:5.2f} [rounds {min(ratios):.2f}-{max(ratios):.2f}]  "
            f"floor/raw = {statistics.median(floor_ms) / raw:4.2f}" + (target if server else "")
        )
    floors = [ms for f in results.values() for ms in (f.server_floor_ms if server else f.floor_ms)]
    print(f"reads      floor (a 404 through the same stack): {statistics.median(floors):.3f} ms")
    return met


def report(results: dict[str, Figures]) -> bool:
    print(
        f"reads      postgresql {N_CASES} cases, {ROUNDS} rounds x {REQUESTS} requests; "
        "CPU ms per request (median of rounds)"
    )
    print(
        "reads      server (`gtpptppo serve`, uvicorn; its event loop's thread; requests over "
        "keep-alive HTTP from the bench): the target is held on these"
    )
    met = report_lines(results, server=True)
    others = [round_ for figures in results.values() for round_ in figures.others]
    busy = [round_ for round_ in others if round_]
    if not busy:
        print(f"reads      the server's other threads: no work in any of {len(others)} rounds")
    else:
        worst: dict[str, float] = {}
        for round_ in busy:
            for thread, ms in round_.items():
                worst[thread] = max(worst.get(thread, 0.0), ms)
        said = ", ".join(f"{thread} up to {ms:.4f} ms/request" for thread, ms in worst.items())
        print(
            f"reads      the server's other threads worked in {len(busy)} of {len(others)} "
            f"rounds (not counted above): {said}"
        )
    print(
        "reads      in-process (ASGI client in the bench's thread, its work counted as the API's)"
    )
    report_lines(results, server=False)
    clients = [ms for figures in results.values() for ms in figures.client_ms]
    print(
        "reads      the client alone (the same requests to an ASGI app that does nothing; "
        f"counted in the in-process API and floor, not subtracted): "
        f"{statistics.median(clients):.3f} ms"
    )
    return met


async def main() -> None:
    with open(os.devnull, "w") as void:  # noqa: ASYNC230 - opened once, never written to disk
        async with database("postgresql") as url:
            results = await run(url, void)
    report(results)


if __name__ == "__main__":
    asyncio.run(main())
