"""Prometheus metrics: ``GET /metrics`` of each API process, and what the worker records.

- HTTP requests by route template, method and status, and their latency
  (``prometheus-fastapi-instrumentator``: ``http_requests_total``,
  ``http_request_duration_seconds``), only when the metrics are exposed.
- Read when scraped: the process's database pool, the jobs by kind and state and the age
  of the oldest pending job (the job table, the same for every process), and whether the
  database answered.
- Counted where they happen: rate-limit refusals, report generations and their durations.

Each process is its own target: ``gtpptppo serve`` is one process, scraped at its own
address, and ``gtpptppo worker`` exposes its processes together on
``GTPPTPPO_WORKER_METRICS_PORT`` (Dramatiq's Prometheus middleware, prometheus-client's
multiprocess mode, which that command sets up before any metric exists).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from fastapi import Request
from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy import func, select

from gtpptppo_api.errors import NotFound, Unauthenticated

if TYPE_CHECKING:
    from fastapi import FastAPI
    from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

    from gtpptppo_api.settings import Settings

logger = logging.getLogger(__name__)

SCRAPE_QUERY_SECONDS = 3

RATE_LIMIT_REFUSALS = Counter(
    "gtpptppo_rate_limit_refusals",
    "Requests refused with 429 by a rate limit: per token, or per address on the public site.",
    ["limit"],
)
REPORT_GENERATIONS = Counter(
    "gtpptppo_report_generations",
    "Report generation jobs run: a new version, unchanged figures, skipped (a frozen or "
    "removed report) or failed.",
    ["outcome"],
)
REPORT_GENERATION_SECONDS = Histogram(
    "gtpptppo_report_generation_seconds",
    "How long one report generation took, whatever its outcome.",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600),
)


@contextmanager
def report_generation() -> Iterator[dict[str, str]]:
    """Time one generation; the block sets ``outcome`` (``failed`` when it raises)."""
    outcome = {"outcome": "failed"}
    started = time.perf_counter()
    try:
        yield outcome
    finally:
        REPORT_GENERATION_SECONDS.observe(time.perf_counter() - started)
        REPORT_GENERATIONS.labels(outcome["outcome"]).inc()


@dataclass
class ScrapeFigures:
    """What is read from the database and the pool at each scrape."""

    database_up: bool = False
    jobs: dict[tuple[str, str], int] = field(default_factory=dict)
    oldest_pending_seconds: float = 0.0
    pool: dict[str, int] = field(default_factory=dict)

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "gtpptppo_database_up", "Whether the database answered this scrape's queries."
        )
        up.add_metric([], 1.0 if self.database_up else 0.0)
        yield up
        if self.database_up:
            jobs = GaugeMetricFamily(
                "gtpptppo_jobs",
                "Jobs in the job table by kind and state.",
                labels=["kind", "state"],
            )
            for (kind, state), count in sorted(self.jobs.items()):
                jobs.add_metric([kind, state], count)
            yield jobs
            oldest = GaugeMetricFamily(
                "gtpptppo_job_oldest_pending_age_seconds",
                "Age of the oldest pending job (0: none pending).",
            )
            oldest.add_metric([], self.oldest_pending_seconds)
            yield oldest
        pool = GaugeMetricFamily(
            "gtpptppo_db_pool_connections",
            "This process's database pool: its size, connections in use and idle.",
            labels=["state"],
        )
        for state, count in sorted(self.pool.items()):
            pool.add_metric([state], count)
        yield pool


def pool_figures(engine: AsyncEngine | None) -> dict[str, int]:
    pool = engine.pool if engine is not None else None
    figures: dict[str, int] = {}
    for state, method in (("size", "size"), ("in_use", "checkedout"), ("idle", "checkedin")):
        value = getattr(pool, method, None)
        if callable(value):
            figures[state] = int(value())
    return figures


async def job_figures(session: AsyncSession, figures: ScrapeFigures) -> None:
    from gtpptppo_api.db.base import utcnow
    from gtpptppo_api.jobs import registry
    from gtpptppo_api.jobs.models import Job, JobStatus

    figures.jobs = {(spec.kind, s.value): 0 for spec in registry.specs() for s in JobStatus}
    rows = await session.execute(
        select(Job.kind, Job.status, func.count()).group_by(Job.kind, Job.status)
    )
    for kind, status, count in rows:
        figures.jobs[(str(kind), JobStatus(status).value)] = int(count)
    oldest = await session.scalar(
        select(func.min(Job.created_at)).where(Job.status == JobStatus.pending)
    )
    if oldest is not None:
        figures.oldest_pending_seconds = max(0.0, (utcnow() - oldest).total_seconds())


async def scrape(engine: AsyncEngine | None, session: AsyncSession) -> ScrapeFigures:
    figures = ScrapeFigures(pool=pool_figures(engine))
    try:
        await asyncio.wait_for(job_figures(session, figures), SCRAPE_QUERY_SECONDS)
        figures.database_up = True
    except Exception as exc:  # the metrics still answer: the database is down, say so
        logger.warning("metrics: the job table could not be read: %s", type(exc).__name__)
        figures.jobs = {}
        with contextlib.suppress(Exception):
            await session.rollback()
    return figures


def authorise(request: Request, settings: Settings) -> None:
    """``GTPPTPPO_METRICS_TOKEN`` as a bearer token, or ``GTPPTPPO_METRICS_PUBLIC``."""
    if settings.metrics_token is not None:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        wanted = settings.metrics_token.get_secret_value().encode()
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), wanted):
            raise Unauthenticated("The metrics need the bearer token GTPPTPPO_METRICS_TOKEN.")
        return
    if not settings.metrics_public:
        raise NotFound(
            "The metrics are not exposed: set GTPPTPPO_METRICS_TOKEN (or GTPPTPPO_METRICS_PUBLIC)."
        )


def instrument(app: FastAPI, settings: Settings) -> None:
    """``GET /metrics``; the requests counted and timed by route template (only when the
    metrics are exposed)."""
    from gtpptppo_api.observability.router import router

    app.include_router(router)
    if not settings.metrics_enabled:
        return
    from prometheus_fastapi_instrumentator import Instrumentator

    instrumentator = Instrumentator(
        should_group_status_codes=False,
        should_group_untemplated=True,  # an unknown path is counted as handler "none"
        excluded_handlers=["/metrics"],
    )
    for instrumentation in _request_instrumentations():
        instrumentator.add(instrumentation)
    instrumentator.instrument(app)


@cache
def _request_instrumentations() -> tuple[Any, ...]:
    """The request counter and latency histogram, made once per process: every app of the
    process (one in production, many in the tests) records into the same series."""
    from prometheus_fastapi_instrumentator import metrics as instrumented

    return (
        instrumented.requests(should_include_status=True),
        instrumented.latency(should_include_status=True),
    )
