"""The public site under load: what anyone, without a token, can make the server do.

Set-up (PostgreSQL, one ``gtpptppo serve`` process with its embedded worker): a regency's
task force with its cases, its annual report generated, forwarded and published by its
chair, through the API. Then two windows of BENCH_PUBLIC_SECONDS (60) each, with
BENCH_PUBLIC_CLIENTS (200) clients requesting without a pause:

1. the baseline: ``GET /healthz``, a small fixed answer of the same app;
2. the public report: half the clients read its page, half its PDF.

For each window: requests answered, the API process's CPU seconds (its whole process tree)
per request, and the p99 latency. Targets: the public request's CPU at most 2x the health
check's, and its p99 within 2x of the health check's p99 under the same load. The public
rate limit is off for the run (all clients share one address).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import psutil
from tests.publishing.support import narrative, push_table
from tests.reports.support import open_report, through_to_forwarded, unit

from bench.cluster import Cluster
from bench.common import KEY, database
from gtpptppo_api.auth.models import Role
from gtpptppo_api.auth.service import create_token
from gtpptppo_api.db.engine import create_engine, create_sessionmaker

SECONDS = float(os.environ.get("BENCH_PUBLIC_SECONDS", "60"))
CLIENTS = int(os.environ.get("BENCH_PUBLIC_CLIENTS", "200"))
REGION = "33.02"


async def set_up(api_url: str, db_url: str) -> int:
    """The published report's id."""
    engine = create_engine(db_url)
    maker = create_sessionmaker(engine)

    async def auth(
        role: Role | str, region: str | None = None, centre: int | None = None
    ) -> dict[str, str]:
        async with maker() as session, session.begin():
            _, clear = await create_token(
                session,
                name=f"bench {role}",
                role=Role(role),
                region_code=region,
                service_centre_id=centre,
            )
        return {"Authorization": f"Bearer {clear}"}

    national = await auth(Role.national_admin)
    async with httpx.AsyncClient(base_url=f"{api_url}/api/v1", timeout=120) as client:
        for region in ("ID", "33"):
            await unit(client, national, auth, region)
        regency = await unit(client, national, auth, REGION)
        await push_table(client, national, auth)
        await narrative(client, regency.admin, regency)
        report = await open_report(client, regency.admin, regency)
        for _ in range(600):
            state = (await client.get(f"/reports/{report['id']}", headers=regency.admin)).json()
            if state["generation"] == "ready":
                break
            await asyncio.sleep(0.1)
        else:
            raise TimeoutError("the report was not generated")
        await through_to_forwarded(client, regency, report["id"])
        published = await client.post(
            f"/reports/{report['id']}/publication",
            json={"acting_member_id": regency.chair["id"]},
            headers=regency.admin,
        )
        assert published.status_code == 201, published.text
    await engine.dispose()
    return int(report["id"])


def cpu_seconds(pid: int) -> float:
    process = psutil.Process(pid)
    total = 0.0
    for p in [process, *process.children(recursive=True)]:
        try:
            times = p.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


async def window(base: str, paths: list[str], pid: int) -> dict[str, float]:
    """``CLIENTS`` clients for ``SECONDS``, client i reading ``paths[i % len(paths)]``."""
    latencies: list[float] = []
    errors = 0
    stop = time.monotonic() + SECONDS
    connector = aiohttp.TCPConnector(limit=CLIENTS)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def client(i: int) -> None:
            nonlocal errors
            url = base + paths[i % len(paths)]
            while time.monotonic() < stop:
                start = time.perf_counter()
                async with session.get(url) as response:
                    await response.read()
                    if response.status != 200:
                        errors += 1
                latencies.append(time.perf_counter() - start)

        before = cpu_seconds(pid)
        await asyncio.gather(*(client(i) for i in range(CLIENTS)))
        used = cpu_seconds(pid) - before
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": errors,
        "cpu_ms": 1000 * used / max(1, len(latencies)),
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
    }


async def main() -> None:
    async with database("postgresql") as url:
        env = {
            "GTPPTPPO_DATABASE_URL": url,
            "GTPPTPPO_ENCRYPTION_KEY": KEY,
            "GTPPTPPO_PUBLIC_RATE_LIMIT": "",
            "GTPPTPPO_RATE_LIMIT": "",
        }
        with tempfile.TemporaryDirectory() as folder, Cluster(env, Path(folder)) as cluster:
            api = await asyncio.to_thread(cluster.start_api)
            report_id = await set_up(api.url, url)
            pid = api.process.pid
            results: dict[str, Any] = {}
            results["health"] = await window(api.url, ["/healthz"], pid)
            results["public"] = await window(
                api.url, [f"/public/reports/{report_id}", f"/public/reports/{report_id}.pdf"], pid
            )
            if not api.alive():
                print(api.output()[-2000:], file=sys.stderr)
    for name, r in results.items():
        print(
            f"public {name:7} {CLIENTS} clients {SECONDS:.0f}s: {r['requests']} requests "
            f"({r['errors']} errors), CPU {r['cpu_ms']:.2f} ms/request, "
            f"p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms"
        )
    health, public = results["health"], results["public"]
    print(
        f"public  CPU per request / health check = {public['cpu_ms'] / health['cpu_ms']:.2f} "
        f"(target <= 2); p99 / health check p99 = {public['p99_ms'] / health['p99_ms']:.2f} "
        "(target <= 2)"
    )


if __name__ == "__main__":
    asyncio.run(main())
