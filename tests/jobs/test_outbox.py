"""The outbox with a StubBroker and an in-process worker, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from gtpptppo_api import jobs
from gtpptppo_api.db.after_commit import PENDING_KEY
from gtpptppo_api.db.base import utcnow
from gtpptppo_api.jobs import Job, JobStatus
from gtpptppo_api.jobs.broker import Runtime
from tests.jobs.handlers import QUEUE, calls
from tests.jobs.support import Sessions, enqueue_committed, job_count, load, settle


async def test_a_job_enqueued_in_a_committed_transaction_runs_to_done(
    stub: Runtime, sessions: Sessions
):
    job_id = await enqueue_committed(sessions, "tests.echo", {"n": 7})
    await settle(stub)

    job = await load(sessions, job_id)
    assert (job.status, job.attempts, job.max_attempts) == (JobStatus.done, 1, 3)
    assert job.payload == {"n": 7}
    assert job.finished_at is not None
    assert job.sent_at is not None
    assert job.lease_until is None
    assert job.last_error is None
    assert calls[job_id] == 1


async def test_a_handler_that_always_fails_ends_failed_with_its_error(
    stub: Runtime, sessions: Sessions
):
    job_id = await enqueue_committed(sessions, "tests.fail_always", {"n": 3})
    await settle(stub)

    job = await load(sessions, job_id)
    assert (job.status, job.attempts) == (JobStatus.failed, 3)
    assert job.last_error == "RuntimeError: boom 3"
    assert job.finished_at is not None
    assert calls[job_id] == 3  # max_attempts, then no more


async def test_a_handler_failing_once_is_retried_and_done_on_the_second_attempt(
    stub: Runtime, sessions: Sessions
):
    job_id = await enqueue_committed(sessions, "tests.fail_once")
    await settle(stub)

    job = await load(sessions, job_id)
    assert (job.status, job.attempts) == (JobStatus.done, 2)
    assert job.last_error == "ConnectionError: database went away"  # the failed attempt
    assert calls[job_id] == 2


async def test_a_duplicate_message_does_not_run_the_handler_again(
    stub: Runtime, sessions: Sessions
):
    job_id = await enqueue_committed(sessions, "tests.echo")
    stub.send_now([(job_id, "tests.echo"), (job_id, "tests.echo")])
    await settle(stub)

    assert calls[job_id] == 1
    assert (await load(sessions, job_id)).attempts == 1
    stub.send_now([(job_id, "tests.echo")])  # after it is done, too
    await settle(stub)
    assert calls[job_id] == 1


async def test_a_rolled_back_transaction_sends_nothing_and_leaves_no_job(
    stub: Runtime, sessions: Sessions
):
    async with sessions() as session:
        await jobs.enqueue(session, "tests.echo", {"n": 1})
        assert session.info[PENDING_KEY]
        await session.rollback()
        assert PENDING_KEY not in session.info
        await jobs.dispatch_after_commit(session)

    assert stub.broker.queues[stub.queue_name(QUEUE)].qsize() == 0
    assert await job_count(sessions) == 0


async def test_a_job_whose_message_was_lost_is_sent_again_by_the_reconciler(
    stub: Runtime, sessions: Sessions
):
    job_id = await enqueue_committed(sessions, "tests.echo", send=False)
    # Just committed: its message may still be on the way, so it is left alone.
    assert await stub.reconcile_once(sessions=sessions) == 0

    async with sessions() as session:
        old = utcnow() - timedelta(seconds=stub.settings.job_resend_after_seconds + 1)
        await session.execute(update(Job).where(Job.id == job_id).values(sent_at=old))
        await session.commit()
    assert await stub.reconcile_once(sessions=sessions) == 1
    await settle(stub)

    job = await load(sessions, job_id)
    assert (job.status, job.attempts) == (JobStatus.done, 1)
    assert calls[job_id] == 1


async def test_a_running_job_whose_lease_expired_is_claimed_again_and_done(
    stub: Runtime, sessions: Sessions
):
    """A worker died mid-job: its claim stays until the lease expires, then the job reruns."""
    job_id = await enqueue_committed(sessions, "tests.echo", send=False)
    now = utcnow()
    async with sessions() as session:
        await session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(
                status=JobStatus.running,
                attempts=1,
                sent_at=now - timedelta(seconds=10),
                lease_until=now + timedelta(seconds=60),
            )
        )
        await session.commit()
    assert await stub.reconcile_once(sessions=sessions) == 0  # the lease still holds
    stub.send_now([(job_id, "tests.echo")])  # a message now is dropped: the job is taken
    await settle(stub)
    assert calls[job_id] == 0

    async with sessions() as session:
        await session.execute(
            update(Job).where(Job.id == job_id).values(lease_until=now - timedelta(seconds=1))
        )
        await session.commit()
    assert await stub.reconcile_once(sessions=sessions) == 1
    assert await stub.reconcile_once(sessions=sessions) == 0  # re-sent once, not every pass
    await settle(stub)

    job = await load(sessions, job_id)
    assert (job.status, job.attempts) == (JobStatus.done, 2)
    assert calls[job_id] == 1


async def test_a_lease_expired_on_the_last_attempt_fails_the_job(stub: Runtime, sessions: Sessions):
    job_id = await enqueue_committed(sessions, "tests.echo", send=False)
    async with sessions() as session:
        await session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(
                status=JobStatus.running,
                attempts=3,
                lease_until=utcnow() - timedelta(seconds=1),
            )
        )
        await session.commit()
    assert await stub.reconcile_once(sessions=sessions) == 0

    job = await load(sessions, job_id)
    assert job.status == JobStatus.failed
    assert job.last_error is not None
    assert "lease" in job.last_error
    assert calls[job_id] == 0


async def test_enqueue_refuses_an_unknown_kind_and_a_payload_that_is_not_ids(sessions: Sessions):
    async with sessions() as session:
        with pytest.raises(LookupError):
            await jobs.enqueue(session, "tests.unknown", {"n": 1})
        with pytest.raises(TypeError):
            await jobs.enqueue(session, "tests.echo", {"name": "Budi"})  # type: ignore[dict-item]
    assert await job_count(sessions) == 0


async def test_run_pending_runs_jobs_inside_one_session(sessions: Sessions):
    """For tests whose data is never committed: the same steps, within the given session."""
    async with sessions() as session:
        done_id = (await jobs.enqueue(session, "tests.echo", {"n": 1})).id
        failing_id = (await jobs.enqueue(session, "tests.fail_always", {"n": 2})).id
        assert await jobs.run_pending(session) == 1
        done = await jobs.get(session, done_id)
        assert done is not None
        assert done.status == JobStatus.done
        failed = await jobs.get(session, failing_id)
        assert failed is not None
        assert (failed.status, failed.attempts) == (JobStatus.pending, 1)
        assert failed.last_error == "RuntimeError: boom 2"
        await session.rollback()


async def test_a_deferred_job_waits_for_its_time_then_the_reconciler_sends_it(
    stub: Runtime, sessions: Sessions
):
    """A job ``not_before`` a time to come sends no message at commit, is not claimed and
    not re-sent before it; once the time has come the reconciler sends it and it runs."""
    async with sessions() as session:
        later = utcnow() + timedelta(hours=1)
        job = await jobs.enqueue(session, "tests.echo", {"n": 3}, not_before=later)
        job_id = job.id
        assert PENDING_KEY not in session.info  # nothing to send at commit
        await session.commit()
        assert await jobs.run_pending(session) == 0
    assert await stub.reconcile_once(sessions=sessions) == 0
    await settle(stub)
    assert (await load(sessions, job_id)).status == JobStatus.pending
    assert calls[job_id] == 0

    async with sessions() as session:
        past = utcnow() - timedelta(seconds=1)
        await session.execute(update(Job).where(Job.id == job_id).values(not_before=past))
        await session.commit()
    assert await stub.reconcile_once(sessions=sessions) == 1
    await settle(stub)
    job = await load(sessions, job_id)
    assert (job.status, job.attempts) == (JobStatus.done, 1)
    assert calls[job_id] == 1
