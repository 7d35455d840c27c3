"""create_app(): routers, error handlers, the database engine."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache
from typing import TYPE_CHECKING

from asgi_correlation_id import CorrelationIdMiddleware
from fastapi import FastAPI
from fastapi_pagination import add_pagination
from starlette.middleware import Middleware

from gtpptppo_api import __version__, errors
from gtpptppo_api.action_plans.router import router as action_plans_router
from gtpptppo_api.agreements.router import router as agreements_router
from gtpptppo_api.audit.router import router as audit_router
from gtpptppo_api.auth.deps import cached_caller
from gtpptppo_api.auth.rate_limit import RateLimiter
from gtpptppo_api.auth.service import TokenCache
from gtpptppo_api.capacity.router import router as capacity_router
from gtpptppo_api.cases import lean as cases_lean
from gtpptppo_api.cases.router import SCHEMAS as CASES_SCHEMAS
from gtpptppo_api.cases.router import router as cases_router
from gtpptppo_api.charts.router import router as charts_router
from gtpptppo_api.compliance.router import router as compliance_router
from gtpptppo_api.consent.router import router as consent_router
from gtpptppo_api.db import raw
from gtpptppo_api.db.engine import create_engine, create_sessionmaker
from gtpptppo_api.disclosure.control import Control
from gtpptppo_api.exports.router import router as exports_router
from gtpptppo_api.facilities.router import router as facilities_router
from gtpptppo_api.health.router import router as health_router
from gtpptppo_api.identities import oidc
from gtpptppo_api.identities.router import router as identities_router
from gtpptppo_api.imports.router import router as imports_router
from gtpptppo_api.jobs import broker as jobs_broker
from gtpptppo_api.kit import tracing
from gtpptppo_api.kit.batch_gate import BatchGateMiddleware
from gtpptppo_api.kit.body_limit import BodyLimitMiddleware
from gtpptppo_api.kit.crypto import Keyring
from gtpptppo_api.kit.lean import LeanReads
from gtpptppo_api.kit.no_store import NoStoreMiddleware
from gtpptppo_api.kit.openapi import add_schemas, operation_id, readable_page_names
from gtpptppo_api.meetings.centre_router import router as centre_coordination_router
from gtpptppo_api.meetings.router import router as meetings_router
from gtpptppo_api.members.router import router as members_router
from gtpptppo_api.monitoring.router import router as monitoring_router
from gtpptppo_api.observability import metrics
from gtpptppo_api.observability.logs import AccessLogMiddleware, valid_request_id
from gtpptppo_api.partners.router import router as partners_router
from gtpptppo_api.privacy.router import router as privacy_router
from gtpptppo_api.publishing.router import router as publishing_router
from gtpptppo_api.publishing.site import RecentPages
from gtpptppo_api.publishing.site import router as public_site_router
from gtpptppo_api.referrals.router import router as referrals_router
from gtpptppo_api.regions.router import router as regions_router
from gtpptppo_api.reports.router import router as reports_router
from gtpptppo_api.service_centres.router import router as service_centres_router
from gtpptppo_api.settings import Settings, get_settings
from gtpptppo_api.statistics import lean as statistics_lean
from gtpptppo_api.statistics.router import router as statistics_router
from gtpptppo_api.task_forces.router import router as task_forces_router
from gtpptppo_api.webhooks.router import router as webhooks_router

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

API_PREFIX = "/api/v1"

# The reads answered beside FastAPI when GTPPTPPO_LEAN_READS is on (kit/lean.py).
LEAN_ROUTES = (*cases_lean.ROUTES, *statistics_lean.ROUTES)

DESCRIPTION = """
The shared record and reporting backbone of Indonesia's task forces for the prevention and
handling of trafficking in persons (Gugus Tugas PP-TPPO), after Permen PPPA No. 10/2012.

Every request carries `Authorization: Bearer <token>` (tokens come from
`gtpptppo token create`). Errors are RFC 9457 `application/problem+json`. Lists are
cursor-paginated: `?limit=` (at most 200) and `?cursor=` from the previous page's
`next_cursor`.
"""


def _dpo_contact(settings: Settings) -> dict[str, str] | None:
    """The OpenAPI ``info.contact``: the data protection officer, where one is set."""
    dpo = settings.dpo
    if dpo is None:
        return None
    contact = {"name": f"{dpo['name']} (Pejabat Pelindungan Data Pribadi)"}
    if "email" in dpo:
        contact["email"] = dpo["email"]
    return contact


def create_app(
    settings: Settings | None = None, *, tracer_provider: TracerProvider | None = None
) -> FastAPI:
    """The app; ``tracer_provider``: traces go there (default: as the ``OTEL_*`` variables
    say, usually nowhere)."""
    settings = settings or get_settings()
    tracer_provider = tracer_provider or tracing.start()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.keyring()  # fail fast on a bad key; embedded mode creates its key file
        engine = create_engine(
            settings.database_url, echo=settings.sql_echo, pool_size=settings.database_pool_size
        )
        tracing.trace_engine(engine, tracer_provider)
        app.state.engine = engine
        app.state.sessionmaker = create_sessionmaker(engine)
        if settings.lean_reads and raw.supported(engine):
            app.state.raw_reader = raw.RawReader(engine)
        # The job broker; in embedded mode (no GTPPTPPO_BROKER_URL) a worker runs here too.
        await asyncio.to_thread(jobs_broker.start, settings)
        # What start-up built (routes, models, the engine, the broker) lives as long as the
        # process: kept out of the collector's reach, a full collection then scans only what
        # requests leave behind (pauses of 100+ ms otherwise, seen as a latency tail).
        # (The collector's thresholds are the process's: `gtpptppo serve` sets them.)
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()
            await asyncio.to_thread(jobs_broker.stop)
            await engine.dispose()
            store = app.state.keyring().store
            if store is not None:
                await store.dispose()

    app = FastAPI(
        title="GT-PPTPPO API",
        version=__version__,
        description=DESCRIPTION,
        # The data protection officer's contact (UU 27/2022 art. 53), where one is set.
        contact=_dpo_contact(settings),
        lifespan=lifespan,
        # Operation ids a generated client names its functions by (kit/openapi.py).
        generate_unique_id_function=operation_id,
    )
    app.state.settings = settings
    app.state.keyring = cache(lambda: Keyring.from_settings(settings))
    app.state.token_cache = TokenCache(settings.token_cache_seconds)
    app.state.rate_limiter = RateLimiter.from_settings(settings)
    app.state.oidc = oidc.Verifier(settings) if settings.oidc_issuer else None
    app.state.public_rate_limiter = RateLimiter.from_settings(settings, settings.public_rate_limit)
    app.state.disclosure = Control.from_settings(settings)
    app.state.recent_public_pages = RecentPages(settings.public_cache_seconds)
    app.state.raw_reader = None  # the lean reads' (PostgreSQL), set at start-up
    errors.install(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(NoStoreMiddleware, prefix=API_PREFIX + "/")
    app.add_middleware(
        BatchGateMiddleware,
        concurrency=settings.batch_concurrency,
        queue=settings.batch_queue,
        reads_first=not settings.is_sqlite,
    )
    metrics.instrument(app, settings)
    app.add_middleware(AccessLogMiddleware, prefix=API_PREFIX)
    # Outermost: every answer, a refusal by a middleware too, carries its X-Request-ID.
    app.add_middleware(CorrelationIdMiddleware, validator=valid_request_id)
    if tracer_provider is not None:
        tracing.instrument_app(app, tracer_provider)
    if settings.lean_reads and not settings.is_sqlite:
        # Innermost: every middleware above wraps a lean answer as it wraps the app's.
        # (PostgreSQL only, db/raw.py: on SQLite every request goes through FastAPI.)
        app.user_middleware.append(Middleware(LeanReads, routes=LEAN_ROUTES, caller=cached_caller))

    # Starlette tries routes in order, and each included router adds a level of matching:
    # the routers hang directly off the app, the most requested first (a case list, a
    # case, statistics: a scoped read tries a handful of patterns, not every route).
    for router in (
        cases_router,
        statistics_router,
        regions_router,
        task_forces_router,
        members_router,
        service_centres_router,
        exports_router,
        imports_router,
        reports_router,
        action_plans_router,
        agreements_router,
        capacity_router,
        facilities_router,
        meetings_router,
        centre_coordination_router,
        monitoring_router,
        compliance_router,
        audit_router,
        charts_router,
        partners_router,
        privacy_router,
        publishing_router,
        consent_router,
        referrals_router,
        identities_router,
        webhooks_router,
    ):
        app.include_router(router, prefix=API_PREFIX)
    # The public site (5.4): no token, read-only, published data only.
    app.include_router(public_site_router)
    app.include_router(health_router)
    add_pagination(app)
    add_schemas(app, CASES_SCHEMAS)  # the batch's item: its body is read raw
    readable_page_names(app)
    return app
