"""A running job's lease: renewed while the job runs (PostgreSQL), and a run's time limit.

A job may take longer than its lease and still be run once: the lease is what another
worker waits for before it takes the job over from a dead one, not the longest a job may
run. A run past its limit is stopped and the job retried.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gtpptppo_api.db.base import utcnow
from gtpptppo_api.db.engine import create_engine, create_sessionmaker
from gtpptppo_api.jobs import JobStatus
from gtpptppo_api.jobs import broker as jobs_broker
from gtpptppo_api.jobs.broker import Runtime
from tests.jobs.handlers import calls
from tests.jobs.support import enqueue_committed, job_settings, load, wait_for_status

LEASE_SECONDS = 0.6


@pytest.fixture
async def pg_sessions(pg_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(pg_url)
    try:
        yield create_sessionmaker(engine)
    finally:
        await engine.dispose()


async def started(url: str, **settings: object) -> Runtime:
    runtime = await asyncio.to_thread(jobs_broker.start, job_settings(url, **settings), worker=True)
    assert await asyncio.to_thread(runtime.reconciled.wait, 10), "no start-up reconcile"
    return runtime


async def test_a_job_longer_than_its_lease_keeps_it_and_runs_once(
    pg_url: str, pg_sessions: async_sessionmaker[AsyncSession]
):
    """PostgreSQL: a job runs for more than three of its leases on one of two worker threads
    while a reconciler pass runs every 0.2 s. Its lease is renewed meanwhile, so it never
    looks lost: it is never re-sent, the other thread never claims it, and it is done on
    its first attempt, run once."""
    runtime = await started(pg_url, job_lease_seconds=LEASE_SECONDS)
    try:
        job_id = await enqueue_committed(pg_sessions, "tests.outlives_lease", {"tenths": 20})
        job = await wait_for_status(pg_sessions, job_id, {JobStatus.running})
        started_at = time.monotonic()
        leases = set()
        while (job := await load(pg_sessions, job_id)).status is JobStatus.running:
            assert job.lease_until is not None
            # never expired while it runs (a 0.1 s allowance for this loop's own timing)
            assert job.lease_until > utcnow() - timedelta(seconds=0.1), "the lease lapsed"
            leases.add(job.lease_until)
            resent = await runtime.reconcile_once(sessions=pg_sessions)
            assert resent == 0, "a running job was re-sent"
            assert time.monotonic() - started_at < 15, "the job did not finish"
            await asyncio.sleep(0.2)
        assert (job.status, job.attempts) == (JobStatus.done, 1)
        assert calls[job_id] == 1
        assert len(leases) >= 3, "the lease was not moved forward while the job ran"
    finally:
        await asyncio.to_thread(jobs_broker.stop)


async def test_a_run_past_its_limit_is_stopped_and_the_job_retried(job_db: str):
    """The first attempt of ``tests.slow_first`` hangs for 60 s: it is stopped at the run's
    limit (GTPPTPPO_JOB_TIME_LIMIT_SECONDS on PostgreSQL; the lease on SQLite, where it is
    not renewed), its error is recorded, and the second attempt finishes the job."""
    sqlite = job_db.startswith("sqlite")
    engine = create_engine(job_db)
    sessions = create_sessionmaker(engine)
    limits = {"job_lease_seconds": 1} if sqlite else {"job_time_limit_seconds": 1}
    await started(job_db, **limits)
    try:
        job_id = await enqueue_committed(sessions, "tests.slow_first")
        job = await wait_for_status(sessions, job_id, {JobStatus.done, JobStatus.failed}, 20)
        assert (job.status, job.attempts) == (JobStatus.done, 2)
        assert job.last_error == "TimeLimitReached: stopped after 1 s, the longest a run may take"
    finally:
        await asyncio.to_thread(jobs_broker.stop)
        await engine.dispose()
