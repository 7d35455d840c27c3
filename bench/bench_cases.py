"""Case ingestion and victim statistics, as ratios to raw database work in the same run.

1. Ingestion: BENCH_CASES cases (default 100,000) pushed through the batch endpoint
   (in-process ASGI client, 10,000 per batch) vs. the same rows, already prepared, written
   with a raw executemany into the same tables, the cases' wrapped data keys into the key
   store's (docs/personal-data.md). Target: the API reaches >= 25% of raw.
2. Statistics: BENCH_STATS_ROWS cases (default 1,000,000) grouped by year, age group, sex
   and province through GET /statistics/victims vs. the same GROUP BY as raw SQL, for a
   national administrator (exact) and for an analyst (every cell perturbed by cell key,
   docs/disclosure-control.md). Target for the analyst: <= 0.1x the raw GROUP BY.
"""

from __future__ import annotations

import asyncio
import os
import random
import uuid
from datetime import date, timedelta
from typing import Any

import httpx
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncSession

from bench.common import KEY, backends, database, fill_cases, timed, write_raw
from gtpptppo_api.app import create_app
from gtpptppo_api.auth.models import Role
from gtpptppo_api.auth.service import create_token
from gtpptppo_api.cases import service as cases
from gtpptppo_api.cases.schemas import CaseIn
from gtpptppo_api.cases.sealing import wrap_keys
from gtpptppo_api.db.bulk import insert_rows
from gtpptppo_api.db.engine import create_engine, create_sessionmaker
from gtpptppo_api.db.keystore import data_key
from gtpptppo_api.kit.crypto import Keyring
from gtpptppo_api.service_centres.models import ServiceCentre, ServiceCentreKind
from gtpptppo_api.settings import Settings

N_CASES = int(os.environ.get("BENCH_CASES", "100000"))
N_STATS = int(os.environ.get("BENCH_STATS_ROWS", "1000000"))
BATCH = 10_000
REGENCIES = ["33.01", "33.02", "33.03", "33.04", "33.71", "33.72", "33.73", "33.74"]
TYPES = ["forced_labour", "sexual_exploitation", "domestic_servitude", "forced_marriage"]


def synthetic(i: int, rng: random.Random) -> dict[str, Any]:
    identified = date(2015, 1, 1) + timedelta(days=rng.randrange(3600))
    return {
        "external_ref": f"B-{i}",
        "registered_region_code": rng.choice(REGENCIES),
        "origin_region_code": rng.choice(REGENCIES),
        "destination": {"country": rng.choice(["MY", "SA", "TW", "HK"])},
        "identified_on": identified.isoformat(),
        "victim": {
            "sex": rng.choice(["female", "male"]),
            "age_at_identification": rng.randrange(5, 60),
        },
        "exploitation_types": sorted(rng.sample(TYPES, rng.randrange(1, 3))),
        "services": [{"type": "complaint", "started_on": identified.isoformat()}],
        "legal_stage": "police_report",
        "status": "open",
        "personal": {"name": f"Korban {i}", "nik": f"3302{i:012d}"},
    }


async def setup(url: str) -> tuple[Any, int, int, str]:
    engine = create_engine(url)
    async with create_sessionmaker(engine)() as session, session.begin():
        api_centre = ServiceCentre(name="API", kind=ServiceCentreKind.p2tp2a, region_code="33")
        raw_centre = ServiceCentre(name="RAW", kind=ServiceCentreKind.p2tp2a, region_code="33")
        session.add_all([api_centre, raw_centre])
        await session.flush()
        _, token = await create_token(
            session, name="bench", role=Role.service_centre, service_centre_id=api_centre.id
        )
        ids = (api_centre.id, raw_centre.id)
    return engine, ids[0], ids[1], token


def raw_rows(
    items: list[dict[str, Any]], centre: ServiceCentre, ring: Keyring
) -> tuple[tuple[list, list, list], list[dict[str, Any]]]:
    """The case, exploitation and service rows, and the key store's rows, prepared."""
    cases_rows, exploitation, services = [], [], []
    keys: list[dict[str, Any]] = []
    now = cases.utcnow()
    for index, raw in enumerate(items):
        body = CaseIn.model_validate(raw)
        prepared = cases.prepare(index, body.external_ref, body, centre, ring)
        cases._seal(prepared, uuid.uuid4(), {})
        # wrapped as a push wraps them (untimed, as the rest of the preparation); written
        # raw into the key store as the case rows are into theirs (a case's data is both)
        keys += [
            {"case_id": case_id, "key_id": key_id, "wrapped": wrapped, "created_at": now}
            for case_id, key_id, wrapped in wrap_keys(
                ring, [(prepared.sealer(), prepared.values["id"])]
            )
        ]
        prepared.values.update(
            version=1,
            record_key=cases.record_key(),
            created_at=cases.utcnow(),
            updated_at=cases.utcnow(),
        )
        cases_rows.append(prepared.values)
        exploitation += [
            {"case_id": prepared.values["id"], "exploitation_type": t}
            for t in prepared.exploitation
        ]
        services += [{"case_id": prepared.values["id"], **s} for s in prepared.services]
    return (cases_rows, exploitation, services), keys


async def write_raw_keys(ring: Keyring, keys: list[dict[str, Any]], *, copy: bool) -> None:
    """The prepared key store rows in one transaction: an executemany, or (``copy``) the
    binary COPY a push uses."""
    async with ring.key_store.engine.connect() as conn, conn.begin():
        if not copy:
            await conn.execute(insert(data_key), keys)
            return
        async with AsyncSession(bind=conn) as session:
            await insert_rows(session, data_key, keys)


async def ingestion(backend: str) -> dict[str, float]:
    async with database(backend) as url:
        engine, api_id, raw_id, token = await setup(url)
        rng = random.Random(7)
        items = [synthetic(i, rng) for i in range(N_CASES)]
        ring = Keyring.from_settings(Settings(database_url=url, encryption_key=KEY))

        # raw: prepared rows, only the database writes are timed; on PostgreSQL both ways
        async with create_sessionmaker(engine)() as session:
            centre = await session.get(ServiceCentre, raw_id)
        rows, keys = raw_rows(items, centre, ring)

        async def raw_writes(copy: bool) -> None:
            await write_raw(engine, rows, copy=copy, chunk=BATCH)
            await write_raw_keys(ring, keys, copy=copy)

        raw_time = await timed(lambda: raw_writes(False))
        copy_time = None
        if backend == "postgresql":
            async with create_sessionmaker(engine)() as session, session.begin():
                copied = ServiceCentre(
                    name="RAW COPY", kind=ServiceCentreKind.p2tp2a, region_code="33"
                )
                session.add(copied)
            rows, keys = raw_rows(items, copied, ring)
            copy_time = await timed(lambda: raw_writes(True))

        # the inline path of a batch (larger ones go through the worker as imports)
        app = create_app(Settings(database_url=url, encryption_key=KEY, batch_inline_items=BATCH))
        headers = {"Authorization": f"Bearer {token}"}
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://bench", timeout=600
            ) as client,
        ):

            async def api() -> None:
                for start in range(0, len(items), BATCH):
                    response = await client.post(
                        f"/api/v1/service-centres/{api_id}/cases:batch",
                        json=items[start : start + BATCH],
                        headers=headers,
                    )
                    assert response.status_code == 200, response.text[:500]
                    assert response.json()["created"] == len(items[start : start + BATCH])

            api_time = await timed(api)
        await engine.dispose()
    return {
        "raw_cases_per_s": N_CASES / raw_time,
        "api_cases_per_s": N_CASES / api_time,
        "ratio": raw_time / api_time,
        "copy_cases_per_s": N_CASES / copy_time if copy_time else 0.0,
    }


RAW_STATS = """
SELECT identified_year, age_group, sex, substr(registered_region_code, 1, 2) AS region,
       count(DISTINCT victim_key)
FROM victim_case
GROUP BY identified_year, age_group, sex, substr(registered_region_code, 1, 2)
"""


async def statistics(backend: str) -> dict[str, float]:
    async with database(backend) as url:
        engine, api_id, _raw_id, _token = await setup(url)
        await fill_cases(engine, api_id, N_STATS)
        async with engine.connect() as conn:
            await conn.execute(text("ANALYZE"))

            async def raw() -> None:
                rows = (await conn.execute(text(RAW_STATS))).all()
                assert rows

            raw_time = await timed(raw, repeat=3)

        # the inline path of a batch (larger ones go through the worker as imports)
        app = create_app(Settings(database_url=url, encryption_key=KEY, batch_inline_items=BATCH))
        async with create_sessionmaker(engine)() as session, session.begin():
            _, admin = await create_token(session, name="bench admin", role=Role.national_admin)
            _, analyst = await create_token(session, name="bench analyst", role=Role.analyst)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://bench", timeout=600
            ) as client,
        ):

            def api(token: str) -> Any:
                async def run() -> None:
                    response = await client.get(
                        "/api/v1/statistics/victims",
                        params={"group_by": "year,age_group,sex,region"},
                        headers={"Authorization": f"Bearer {token}"},
                    )
                    assert response.status_code == 200, response.text[:300]

                return run

            api_time = await timed(api(admin), repeat=3)
            analyst_time = await timed(api(analyst), repeat=3)
        await engine.dispose()
    return {
        "raw_s": raw_time,
        "api_s": api_time,
        "ratio": api_time / raw_time,
        "analyst_s": analyst_time,
        "analyst_ratio": analyst_time / raw_time,
    }


async def main() -> None:
    for backend in backends():
        result = await ingestion(backend)
        print(
            f"ingestion  {backend:10} {N_CASES} cases: api {result['api_cases_per_s']:8.0f}/s, "
            f"raw executemany {result['raw_cases_per_s']:8.0f}/s, api/raw = {result['ratio']:.2f} "
            f"(target >= 0.25)"
        )
        if result["copy_cases_per_s"]:
            print(
                f"ingestion  {backend:10} raw binary COPY {result['copy_cases_per_s']:8.0f}/s, "
                f"api/raw COPY = {result['api_cases_per_s'] / result['copy_cases_per_s']:.2f}"
            )
        stats = await statistics(backend)
        print(
            f"statistics {backend:10} {N_STATS} cases: api {stats['api_s']:.3f}s, "
            f"raw GROUP BY {stats['raw_s']:.3f}s, api/raw = {stats['ratio']:.3f} (exact)"
        )
        print(
            f"statistics {backend:10} analyst, perturbed: api {stats['analyst_s']:.3f}s, "
            f"api/raw = {stats['analyst_ratio']:.3f} (target <= 0.1)"
        )


if __name__ == "__main__":
    asyncio.run(main())
