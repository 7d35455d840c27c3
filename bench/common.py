"""Shared set-up for the benchmarks: a fresh, migrated database per backend."""

from __future__ import annotations

import asyncio
import base64
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from gtpptppo_api.db.migrate import upgrade

PG_URL = os.environ.get("GTPPTPPO_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
KEY = "k1:" + base64.urlsafe_b64encode(b"b" * 32).decode()


@asynccontextmanager
async def database(backend: str) -> AsyncIterator[str]:
    """A migrated database of ``backend`` (sqlite or postgresql), dropped afterwards."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'bench.db'}"
            await asyncio.to_thread(upgrade, url)
            yield url
        return
    admin = make_url(PG_URL).set(drivername="postgresql")
    name = f"gtpptppo_bench_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(admin.render_as_string(hide_password=False))
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    try:
        await asyncio.to_thread(upgrade, url)
        yield url
    finally:
        conn = await asyncpg.connect(admin.render_as_string(hide_password=False))
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()


async def timed(fn: Callable[[], Awaitable[Any]], repeat: int = 1) -> float:
    """Median wall time of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        await fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def backends() -> list[str]:
    chosen = os.environ.get("BENCH_BACKENDS", "sqlite,postgresql")
    return [b.strip() for b in chosen.split(",") if b.strip()]
