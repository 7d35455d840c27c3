"""Faults in scale-out and embedded mode, with real processes: nothing accepted is lost.

- a worker SIGKILLed in the middle of a report job: another worker finishes it, once;
- the broker restarted while jobs are queued: none lost;
- an API process killed between its commit and the send: the reconciler sends the job;
- PostgreSQL restarted under load: 503 problem+json meanwhile, success after, no accepted
  case lost;
- the embedded mode killed and restarted: its pending job resumes.

The restarted servers are private ones (``bench.cluster``), never the shared ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import sqlite3
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx
import pika
import psutil
import pytest
from bench.cluster import (
    Cluster,
    PrivatePostgres,
    PrivateRabbitmq,
    Service,
    Unavailable,
)
from bench.scaleout import (
    RABBITMQ_URL,
    ReportRun,
    count_run,
    create_task_forces,
    make_token,
    post_reports,
    task_force_body,
    wait_finished,
)
from sqlalchemy.engine import make_url

from gtpptppo_api.auth.models import Role
from gtpptppo_api.db.migrate import upgrade
from tests.conftest import unavailable
from tests.scaleout.conftest import ClusterFactory

pytestmark = pytest.mark.processes

LEASE_SECONDS = "3"
DYING_API = "tests.scaleout.dies_after_commit"


def dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def counted(database_url: str, report_ids: list[int]) -> ReportRun:
    run = ReportRun(reports=len(report_ids), seconds=0, through_api=Counter())
    await count_run(database_url, report_ids, run)
    return run


async def job_of(database_url: str, report_id: int) -> tuple[str, int]:
    conn = await asyncpg.connect(dsn(database_url), timeout=10)
    try:
        row = await conn.fetchrow(
            "SELECT j.status, j.attempts FROM job j JOIN report r ON r.job_id = j.id "
            "WHERE r.id = $1",
            report_id,
        )
    finally:
        await conn.close()
    assert row is not None, f"report {report_id} has no job"
    return str(row["status"]), int(row["attempts"])


async def create_task_force(api: Service, token: str, region: str = "11") -> int:
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.post(
            f"{api.url}/api/v1/task-forces",
            json=task_force_body(region),
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def worker_holding(workers: list[Service], client_port: int) -> Service:
    """The worker whose process tree owns the database connection from ``client_port``."""
    for worker in workers:
        root = psutil.Process(worker.process.pid)
        for process in [root, *root.children(recursive=True)]:
            for connection in process.net_connections(kind="tcp"):
                if connection.laddr and connection.laddr.port == client_port:
                    return worker
    raise AssertionError(f"no worker holds the connection from port {client_port}")


async def test_a_worker_killed_in_the_middle_of_a_report_job_is_replaced_by_another_once(
    pg_database: str, namespace: str, make_cluster: ClusterFactory
):
    """The report's figures are being written when the worker running the job is SIGKILLed:
    its transaction dies with it, the lease expires, the other worker claims the job (attempt
    2) and finishes it; one figures version, and the dead worker wrote nothing."""
    cluster = make_cluster(
        pg_database,
        RABBITMQ_URL,
        namespace,
        job_lease_seconds=LEASE_SECONDS,
        job_reconcile_seconds="0.3",
    )
    workers = [cluster.start_worker(), cluster.start_worker()]
    api = await asyncio.to_thread(cluster.start_api)
    token = await make_token(pg_database, Role.national_admin)
    task_force = await create_task_force(api, token)

    # Hold the job in the middle: figures cannot be inserted while the test holds this lock.
    blocker = await asyncpg.connect(dsn(pg_database), timeout=10)
    try:
        transaction = blocker.transaction()
        await transaction.start()
        await blocker.execute("LOCK TABLE report_version IN SHARE ROW EXCLUSIVE MODE")
        async with httpx.AsyncClient(timeout=30) as client:
            response = await client.post(
                f"{api.url}/api/v1/reports",
                json={"task_force_id": task_force, "kind": "annual", "year": 2024},
                headers={"Authorization": f"Bearer {token}"},
            )
        assert response.status_code == 202, response.text
        report_id = int(response.json()["id"])

        waiting_port = None
        deadline = time.monotonic() + 60
        while waiting_port is None:
            waiting_port = await blocker.fetchval(
                "SELECT a.client_port FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE NOT l.granted AND l.relation = 'report_version'::regclass"
            )
            assert time.monotonic() < deadline, "no worker reached the figures' insert"
            await asyncio.sleep(0.1)
        assert await job_of(pg_database, report_id) == ("running", 1)

        victim = worker_holding(workers, int(waiting_port))
        await asyncio.to_thread(victim.kill)
        await transaction.rollback()  # the lock goes; the dead worker's transaction is gone
    finally:
        await blocker.close()

    await wait_finished(pg_database, [report_id], within=60)
    assert await job_of(pg_database, report_id) == ("done", 2)
    run = await counted(pg_database, [report_id])
    assert run.versions_per_report == Counter({1: 1})
    survivor = next(worker for worker in workers if worker is not victim)
    assert survivor.alive()


def queue_depth(broker_url: str, queue: str) -> int:
    connection = pika.BlockingConnection(pika.URLParameters(broker_url))
    try:
        declared = connection.channel().queue_declare(queue, passive=True)
        return int(declared.method.message_count)
    finally:
        connection.close()


async def test_a_broker_restarted_while_jobs_are_queued_loses_none(
    pg_database: str, make_cluster: ClusterFactory
):
    """Ten report jobs wait in a RabbitMQ node with no worker; the node is stopped, five more
    reports are opened while it is down (their send fails: the API still answers 202), the
    node starts again with the ten messages still queued; then workers start and all fifteen
    jobs are done, each once (the five by the reconciler's re-send)."""
    try:
        rabbitmq = PrivateRabbitmq()
    except Unavailable as exc:
        unavailable(str(exc))
        raise
    namespace = "gtpptppo_restart"
    with rabbitmq:
        cluster = make_cluster(
            pg_database,
            rabbitmq.url,
            namespace,
            job_resend_after_seconds="2",
            job_reconcile_seconds="0.5",
        )
        api = await asyncio.to_thread(cluster.start_api)
        token = await make_token(pg_database, Role.national_admin)
        task_forces = await create_task_forces([api.url], token, 10)
        queued, _ = await post_reports([api.url], token, task_forces, 10, first_year=2000)
        queue = f"{namespace}.reports"
        assert await asyncio.to_thread(queue_depth, rabbitmq.url, queue) == 10

        await asyncio.to_thread(rabbitmq.stop)
        during, _ = await post_reports([api.url], token, task_forces, 5, first_year=2020)
        await asyncio.to_thread(rabbitmq.start)
        assert await asyncio.to_thread(queue_depth, rabbitmq.url, queue) == 10  # durable

        cluster.start_worker()
        cluster.start_worker()
        await wait_finished(pg_database, queued + during, within=120)
        run = await counted(pg_database, queued + during)
        assert run.each_done_once, run.summary()


async def test_an_api_killed_between_commit_and_send_has_its_job_sent_by_the_reconciler(
    pg_database: str, namespace: str, make_cluster: ClusterFactory
):
    """The API process dies (SIGKILL) right after the report and its job row commit, before
    the message goes out: the client gets no answer, the report is there, and a worker's
    reconciler sends the job, which is done once."""
    cluster = make_cluster(
        pg_database,
        RABBITMQ_URL,
        namespace,
        job_resend_after_seconds="2",
        job_reconcile_seconds="0.5",
    )
    dying = await asyncio.to_thread(cluster.start_api, module=DYING_API)
    token = await make_token(pg_database, Role.national_admin)
    task_force = await create_task_force(dying, token)  # no job: the API lives on

    async with httpx.AsyncClient(timeout=30) as client:
        with pytest.raises(httpx.TransportError):
            await client.post(
                f"{dying.url}/api/v1/reports",
                json={"task_force_id": task_force, "kind": "annual", "year": 2024},
                headers={"Authorization": f"Bearer {token}"},
            )
    await asyncio.to_thread(dying.process.wait, 10)
    conn = await asyncpg.connect(dsn(pg_database), timeout=10)
    try:
        report_id = await conn.fetchval(
            "SELECT id FROM report WHERE task_force_id = $1", task_force
        )
    finally:
        await conn.close()
    assert report_id is not None  # committed before the process died
    assert await job_of(pg_database, report_id) == ("pending", 0)

    cluster.start_worker()
    await wait_finished(pg_database, [report_id], within=60)
    run = await counted(pg_database, [report_id])
    assert run.each_done_once, run.summary()


@dataclass
class Outcomes:
    accepted: set[str] = field(default_factory=set)
    unavailable: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    accepted_after_restart: int = 0


def case_body(ref: str) -> dict[str, object]:
    return {
        "external_ref": ref,
        "registered_region_code": "33.02",
        "origin_region_code": "33.02",
        "destination": {"country": "MY"},
        "identified_on": "2024-03-05",
        "victim": {"sex": "female", "age_at_identification": 24, "nationality": "ID"},
        "exploitation_types": ["forced_labour"],
        "services": [{"type": "complaint", "started_on": "2024-03-05"}],
        "legal_stage": "police_report",
        "status": "open",
    }


async def test_postgresql_restarted_under_load_fails_cleanly_and_loses_no_accepted_case(
    make_cluster: ClusterFactory,
):
    """Eight clients push cases through two API processes while the database server is
    stopped as if it crashed (``pg_ctl -m immediate``) and started again: meanwhile every
    answer is a 503 problem+json with Retry-After (never a 500, never a hang); afterwards
    pushes succeed again; every case answered 200/201 is in the database (counted), and the
    pushes that got a 503, repeated, are all accepted."""
    try:
        server = PrivatePostgres()
    except Unavailable as exc:
        unavailable(str(exc))
        raise
    with server:
        url = server.url
        await asyncio.to_thread(upgrade, url)
        cluster = make_cluster(url, None, "gtpptppo_pg_restart")
        apis = [await asyncio.to_thread(cluster.start_api) for _ in range(2)]
        admin = await make_token(url, Role.national_admin)
        async with httpx.AsyncClient(timeout=30) as client:
            response = await client.post(
                f"{apis[0].url}/api/v1/service-centres",
                json={"name": "P2TP2A 33.02", "kind": "p2tp2a", "region_code": "33.02"},
                headers={"Authorization": f"Bearer {admin}"},
            )
            assert response.status_code == 201, response.text
            centre = int(response.json()["id"])
            token = await make_token(url, Role.service_centre, centre=centre)
            headers = {"Authorization": f"Bearer {token}"}
            outcomes = Outcomes()
            refs = itertools.count()
            restarted = asyncio.Event()
            stop = asyncio.Event()

            async def push(api: Service, ref: str) -> None:
                try:
                    answer = await client.put(
                        f"{api.url}/api/v1/service-centres/{centre}/cases/{ref}",
                        json=case_body(ref),
                        headers=headers,
                    )
                except httpx.HTTPError as exc:
                    outcomes.wrong.append(f"{ref}: {type(exc).__name__}")
                    return
                if answer.status_code in (200, 201):
                    outcomes.accepted.add(ref)
                    outcomes.accepted_after_restart += restarted.is_set()
                elif (
                    answer.status_code == 503
                    and answer.headers["content-type"] == "application/problem+json"
                    and answer.headers.get("retry-after")
                ):
                    outcomes.unavailable.append(ref)
                else:
                    outcomes.wrong.append(f"{ref}: {answer.status_code} {answer.text[:200]}")

            async def pusher(number: int) -> None:
                api = apis[number % 2]
                while not stop.is_set():
                    await push(api, f"R-{next(refs)}")
                    await asyncio.sleep(0.01)

            pushers = [asyncio.create_task(pusher(n)) for n in range(8)]
            try:
                await asyncio.sleep(2)
                before = len(outcomes.accepted)
                await asyncio.to_thread(server.stop, "immediate")
                await asyncio.sleep(3)
                await asyncio.to_thread(server.start)
                restarted.set()
                await asyncio.sleep(1)
                deadline = time.monotonic() + 30
                while outcomes.accepted_after_restart < 20:
                    assert time.monotonic() < deadline, "pushes do not succeed after the restart"
                    await asyncio.sleep(0.1)
            finally:
                stop.set()
                await asyncio.gather(*pushers)

            assert before > 0
            assert outcomes.wrong == []
            assert outcomes.unavailable, "no request met the outage"
            for ref in outcomes.unavailable:  # an idempotent push, repeated later
                await push(apis[0], ref)
            assert outcomes.wrong == []

        conn = await asyncpg.connect(dsn(url), timeout=10)
        try:
            stored = {
                row["external_ref"]
                for row in await conn.fetch(
                    "SELECT external_ref FROM victim_case WHERE service_centre_id = $1", centre
                )
            }
        finally:
            await conn.close()
        assert outcomes.accepted <= stored  # no accepted case lost
        assert stored == outcomes.accepted  # and every push finally accepted


async def test_the_embedded_mode_killed_with_a_job_pending_resumes_it_on_restart(
    tmp_path: Path, make_cluster: ClusterFactory
):
    """Embedded mode (SQLite, the worker inside ``gtpptppo serve``): the process is killed
    right after a report's commit, its job pending and its in-memory message gone; started
    again on the same file, it resumes the job and finishes it once."""
    url = f"sqlite:///{tmp_path / 'embedded.db'}"
    await asyncio.to_thread(upgrade, url)
    cluster = make_cluster(url, None, "gtpptppo_embedded")
    token = await make_token(url, Role.national_admin)
    dying = await asyncio.to_thread(cluster.start_api, module=DYING_API)
    task_force = await create_task_force(dying, token)
    async with httpx.AsyncClient(timeout=30) as client:
        with pytest.raises(httpx.TransportError):
            await client.post(
                f"{dying.url}/api/v1/reports",
                json={"task_force_id": task_force, "kind": "annual", "year": 2024},
                headers={"Authorization": f"Bearer {token}"},
            )
    await asyncio.to_thread(dying.process.wait, 10)
    assert embedded_jobs(tmp_path / "embedded.db") == [("pending", 0)]

    restarted = await asyncio.to_thread(cluster.start_api)
    async with httpx.AsyncClient(timeout=30) as client:
        listed = await client.get(
            f"{restarted.url}/api/v1/reports",
            params={"task_force_id": task_force},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert listed.status_code == 200, listed.text
        [report] = listed.json()["items"]
        deadline = time.monotonic() + 60
        while True:
            answer = await client.get(
                f"{restarted.url}/api/v1/reports/{report['id']}",
                headers={"Authorization": f"Bearer {token}"},
            )
            if answer.json()["generation"] in ("ready", "failed"):
                break
            assert time.monotonic() < deadline, "the pending job did not resume"
            await asyncio.sleep(0.2)
    assert answer.status_code == 200
    assert (answer.json()["generation"], answer.json()["version"]) == ("ready", 1)
    assert embedded_jobs(tmp_path / "embedded.db") == [("done", 1)]


def embedded_jobs(path: Path) -> list[tuple[str, int]]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return [
            (str(status), int(attempts))
            for status, attempts in conn.execute("SELECT status, attempts FROM job ORDER BY id")
        ]


def test_an_api_process_that_exits_at_start_up_is_reported_not_waited_on(tmp_path: Path):
    """The cluster helper raises with the process's output instead of waiting its time out."""
    cluster = Cluster({"GTPPTPPO_DATABASE_URL": "not-a-url"}, tmp_path)
    try:
        with pytest.raises(RuntimeError, match="exited"):
            cluster.start_api(ready_within=60)
    finally:
        cluster.close()
