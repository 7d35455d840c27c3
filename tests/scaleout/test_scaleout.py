"""Scale-out mode for real: two API processes and two ``gtpptppo worker`` processes on
PostgreSQL and RabbitMQ (what ``make scaleout-demo`` runs)."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from bench.scaleout import RABBITMQ_URL, run_reports

from tests.scaleout.conftest import ClusterFactory

pytestmark = pytest.mark.processes


async def test_100_report_jobs_through_two_apis_are_each_done_exactly_once_by_two_workers(
    pg_database: str, namespace: str, make_cluster: ClusterFactory
):
    """docs/architecture.md, "Deployment modes": N API and M worker processes. 100 reports
    are opened, half through each API; every job is done on its first attempt, one job and
    one figures version per report, and both workers are still up."""
    cluster = make_cluster(pg_database, RABBITMQ_URL, namespace)
    workers = [cluster.start_worker(), cluster.start_worker()]
    await asyncio.to_thread(cluster.start_api)
    await asyncio.to_thread(cluster.start_api)

    run = await run_reports(cluster, pg_database, 100, within=240)

    assert sorted(run.through_api.values()) == [50, 50]
    assert run.jobs_by_status == Counter({"done": 100})
    assert run.attempts == Counter({1: 100})
    assert run.jobs_per_report == Counter({1: 100})
    assert run.versions_per_report == Counter({1: 100})
    assert all(worker.alive() for worker in workers)
