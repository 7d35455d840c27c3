"""The webhooks domain's background job: one delivery attempt."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.jobs import job_handler
from gtpptppo_api.jobs.models import Job
from gtpptppo_api.settings import get_settings
from gtpptppo_api.webhooks import events, service


@job_handler(events.DELIVER, max_attempts=3, queue="webhooks")
async def deliver(session: AsyncSession, job: Job) -> None:
    """Attempt a delivery; its own retries are jobs deferred by its backoff (not this job's
    retries, which only cover a crash of the attempt itself)."""
    await service.attempt(session, int(job.payload["delivery_id"]), get_settings())
