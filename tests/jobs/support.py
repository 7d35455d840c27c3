"""Helpers for the job tests."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gtpptppo_api import jobs
from gtpptppo_api.jobs import Job, JobStatus
from gtpptppo_api.jobs.broker import Runtime
from gtpptppo_api.settings import Settings
from tests.conftest import TEST_KEYS
from tests.jobs.handlers import QUEUE

Sessions = async_sessionmaker[AsyncSession]


def job_settings(database_url: str, **overrides: Any) -> Settings:
    """Fast retries, no periodic reconcile (tests call it), a namespace of the test's own."""
    values: dict[str, Any] = {
        "database_url": database_url,
        "broker_url": None,
        "encryption_key": TEST_KEYS,
        "broker_namespace": f"gtpptppo_test_{uuid.uuid4().hex[:12]}",
        "job_min_backoff_ms": 10,
        "job_reconcile_seconds": 3600,
        "worker_threads": 2,
    }
    values.update(overrides)
    return Settings(**values)


async def enqueue_committed(
    sessions: Sessions, kind: str, payload: dict[str, int] | None = None, *, send: bool = True
) -> int:
    """Enqueue in a transaction of its own and commit; then send, unless ``send`` is False
    (as if the process died between the commit and the send)."""
    async with sessions() as session:
        job = await jobs.enqueue(session, kind, payload or {"n": 1})
        await session.commit()
        if send:
            await jobs.dispatch_after_commit(session)
        else:
            session.info.clear()
    return job.id


async def settle(runtime: Runtime) -> None:
    """Wait until the worker has processed every message, retries included."""
    assert runtime.worker is not None
    worker = runtime.worker

    def join() -> None:
        runtime.broker.join(runtime.queue_name(QUEUE), timeout=20_000, fail_fast=False)
        worker.join()

    await asyncio.to_thread(join)


async def load(sessions: Sessions, job_id: int) -> Job:
    async with sessions() as session:
        job = await session.get(Job, job_id)
        assert job is not None
        return job


async def wait_for_status(
    sessions: Sessions, job_id: int, statuses: set[JobStatus], within: float = 15
) -> Job:
    """Poll the job row until its status is one of ``statuses`` (bounded)."""
    deadline = time.monotonic() + within
    while True:
        job = await load(sessions, job_id)
        if job.status in statuses:
            return job
        if time.monotonic() > deadline:
            raise AssertionError(
                f"job {job_id} still {job.status} after {within}s: {job.last_error}"
            )
        await asyncio.sleep(0.05)


async def job_count(sessions: Sessions) -> int:
    async with sessions() as session:
        return len((await session.scalars(select(Job.id))).all())
