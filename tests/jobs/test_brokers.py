"""The same outbox through real brokers: RabbitMQ (publisher confirms) and Redis.

Each test uses a namespace of its own (queue names, Redis keys) and removes it afterwards.
Skipped when a broker is unreachable locally; failing when ``GTPPTPPO_REQUIRE_SERVICES=1``.
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import pika
import pytest
import redis

from gtpptppo_api.db.engine import create_engine, create_sessionmaker
from gtpptppo_api.jobs import JobStatus, registry
from gtpptppo_api.jobs import broker as jobs_broker
from gtpptppo_api.jobs.broker import Runtime
from tests.conftest import unavailable
from tests.jobs.handlers import calls
from tests.jobs.support import enqueue_committed, job_settings, wait_for_status

RABBITMQ_URL = os.environ.get("GTPPTPPO_TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
REDIS_URL = os.environ.get("GTPPTPPO_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
DEFAULT_PORTS = {"amqp": 5672, "redis": 6379}


def require_reachable(url: str, name: str) -> None:
    parts = urlsplit(url)
    address = (parts.hostname or "127.0.0.1", parts.port or DEFAULT_PORTS[parts.scheme])
    try:
        socket.create_connection(address, timeout=2).close()
    except OSError as exc:
        unavailable(f"{name} unreachable at {address[0]}:{address[1]}: {exc}")


def remove_namespace(broker_url: str, namespace: str) -> None:
    """Delete the test's queues (RabbitMQ: one per job kind's queue) or keys (Redis)."""
    if broker_url.startswith("amqp"):
        connection = pika.BlockingConnection(pika.URLParameters(broker_url))
        try:
            channel = connection.channel()
            for queue in {f"{namespace}.{spec.queue}" for spec in registry.specs()}:
                for name in (queue, f"{queue}.DQ", f"{queue}.XQ"):
                    channel.queue_delete(name)
        finally:
            connection.close()
    else:
        client = redis.Redis.from_url(broker_url)
        try:
            keys = list(client.scan_iter(f"{namespace}:*"))
            if keys:
                client.delete(*keys)
        finally:
            client.close()


@pytest.fixture(params=["rabbitmq", "redis"])
async def real(request: pytest.FixtureRequest, sqlite_url: str) -> AsyncIterator[Runtime]:
    broker_url = RABBITMQ_URL if request.param == "rabbitmq" else REDIS_URL
    require_reachable(broker_url, "RabbitMQ" if request.param == "rabbitmq" else "Redis")
    settings = job_settings(sqlite_url, broker_url=broker_url)
    runtime = await asyncio.to_thread(jobs_broker.start, settings, worker=True)
    try:
        yield runtime
    finally:
        await asyncio.to_thread(jobs_broker.stop)
        await asyncio.to_thread(remove_namespace, broker_url, settings.broker_namespace)


async def test_jobs_run_to_done_through_a_real_broker(real: Runtime, sqlite_url: str):
    engine = create_engine(sqlite_url)
    sessions = create_sessionmaker(engine)
    try:
        echo = await enqueue_committed(sessions, "tests.echo")
        retried = await enqueue_committed(sessions, "tests.fail_once")

        job = await wait_for_status(sessions, echo, {JobStatus.done, JobStatus.failed})
        assert (job.status, job.attempts) == (JobStatus.done, 1)
        job = await wait_for_status(sessions, retried, {JobStatus.done, JobStatus.failed})
        assert (job.status, job.attempts) == (JobStatus.done, 2)  # retried through the broker
        assert calls == {echo: 1, retried: 2}
    finally:
        await engine.dispose()
