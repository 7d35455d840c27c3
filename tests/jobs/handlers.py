"""Job handlers used by the tests; a worker subprocess imports this module too
(``GTPPTPPO_EXTRA_ACTOR_MODULES=tests.jobs.handlers``).

Runs are counted in ``calls`` (same process) and, when ``GTPPTPPO_TEST_JOB_LOG`` names a
file, as lines appended to it (across processes): ``start <id> <attempt>`` and
``end <id> <attempt>``.
"""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.jobs import Job, job_handler

QUEUE = "tests"

calls: Counter[int] = Counter()


def _log(line: str) -> None:
    path = os.environ.get("GTPPTPPO_TEST_JOB_LOG")
    if path:
        with Path(path).open("a", encoding="utf-8") as log:
            log.write(line + "\n")
            log.flush()
            os.fsync(log.fileno())


@job_handler("tests.echo", max_attempts=3, queue=QUEUE)
async def echo(session: AsyncSession, job: Job) -> None:
    calls[job.id] += 1


@job_handler("tests.fail_always", max_attempts=3, queue=QUEUE)
async def fail_always(session: AsyncSession, job: Job) -> None:
    calls[job.id] += 1
    raise RuntimeError(f"boom {job.payload['n']}")


@job_handler("tests.fail_once", max_attempts=3, queue=QUEUE)
async def fail_once(session: AsyncSession, job: Job) -> None:
    calls[job.id] += 1
    if job.attempts == 1:
        raise ConnectionError("database went away")


@job_handler("tests.slow_first", max_attempts=3, queue=QUEUE)
async def slow_first(session: AsyncSession, job: Job) -> None:
    """The first attempt hangs (the test kills its worker); later ones finish at once."""
    _log(f"start {job.id} {job.attempts}")
    if job.attempts == 1:
        await asyncio.sleep(60)
    _log(f"end {job.id} {job.attempts}")


@job_handler("tests.outlives_lease", max_attempts=3, queue=QUEUE)
async def outlives_lease(session: AsyncSession, job: Job) -> None:
    """Runs for ``payload["tenths"]`` tenths of a second, longer than its lease in the test."""
    calls[job.id] += 1
    await asyncio.sleep(job.payload["tenths"] / 10)
