"""The reports domain's background jobs (Dramatiq actors named ``reports.*``)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.jobs import job_handler
from gtpptppo_api.jobs.models import Job
from gtpptppo_api.observability.metrics import report_generation
from gtpptppo_api.reports import service


@job_handler(service.GENERATE, max_attempts=5, queue="reports")
async def generate(session: AsyncSession, job: Job) -> None:
    """Assemble a report's figures into a new version (idempotent: same figures, no new one)."""
    with report_generation() as outcome:
        report_id = int(job.payload["report_id"])
        latest = await service.latest_version(session, report_id)
        made = await service.generate(session, report_id)
        if made is None:
            outcome["outcome"] = "skipped"
        elif latest is not None and made.id == latest.id:
            outcome["outcome"] = "unchanged"
        else:
            outcome["outcome"] = "new_version"
