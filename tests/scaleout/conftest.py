"""Fixtures of the process-level tests: a database of their own on the PostgreSQL server, a
queue namespace on RabbitMQ, and a cluster of API / worker processes stopped at the end.

Each test that needs a server it cannot reach calls ``unavailable()``: skipped locally,
failed under ``GTPPTPPO_REQUIRE_SERVICES=1``.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import asyncpg
import pytest
from bench.cluster import Cluster, workdir
from bench.common import PG_URL, database
from bench.scaleout import RABBITMQ_URL, cluster_env, remove_queues
from sqlalchemy.engine import make_url

from tests.conftest import unavailable
from tests.jobs.test_brokers import require_reachable


@pytest.fixture
async def pg_database() -> AsyncIterator[str]:
    """A migrated database of this test's own on the shared PostgreSQL server."""
    try:
        conn = await asyncpg.connect(
            make_url(PG_URL).set(drivername="postgresql").render_as_string(hide_password=False),
            timeout=5,
        )
        await conn.close()
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        unavailable(f"PostgreSQL unreachable at {make_url(PG_URL)!r}: {exc}")
    async with database("postgresql") as url:
        yield url


@pytest.fixture
def namespace() -> Iterator[str]:
    """A queue namespace of this test's own on the shared RabbitMQ, deleted afterwards."""
    require_reachable(RABBITMQ_URL, "RabbitMQ")
    name = f"gtpptppo_test_{uuid.uuid4().hex[:10]}"
    yield name
    remove_queues(RABBITMQ_URL, name)


ClusterFactory = Callable[..., Cluster]


@pytest.fixture
def make_cluster() -> Iterator[ClusterFactory]:
    """``make_cluster(database_url, broker_url, namespace, **GTPPTPPO_extra)``: processes
    started through it are stopped at the end; their output is shown when the test fails."""
    clusters: list[Cluster] = []
    with workdir() as folder:

        def make(
            database_url: str, broker_url: str | None, namespace: str, **extra: str
        ) -> Cluster:
            env = cluster_env(database_url, broker_url, namespace)
            env.update({f"GTPPTPPO_{key.upper()}": value for key, value in extra.items()})
            cluster = Cluster(env, Path(folder) / f"c{len(clusters)}")
            cluster.workdir.mkdir()
            clusters.append(cluster)
            return cluster

        try:
            yield make
        finally:
            for cluster in clusters:
                cluster.close()
                for service in cluster.services:
                    print(f"--- {service.name} (last lines)\n{service.output()[-1500:]}")
