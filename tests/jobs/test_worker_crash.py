"""A worker process killed mid-job: another worker finishes the job, exactly once.

Scale-out mode for real: PostgreSQL, RabbitMQ, and ``gtpptppo worker`` processes.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from gtpptppo_api.db.engine import create_engine, create_sessionmaker
from gtpptppo_api.jobs import JobStatus
from gtpptppo_api.jobs import broker as jobs_broker
from tests.jobs.support import enqueue_committed, job_settings, load, wait_for_status
from tests.jobs.test_brokers import RABBITMQ_URL, remove_namespace, require_reachable

ROOT = Path(__file__).parents[2]
LEASE_SECONDS = 3


def start_worker(env: dict[str, str], output: Path) -> subprocess.Popen[bytes]:
    with output.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "gtpptppo_api.cli", "worker", "--processes", "1"],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the worker and its children
        )


def end(process: subprocess.Popen[bytes]) -> None:
    """Kill the worker and its children (the test is about crashes, not a clean stop)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def has_line(path: Path, line: str) -> bool:
    return path.exists() and line in path.read_text().splitlines()


async def wait_for_line(path: Path, line: str, within: float, output: Path) -> None:
    deadline = time.monotonic() + within
    while not has_line(path, line):
        if time.monotonic() > deadline:
            said = await asyncio.to_thread(output.read_text)
            raise AssertionError(f"no {line!r} after {within}s; worker said:\n{said}")
        await asyncio.sleep(0.05)


async def test_a_job_whose_worker_is_killed_mid_run_is_finished_once_by_another(
    pg_url: str, tmp_path: Path
):
    require_reachable(RABBITMQ_URL, "RabbitMQ")
    namespace = f"gtpptppo_test_{uuid.uuid4().hex[:12]}"
    runs = tmp_path / "runs.log"
    output = tmp_path / "workers.out"
    env = {
        **os.environ,
        "GTPPTPPO_DATABASE_URL": pg_url,
        "GTPPTPPO_BROKER_URL": RABBITMQ_URL,
        "GTPPTPPO_BROKER_NAMESPACE": namespace,
        "GTPPTPPO_EXTRA_ACTOR_MODULES": "tests.jobs.handlers",
        "GTPPTPPO_JOB_LEASE_SECONDS": str(LEASE_SECONDS),
        "GTPPTPPO_JOB_RECONCILE_SECONDS": "0.2",
        "GTPPTPPO_WORKER_THREADS": "2",
        "GTPPTPPO_TEST_JOB_LOG": str(runs),
    }
    engine = create_engine(pg_url)
    sessions = create_sessionmaker(engine)
    workers: list[subprocess.Popen[bytes]] = []
    try:
        # An API process (here: this one) enqueues the job and sends its message.
        settings = job_settings(pg_url, broker_url=RABBITMQ_URL, broker_namespace=namespace)
        await asyncio.to_thread(jobs_broker.start, settings, worker=False)
        try:
            job_id = await enqueue_committed(sessions, "tests.slow_first")
        finally:
            await asyncio.to_thread(jobs_broker.stop)

        workers.append(start_worker(env, output))
        await wait_for_line(runs, f"start {job_id} 1", within=20, output=output)
        os.killpg(workers[0].pid, signal.SIGKILL)
        workers[0].wait(timeout=5)
        job = await load(sessions, job_id)
        assert (job.status, job.attempts) == (JobStatus.running, 1)  # the dead worker's claim

        workers.append(start_worker(env, output))
        job = await wait_for_status(
            sessions, job_id, {JobStatus.done, JobStatus.failed}, within=LEASE_SECONDS + 20
        )
        assert (job.status, job.attempts) == (JobStatus.done, 2)
        assert runs.read_text().splitlines() == [
            f"start {job_id} 1",  # killed here
            f"start {job_id} 2",
            f"end {job_id} 2",  # finished once
        ]
    finally:
        for worker in workers:
            end(worker)
        await engine.dispose()
        await asyncio.to_thread(remove_namespace, RABBITMQ_URL, namespace)


def test_the_worker_command_needs_a_broker_url(tmp_path: Path):
    """Embedded mode has no separate workers: ``gtpptppo serve`` runs the worker itself."""
    env = {key: value for key, value in os.environ.items() if key != "GTPPTPPO_BROKER_URL"}
    env["GTPPTPPO_DATABASE_URL"] = f"sqlite:///{tmp_path / 'unused.db'}"
    result = subprocess.run(
        [sys.executable, "-m", "gtpptppo_api.cli", "worker"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "GTPPTPPO_BROKER_URL is unset" in result.stderr
