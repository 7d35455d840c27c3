"""Report season: every task force's annual report of one year, generated at once.

At the end of a year every task force (514 regencies and cities, 38 provinces, the nation:
553) generates its annual report within weeks. Over BENCH_SEASON_ROWS cases (1,000,000)
spread over every regency and city, on PostgreSQL and RabbitMQ, with one API process and
BENCH_SEASON_WORKERS (2) ``gtpptppo worker`` processes: all the annual reports of
BENCH_SEASON_YEAR are opened through the API (ten requests in flight), and the bench waits
until every generation job is done. Printed: the total, the reports per second, and the
ratio of the total to 553 times one regency's report generated alone (in process, the median
of three, measured in the same run); then the generation time of one province's and of the
nation's report alone, which are what the last minutes of a season wait for.
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
import time
import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import insert, select, text

from bench.cluster import Cluster, workdir
from bench.common import database, timed
from bench.scaleout import (
    RABBITMQ_URL,
    cluster_env,
    make_token,
    post_reports,
    remove_queues,
    wait_finished,
)
from gtpptppo_api.auth.models import Role
from gtpptppo_api.cases import cells
from gtpptppo_api.cases.models import Case, ExploitationType, ServiceType, mask
from gtpptppo_api.db.engine import create_engine, create_sessionmaker
from gtpptppo_api.regions.models import Region, RegionLevel
from gtpptppo_api.reports import service as reports
from gtpptppo_api.reports.models import Report, ReportKind
from gtpptppo_api.service_centres.models import ServiceCentre, ServiceCentreKind
from gtpptppo_api.task_forces.models import TaskForce, TaskForceStatus

ROWS = int(os.environ.get("BENCH_SEASON_ROWS", "1000000"))
WORKERS = int(os.environ.get("BENCH_SEASON_WORKERS", "2"))
YEAR = int(os.environ.get("BENCH_SEASON_YEAR", "2024"))
TYPES = mask([ExploitationType.forced_labour], ExploitationType)
SERVICES = mask([ServiceType.complaint], ServiceType)


async def regions(engine: Any) -> dict[RegionLevel, list[str]]:
    async with create_sessionmaker(engine)() as session:
        rows = (await session.execute(select(Region.code, Region.level))).all()
    found: dict[RegionLevel, list[str]] = {level: [] for level in RegionLevel}
    for code, level in rows:
        found[level].append(code)
    return found


async def fill(engine: Any, regencies: list[str]) -> int:
    """``ROWS`` cases over every regency and city (2015-YEAR), 30% with a NIK; task
    forces for every region; the centre's id."""
    rng = random.Random(7)
    now = datetime.now(UTC)
    async with create_sessionmaker(engine)() as session, session.begin():
        centre = ServiceCentre(name="Bench", kind=ServiceCentreKind.p2tp2a, region_code="33")
        session.add(centre)
        await session.flush()
        centre_id = centre.id
    async with engine.begin() as conn:
        for start in range(0, ROWS, 50_000):
            chunk = []
            for i in range(start, min(start + 50_000, ROWS)):
                year = rng.randint(2015, YEAR)
                age = rng.randrange(1, 70)
                nik = rng.randrange(ROWS) if rng.random() < 0.3 else None
                case_id = uuid.uuid4()
                chunk.append(
                    {
                        "id": case_id,
                        "service_centre_id": centre_id,
                        "external_ref": f"S-{i}",
                        "registered_region_code": rng.choice(regencies),
                        "origin_region_code": None,
                        "destination_region_code": None,
                        "destination_country": "MY",
                        "identified_on": date(year, 3, 1),
                        "identified_year": year,
                        "identified_month": f"{year}-03",
                        "incident_basis_year": year,
                        "transit": [],
                        "sex": rng.choice(["female", "male"]),
                        "age_at_identification": age,
                        "age_group": "child" if age < 18 else "adult",
                        "nationality": "ID",
                        "legal_stage": "none",
                        "status": "open",
                        "exploitation_types": ["forced_labour"],
                        "services": [],
                        "exploitation_mask": TYPES,
                        "service_mask": SERVICES,
                        "nik_index": f"n{nik}" if nik is not None else None,
                        "victim_key": f"n{nik}:{year}" if nik is not None else f"case:{case_id}",
                        "record_key": rng.randrange(4096),
                        "content_mac": "x",
                        "version": 1,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            await conn.execute(insert(Case), chunk)
        await conn.execute(
            text(
                "UPDATE victim_case SET victim_shared = true WHERE victim_key IN "
                "(SELECT victim_key FROM victim_case GROUP BY victim_key HAVING count(*) > 1)"
            )
        )
    async with create_sessionmaker(engine)() as session, session.begin():
        await cells.rebuild(session)
    async with engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text("VACUUM ANALYZE"))
    return centre_id


async def form_task_forces(engine: Any, codes: dict[RegionLevel, list[str]]) -> dict[str, int]:
    ids = {}
    async with create_sessionmaker(engine)() as session, session.begin():
        for level, found in codes.items():
            for code in found:
                task_force = TaskForce(
                    name=f"GT-PPTPPO {code}",
                    region_code=code,
                    level=level,
                    status=TaskForceStatus.active,
                    chair_position="Ketua",
                    daily_chair_position="Ketua Harian",
                    secretariat_host_agency="DP3A",
                )
                session.add(task_force)
                await session.flush()
                ids[code] = task_force.id
    return ids


async def alone(engine: Any, task_force_id: int) -> float:
    """One annual report generated alone, in process: the median of three, each rolled
    back (of the year before, so that the season's own reports stay to be opened)."""
    sessions = create_sessionmaker(engine)
    async with sessions() as session, session.begin():
        report = Report(task_force_id=task_force_id, kind=ReportKind.annual, year=YEAR - 1)
        session.add(report)
        await session.flush()
        report_id = report.id

    async def generate() -> None:
        async with sessions() as session, session.begin():
            await reports.generate(session, report_id)
            await session.rollback()  # keep no version: each run does the full work

    return await timed(generate, repeat=3)


async def main() -> None:
    namespace = f"gtpptppo_season_{uuid.uuid4().hex[:8]}"
    async with database("postgresql") as url:
        engine = create_engine(url)
        codes = await regions(engine)
        del codes[RegionLevel.national]
        codes = {RegionLevel.national: ["ID"], **codes}
        await fill(engine, codes[RegionLevel.regency])
        task_forces = await form_task_forces(engine, codes)
        regency = codes[RegionLevel.regency][0]
        one_regency = await alone(engine, task_forces[regency])
        one_province = await alone(engine, task_forces["33"])
        one_nation = await alone(engine, task_forces["ID"])
        await engine.dispose()
        count = len(task_forces)
        token = await make_token(url, Role.national_admin)
        try:
            with (
                workdir() as folder,
                Cluster(cluster_env(url, RABBITMQ_URL, namespace), folder) as cluster,
            ):
                for _ in range(WORKERS):
                    cluster.start_worker()
                api = await asyncio.to_thread(cluster.start_api)
                start = time.monotonic()
                ids, _ = await post_reports(
                    [api.url], token, list(task_forces.values()), count, first_year=YEAR
                )
                await wait_finished(url, ids, within=3600)
                total = time.monotonic() - start
                for service in cluster.services:
                    if not service.alive():
                        print(f"{service.name} died:\n{service.output()[-2000:]}", file=sys.stderr)
        finally:
            await asyncio.to_thread(remove_queues, RABBITMQ_URL, namespace)
    print(
        f"season     postgresql {ROWS} cases, {count} annual reports, {WORKERS} workers: "
        f"{total:.1f}s ({count / total:.1f} reports/s); one regency's alone {one_regency:.3f}s, "
        f"total / ({count} x that) = {total / (count * one_regency):.2f}; alone: a province "
        f"{one_province:.3f}s, the nation {one_nation:.3f}s"
    )


if __name__ == "__main__":
    asyncio.run(main())
