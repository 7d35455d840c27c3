"""A running job's lease: renewed while the job runs (PostgreSQL), and a run's time limit.

A job may take longer than its lease and still be run once: the lease is what another
worker waits for before it takes the job over from a dead one, not the longest a job may
run. A run past its limit is stopped and the job retried.
"""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gtpptppo_api.db.base import utcnow
from gtpptppo_api.db.engine import create_engine, create_sessionmaker
from gtpptppo_api.jobs import JobStatus
from gtpptppo_api.jobs import broker as jobs_broker
from gtpptppo_api.jobs.broker import Runtime
from tests.jobs.handlers import calls
from tests.jobs.support import enqueue_committed, job_settings, load, wait_for_status

LEASE_SECONDS = 0.6


async def started(url: str, **settings: object) -> Runtime:
    runtime = await asyncio.to_thread(jobs_broker.start, job_settings(url, **settings), worker=True)
    assert await asyncio.to_thread(runtime.reconciled.wait, 10), "no start-up reconcile"
    return runtime


async def test_a_job_longer_than_its_lease_is_run_once(
    job_db: str, sessions: async_sessionmaker[AsyncSession]
):
    """A job runs for more than three of its leases on one of two worker threads while a
    reconciler pass runs every 0.2 s. It never looks lost: it is never re-sent, the other
    thread never claims it, and it is done on its first attempt, run once.

    PostgreSQL: its lease is renewed meanwhile (it never lapses, and moves forward).
    SQLite: its transaction holds the write lock, so no one can claim it (nor read the job
    row, which this test then waits for)."""
    postgres = job_db.startswith("postgresql")
    runtime = await started(job_db, job_lease_seconds=LEASE_SECONDS)
    try:
        job_id = await enqueue_committed(sessions, "tests.outlives_lease", {"tenths": 20})
        job = await wait_for_status(sessions, job_id, {JobStatus.running, JobStatus.done})
        started_at = time.monotonic()
        leases = set()
        while (job := await load(sessions, job_id)).status is JobStatus.running:
            assert job.lease_until is not None
            if postgres:
                # never lapsed while it runs (0.1 s allowed for this loop's own timing)
                assert job.lease_until > utcnow() - timedelta(seconds=0.1), "the lease lapsed"
                leases.add(job.lease_until)
            resent = await runtime.reconcile_once(sessions=sessions)
            assert resent == 0, "a running job was re-sent"
            assert time.monotonic() - started_at < 15, "the job did not finish"
            await asyncio.sleep(0.2)
        assert (job.status, job.attempts) == (JobStatus.done, 1)
        assert calls[job_id] == 1
        if postgres:
            assert len(leases) >= 3, "the lease was not moved forward while the job ran"
    finally:
        await asyncio.to_thread(jobs_broker.stop)


async def test_a_run_past_its_limit_is_stopped_and_the_job_retried(job_db: str):
    """The first attempt of ``tests.slow_first`` hangs for 60 s: it is stopped at its time
    limit (GTPPTPPO_JOB_TIME_LIMIT_SECONDS, here 1 s, under a lease of 30 s), its error is
    recorded, and the second attempt finishes the job."""
    engine = create_engine(job_db)
    sessions = create_sessionmaker(engine)
    await started(job_db, job_time_limit_seconds=1, job_lease_seconds=30)
    try:
        job_id = await enqueue_committed(sessions, "tests.slow_first")
        job = await wait_for_status(sessions, job_id, {JobStatus.done, JobStatus.failed}, 20)
        assert (job.status, job.attempts) == (JobStatus.done, 2)
        assert job.last_error == "TimeLimitReached: stopped after 1 s, the longest a run may take"
    finally:
        await asyncio.to_thread(jobs_broker.stop)
        await engine.dispose()
