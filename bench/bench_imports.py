"""Imports through the worker against the raw COPY of the same rows, and the worker's memory.

BENCH_IMPORT_ROWS rows (default 100,000) in the template's columns, as an XLSX, imported by a
worker process (``python -m bench.bench_imports worker URL JOB``: the job runner's own
``perform``, as ``gtpptppo worker`` runs it), timed inside that process. The baseline is the
fastest write there is: the same rows, read back from the tables after the import as
tuples before its clock starts, handed to asyncpg's ``copy_records_to_table`` into the same
tables, emptied. Targets: the import at least 0.5x the COPY's rows per second; the worker's
peak resident memory under 300 MiB (the sheet is read a block of rows at a time, stored
chunk by chunk). The worker's CPU time is printed beside its wall time: on a shared machine
the wall time also counts the waits for a core. PostgreSQL only (the baseline is its COPY).
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import random
import resource
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import xlsxwriter
from sqlalchemy.engine import make_url

from bench.bench_cases import synthetic
from bench.common import KEY, database
from gtpptppo_api.auth.models import Role
from gtpptppo_api.auth.service import Caller, create_token
from gtpptppo_api.db.engine import create_engine, create_sessionmaker
from gtpptppo_api.imports import columns, service
from gtpptppo_api.imports.models import CaseImport, ImportFormat
from gtpptppo_api.kit.crypto import Keyring
from gtpptppo_api.service_centres.models import ServiceCentre, ServiceCentreKind
from gtpptppo_api.settings import Settings

N_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
TABLES = ("victim_case", "victim_case_exploitation", "victim_case_service", "victim_case_transit")
TARGET_RATIO = 0.5
# BENCH_IMPORT_PROFILE=FILE: the worker runs under cProfile, its figures written to FILE.
PROFILE = (
    ["-m", "cProfile", "-o", os.environ["BENCH_IMPORT_PROFILE"]]
    if os.environ.get("BENCH_IMPORT_PROFILE")
    else []
)
TARGET_MIB = 300


def flat(body: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    cells: dict[str, Any] = {}
    for key, value in body.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            cells.update(flat(value, f"{path}."))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                cells.update(
                    flat(item, f"{path}.{i}.") if isinstance(item, dict) else {f"{path}.{i}": item}
                )
        else:
            cells[path] = value
    return cells


def workbook(n: int) -> bytes:
    """The template's header and ``n`` rows, written as a centre's spreadsheet would be."""
    paths = [c.path for c in columns.columns()]
    rng = random.Random(7)
    output = io.BytesIO()
    with xlsxwriter.Workbook(output, {"in_memory": True, "constant_memory": True}) as book:
        sheet = book.add_worksheet("Kasus")
        sheet.write_row(0, 0, [columns.by_path()[p].label for p in paths])
        sheet.write_row(1, 0, paths)
        for i in range(n):
            cells = flat(synthetic(i, rng))
            sheet.write_row(i + 2, 0, [cells.get(p, "") for p in paths])
    return output.getvalue()


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def upload(url: str, content: bytes) -> tuple[int, int]:
    """The import, accepted as the API accepts it: ``(import id, job id)``."""
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            centre = ServiceCentre(name="BENCH", kind=ServiceCentreKind.p2tp2a, region_code="33")
            session.add(centre)
            await session.flush()
            token, _ = await create_token(session, name="bench", role=Role.national_admin)
            caller = Caller(
                token_id=token.id,
                name="bench",
                role=Role.national_admin,
                region_code=None,
                service_centre_id=None,
            )

            async def pieces() -> AsyncIterator[bytes]:
                for start in range(0, len(content), 1 << 20):
                    yield content[start : start + (1 << 20)]

            ring = Keyring.from_settings(Settings(database_url=url, encryption_key=KEY))
            item = await service.accept(
                session, caller, centre.id, ImportFormat.xlsx, "bench.xlsx", pieces(), ring, 1 << 30
            )
            assert item.job_id is not None
            return item.id, item.job_id
    finally:
        await engine.dispose()


async def worker(url: str, job_id: int) -> None:
    """The worker's side: run the job (and any it hands its rest to) as a worker does."""
    from sqlalchemy import select

    from gtpptppo_api.jobs import registry
    from gtpptppo_api.jobs.models import Job, JobStatus
    from gtpptppo_api.jobs.runner import perform

    registry.autodiscover()
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    start = time.perf_counter()
    cpu = time.process_time()
    pending = [job_id]
    while pending:
        for job in pending:
            await perform(job, sessions=sessions, lease_seconds=300, renew=True)
        async with sessions() as session:
            pending = list(
                (
                    await session.scalars(
                        select(Job.id).where(
                            Job.kind == service.RUN, Job.status == JobStatus.pending
                        )
                    )
                ).all()
            )
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    await engine.dispose()
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_rss": peak_rss()}))


def peak_rss() -> int:
    """The process's peak resident memory in bytes: Linux's VmHWM, that of this program
    since its exec (``ru_maxrss`` keeps the parent's at the fork, here the benchmark's with
    the whole workbook it generated)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


async def copy_baseline(url: str) -> float:
    """The same rows, as tuples, copied into the same tables (emptied first)."""
    connection = await asyncpg.connect(_dsn(url))
    try:
        records = {}
        columns_of = {}
        for table in TABLES:
            rows = await connection.fetch(f'SELECT * FROM "{table}"')
            columns_of[table] = list(rows[0].keys()) if rows else []
            records[table] = [tuple(row.values()) for row in rows]
        await connection.execute("TRUNCATE victim_case CASCADE")
        start = time.perf_counter()
        async with connection.transaction():
            for table in TABLES:
                if records[table]:
                    await connection.copy_records_to_table(
                        table, records=records[table], columns=columns_of[table]
                    )
        return time.perf_counter() - start
    finally:
        await connection.close()


async def main() -> None:
    content = workbook(N_ROWS)
    async with database("postgresql") as url:
        import_id, job_id = await upload(url, content)
        env = {**os.environ, "GTPPTPPO_DATABASE_URL": url, "GTPPTPPO_ENCRYPTION_KEY": KEY}
        run = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, *PROFILE, "-m", "bench.bench_imports", "worker", url, str(job_id)],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        if run.returncode != 0:
            sys.exit(f"the worker failed:\n{run.stderr}")
        figures = json.loads(run.stdout.strip().splitlines()[-1])
        engine = create_engine(url)
        async with create_sessionmaker(engine)() as session:
            item = await session.get(CaseImport, import_id)
            assert item is not None
            assert (item.state, item.created) == ("done", N_ROWS), (item.state, item.problem)
        await engine.dispose()
        copy_seconds = await copy_baseline(url)
    imported = N_ROWS / figures["seconds"]
    copied = N_ROWS / copy_seconds
    ratio = imported / copied
    mib = figures["peak_rss"] / 2**20
    print(f"import of {N_ROWS:,} XLSX rows through the worker")
    print(
        f"  worker import   {figures['seconds']:8.2f} s  {imported:10,.0f} rows/s"
        f"  (worker CPU {figures['cpu']:.2f} s)"
    )
    print(f"  raw COPY        {copy_seconds:8.2f} s  {copied:10,.0f} rows/s")
    verdict = "ok" if ratio >= TARGET_RATIO else "BELOW TARGET"
    print(f"  ratio {ratio:.3f}x of COPY (target >= {TARGET_RATIO}x): {verdict}")
    verdict = "ok" if mib < TARGET_MIB else "ABOVE TARGET"
    print(f"  worker peak RSS {mib:.0f} MiB (target < {TARGET_MIB} MiB): {verdict}")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "worker":
        asyncio.run(worker(sys.argv[2], int(sys.argv[3])))
    else:
        asyncio.run(main())
