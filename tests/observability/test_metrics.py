"""GET /metrics: Prometheus text, behind a token (or a setting), with the requests by route
template and status, the jobs by kind and state, the pool, and the rate-limit refusals."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from gtpptppo_api.db.base import utcnow
from gtpptppo_api.jobs import enqueue
from gtpptppo_api.jobs.models import Job
from gtpptppo_api.observability.metrics import REPORT_GENERATIONS, report_generation
from tests.conftest import build_app
from tests.helpers import problem

TOKEN = "scrape-me-7c1f"


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(text: str, name: str, **labels: str) -> float | None:
    return samples(text).get((name, frozenset(labels.items())))


@pytest.fixture
async def scraper(database_url, session, engine):
    app = build_app(database_url, session, metrics_token=TOKEN, rate_limit="3/minute")
    app.state.engine = engine  # the pool the figures read (set by the lifespan in production)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def test_metrics_need_the_token_compared_whole(scraper):
    """No token, a wrong one or a prefix of it: 401 problem+json; the token: 200."""
    problem(await scraper.get("/metrics"), 401)
    problem(await scraper.get("/metrics", headers={"Authorization": "Bearer wrong"}), 401)
    problem(await scraper.get("/metrics", headers={"Authorization": f"Bearer {TOKEN[:-1]}"}), 401)
    answer = await scraper.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")


async def test_metrics_are_not_served_unless_a_setting_says_so(database_url, session):
    """Without GTPPTPPO_METRICS_TOKEN or GTPPTPPO_METRICS_PUBLIC, /metrics is a 404 problem
    naming the settings; with GTPPTPPO_METRICS_PUBLIC it needs no token."""
    closed = build_app(database_url, session)
    public = build_app(database_url, session, metrics_public=True)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=closed), base_url="http://t"
    ) as c:
        assert "GTPPTPPO_METRICS_TOKEN" in problem(await c.get("/metrics"), 404)["detail"]
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=public), base_url="http://t"
    ) as c:
        assert (await c.get("/metrics")).status_code == 200


async def test_requests_are_counted_by_route_template_and_status(scraper, national):
    """Two reads of two different task forces are one series, by template; a 404 of a
    route is its own series; the latency histogram has the same labels."""
    auth = {"Authorization": f"Bearer {TOKEN}"}
    before = (await scraper.get("/metrics", headers=auth)).text
    for task_force in (991, 992):
        await scraper.get(f"/api/v1/task-forces/{task_force}", headers=national)
    await scraper.get("/api/v1/regions/33", headers=national)
    after = (await scraper.get("/metrics", headers=auth)).text
    route = {"handler": "/api/v1/task-forces/{task_force_id}", "method": "GET"}
    counted = value(after, "http_requests_total", **route, status="404") or 0
    assert counted - (value(before, "http_requests_total", **route, status="404") or 0) == 2
    assert value(
        after, "http_requests_total", handler="/api/v1/regions/{code}", method="GET", status="200"
    )
    assert value(after, "http_request_duration_seconds_count", **route, status="404")
    assert "/api/v1/task-forces/991" not in after


async def test_jobs_by_kind_and_state_and_the_oldest_pending(scraper, session):
    """Jobs written in the database are counted by kind and state, with the age of the
    oldest pending one; the database pool is reported."""
    auth = {"Authorization": f"Bearer {TOKEN}"}
    await enqueue(session, "reports.generate", {"report_id": 1})
    old = await enqueue(session, "reports.generate", {"report_id": 2})
    old.created_at = utcnow() - timedelta(hours=2)
    done = Job(kind="reports.generate", payload={"report_id": 3}, max_attempts=1, status="done")
    session.add(done)
    await session.flush()
    text = (await scraper.get("/metrics", headers=auth)).text
    assert value(text, "gtpptppo_jobs", kind="reports.generate", state="pending") == 2
    assert value(text, "gtpptppo_jobs", kind="reports.generate", state="done") == 1
    assert 7100 < (value(text, "gtpptppo_job_oldest_pending_age_seconds") or 0) < 7300
    assert value(text, "gtpptppo_database_up") == 1
    assert (value(text, "gtpptppo_db_pool_connections", state="size") or 0) >= 1


async def test_rate_limit_refusals_are_counted(scraper, national):
    """A token past its limit (3/minute here) is refused with 429, and counted."""
    auth = {"Authorization": f"Bearer {TOKEN}"}
    before = value((await scraper.get("/metrics", headers=auth)).text,
                   "gtpptppo_rate_limit_refusals_total", limit="token") or 0  # fmt: skip
    statuses = [
        (await scraper.get("/api/v1/regions/33", headers=national)).status_code for _ in range(5)
    ]
    assert statuses.count(429) == 2
    after = value((await scraper.get("/metrics", headers=auth)).text,
                  "gtpptppo_rate_limit_refusals_total", limit="token")  # fmt: skip
    assert after == before + 2


def test_report_generations_are_counted_by_outcome_and_timed():
    """The worker's report job records its outcome, and a failure as ``failed``."""
    before = REPORT_GENERATIONS.labels("failed")._value.get()
    with pytest.raises(RuntimeError), report_generation():
        raise RuntimeError("boom")
    with report_generation() as outcome:
        outcome["outcome"] = "new_version"
    assert REPORT_GENERATIONS.labels("failed")._value.get() == before + 1
    assert REPORT_GENERATIONS.labels("new_version")._value.get() >= 1
