"""What start-up builds is kept out of the garbage collector's full passes while serving,
and the collector runs less often while `gtpptppo serve` serves."""

from __future__ import annotations

import gc

import uvicorn

from gtpptppo_api import cli
from gtpptppo_api.app import create_app
from gtpptppo_api.cli import GC_THRESHOLDS
from gtpptppo_api.db import migrate
from gtpptppo_api.observability import logs
from gtpptppo_api.settings import Settings, get_settings
from tests.conftest import TEST_KEYS


async def test_startup_objects_are_frozen_while_serving_and_released_at_shutdown(tmp_path):
    """A full collection then scans only what requests leave behind (no long latency tail)."""
    app = create_app(
        Settings(database_url=f"sqlite:///{tmp_path / 'app.db'}", encryption_key=TEST_KEYS)
    )
    gc.unfreeze()
    async with app.router.lifespan_context(app):
        frozen = gc.get_freeze_count()
        # the routes, their models and the engine: far more than a handful of objects
        assert frozen > 10_000
    assert gc.get_freeze_count() == 0


def test_the_collector_runs_less_often_while_serving_and_as_before_after(tmp_path, monkeypatch):
    """`gtpptppo serve` runs the server with fewer young collections, so that what a request
    holds while in flight is not moved into the old generation within a few requests (a
    full collection every few seconds under load otherwise); the process's own thresholds
    come back when the server stops. The app alone leaves them as they are."""
    monkeypatch.setenv("GTPPTPPO_DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    monkeypatch.setattr(migrate, "upgrade", lambda url, **_: None)
    monkeypatch.setattr(logs, "configure", lambda settings: None)
    seen: list[tuple[int, int, int]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: seen.append(gc.get_threshold()))
    get_settings.cache_clear()
    before = gc.get_threshold()
    try:
        assert cli.main(["serve", "--port", "0"]) == 0
    finally:
        get_settings.cache_clear()
    assert seen == [GC_THRESHOLDS]
    assert GC_THRESHOLDS[0] > before[0]
    assert gc.get_threshold() == before


async def test_the_app_leaves_the_collector_thresholds_alone(tmp_path):
    """The thresholds are the serving process's: the app's start-up does not change them."""
    app = create_app(
        Settings(database_url=f"sqlite:///{tmp_path / 'app.db'}", encryption_key=TEST_KEYS)
    )
    before = gc.get_threshold()
    async with app.router.lifespan_context(app):
        assert gc.get_threshold() == before
