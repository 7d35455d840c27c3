"""Load on the scale-out set-up: 200 concurrent clients for 60 s, on loopback.

Two API processes and two ``gtpptppo worker`` processes on PostgreSQL and RabbitMQ (as
``make scaleout-demo``). The clients (one asyncio process, aiohttp; each bound to one API,
taking turns) are:

- ``BENCH_LOAD_CENTRES`` (20) service centres pushing batches of ``BENCH_LOAD_BATCH`` (100)
  new cases, one after another (``BENCH_LOAD_PUSH_PAUSE_MS``, 0: a backlog upload, so the
  ingestion capacity left by the readers);
- the rest (180 of ``BENCH_LOAD_CLIENTS``) people and apps reading, each pausing
  ``BENCH_LOAD_THINK_MS`` (1000 ms) between requests: their scoped case list and single cases
  (regency and province task force admins, the centres' own staff) and victim statistics
  (analysts, a province reporter).

Reported per endpoint: requests, throughput, p50/p95/p99 latency, errors (must be 0); the
memory (RSS, peak) of each process; and ingestion throughput against a raw executemany of
the same rows (prepared in advance, only the database writes timed) measured in the same
run. Targets: p99 of a scoped GET <= 50 ms; ingestion >= 25% of raw. Also, to read the
figures on a shared machine: the same scoped GET alone before the load (its p50, the
baseline of the latency ratio), the CPU seconds each process (and the PostgreSQL backends of
the bench's database) used in the window, and the machine's load average.

The clients start during a ramp (BENCH_LOAD_RAMP_SECONDS, 5), not measured. Before the
mixed window, as a reference, the readers run alone (no pushes) for
BENCH_LOAD_READERS_ALONE_SECONDS (20).

Knobs: BENCH_LOAD_SECONDS (60), BENCH_LOAD_CLIENTS (200), BENCH_LOAD_CENTRES (20),
BENCH_LOAD_BATCH (100), BENCH_LOAD_THINK_MS (1000), BENCH_LOAD_PUSH_PAUSE_MS (0),
BENCH_LOAD_SEED_CASES (200 per centre), BENCH_LOAD_RAMP_SECONDS, BENCH_LOAD_READERS_ALONE_SECONDS,
BENCH_LOAD_APIS (2: the API processes; each takes its own turns of batch pushes).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import itertools
import json
import os
import random
import sys
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import aiohttp
import asyncpg
import psutil
import uvloop
from sqlalchemy.engine import make_url

from bench.bench_cases import raw_rows, write_raw_keys
from bench.cluster import Cluster, workdir
from bench.common import KEY, database, timed, write_raw
from bench.scaleout import RABBITMQ_URL, cluster_env, dsn, make_token, remove_queues
from gtpptppo_api.auth.models import Role
from gtpptppo_api.db.engine import create_engine, create_sessionmaker
from gtpptppo_api.kit.crypto import Keyring
from gtpptppo_api.service_centres.models import ServiceCentre, ServiceCentreKind
from gtpptppo_api.settings import Settings

SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "60"))
CLIENTS = int(os.environ.get("BENCH_LOAD_CLIENTS", "200"))
CENTRES = int(os.environ.get("BENCH_LOAD_CENTRES", "20"))
BATCH = int(os.environ.get("BENCH_LOAD_BATCH", "100"))
THINK = float(os.environ.get("BENCH_LOAD_THINK_MS", "1000")) / 1000
SEED_CASES = int(os.environ.get("BENCH_LOAD_SEED_CASES", "200"))
RAMP = float(os.environ.get("BENCH_LOAD_RAMP_SECONDS", "5"))
READERS_ALONE = float(os.environ.get("BENCH_LOAD_READERS_ALONE_SECONDS", "20"))
PUSH_PAUSE = float(os.environ.get("BENCH_LOAD_PUSH_PAUSE_MS", "0")) / 1000
APIS = int(os.environ.get("BENCH_LOAD_APIS", "2"))

# Twenty regencies of two provinces (Jawa Tengah 33, Jawa Timur 35): one centre in each.
REGIONS = [f"33.{n:02d}" for n in range(1, 11)] + [f"35.{n:02d}" for n in range(1, 11)]
TYPES = ["forced_labour", "sexual_exploitation", "domestic_servitude", "forced_marriage"]
SCOPED_GETS = ("GET /cases", "GET /cases/{id}")


def case_item(ref: str, region: str, rng: random.Random) -> dict[str, Any]:
    identified = date(2015, 1, 1) + timedelta(days=rng.randrange(3600))
    return {
        "external_ref": ref,
        "registered_region_code": region,
        "origin_region_code": rng.choice(REGIONS),
        "destination": {"country": rng.choice(["MY", "SA", "TW", "HK"])},
        "identified_on": identified.isoformat(),
        "victim": {
            "sex": rng.choice(["female", "male"]),
            "age_at_identification": rng.randrange(5, 60),
        },
        "exploitation_types": sorted(rng.sample(TYPES, rng.randrange(1, 3))),
        "services": [{"type": "complaint", "started_on": identified.isoformat()}],
        "legal_stage": "police_report",
        "status": "open",
        "personal": {"name": f"Korban {ref}", "nik": f"{rng.randrange(10**15, 10**16)}"},
    }


@dataclass
class Centre:
    id: int
    region: str
    token: str
    case_ids: list[str] = field(default_factory=list)


@dataclass
class Recorder:
    """Latency (seconds) and errors per endpoint, only while the measured window is open."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    cases_pushed: int = 0
    open: bool = False

    def add(self, endpoint: str, seconds: float, error: str | None) -> None:
        if not self.open:
            return
        self.latencies[endpoint].append(seconds)
        if error:
            self.errors[endpoint].append(error)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def call(
    http: aiohttp.ClientSession,
    recorder: Recorder,
    endpoint: str,
    method: str,
    url: str,
    token: str,
    expect: int = 200,
    decode: bool = True,
    **kwargs: Any,
) -> Any:
    """One request, timed until its body has arrived. The body is parsed as JSON only when
    it is wanted (``decode``) or the status is not the expected one: a reader's page is
    received in full but not parsed, so that the generator's own work does not lengthen the
    latencies it measures."""
    start = time.perf_counter()
    error = None
    body: Any = None
    try:
        headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
        async with http.request(method, url, headers=headers, **kwargs) as response:
            raw = await response.read()
            if response.status != expect:
                error = f"{response.status} {raw[:200]!r}"
            elif decode:
                body = json.loads(raw)
    except (aiohttp.ClientError, TimeoutError) as exc:
        error = f"{type(exc).__name__}: {exc}"
    recorder.add(endpoint, time.perf_counter() - start, error)
    return body if error is None else None


async def seed(http: aiohttp.ClientSession, apis: list[str], centres: list[Centre]) -> None:
    """Cases already there before the window: something for the readers to read."""
    unused = Recorder()
    rng = random.Random(3)
    for index, centre in enumerate(centres):
        items = [case_item(f"SEED-{centre.id}-{i}", centre.region, rng) for i in range(SEED_CASES)]
        url = f"{apis[index % len(apis)]}/api/v1/service-centres/{centre.id}/cases:batch"
        result = await call(http, unused, "seed", "POST", url, centre.token, json=items)
        if result is None:
            raise RuntimeError(f"seeding centre {centre.id} failed: {unused.errors}")
        centre.case_ids = [str(item["id"]) for item in result["results"] if item.get("id")]


def push_body(centre: Centre, round_: int, rng: random.Random) -> bytes:
    """The JSON body of a centre's push number ``round_``: 100 new cases."""
    items = [case_item(f"L-{centre.id}-{round_}-{i}", centre.region, rng) for i in range(BATCH)]
    return json.dumps(items).encode()


def push_bodies(centre: Centre, rounds: int) -> list[bytes]:
    """The bodies of a centre's first ``rounds`` pushes, encoded before the window opens:
    building and encoding 100 cases takes about a millisecond of the generator's event loop,
    which every reader's clock would otherwise count."""
    rng = random.Random(centre.id)
    return [push_body(centre, round_, rng) for round_ in range(rounds)]


async def pusher(
    http: aiohttp.ClientSession,
    api: str,
    centre: Centre,
    bodies: list[bytes],
    recorder: Recorder,
    until: float,
    start_after: float,
) -> None:
    rng = random.Random(-centre.id)
    await asyncio.sleep(start_after)  # the centres come online during the ramp
    for round_ in itertools.count():
        if time.monotonic() >= until:
            return
        # more rounds than prepared: built now
        body = bodies[round_] if round_ < len(bodies) else push_body(centre, round_, rng)
        url = f"{api}/api/v1/service-centres/{centre.id}/cases:batch"
        result = await call(
            http,
            recorder,
            "POST cases:batch",
            "POST",
            url,
            centre.token,
            data=body,
            headers={"Content-Type": "application/json"},
        )
        if result is not None and recorder.open:
            recorder.cases_pushed += int(result["created"])
            if result["invalid"] or result["created"] != BATCH:
                recorder.errors["POST cases:batch"].append(f"not all created: {result}"[:300])
        await asyncio.sleep(PUSH_PAUSE)


async def reader(
    http: aiohttp.ClientSession,
    api: str,
    number: int,
    readers: list[tuple[str, str]],
    centres: list[Centre],
    recorder: Recorder,
    until: float,
) -> None:
    """A person or app reading within its jurisdiction, pausing between requests."""
    rng = random.Random(number)
    kind, token = readers[number % len(readers)]
    await asyncio.sleep(rng.random() * RAMP)  # people and apps arrive during the ramp
    while time.monotonic() < until:
        if kind == "statistics":
            await call(
                http,
                recorder,
                "GET /statistics/victims",
                "GET",
                f"{api}/api/v1/statistics/victims",
                token,
                decode=False,
                params={"group_by": rng.choice(["year,sex", "year,age_group,sex", "region"])},
            )
        elif rng.random() < 0.5 or kind != "centre":
            await call(
                http,
                recorder,
                "GET /cases",
                "GET",
                f"{api}/api/v1/cases",
                token,
                decode=False,
                params={"limit": "20"},
            )
        else:
            centre = centres[number % len(centres)]
            case_id = rng.choice(centre.case_ids)
            await call(
                http,
                recorder,
                "GET /cases/{id}",
                "GET",
                f"{api}/api/v1/cases/{case_id}",
                centre.token,
                decode=False,
            )
        await asyncio.sleep(THINK * (0.5 + rng.random()))


def cpu_seconds(cluster: Cluster, database_name: str) -> dict[str, float]:
    """CPU time (user + system) used so far by each process tree, by this process, and by
    each PostgreSQL backend serving the bench's database (``backend <pid>``, when they are
    on this machine; see ``cpu_used``)."""
    used: dict[str, float] = {}
    for process in psutil.process_iter(["cmdline"]):
        with contextlib.suppress(psutil.Error):
            if f" {database_name} " in " ".join(process.info["cmdline"] or []):
                used[f"backend {process.pid}"] = sum(process.cpu_times()[:2])
    for service in cluster.services:
        try:
            root = psutil.Process(service.process.pid)
            members = [root, *root.children(recursive=True)]
            used[service.name] = sum(sum(m.cpu_times()[:2]) for m in members)
        except psutil.NoSuchProcess:
            continue
    used["load generator"] = sum(psutil.Process().cpu_times()[:2])
    return used


def cpu_used(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """What each process used between two ``cpu_seconds``; the backends summed (those that
    ended in between are not seen: a floor)."""
    used = {"postgres backends": 0.0}
    for name, seconds in after.items():
        delta = seconds - before.get(name, 0.0)
        if name.startswith("backend "):
            used["postgres backends"] += delta
        else:
            used[name] = delta
    return used


async def sessions_opened(probe: asyncpg.Connection) -> int:
    """Connections opened so far to the bench's database (PostgreSQL's own count), read on
    ``probe``: one connection held across the window, so that reading opens none."""
    value = await probe.fetchval(
        "SELECT sessions FROM pg_stat_database WHERE datname = current_database()"
    )
    return int(value or 0)


async def sample_memory(cluster: Cluster, peaks: dict[str, int], until: float) -> None:
    own = psutil.Process()
    while time.monotonic() < until:
        for name, rss in [*cluster.rss().items(), ("load generator", own.memory_info().rss)]:
            peaks[name] = max(peaks.get(name, 0), rss)
        await asyncio.sleep(1)


async def probe_lag(recorder: Recorder, lags: list[float], until: float) -> None:
    """How late this generator's event loop wakes a 10 ms timer: a part of every latency
    it measures that is its own, not the server's."""
    while time.monotonic() < until:
        start = time.perf_counter()
        await asyncio.sleep(0.01)
        if recorder.open:
            lags.append(time.perf_counter() - start - 0.01)


async def idle_latency(apis: list[str], readers: list[tuple[str, str]], count: int = 50) -> float:
    """Median latency of a scoped GET /cases with no other load: the same run's baseline."""
    recorder = Recorder(open=True)
    token = next(token for kind, token in readers if kind == "cases")
    async with aiohttp.ClientSession() as http:
        for n in range(count):
            await call(
                http,
                recorder,
                "idle",
                "GET",
                f"{apis[n % len(apis)]}/api/v1/cases",
                token,
                decode=False,
                params={"limit": "20"},
            )
    return percentile(recorder.latencies["idle"], 0.5)


async def raw_ingestion(url: str, count: int) -> tuple[float, float]:
    """Cases per second of a raw executemany, and of a raw binary COPY (what a push uses),
    of ``count`` prepared rows (the same shape)."""
    engine = create_engine(url)
    try:
        rng = random.Random(9)
        items = [case_item(f"RAW-{i}", "33.01", rng) for i in range(count)]
        ring = Keyring.from_settings(Settings(database_url=url, encryption_key=KEY))
        rates = []
        for name, copy in (("RAW", False), ("RAW COPY", True)):
            async with create_sessionmaker(engine)() as session, session.begin():
                centre = ServiceCentre(name=name, kind=ServiceCentreKind.p2tp2a, region_code="33")
                session.add(centre)
            rows, keys = raw_rows(items, centre, ring)  # each way its own centre: no key collides

            async def write(rows: Any = rows, keys: Any = keys, copy: bool = copy) -> None:
                await write_raw(engine, rows, copy=copy, chunk=10_000)
                await write_raw_keys(ring, keys, copy=copy)  # the keys too, as a push

            rates.append(count / await timed(write))
        return rates[0], rates[1]
    finally:
        await engine.dispose()


async def setup(url: str, apis: list[str]) -> tuple[list[Centre], list[tuple[str, str]]]:
    admin = await make_token(url, Role.national_admin)
    centres = []
    async with aiohttp.ClientSession() as http:
        for index, region in enumerate(REGIONS[:CENTRES]):
            async with http.post(
                f"{apis[index % len(apis)]}/api/v1/service-centres",
                json={"name": f"P2TP2A {region}", "kind": "p2tp2a", "region_code": region},
                headers={"Authorization": f"Bearer {admin}"},
            ) as response:
                body = await response.json()
                if response.status != 201:
                    raise RuntimeError(f"centre {region}: {response.status} {body}")
            token = await make_token(url, Role.service_centre, centre=int(body["id"]))
            centres.append(Centre(int(body["id"]), region, token))
        await seed(http, apis, centres)
    readers: list[tuple[str, str]] = []
    for region in REGIONS[:CENTRES]:  # regency task force admins
        readers.append(("cases", await make_token(url, Role.task_force_admin, region=region)))
    for province in ("33", "35"):
        readers.append(("cases", await make_token(url, Role.task_force_admin, region=province)))
        readers.append(("statistics", await make_token(url, Role.analyst, region=province)))
        readers.append(("statistics", await make_token(url, Role.reporter, region=province)))
    readers.append(("statistics", await make_token(url, Role.analyst)))
    readers += [("centre", centre.token) for centre in centres]
    return centres, readers


@dataclass
class Window:
    """What the measured window saw besides the requests."""

    seconds: float = 0
    idle_p50: float = 0
    peaks: dict[str, int] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)
    load_average: tuple[float, float] = (0, 0)
    machine_busy: float = 0
    sessions: int = 0
    lags: list[float] = field(default_factory=list)


async def phase(
    cluster: Cluster,
    url: str,
    centres: list[Centre],
    readers: list[tuple[str, str]],
    *,
    seconds: float,
    pushing: bool,
) -> tuple[Recorder, Window]:
    """The clients for ``seconds``, measured after a ramp during which they start.

    The ramp (BENCH_LOAD_RAMP_SECONDS) spreads the clients' first requests, as people and
    apps arrive, and is not measured. In the window, this generator's own garbage collector
    is off, so that its pauses are not counted as the server's latency.
    """
    apis = [api.url for api in cluster.apis]
    recorder = Recorder()
    window = Window()
    peaks: dict[str, int] = {}
    connector = aiohttp.TCPConnector(limit=0, limit_per_host=0)
    timeout = aiohttp.ClientTimeout(total=120)
    database_name = str(make_url(url).database)
    before: dict[str, Any] = {}

    probe = await asyncpg.connect(dsn(url))

    async def open_window(at: float) -> None:
        await asyncio.sleep(at - time.monotonic())
        before.update(
            sessions=await sessions_opened(probe),
            cpu=cpu_seconds(cluster, database_name),
            machine=psutil.cpu_times(),
            load=os.getloadavg()[0],
            at=time.monotonic(),
        )
        recorder.open = True

    try:
        # Up to one push a second per centre (under load they take longer); more are built then.
        rounds = int(RAMP + seconds) + 1 if pushing else 0
        bodies = {centre.id: push_bodies(centre, rounds) for centre in centres}
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
            opens = time.monotonic() + RAMP
            until = opens + seconds
            tasks = [
                reader(http, apis[n % len(apis)], n, readers, centres, recorder, until)
                for n in range(CLIENTS - len(centres))
            ]
            if pushing:
                tasks += [
                    pusher(
                        http,
                        apis[n % len(apis)],
                        centre,
                        bodies[centre.id],
                        recorder,
                        until,
                        RAMP * n / len(centres),
                    )
                    for n, centre in enumerate(centres)
                ]
            tasks += [
                sample_memory(cluster, peaks, until),
                open_window(opens),
                probe_lag(recorder, window.lags, until),
            ]
            gc.collect()
            gc.freeze()
            gc.disable()
            try:
                await asyncio.gather(*tasks)
            finally:
                gc.enable()
                gc.unfreeze()
            recorder.open = False
            window.seconds = time.monotonic() - before["at"]
            cpu_after = cpu_seconds(cluster, database_name)
            machine = psutil.cpu_times()
        window.sessions = await sessions_opened(probe) - before["sessions"]
    finally:
        await probe.close()
    window.peaks = peaks
    window.cpu = cpu_used(before["cpu"], cpu_after)
    idle = (machine.idle + machine.iowait) - (before["machine"].idle + before["machine"].iowait)
    window.machine_busy = (sum(machine) - sum(before["machine"]) - idle) / window.seconds
    window.load_average = (before["load"], os.getloadavg()[0])
    return recorder, window


async def load(cluster: Cluster, url: str) -> tuple[Recorder, Window, tuple[Recorder, Window]]:
    """The readers alone (a reference), then the readers and the pushing centres."""
    apis = [api.url for api in cluster.apis]
    centres, readers = await setup(url, apis)
    idle_p50 = await idle_latency(apis, readers)
    alone = await phase(cluster, url, centres, readers, seconds=READERS_ALONE, pushing=False)
    recorder, window = await phase(cluster, url, centres, readers, seconds=SECONDS, pushing=True)
    window.idle_p50 = idle_p50
    return recorder, window, alone


def table(recorder: Recorder, elapsed: float) -> bool:
    """Requests, throughput, latency and errors per endpoint; whether there was no error."""
    print(
        f"{'endpoint':24} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'errors':>6}"
    )
    ok = True
    for endpoint in sorted(recorder.latencies):
        values = recorder.latencies[endpoint]
        errors = recorder.errors.get(endpoint, [])
        print(
            f"{endpoint:24} {len(values):8d} {len(values) / elapsed:8.1f} "
            f"{percentile(values, 0.50) * 1000:8.1f} {percentile(values, 0.95) * 1000:8.1f} "
            f"{percentile(values, 0.99) * 1000:8.1f} {len(errors):6d}"
        )
        ok = ok and not errors
        for error in errors[:3]:
            print(f"    e.g. {error}")
    return ok


def scoped_p99(recorder: Recorder) -> float:
    scoped = [v for e in SCOPED_GETS for v in recorder.latencies.get(e, [])]
    return percentile(scoped, 0.99) * 1000 if scoped else float("nan")


def cpu_line(window: Window) -> str:
    lags = window.lags or [float("nan")]
    return (
        "CPU used in the window (s): "
        + ", ".join(f"{name} {sec:.1f}" for name, sec in sorted(window.cpu.items()))
        + f"; the machine was busy {window.machine_busy:.2f} of its {os.cpu_count()} cores\n"
        + f"the generator's own loop lag (a 10 ms timer): p50 {percentile(lags, 0.5) * 1000:.1f}"
        + f" ms, p99 {percentile(lags, 0.99) * 1000:.1f} ms"
    )


def report(
    recorder: Recorder,
    window: Window,
    raw_per_s: tuple[float, float],
    alone: tuple[Recorder, Window],
) -> bool:
    elapsed = window.seconds
    print(
        f"load: {CLIENTS} clients ({CENTRES} pushing batches of {BATCH}, "
        f"{CLIENTS - CENTRES} reading with {THINK * 1000:.0f} ms pauses) for {elapsed:.1f}s "
        f"after a {RAMP:.0f}s ramp, {APIS} API + 2 worker processes, PostgreSQL, RabbitMQ"
    )
    ok = table(recorder, elapsed)
    p99 = scoped_p99(recorder)
    api_per_s = recorder.cases_pushed / elapsed
    executemany, copy = raw_per_s
    ratio = api_per_s / executemany
    idle = window.idle_p50 * 1000
    print(
        f"scoped GET p99: {p99:.1f} ms (target <= 50); the same GET alone, before the load: "
        f"p50 {idle:.1f} ms; p99 under load / p50 alone = {p99 / idle:.1f}"
    )
    print(
        f"ingestion under load: {recorder.cases_pushed} cases, {api_per_s:.0f}/s; raw "
        f"executemany of the same rows: {executemany:.0f}/s; api/raw = {ratio:.2f} (target >= 0.25)"
    )
    print(
        f"the same rows by a raw binary COPY (what a push uses): {copy:.0f}/s; "
        f"api/raw COPY = {api_per_s / copy:.2f}"
    )
    print(
        "memory, peak RSS (MiB): "
        + ", ".join(f"{name} {rss / 2**20:.0f}" for name, rss in sorted(window.peaks.items()))
    )
    print(cpu_line(window))
    print(f"database connections opened in the window: {window.sessions}")
    print(
        f"machine load average (1 min) at the start / end: "
        f"{window.load_average[0]:.1f} / {window.load_average[1]:.1f}"
    )
    total_errors = sum(len(e) for e in recorder.errors.values())
    print(f"errors: {total_errors} (must be 0)")
    print(
        f"reference, before the load: the same {CLIENTS - CENTRES} readers alone "
        f"for {READERS_ALONE:.0f}s (no pushes)"
    )
    ok = table(alone[0], alone[1].seconds) and ok
    print(f"scoped GET p99 with the readers alone: {scoped_p99(alone[0]):.1f} ms")
    print(cpu_line(alone[1]))
    return ok


async def main() -> int:
    namespace = f"gtpptppo_load_{uuid.uuid4().hex[:8]}"
    async with database("postgresql") as url:
        try:
            env = cluster_env(url, RABBITMQ_URL, namespace)
            with workdir() as folder, Cluster(env, folder) as cluster:
                cluster.start_worker()
                cluster.start_worker()
                for _ in range(APIS):
                    await asyncio.to_thread(cluster.start_api)
                recorder, window, alone = await load(cluster, url)
                for service in cluster.services:
                    if not service.alive():
                        print(f"{service.name} died:\n{service.output()[-2000:]}", file=sys.stderr)
            # Same run, the cluster stopped: the raw baseline on the same database server.
            raw_per_s = await raw_ingestion(url, max(BATCH, recorder.cases_pushed))
        finally:
            await asyncio.to_thread(remove_queues, RABBITMQ_URL, namespace)
    return 0 if report(recorder, window, raw_per_s, alone) else 1


if __name__ == "__main__":
    sys.exit(uvloop.run(main()))
