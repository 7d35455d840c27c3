"""The personal data domain's background jobs (``privacy.*``)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.jobs import job_handler
from gtpptppo_api.jobs.models import Job
from gtpptppo_api.privacy import retention

RETENTION = "privacy.retention"


@job_handler(RETENTION, max_attempts=3)
async def retention_run(session: AsyncSession, job: Job) -> None:
    """Erase (or, in a dry run, count) what outlived the retention schedule."""
    await retention.finish(session, int(job.payload["run_id"]))
