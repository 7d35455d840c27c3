"""Scale-out demo (``make scaleout-demo``): two API processes and two ``gtpptppo worker``
processes on PostgreSQL and RabbitMQ; report jobs enqueued through both APIs, each done once.

It creates a database of its own on the PostgreSQL server (``GTPPTPPO_TEST_DATABASE_URL``)
and a queue namespace of its own on RabbitMQ (``GTPPTPPO_TEST_RABBITMQ_URL``), starts the
processes on free loopback ports, opens ``DEMO_JOBS`` reports (default 100: ten provincial
task forces x ten years) alternately through each API, waits (bounded) until every job is
finished, prints the counts, stops every process and drops the database and the queues.

Done exactly once, read from the database: one job per report, every job ``done`` on its
first attempt, and one figures version per report (a second run would need a second claim,
which shows as ``attempts``).
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
import pika
from sqlalchemy.engine import make_url

from bench.cluster import Cluster, workdir
from bench.common import KEY, database
from gtpptppo_api.auth.models import Role
from gtpptppo_api.auth.service import create_token
from gtpptppo_api.db.engine import create_engine, create_sessionmaker

RABBITMQ_URL = os.environ.get("GTPPTPPO_TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
PROVINCES = ["11", "12", "13", "14", "15", "16", "17", "18", "19", "21"]
QUEUES = ("default", "reports")  # the job kinds' queues (job_handler(queue=...))


def cluster_env(database_url: str, broker_url: str | None, namespace: str) -> dict[str, str]:
    """Environment of every process of one deployment (scale-out when ``broker_url``)."""
    env = {
        "GTPPTPPO_DATABASE_URL": database_url,
        "GTPPTPPO_ENCRYPTION_KEY": KEY,
        "GTPPTPPO_BROKER_NAMESPACE": namespace,
        "GTPPTPPO_JOB_RECONCILE_SECONDS": "1",
        "GTPPTPPO_RATE_LIMIT": "",  # no request rate limit on a bench or a demo
        "PYTHONUNBUFFERED": "1",
    }
    if broker_url:
        env["GTPPTPPO_BROKER_URL"] = broker_url
    return env


def remove_queues(broker_url: str, namespace: str) -> None:
    """Delete the namespace's queues (and Dramatiq's delay and dead-letter queues)."""
    connection = pika.BlockingConnection(pika.URLParameters(broker_url))
    try:
        channel = connection.channel()
        for queue in QUEUES:
            for name in (
                f"{namespace}.{queue}",
                f"{namespace}.{queue}.DQ",
                f"{namespace}.{queue}.XQ",
            ):
                channel.queue_delete(name)
    finally:
        connection.close()


async def make_token(
    database_url: str, role: Role, *, region: str | None = None, centre: int | None = None
) -> str:
    """A bearer token straight in the database (what ``gtpptppo token create`` does)."""
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            _, clear = await create_token(
                session,
                name=f"bench {role.value}",
                role=role,
                region_code=region,
                service_centre_id=centre,
            )
    finally:
        await engine.dispose()
    return clear


def task_force_body(region_code: str) -> dict[str, Any]:
    return {
        "name": f"GT-PPTPPO {region_code}",
        "region_code": region_code,
        "established_decree": {
            "number": f"TF/{region_code}",
            "title": "Pembentukan Gugus Tugas PP-TPPO",
            "issued_on": "2024-01-15",
            "authority": "governor",
        },
    }


@dataclass
class ReportRun:
    """What a run of report jobs left in the database."""

    reports: int
    seconds: float
    through_api: Counter[str]
    jobs_by_status: Counter[str] = field(default_factory=Counter)
    attempts: Counter[int] = field(default_factory=Counter)
    versions_per_report: Counter[int] = field(default_factory=Counter)
    jobs_per_report: Counter[int] = field(default_factory=Counter)

    @property
    def each_done_once(self) -> bool:
        return (
            self.jobs_by_status == Counter({"done": self.reports})
            and self.attempts == Counter({1: self.reports})
            and self.versions_per_report == Counter({1: self.reports})
            and self.jobs_per_report == Counter({1: self.reports})
        )

    def summary(self) -> str:
        return (
            f"reports opened: {self.reports} (through {dict(sorted(self.through_api.items()))})\n"
            f"jobs by status: {dict(self.jobs_by_status)}\n"
            f"attempts per job: {dict(self.attempts)}\n"
            f"jobs per report: {dict(self.jobs_per_report)}\n"
            f"figures versions per report: {dict(self.versions_per_report)}\n"
            f"all finished in {self.seconds:.1f}s; each done exactly once: {self.each_done_once}"
        )


def dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def finished_jobs(database_url: str, report_ids: list[int]) -> int:
    conn = await asyncpg.connect(dsn(database_url), timeout=10)
    try:
        value = await conn.fetchval(
            "SELECT count(*) FROM job j JOIN report r ON r.job_id = j.id "
            "WHERE r.id = ANY($1::int[]) AND j.status IN ('done', 'failed')",
            report_ids,
        )
    finally:
        await conn.close()
    return int(value)


async def count_run(database_url: str, report_ids: list[int], run: ReportRun) -> None:
    conn = await asyncpg.connect(dsn(database_url), timeout=10)
    try:
        jobs = await conn.fetch(
            "SELECT status, attempts, (payload->>'report_id')::int AS report_id FROM job "
            "WHERE kind = 'reports.generate' AND (payload->>'report_id')::int = ANY($1::int[])",
            report_ids,
        )
        versions = await conn.fetch(
            "SELECT r.id, count(v.id) AS n FROM report r "
            "LEFT JOIN report_version v ON v.report_id = r.id "
            "WHERE r.id = ANY($1::int[]) GROUP BY r.id",
            report_ids,
        )
    finally:
        await conn.close()
    run.jobs_by_status = Counter(str(row["status"]) for row in jobs)
    run.attempts = Counter(int(row["attempts"]) for row in jobs)
    run.jobs_per_report = Counter(Counter(int(row["report_id"]) for row in jobs).values())
    run.versions_per_report = Counter(int(row["n"]) for row in versions)


async def create_task_forces(apis: list[str], token: str, count: int) -> list[int]:
    """Task forces of the first ``count`` of ten provinces, taking turns through ``apis``."""
    headers = {"Authorization": f"Bearer {token}"}
    ids = []
    async with httpx.AsyncClient(timeout=60) as client:
        for index, code in enumerate(PROVINCES[:count]):
            response = await client.post(
                f"{apis[index % len(apis)]}/api/v1/task-forces",
                json=task_force_body(code),
                headers=headers,
            )
            if response.status_code != 201:
                raise RuntimeError(f"task force {code}: {response.status_code} {response.text}")
            ids.append(int(response.json()["id"]))
    return ids


async def post_reports(
    apis: list[str], token: str, task_forces: list[int], count: int, *, first_year: int = 2015
) -> tuple[list[int], Counter[str]]:
    """``count`` annual reports over ``task_forces`` and successive years, taking turns
    through each API in ``apis``; return the report ids and how many each API opened."""
    headers = {"Authorization": f"Bearer {token}"}
    bodies = [
        {"task_force_id": task_force, "kind": "annual", "year": first_year + year}
        for year in range(-(-count // len(task_forces)))
        for task_force in task_forces
    ][:count]
    through: Counter[str] = Counter()
    async with httpx.AsyncClient(timeout=60) as client:

        async def post(index: int, body: dict[str, Any]) -> int:
            api = apis[index % len(apis)]
            response = await client.post(f"{api}/api/v1/reports", json=body, headers=headers)
            if response.status_code != 202:
                raise RuntimeError(f"report {body}: {response.status_code} {response.text}")
            through[api] += 1
            return int(response.json()["id"])

        ids: list[int] = []
        numbered = list(enumerate(bodies))
        for start in range(0, len(numbered), 10):  # ten requests in flight at a time
            ids += await asyncio.gather(
                *(post(i, body) for i, body in numbered[start : start + 10])
            )
    return ids, through


async def open_reports(apis: list[str], token: str, count: int) -> tuple[list[int], Counter[str]]:
    """Up to ten provincial task forces, then ``count`` annual reports through ``apis``."""
    years = max(1, -(-count // len(PROVINCES)))
    task_forces = await create_task_forces(apis, token, -(-count // years))
    return await post_reports(apis, token, task_forces, count)


async def wait_finished(database_url: str, report_ids: list[int], within: float) -> float:
    """Wait (bounded) until every report's job is done or failed; return the seconds taken."""
    start = time.monotonic()
    while await finished_jobs(database_url, report_ids) < len(report_ids):
        if time.monotonic() - start > within:
            raise TimeoutError(f"jobs of {len(report_ids)} reports not finished in {within}s")
        await asyncio.sleep(0.2)
    return time.monotonic() - start


async def run_reports(
    cluster: Cluster, database_url: str, count: int, *, within: float = 180
) -> ReportRun:
    token = await make_token(database_url, Role.national_admin)
    start = time.monotonic()
    ids, through = await open_reports([api.url for api in cluster.apis], token, count)
    await wait_finished(database_url, ids, within)
    run = ReportRun(reports=len(ids), seconds=time.monotonic() - start, through_api=through)
    await count_run(database_url, ids, run)
    return run


async def demo(jobs: int, apis: int = 2, workers: int = 2) -> ReportRun:
    namespace = f"gtpptppo_demo_{uuid.uuid4().hex[:8]}"
    async with database("postgresql") as url:
        try:
            with (
                workdir() as folder,
                Cluster(cluster_env(url, RABBITMQ_URL, namespace), folder) as cluster,
            ):
                for _ in range(workers):
                    cluster.start_worker()
                for _ in range(apis):
                    await asyncio.to_thread(cluster.start_api)
                names = ", ".join(s.name for s in cluster.services)
                print(f"started: {names} (APIs on {', '.join(a.url for a in cluster.apis)})")
                try:
                    run = await run_reports(cluster, url, jobs)
                except BaseException:
                    for service in cluster.services:
                        print(f"--- {service.name}\n{service.output()[-2000:]}", file=sys.stderr)
                    raise
                rss = cluster.rss()
            print("memory (RSS, MiB): " + ", ".join(f"{k} {v / 2**20:.0f}" for k, v in rss.items()))
        finally:
            await asyncio.to_thread(remove_queues, RABBITMQ_URL, namespace)
    return run


def main() -> int:
    jobs = int(os.environ.get("DEMO_JOBS", "100"))
    run = asyncio.run(demo(jobs))
    print(run.summary())
    print("stopped every process; dropped the demo database and queues")
    return 0 if run.each_done_once else 1


if __name__ == "__main__":
    sys.exit(main())
