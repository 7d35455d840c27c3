"""De-identified case rows: for analysts, a k-anonymous release (``disclosure.release``).

A row carries no personal field and no exact date: the year of identification, the region,
age group, sex, nationality, exploitation types, destination and services (the
quasi-identifiers, generalised where needed), and the legal stage and status. For analysts
every combination of the quasi-identifiers in the release is shared by at least
``GTPPTPPO_EXPORT_K`` records; nothing says how many records were withheld. The release is
computed over every case of the years asked for, whatever the region asked for, and then
filtered by the region as released: two exports of different regions are cut from one
release. National administrators get every row at its finest (they keep exact figures).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.auth.models import Role
from gtpptppo_api.auth.service import Caller
from gtpptppo_api.cases.models import Case, ExploitationType, ServiceType
from gtpptppo_api.disclosure.release import DOMESTIC, SUPPRESSED, Combination, assign
from gtpptppo_api.regions import service as regions
from gtpptppo_api.statistics.service import case_filters, resolve_scope

COLUMNS = (
    "year",
    "region_code",
    "age_group",
    "sex",
    "nationality",
    "destination",
    "exploitation_types",
    "services",
    "legal_stage",
    "status",
)
_FINEST = (
    Case.identified_year,
    Case.registered_region_code,
    Case.age_group,
    Case.sex,
    Case.nationality,
    Case.exploitation_mask,
    Case.destination_country,
    Case.destination_region_code.is_not(None),
    Case.service_mask,
)


def _members(mask: int, cls: type[ExploitationType] | type[ServiceType]) -> str:
    return ";".join(sorted(m.value for i, m in enumerate(cls) if mask >> i & 1))


def _plain(value: Any) -> str:
    return str(getattr(value, "value", value))


def combination(row: Any) -> Combination:
    """A case's finest combination, from the columns of ``_FINEST`` in order."""
    year, region, age_group, sex, nationality, types, country, domestic, services = row[:9]
    return Combination(
        year=int(year),
        region=region,
        age_group=_plain(age_group),
        sex=_plain(sex),
        nationality=nationality,
        exploitation_types=_members(int(types or 0), ExploitationType),
        destination=country or (DOMESTIC if domestic else ""),
        services=_members(int(services or 0), ServiceType),
    )


@dataclass(frozen=True)
class Release:
    """What an export streams: the rows of ``query``, each as its combination is released
    (``released``; ``None``: every row at its finest), within ``root``."""

    query: Select[Any]
    root: str
    released: dict[Combination, Combination] | None


def _within(region: str, root: str) -> bool:
    if root == regions.NATIONAL:
        return True
    return region != SUPPRESSED and regions.in_subtree(region, root)


async def prepare(
    session: AsyncSession,
    caller: Caller,
    *,
    region_code: str | None,
    from_year: int | None,
    to_year: int | None,
    k: int,
) -> Release:
    root = await resolve_scope(session, caller, region_code)
    # A case whose processing its victim restricted counts in aggregates only (UU 27/2022).
    rows: Select[Any] = select(*_FINEST, Case.legal_stage, Case.status).where(  # type: ignore[assignment]
        *case_filters(root, from_year, to_year), Case.restricted_at.is_(None)
    )
    query = rows.order_by(Case.identified_year, Case.registered_region_code, Case.id)
    if caller.role is Role.national_admin:
        return Release(query, root, None)
    everywhere = case_filters(regions.NATIONAL, from_year, to_year)
    counts = {
        combination(row): int(row[-1])
        for row in await session.execute(
            select(*_FINEST, func.count()).where(*everywhere).group_by(*_FINEST)
        )
    }
    return Release(query, root, assign(counts, k))


def released_rows(release: Release, records: Iterable[Any]) -> Iterable[dict[str, Any]]:
    for record in records:
        shown = combination(record)
        if release.released is not None:
            found = release.released.get(shown)
            if found is None or not _within(found.region, release.root):
                continue
            shown = found
        yield {
            **shown._asdict(),
            "region_code": shown.region,
            "legal_stage": _plain(record.legal_stage),
            "status": _plain(record.status),
        }


async def _records(session: AsyncSession, release: Release) -> AsyncIterator[list[Any]]:
    result = await session.stream(release.query.execution_options(yield_per=1000))
    async for partition in result.partitions(1000):
        yield list(partition)


async def stream_csv(session: AsyncSession, release: Release) -> AsyncIterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    async for records in _records(session, release):
        for row in released_rows(release, records):
            writer.writerow([row[c] for c in COLUMNS])
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


async def stream_ndjson(session: AsyncSession, release: Release) -> AsyncIterator[str]:
    async for records in _records(session, release):
        lines = [
            json.dumps({c: row[c] for c in COLUMNS}, separators=(",", ":"))
            for row in released_rows(release, records)
        ]
        if lines:
            yield "\n".join(lines) + "\n"
