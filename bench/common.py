"""Shared set-up for the benchmarks: a fresh, migrated database per backend."""

from __future__ import annotations

import asyncio
import base64
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from gtpptppo_api.cases import cells
from gtpptppo_api.cases.models import Case, CaseExploitation, CaseService, ExploitationType, bit
from gtpptppo_api.db.base import table_of
from gtpptppo_api.db.bulk import insert_rows
from gtpptppo_api.db.migrate import upgrade

PG_URL = os.environ.get("GTPPTPPO_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
FORCED_LABOUR = bit(ExploitationType.forced_labour)
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
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}_keys" WITH (FORCE)')  # its key store
        await conn.close()


async def write_raw(
    engine: AsyncEngine, rows: tuple[list[Any], list[Any], list[Any]], *, copy: bool, chunk: int
) -> None:
    """Prepared case, exploitation and service rows in one transaction, nothing else: by an
    executemany per ``chunk`` cases, or (``copy``, PostgreSQL) by the binary COPY a push
    uses (``db.bulk``)."""
    cases, exploitation, services = rows
    async with engine.connect() as conn, conn.begin():
        if not copy:
            for start in range(0, len(cases), chunk):
                await conn.execute(insert(Case), cases[start : start + chunk])
            await conn.execute(insert(CaseExploitation), exploitation)
            await conn.execute(insert(CaseService), services)
            return
        async with AsyncSession(bind=conn) as session:
            for start in range(0, len(cases), chunk):
                await insert_rows(session, table_of(Case), cases[start : start + chunk])
            await insert_rows(session, table_of(CaseExploitation), exploitation)
            await insert_rows(session, table_of(CaseService), services)


async def timed(fn: Callable[[], Awaitable[Any]], repeat: int = 1) -> float:
    """Median wall time of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        await fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


PROVINCES = ["11", "12", "31", "32", "33", "35", "51", "73", "94"]


async def fill_cases(engine: AsyncEngine, centre_id: int, count: int, seed: int = 11) -> None:
    """``count`` synthetic cases (2010-2024, nine provinces, 30% with a NIK), written raw."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    async with engine.begin() as conn:
        for start in range(0, count, 50_000):
            chunk = []
            for i in range(start, min(start + 50_000, count)):
                year = 2010 + rng.randrange(15)
                age = rng.randrange(1, 70)
                case_id = uuid.uuid4()
                nik = rng.randrange(count) if rng.random() < 0.3 else None
                chunk.append(
                    {
                        "id": case_id,
                        "service_centre_id": centre_id,
                        "external_ref": f"S-{i}",
                        "registered_region_code": rng.choice(PROVINCES),
                        "origin_region_code": None,
                        "destination_region_code": None,
                        "destination_country": "MY",
                        "identified_on": date(year, 3, 1),
                        "identified_year": year,
                        "identified_month": f"{year}-03",
                        "incident_on": None,
                        "incident_year": None,
                        "incident_basis_year": year,
                        "sex": rng.choice(["female", "male"]),
                        "age_at_identification": age,
                        "age_group": "child" if age < 18 else "adult",
                        "nationality": "ID",
                        "legal_stage": "none",
                        "status": "open",
                        "exploitation_types": ["forced_labour"],
                        "services": [],
                        "transit": [],
                        "exploitation_mask": FORCED_LABOUR,
                        "service_mask": 0,
                        "personal_key_id": None,
                        "personal_ciphertext": None,
                        "nik_index": f"n{nik}" if nik is not None else None,
                        "victim_key": f"n{nik}:{year}" if nik is not None else f"case:{case_id}",
                        "content_mac": "x",
                        "record_key": rng.randrange(4096),
                        "version": 1,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            await conn.execute(insert(Case), chunk)
            await conn.execute(
                insert(CaseExploitation),
                [{"case_id": c["id"], "exploitation_type": "forced_labour"} for c in chunk],
            )
        # what a push does as it goes: mark the cases whose victim key another case has too
        await conn.execute(
            text(
                "UPDATE victim_case SET victim_shared = true WHERE victim_key IN "
                "(SELECT victim_key FROM victim_case GROUP BY victim_key HAVING count(*) > 1)"
            )
        )
        # and count the cases into their statistics cells
        async with AsyncSession(bind=conn) as session:
            await cells.rebuild(session)


def backends() -> list[str]:
    chosen = os.environ.get("BENCH_BACKENDS", "sqlite,postgresql")
    return [b.strip() for b in chosen.split(",") if b.strip()]
