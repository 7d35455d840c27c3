"""Traces (OpenTelemetry), off unless the standard ``OTEL_*`` variables turn them on.

On when ``OTEL_TRACES_EXPORTER`` names an exporter (``otlp``, ``console``; ``none`` is
off) or when an OTLP endpoint is set (``OTEL_EXPORTER_OTLP_ENDPOINT`` or
``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``, then ``otlp`` is the default), and
``OTEL_SDK_DISABLED`` is not ``true``. The OTLP exporter speaks HTTP/protobuf and reads its
own ``OTEL_EXPORTER_OTLP_*`` variables; ``OTEL_SERVICE_NAME`` and
``OTEL_RESOURCE_ATTRIBUTES`` name the process; ``OTEL_BSP_*`` tune the batching.

Spans: each request (FastAPI), each SQL statement (SQLAlchemy), each outgoing httpx call,
and each job a worker runs. The current trace and span ids go into every log line.
"""

from __future__ import annotations

import atexit
import logging
import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter
    from sqlalchemy.ext.asyncio import AsyncEngine

logger = logging.getLogger(__name__)

# Probes and scrapes are not traced: one trace every few seconds per process says nothing.
EXCLUDED_URLS = "healthz,readyz,metrics"
DEFAULT_SERVICE_NAME = "gtpptppo-api"

_started = False
_provider: TracerProvider | None = None


def exporter_names(environ: Mapping[str, str]) -> list[str]:
    """The exporters the ``OTEL_*`` variables ask for; empty: tracing is off."""
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return []
    named = environ.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if named:
        return [name.strip() for name in named.split(",") if name.strip() not in ("", "none")]
    endpoints = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    return ["otlp"] if any(environ.get(name) for name in endpoints) else []


def make_exporter(name: str) -> SpanExporter:
    if name == "console":
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter

        return ConsoleSpanExporter(out=sys.stdout)  # the stream of now, not of the import
    if name == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter()
    raise ValueError(f"OTEL_TRACES_EXPORTER: unknown exporter {name!r} (otlp, console, none)")


def from_environment(environ: Mapping[str, str] | None = None) -> TracerProvider | None:
    """A tracer provider exporting as the ``OTEL_*`` variables say, or None (tracing off)."""
    environ = os.environ if environ is None else environ
    names = exporter_names(environ)
    if not names:
        return None
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    resource = Resource.create(
        {SERVICE_NAME: environ.get("OTEL_SERVICE_NAME") or DEFAULT_SERVICE_NAME}
    )
    provider = TracerProvider(resource=resource)
    for name in names:
        provider.add_span_processor(BatchSpanProcessor(make_exporter(name)))
    return provider


def start() -> TracerProvider | None:
    """This process's tracer provider from the environment (once); None when off."""
    global _started, _provider
    if _started:
        return _provider
    _started = True
    _provider = from_environment()
    if _provider is None:
        return None
    from opentelemetry import trace
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

    trace.set_tracer_provider(_provider)
    HTTPXClientInstrumentor().instrument(tracer_provider=_provider)
    atexit.register(_provider.shutdown)  # the last batch is sent before the process ends
    logger.info("tracing on: %s", ", ".join(exporter_names(os.environ)))
    return _provider


def instrument_app(app: FastAPI, provider: TracerProvider) -> None:
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    FastAPIInstrumentor.instrument_app(
        app,
        tracer_provider=provider,
        excluded_urls=EXCLUDED_URLS,
        exclude_spans=["receive", "send"],
    )


def trace_engine(engine: AsyncEngine, provider: TracerProvider | None) -> None:
    """A span per SQL statement of ``engine`` (nothing when ``provider`` is None).

    The instrumentation's declared range stops before SQLAlchemy 2.1, whose engine events it
    listens to are unchanged; its tracer is attached to each engine, as the instrumentor
    does for an engine it is given.
    """
    if provider is None:
        return
    from opentelemetry import metrics
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer

    tracer = provider.get_tracer("opentelemetry.instrumentation.sqlalchemy")
    usage = metrics.get_meter("gtpptppo_api").create_up_down_counter(
        "db.client.connections.usage", unit="connections"
    )
    EngineTracer(tracer, engine.sync_engine, usage)  # type: ignore[no-untyped-call]


@contextmanager
def job_span(kind: str, job_id: int) -> Iterator[Any]:
    """A span around one run of a job, when tracing is on."""
    if _provider is None:
        yield None
        return
    tracer = _provider.get_tracer("gtpptppo_api.jobs")
    with tracer.start_as_current_span(
        f"job {kind}", attributes={"gtpptppo.job.id": job_id, "gtpptppo.job.kind": kind}
    ) as span:
        yield span
