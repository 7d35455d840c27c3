"""Running one job: claim it, run its handler, mark it done, in that order.

1. Claim, in its own committed transaction: a conditional UPDATE takes the job if it is
   ``pending``, or ``running`` with an expired lease, and has attempts left; it sets
   ``running``, the lease, and ``attempts + 1``. No row matched: someone else has it or it is
   finished, and the message is dropped (a duplicate message does nothing).
2. Run the handler in a new transaction, and in that same transaction set ``done`` - but
   only while this claim still holds (``status = running`` and ``attempts`` unchanged); if a
   slower worker's lease expired and another worker took the job, its work is rolled back.
3. On an exception: roll back; in a new transaction, set the job back to ``pending`` with the
   error (a retry or the reconciler picks it up) or ``failed`` after its last attempt; then
   re-raise so Dramatiq retries the message with backoff.

While the handler runs, its lease is renewed every third of its length (``renew``: on
PostgreSQL), each time in a committed transaction of its own: a job may run for longer than
its lease, and a dead worker's job is still free again one lease after its last renewal. On
SQLite the job's own transaction holds the database's write lock from its first statement:
nothing can renew its lease, and nothing can claim the job either until that transaction
ends (a claim waits for the lock). On both, a run is stopped at its time limit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import timedelta

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.db import after_commit
from gtpptppo_api.db.base import utcnow
from gtpptppo_api.jobs import registry
from gtpptppo_api.jobs.models import Job, JobStatus

logger = logging.getLogger(__name__)

# Opens a session; exiting it without a commit discards the transaction's work.
SessionFactory = Callable[[], AbstractAsyncContextManager[AsyncSession]]

ERROR_LENGTH = 2000


class TimeLimitReached(RuntimeError):
    """The run took longer than its time limit; it was stopped and its work rolled back."""


class LeaseLost(RuntimeError):
    """The job was claimed by another worker while this one ran it; this run's work is void."""


def describe(exc: BaseException) -> str:
    """The exception's type and message, truncated for ``job.last_error``."""
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return text if len(text) <= ERROR_LENGTH else text[: ERROR_LENGTH - 1] + "…"


async def claim(session: AsyncSession, job_id: int, lease_seconds: float) -> int | None:
    """Take the job for this worker; return the attempt number, or None if it is not free."""
    now = utcnow()
    claimable = and_(
        Job.id == job_id,
        Job.attempts < Job.max_attempts,
        or_(Job.not_before.is_(None), Job.not_before <= now),
        or_(
            Job.status == JobStatus.pending,
            and_(Job.status == JobStatus.running, Job.lease_until < now),
        ),
    )
    result = await session.execute(
        update(Job)
        .where(claimable)
        .values(
            status=JobStatus.running,
            lease_until=now + timedelta(seconds=lease_seconds),
            attempts=Job.attempts + 1,
            updated_at=now,
        )
        .returning(Job.attempts)
        .execution_options(synchronize_session=False)
    )
    attempt = result.scalar_one_or_none()
    return None if attempt is None else int(attempt)


def _ours(job_id: int, attempt: int) -> tuple[ColumnElement[bool], ...]:
    """The job, while the claim of ``attempt`` still holds."""
    return (Job.id == job_id, Job.status == JobStatus.running, Job.attempts == attempt)


async def still_ours(session: AsyncSession, job_id: int, attempt: int) -> bool:
    """Whether the claim of ``attempt`` still holds, in ``session``'s transaction; the job's
    row stays locked until it ends. A handler that commits its work in steps (an import,
    chunk by chunk) checks it before each commit, so a run whose lease was taken over
    commits nothing more."""
    held = await session.execute(
        update(Job)
        .where(*_ours(job_id, attempt))
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return bool(held.rowcount == 1)  # type: ignore[attr-defined]


async def _renew(job_id: int, attempt: int, sessions: SessionFactory, lease_seconds: float) -> bool:
    """Push the lease of ``attempt`` to ``lease_seconds`` from now; False if it is not ours."""
    now = utcnow()
    async with sessions() as session:
        renewed = await session.execute(
            update(Job)
            .where(*_ours(job_id, attempt))
            .values(lease_until=now + timedelta(seconds=lease_seconds))
            .execution_options(synchronize_session=False)
        )
        await session.commit()
    return bool(renewed.rowcount == 1)  # type: ignore[attr-defined]


@contextlib.asynccontextmanager
async def lease_kept(
    job_id: int, attempt: int, sessions: SessionFactory, lease_seconds: float
) -> AsyncIterator[None]:
    """Renew the lease every third of ``lease_seconds`` until the block ends.

    A renewal that fails (the database is briefly unreachable) is tried again at the next
    turn; two missed in a row and the lease may lapse, and another worker may take the job
    (this run's work is then rolled back when it tries to finish). The renewer is stopped
    between two renewals, never cancelled in the middle of one.
    """
    stop = asyncio.Event()

    async def keep() -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=lease_seconds / 3)
            if stop.is_set():
                return
            try:
                if not await _renew(job_id, attempt, sessions, lease_seconds):
                    logger.warning("job %s: attempt %s no longer holds it", job_id, attempt)
                    return
            except Exception as exc:  # retried at the next turn
                logger.warning("job %s: lease not renewed: %s", job_id, describe(exc))

    renewer = asyncio.create_task(keep(), name=f"lease of job {job_id}")
    try:
        yield
    finally:
        stop.set()
        await renewer


@contextlib.asynccontextmanager
async def within(time_limit: float | None) -> AsyncIterator[None]:
    """Stop the block after ``time_limit`` seconds (None: never) with ``TimeLimitReached``;
    a TimeoutError of the block's own passes through as it is."""
    try:
        async with asyncio.timeout(time_limit) as limit:
            yield
    except TimeoutError as exc:
        if limit.expired():
            raise TimeLimitReached(
                f"stopped after {time_limit:g} s, the longest a run may take"
            ) from exc
        raise


async def perform(
    job_id: int,
    *,
    sessions: SessionFactory,
    lease_seconds: float,
    renew: bool = False,
    time_limit: float | None = None,
) -> bool:
    """Run job ``job_id`` once if it can be claimed; True when this call finished it.

    ``renew``: keep the lease while the handler runs (``lease_kept``; needs a database where
    another transaction can write meanwhile, so PostgreSQL). ``time_limit``: seconds after
    which the run is stopped, its work rolled back, and the job retried (``TimeLimitReached``).

    Raises the handler's exception (after recording it on the job) so that the message is
    retried; returns False when there was nothing to do or the lease was lost.
    """
    async with sessions() as session:
        attempt = await claim(session, job_id, lease_seconds)
        await session.commit()
    if attempt is None:
        logger.debug("job %s: not claimable (taken, finished or out of attempts)", job_id)
        return False

    started = time.perf_counter()
    try:
        async with sessions() as session:
            try:
                job = await session.get(Job, job_id, populate_existing=True)
                assert job is not None  # claimed above, and job rows are never deleted
                spec = registry.get_spec(job.kind)
                if spec is None:
                    raise LookupError(f"no handler registered for job kind {job.kind!r}")
                kept = (
                    lease_kept(job_id, attempt, sessions, lease_seconds)
                    if renew
                    else contextlib.nullcontext()
                )
                async with kept, within(time_limit):
                    await spec.handler(session, job)
                    await session.flush()
                now = utcnow()
                marked = await session.execute(
                    update(Job)
                    .where(*_ours(job_id, attempt))
                    .values(
                        status=JobStatus.done, lease_until=None, finished_at=now, updated_at=now
                    )
                    .execution_options(synchronize_session=False)
                )
                if marked.rowcount != 1:  # type: ignore[attr-defined]
                    raise LeaseLost(f"job {job_id}: lease of attempt {attempt} expired")
                await session.commit()
            except BaseException:
                await session.rollback()
                raise
        logger.info(
            "job %s: done",
            job_id,
            extra={"attempt": attempt, "duration_ms": round((time.perf_counter() - started) * 1e3)},
        )
        # Jobs the handler enqueued are sent now that its transaction has committed.
        await after_commit.dispatch_after_commit(session)
        return True
    except LeaseLost:
        logger.warning("job %s: another worker took it over; this run was rolled back", job_id)
        return False
    except asyncio.CancelledError:
        # Stopped from outside (Dramatiq's own time limit, a backstop past ours). The work is
        # rolled back; the claim is given back now rather than when the lease runs out, so
        # the retry Dramatiq sends can take the job at once.
        await _record_failure(job_id, attempt, STOPPED, sessions)
        raise
    except Exception as exc:
        logger.warning("job %s: attempt %s failed: %s", job_id, attempt, type(exc).__name__)
        await _record_failure(job_id, attempt, describe(exc), sessions)
        raise


STOPPED = "Stopped before it finished: its worker cancelled the run"


async def _record_failure(job_id: int, attempt: int, error: str, sessions: SessionFactory) -> None:
    now = utcnow()
    async with sessions() as session:
        job = await session.get(Job, job_id, populate_existing=True)
        last = job is None or attempt >= job.max_attempts
        await session.execute(
            update(Job)
            .where(*_ours(job_id, attempt))
            .values(
                status=JobStatus.failed if last else JobStatus.pending,
                last_error=error,
                lease_until=None,
                # A pending job's retry message is on its way (Dramatiq's backoff).
                sent_at=now,
                finished_at=now if last else None,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        await session.commit()
    logger.warning(
        "job %s: attempt %s failed%s: %s",
        job_id,
        attempt,
        " (last attempt)" if last else "",
        error,
    )


async def run_pending(session: AsyncSession, *, lease_seconds: float = 300) -> int:
    """Run every pending job of a known kind once, inside ``session``; return how many finished.

    For tests whose session is one rolled-back transaction (no worker can see its rows):
    the same claim / handler / done steps as a worker, with the session's commits and
    rollbacks. A failing handler leaves its job pending (or failed) with the error.
    """

    @asynccontextmanager
    async def same_session() -> AsyncIterator[AsyncSession]:
        yield session

    kinds = [spec.kind for spec in registry.specs()]
    ids = (
        await session.scalars(
            select(Job.id)
            .where(
                Job.status == JobStatus.pending,
                Job.kind.in_(kinds),
                or_(Job.not_before.is_(None), Job.not_before <= utcnow()),
            )
            .order_by(Job.id)
        )
    ).all()
    finished = 0
    for job_id in ids:
        try:
            finished += await perform(job_id, sessions=same_session, lease_seconds=lease_seconds)
        except Exception as exc:
            logger.info("job %s failed: %s", job_id, exc)
    after_commit.discard_unsent(session)
    return finished
