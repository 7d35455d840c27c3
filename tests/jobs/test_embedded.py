"""Embedded mode (no GTPPTPPO_BROKER_URL): the API process runs the worker itself."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from dramatiq.asyncio import get_event_loop_thread
from fastapi import FastAPI

from gtpptppo_api import jobs
from gtpptppo_api.app import create_app
from gtpptppo_api.db.engine import create_engine, create_sessionmaker
from gtpptppo_api.db.session import SessionDep
from gtpptppo_api.errors import Conflict
from gtpptppo_api.jobs import JobStatus
from gtpptppo_api.jobs import broker as jobs_broker
from gtpptppo_api.settings import Settings
from tests.jobs.support import Sessions, job_count, job_settings, load, wait_for_status


def app_with_job_routes(settings: Settings) -> FastAPI:
    """The real app, plus two routes that enqueue a job (one then fails)."""
    app = create_app(settings)

    @app.post("/test/jobs")
    async def enqueue_job(session: SessionDep) -> dict[str, int]:
        job = await jobs.enqueue(session, "tests.echo", {"n": 1})
        return {"id": job.id}

    @app.post("/test/jobs/then-fail")
    async def enqueue_then_fail(session: SessionDep) -> None:
        await jobs.enqueue(session, "tests.echo", {"n": 2})
        raise Conflict("the request fails after enqueuing")

    return app


@asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its lifespan (so its embedded worker) and a client."""
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://test") as client,
    ):
        yield client


@asynccontextmanager
async def database(url: str) -> AsyncIterator[Sessions]:
    engine = create_engine(url)
    try:
        yield create_sessionmaker(engine)
    finally:
        await engine.dispose()


async def test_a_job_enqueued_by_a_request_is_done_by_the_embedded_worker(sqlite_url: str):
    async with (
        database(sqlite_url) as sessions,
        running(app_with_job_routes(job_settings(sqlite_url))) as client,
    ):
        response = await client.post("/test/jobs")
        assert response.status_code == 200, response.text
        job = await wait_for_status(sessions, response.json()["id"], {JobStatus.done})
        assert job.attempts == 1

        failed = await client.post("/test/jobs/then-fail")
        assert failed.status_code == 409
        assert await job_count(sessions) == 1  # the failed request left no job

    assert jobs_broker.current() is None  # the worker stopped with the app


async def test_a_job_left_pending_resumes_when_the_app_restarts(sqlite_url: str):
    settings = job_settings(sqlite_url)  # re-send after 30 s, reconcile hourly
    async with database(sqlite_url) as sessions:
        async with running(app_with_job_routes(settings)) as client:
            runtime = jobs_broker.current()
            assert runtime is not None
            assert runtime.worker is not None
            # The worker is busy, and the process stops before it gets to the job.
            await asyncio.to_thread(runtime.worker.pause)
            response = await client.post("/test/jobs")
            assert response.status_code == 200, response.text
            job_id = response.json()["id"]
        job = await load(sessions, job_id)
        assert (job.status, job.attempts) == (JobStatus.pending, 0)  # its message died too

        async with running(app_with_job_routes(settings)):
            job = await wait_for_status(sessions, job_id, {JobStatus.done})
        assert job.attempts == 1


async def test_the_embedded_worker_runs_below_the_requests_in_the_scheduling(sqlite_url: str):
    """The thread that runs the jobs (the worker's event loop) and the worker threads are
    GTPPTPPO_WORKER_NICENESS lower than the thread serving requests, so the operating
    system serves reads first."""
    async with running(app_with_job_routes(job_settings(sqlite_url, worker_niceness=7))):
        serving = os.getpriority(os.PRIO_PROCESS, 0)
        loop = get_event_loop_thread()
        assert loop is not None
        runtime = jobs_broker.current()
        assert runtime is not None
        assert runtime.worker is not None
        for thread in [loop, *runtime.worker.workers]:
            assert thread.native_id is not None
            assert os.getpriority(os.PRIO_PROCESS, thread.native_id) == min(serving + 7, 19)
