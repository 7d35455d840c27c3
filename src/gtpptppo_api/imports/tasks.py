"""The imports domain's background job: store an uploaded file's rows."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.imports import service
from gtpptppo_api.jobs import broker, job_handler
from gtpptppo_api.jobs.models import Job
from gtpptppo_api.kit.crypto import Keyring
from gtpptppo_api.kit.heap import fewer_collections
from gtpptppo_api.settings import get_settings


@job_handler(service.RUN, max_attempts=10, queue="imports")
async def run(session: AsyncSession, job: Job) -> None:
    """Store the import's rows from where it stopped, committing chunk by chunk (each with
    its progress), and hand what is left after half the job time limit to a new job."""
    # The worker's own settings (its keys), else the environment's (a test's run_pending).
    runtime = broker.current()
    settings = runtime.settings if runtime is not None else get_settings()
    budget = settings.job_time_limit_seconds / 2
    # a few hundred objects a row, nearly all freed as they go: fewer collections
    with fewer_collections():
        await service.run(session, job, Keyring.from_settings(settings), budget)
