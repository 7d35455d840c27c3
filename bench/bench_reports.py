"""A national five-year report over BENCH_REPORT_ROWS cases (default 1,000,000).

Generation (every query of reports/aggregation.py, in one transaction) against the raw SQL of
its main query (victims by year x age group x sex over the same years), in the same run;
target <= 2x. Then the perturbation of its public tables by cell key, as publication does
it (docs/disclosure-control.md), as a share of the generation. Then the PDF render of that
report; target <= 2 s.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time

from sqlalchemy import text

from bench.common import backends, database, fill_cases, timed
from gtpptppo_api.db.engine import create_engine, create_sessionmaker
from gtpptppo_api.disclosure.control import Control
from gtpptppo_api.publishing.figures import perturbed_tables
from gtpptppo_api.regions.models import RegionLevel
from gtpptppo_api.reports import render
from gtpptppo_api.reports import service as reports
from gtpptppo_api.reports.models import Report, ReportKind
from gtpptppo_api.service_centres.models import ServiceCentre, ServiceCentreKind
from gtpptppo_api.settings import Settings
from gtpptppo_api.task_forces.models import TaskForce, TaskForceStatus

N = int(os.environ.get("BENCH_REPORT_ROWS", "1000000"))
FIRST = 2015

MAIN_QUERY = """
SELECT incident_basis_year, age_group, sex, count(DISTINCT victim_key)
FROM victim_case
WHERE incident_basis_year BETWEEN :first AND :last
GROUP BY incident_basis_year, age_group, sex
"""


async def run(backend: str) -> dict[str, float]:
    async with database(backend) as url:
        engine = create_engine(url)
        sessions = create_sessionmaker(engine)
        async with sessions() as session, session.begin():
            centre = ServiceCentre(name="B", kind=ServiceCentreKind.p2tp2a, region_code="33")
            nation = TaskForce(
                name="GT-PPTPPO Pusat",
                region_code="ID",
                level=RegionLevel.national,
                status=TaskForceStatus.active,
                chair_position="Ketua",
                daily_chair_position="Ketua Harian",
                secretariat_host_agency="KemenPPPA",
            )
            session.add_all([centre, nation])
            await session.flush()
            report = Report(task_force_id=nation.id, kind=ReportKind.five_year, year=FIRST)
            session.add(report)
            await session.flush()
            centre_id, report_id = centre.id, report.id
        await fill_cases(engine, centre_id, N)
        # Statistics (and PostgreSQL's visibility map) as autovacuum keeps them after a bulk
        # load, in autocommit: an ANALYZE inside a rolled-back transaction leaves none.
        maintenance = "VACUUM ANALYZE" if backend == "postgresql" else "ANALYZE"
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(maintenance))
        async with engine.connect() as conn:

            async def raw() -> None:
                params = {"first": FIRST, "last": FIRST + 4}
                assert (await conn.execute(text(MAIN_QUERY), params)).all()

            raw_time = await timed(raw, repeat=3)

        async def generate() -> None:
            async with sessions() as session, session.begin():
                await reports.generate(session, report_id)
                await session.rollback()  # keep no version: each run does the full work

        generate_time = await timed(generate, repeat=3)
        async with sessions() as session, session.begin():
            await reports.generate(session, report_id)
        async with sessions() as session:
            report = await session.get(Report, report_id)
            assert report is not None
            version = await reports.version(session, report, 1)
            control = Control.from_settings(Settings(database_url=url))

            async def perturb() -> None:
                perturbed_tables(version.figures, report.years, ("ID", "Indonesia"), control)

            perturb_time = await timed(perturb, repeat=3)
        async with sessions() as session:
            from gtpptppo_api.auth.models import Role
            from gtpptppo_api.auth.service import Caller

            caller = Caller(1, "bench", Role.national_admin, None, None)
            document = await reports.document(session, caller, report_id, None)
        render.render(document, "pdf")  # load WeasyPrint and fonts once, as a worker would
        times = []
        for _ in range(3):  # the median of three, as for the other timings
            start = time.perf_counter()
            pdf, _ = render.render(document, "pdf")
            times.append(time.perf_counter() - start)
            assert pdf.startswith(b"%PDF")
        pdf_time = statistics.median(times)
        await engine.dispose()
    return {"raw": raw_time, "generate": generate_time, "perturb": perturb_time, "pdf": pdf_time}


async def main() -> None:
    for backend in backends():
        r = await run(backend)
        print(
            f"report     {backend:10} {N} cases: generate {r['generate']:.3f}s, main query "
            f"{r['raw']:.3f}s, generate/main = {r['generate'] / r['raw']:.2f} (target <= 2); "
            f"perturbation for publication {r['perturb'] * 1000:.1f} ms "
            f"({r['perturb'] / r['generate']:.3f} of the generation); "
            f"PDF render {r['pdf']:.2f}s (target <= 2)"
        )


if __name__ == "__main__":
    asyncio.run(main())
