"""Traces: off by default, on by the OTEL_* variables; a request's span, its SQL spans
under it, and its trace id in the request's log line."""

from __future__ import annotations

import json

import httpx
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from gtpptppo_api.app import create_app
from gtpptppo_api.kit import tracing
from gtpptppo_api.settings import Settings
from tests.conftest import TEST_KEYS


def test_tracing_is_off_unless_the_otel_variables_ask_for_it():
    """No variable, `none` or the SDK disabled: no provider; an endpoint means OTLP."""
    assert tracing.from_environment({}) is None
    assert tracing.from_environment({"OTEL_TRACES_EXPORTER": "none"}) is None
    disabled = {"OTEL_SDK_DISABLED": "true", "OTEL_TRACES_EXPORTER": "console"}
    assert tracing.from_environment(disabled) is None
    endpoint = {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"}
    assert tracing.exporter_names(endpoint) == ["otlp"]


def test_the_console_exporter_writes_the_spans(capsys):
    """OTEL_TRACES_EXPORTER=console: a span ended is printed by the SDK's console exporter,
    with the service name of OTEL_SERVICE_NAME."""
    provider = tracing.from_environment(
        {"OTEL_TRACES_EXPORTER": "console", "OTEL_SERVICE_NAME": "gtpptppo-test"}
    )
    assert provider is not None
    with provider.get_tracer("test").start_as_current_span("a unit of work"):
        pass
    provider.force_flush()
    provider.shutdown()
    printed = capsys.readouterr().out
    assert '"name": "a unit of work"' in printed
    assert "gtpptppo-test" in printed


async def test_a_request_is_traced_with_its_sql_and_its_trace_id_logged(database_url, json_lines):
    """A public page read: a server span named by the route template, SQL spans in the same
    trace under it, and the access log line carrying that trace id."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    settings = Settings(database_url=database_url, encryption_key=TEST_KEYS)
    app = create_app(settings, tracer_provider=provider)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            response = await client.get("/public/regions/33")
    assert response.status_code == 200, response.text
    spans = exporter.get_finished_spans()
    server = next(span for span in spans if span.name == "GET /public/regions/{region_code}")
    trace_id = server.context.trace_id
    sql = [s for s in spans if s.attributes and "db.statement" in s.attributes]
    sql = sql or [s for s in spans if s.attributes and "db.query.text" in s.attributes]
    assert sql
    assert all(s.context.trace_id == trace_id for s in sql)
    lines = [json.loads(line) for line in json_lines.getvalue().splitlines()]
    [logged] = [line for line in lines if line.get("event") == "request"]
    assert logged["trace_id"] == format(trace_id, "032x")
