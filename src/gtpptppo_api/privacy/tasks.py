"""The personal data domain's background jobs (``privacy.*``)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.db.keystore import KeyStore
from gtpptppo_api.jobs import broker, job_handler
from gtpptppo_api.jobs.models import Job
from gtpptppo_api.privacy import erasure, retention
from gtpptppo_api.settings import get_settings

RETENTION = "privacy.retention"


@job_handler(RETENTION, max_attempts=3)
async def retention_run(session: AsyncSession, job: Job) -> None:
    """Erase (or, in a dry run, count) what outlived the retention schedule."""
    await retention.finish(session, int(job.payload["run_id"]), _key_store())


@job_handler(erasure.FORGET_KEYS)
async def forget_keys(session: AsyncSession, job: Job) -> None:
    """Delete the erased cases' data keys the erasures' outbox still names."""
    await erasure.forget_keys(session, _key_store())


def _key_store() -> KeyStore:
    # The worker's own settings (its key store), else the environment's (a test's run).
    runtime = broker.current()
    settings = runtime.settings if runtime is not None else get_settings()
    return KeyStore.for_url(settings.key_store)
