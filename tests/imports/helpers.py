"""Files to import, and running the import's job as a worker would."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api import jobs
from gtpptppo_api.imports import columns
from gtpptppo_api.imports.reader import XLSX_TYPE
from gtpptppo_api.jobs.models import Job, JobStatus

CSV_TYPE = "text/csv"


def flat(body: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A push body as the cells of a row, by column path."""
    cells: dict[str, Any] = {}
    for key, value in body.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            cells.update(flat(value, f"{path}."))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, dict):
                    cells.update(flat(item, f"{path}.{i}."))
                else:
                    cells[f"{path}.{i}"] = item
        else:
            cells[path] = value
    return cells


def csv_file(bodies: list[dict[str, Any]], paths: list[str] | None = None) -> bytes:
    paths = paths or [c.path for c in columns.columns()]
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(paths)
    for body in bodies:
        cells = flat(body)
        writer.writerow([cells.get(p, "") for p in paths])
    return text.getvalue().encode()


async def upload(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    centre_id: int,
    content: bytes,
    content_type: str = CSV_TYPE,
) -> httpx.Response:
    return await client.post(
        f"/service-centres/{centre_id}/imports",
        content=content,
        headers={**headers, "Content-Type": content_type},
    )


async def run_jobs(session: AsyncSession, rounds: int = 20) -> None:
    """Run pending jobs until none is left: a retry after a failed attempt, or the new job
    an import hands its rest to."""
    for _ in range(rounds):
        await jobs.run_pending(session)
        pending = await session.scalar(
            select(func.count()).select_from(Job).where(Job.status == JobStatus.pending)
        )
        if not pending:
            return


async def imported(
    client: httpx.AsyncClient,
    session: AsyncSession,
    headers: dict[str, str],
    centre_id: int,
    content: bytes,
    content_type: str = CSV_TYPE,
) -> dict[str, Any]:
    """Upload, let the worker run, and answer the finished import."""
    response = await upload(client, headers, centre_id, content, content_type)
    assert response.status_code == 202, response.text
    await run_jobs(session)
    done = await client.get(response.headers["Location"].removeprefix("/api/v1"), headers=headers)
    assert done.status_code == 200, done.text
    result: dict[str, Any] = done.json()
    return result


__all__ = ["CSV_TYPE", "XLSX_TYPE", "csv_file", "flat", "imported", "run_jobs", "upload"]


def xlsx_file(
    rows: list[list[Any]],
    *,
    formulas: dict[tuple[int, int], tuple[str, Any]] | None = None,
    merged: list[tuple[int, int, int, int, Any]] | None = None,
    sheet: str = "Kasus",
) -> bytes:
    """A workbook of ``rows`` (cells as given; dates as dates), with formulas (and their
    computed values) and merged ranges."""
    import datetime as dt

    import xlsxwriter

    output = io.BytesIO()
    with xlsxwriter.Workbook(output, {"in_memory": True}) as book:
        ws = book.add_worksheet(sheet)
        day = book.add_format({"num_format": "yyyy-mm-dd"})
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.date):
                    ws.write_datetime(r, c, value, day)
                elif value is not None and value != "":
                    ws.write(r, c, value)
        for (r, c), (formula, value) in (formulas or {}).items():
            ws.write_formula(r, c, formula, None, value)
        for r0, c0, r1, c1, value in merged or []:
            ws.merge_range(r0, c0, r1, c1, value)
    return output.getvalue()


def sheet_rows(bodies: list[dict[str, Any]], paths: list[str] | None = None) -> list[list[Any]]:
    """The template's header (labels, then paths) and a row per body."""
    paths = paths or [c.path for c in columns.columns()]
    labels = [columns.by_path()[p].label for p in paths]
    return [labels, paths, *([flat(b).get(p) for p in paths] for b in bodies)]
