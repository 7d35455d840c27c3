"""What start-up builds is kept out of the garbage collector's full passes while serving,
and the collector runs less often while the app serves."""

from __future__ import annotations

import gc

from gtpptppo_api.app import GC_THRESHOLDS, create_app
from gtpptppo_api.settings import Settings
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


async def test_the_collector_runs_less_often_while_serving_and_as_before_after(tmp_path):
    """Fewer young collections, so that what a request holds while in flight is not moved
    into the old generation within a few requests (a full collection every few seconds
    under load otherwise); the process's own thresholds come back at shutdown."""
    app = create_app(
        Settings(database_url=f"sqlite:///{tmp_path / 'app.db'}", encryption_key=TEST_KEYS)
    )
    before = gc.get_threshold()
    async with app.router.lifespan_context(app):
        assert gc.get_threshold() == GC_THRESHOLDS
        assert GC_THRESHOLDS[0] > before[0]
    assert gc.get_threshold() == before
