"""De-identified case rows, with small classes withheld.

A row carries no personal field and no exact date: the identification month, the region of
registration, the age group, sex, exploitation types, services, legal stage and status.
Those first four are the quasi-identifiers: a row whose combination of them is shared by
fewer cases than the suppression threshold is withheld, so that no victim is singled out.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.auth.service import Caller
from gtpptppo_api.cases.models import Case
from gtpptppo_api.statistics.service import case_filters, resolve_scope

COLUMNS = (
    "identification_month",
    "registered_region_code",
    "province_code",
    "age_group",
    "sex",
    "foreign_national",
    "origin_region_code",
    "destination",
    "exploitation_types",
    "services",
    "legal_stage",
    "status",
)
QUASI_IDENTIFIERS = (
    Case.identified_month,
    Case.registered_region_code,
    Case.age_group,
    Case.sex,
)


def rows_query(root: str, from_year: int | None, to_year: int | None, k: int) -> Select[Any]:
    class_size = func.count().over(partition_by=QUASI_IDENTIFIERS).label("class_size")
    inner = select(
        Case.identified_month,
        Case.registered_region_code,
        Case.age_group,
        Case.sex,
        Case.nationality,
        Case.origin_region_code,
        Case.destination_region_code,
        Case.destination_country,
        Case.exploitation_types,
        Case.services,
        Case.legal_stage,
        Case.status,
        Case.id,
        class_size,
    ).where(*case_filters(root, from_year, to_year))
    sub = inner.subquery()
    return (
        select(sub)
        .where(sub.c.class_size >= k)
        .order_by(sub.c.identified_month, sub.c.registered_region_code, sub.c.id)
    )


def withheld_query(root: str, from_year: int | None, to_year: int | None, k: int) -> Select[Any]:
    sizes = (
        select(func.count().label("n"))
        .select_from(Case)
        .where(*case_filters(root, from_year, to_year))
        .group_by(*QUASI_IDENTIFIERS)
        .subquery()
    )
    return select(func.coalesce(func.sum(sizes.c.n), 0)).where(sizes.c.n < k)


def _row(record: Any) -> dict[str, Any]:
    destination = record.destination_country or (
        f"region:{record.destination_region_code}" if record.destination_region_code else ""
    )
    return {
        "identification_month": record.identified_month,
        "registered_region_code": record.registered_region_code,
        "province_code": record.registered_region_code[:2],
        "age_group": str(
            record.age_group.value if hasattr(record.age_group, "value") else record.age_group
        ),
        "sex": str(record.sex.value if hasattr(record.sex, "value") else record.sex),
        "foreign_national": record.nationality != "ID",
        "origin_region_code": record.origin_region_code or "",
        "destination": destination,
        "exploitation_types": sorted(record.exploitation_types),
        "services": sorted({s["type"] for s in record.services}),
        "legal_stage": str(getattr(record.legal_stage, "value", record.legal_stage)),
        "status": str(getattr(record.status, "value", record.status)),
    }


async def prepare(
    session: AsyncSession,
    caller: Caller,
    *,
    region_code: str | None,
    from_year: int | None,
    to_year: int | None,
    threshold: int,
) -> tuple[Select[Any], int]:
    """The rows' query and how many rows are withheld (small classes)."""
    root = await resolve_scope(session, caller, region_code)
    withheld = int(await session.scalar(withheld_query(root, from_year, to_year, threshold)) or 0)
    return rows_query(root, from_year, to_year, threshold), withheld


async def stream_csv(session: AsyncSession, query: Select[Any]) -> AsyncIterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    result = await session.stream(query.execution_options(yield_per=1000))
    async for record in result:
        row = _row(record)
        writer.writerow(
            [
                ";".join(v) if isinstance(v, list) else str(v).lower() if isinstance(v, bool) else v
                for v in (row[c] for c in COLUMNS)
            ]
        )
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


async def stream_ndjson(session: AsyncSession, query: Select[Any]) -> AsyncIterator[str]:
    chunk: list[str] = []
    result = await session.stream(query.execution_options(yield_per=1000))
    async for record in result:
        chunk.append(json.dumps(_row(record), separators=(",", ":")))
        if len(chunk) >= 500:
            yield "\n".join(chunk) + "\n"
            chunk = []
    if chunk:
        yield "\n".join(chunk) + "\n"
