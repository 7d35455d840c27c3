"""Enqueue jobs in the caller's transaction (their messages go after it commits,
``db.after_commit``); find those to send again."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.db import after_commit
from gtpptppo_api.db.base import utcnow
from gtpptppo_api.jobs import registry
from gtpptppo_api.jobs.models import Job, JobStatus

logger = logging.getLogger(__name__)

RECONCILE_BATCH = 500


async def enqueue(
    session: AsyncSession,
    kind: str,
    payload: dict[str, int],
    *,
    not_before: datetime | None = None,
) -> Job:
    """Write a job row in the caller's transaction (flush, no commit).

    Its message - the job id only - is sent after that transaction commits, by the request's
    session dependency (``get_session``) or the worker (``dispatch_after_commit``); if the
    transaction rolls back, there is no job and nothing is sent. Were the message lost, the
    reconciler sends it again. With ``not_before`` in the future, no message is sent at
    commit: the reconcilers send it once that time has come (within
    ``GTPPTPPO_JOB_RECONCILE_SECONDS``), and no worker claims it before.
    """
    spec = registry.get_spec(kind)
    if spec is None:
        from gtpptppo_api.settings import get_settings

        registry.autodiscover(get_settings().extra_actor_modules)
        spec = registry.get_spec(kind)
    if spec is None:
        raise LookupError(f"no handler registered for job kind {kind!r}")
    if not all(isinstance(key, str) and type(value) is int for key, value in payload.items()):
        raise TypeError("a job's payload holds ids only: {name: int}")
    job = Job(
        kind=kind,
        payload=dict(payload),
        status=JobStatus.pending,
        attempts=0,
        max_attempts=spec.max_attempts,
        not_before=not_before,
    )
    deferred = not_before is not None and not_before > utcnow()
    job.sent_at = None if deferred else utcnow()
    session.add(job)
    await session.flush()
    if not deferred:
        after_commit.remember(session, job.id, kind)
    return job


def time_has_come(now: datetime) -> ColumnElement[bool]:
    """Jobs whose time has come (all but those deferred past ``now``)."""
    return or_(Job.not_before.is_(None), Job.not_before <= now)


async def get(session: AsyncSession, job_id: int) -> Job | None:
    return await session.get(Job, job_id)


async def fail_exhausted(session: AsyncSession, now: datetime) -> int:
    """Mark ``failed`` the running jobs whose lease expired on their last attempt."""
    result = await session.execute(
        update(Job)
        .where(
            Job.status == JobStatus.running,
            Job.lease_until < now,
            Job.attempts >= Job.max_attempts,
        )
        .values(
            status=JobStatus.failed,
            last_error="WorkerLost: the lease of the last attempt expired",
            lease_until=None,
            finished_at=now,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def due_for_sending(
    session: AsyncSession, now: datetime, resend_after: float, kinds: list[str]
) -> list[tuple[int, str]]:
    """Jobs whose message may be lost, marked as sent now; the caller sends them.

    Pending jobs whose last message is older than ``resend_after`` seconds (or never sent),
    and running jobs whose lease expired and that were not re-sent since (or not for
    ``resend_after``) - their worker is gone. Only kinds this process knows are picked.
    """
    if not kinds:
        return []
    stale = now - timedelta(seconds=resend_after)
    never_or_stale = or_(Job.sent_at.is_(None), Job.sent_at <= stale)
    rows = (
        await session.execute(
            select(Job.id, Job.kind)
            .where(
                Job.kind.in_(kinds),
                time_has_come(now),
                or_(
                    and_(Job.status == JobStatus.pending, never_or_stale),
                    and_(
                        Job.status == JobStatus.running,
                        Job.lease_until < now,
                        Job.attempts < Job.max_attempts,
                        or_(never_or_stale, Job.sent_at < Job.lease_until),
                    ),
                ),
            )
            .order_by(Job.id)
            .limit(RECONCILE_BATCH)
        )
    ).all()
    due = [(int(job_id), str(kind)) for job_id, kind in rows]
    if due:
        await session.execute(
            update(Job)
            .where(Job.id.in_([job_id for job_id, _ in due]))
            .values(sent_at=now)
            .execution_options(synchronize_session=False)
        )
    return due
