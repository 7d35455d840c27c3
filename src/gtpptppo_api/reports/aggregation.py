"""Every roll-up query of a report, SQL-first (GROUP BY over the region subtree).

The figures of a report are computed at generation time from the live records of the task
force's whole region subtree; the reports of the level below are read as they were
forwarded (their frozen versions), so the two can be reconciled.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from sqlalchemy import Select, and_, case, false, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from gtpptppo_api.cases.models import Case, ExploitationType, ServiceType, bit
from gtpptppo_api.db.planner import by_index
from gtpptppo_api.regions import service as regions_service
from gtpptppo_api.regions.models import Region
from gtpptppo_api.reports.models import (
    NarrativeState,
    Report,
    ReportState,
    ReportVersion,
    SubTaskForceReport,
)
from gtpptppo_api.reports.sections import action_plans as action_plans_section
from gtpptppo_api.reports.sections import agreements as agreements_section
from gtpptppo_api.reports.sections import capacity as capacity_section
from gtpptppo_api.reports.sections import facilities as facilities_section
from gtpptppo_api.reports.sections import meetings as meetings_section
from gtpptppo_api.statistics import service as statistics
from gtpptppo_api.task_forces.models import SubTaskForce, TaskForce, TaskForceStatus

IN_STATES = (ReportState.forwarded, ReportState.received)
HIGHLIGHT_CHARS = 240


def _plain(value: Any) -> Any:
    return getattr(value, "value", value)


COUNTED = (
    ("by_service", "service", ServiceType, Case.service_mask),
    ("by_exploitation_type", "exploitation_type", ExploitationType, Case.exploitation_mask),
)


# Every service and exploitation type with the bit-set column that holds it.
COUNTED_MEMBERS = [(member, mask) for _, _, enum_, mask in COUNTED for member in enum_]


def _has(mask: Any, member: enum.Enum) -> ColumnElement[bool]:
    has: ColumnElement[bool] = mask.op("&")(bit(member)) != 0
    return has


def _region_below(root: str) -> Callable[[str], str]:
    """Python's twin of ``statistics.region_key``: a case's region code to the region one
    level below ``root`` that holds it (applied to aggregated cells, never to cases)."""
    if root == regions_service.NATIONAL:
        return lambda code: code[:2]
    return lambda code: code


def _counted_label(member: enum.Enum) -> str:
    return f"{type(member).__name__}_{member.value}"


def _key_label(member: enum.Enum) -> str:
    return f"key_{_counted_label(member)}"


def _in_period(root: str, first: int, last: int) -> list[Any]:
    """The cases of the subtree whose incident falls in the years (Table 1 "Tahun Kejadian"),
    by the identification year where the incident year is unknown."""
    return statistics.case_filters(root, first, last, year=Case.incident_basis_year)


def plain_cells_query(root: str, years: list[int]) -> Select[Any]:
    """The cases that are each a victim of their own (``victim_shared`` false) counted per
    finest cell by full region code and per pair of bit sets (exploitation types, services),
    with the sum of their record keys.

    Its columns and filter are those of the partial index ``ix_victim_case_plain_cells``, in
    its order, so the database reads that index alone and needs no sort.
    """
    cell: tuple[Any, ...] = (
        Case.incident_basis_year.label("year"),
        Case.age_group,
        Case.sex,
        Case.registered_region_code.label("region"),
        Case.exploitation_mask,
        Case.service_mask,
    )
    return (
        select(*cell, func.count().label("records"), func.sum(Case.record_key).label("key"))
        .where(*_in_period(root, years[0], years[-1]), Case.victim_shared == false())
        .group_by(*cell)
    )


async def victims(session: AsyncSession, root: str, years: list[int]) -> dict[str, Any]:
    """The victim statistics over the subtree: Table 1 cells, and by region, service, type.

    Cases count in the year of the incident (Table 1 "Tahun Kejadian"), or of their
    identification where the incident year is unknown (``incident_year_unknown`` of them):
    the analysts' statistics with ``year_basis=incident``, cell for cell.

    A victim is counted once per cell of the finest grain (year x age group x sex x region
    below ``root``): the same NIK in the same year is one victim (``victim_key``); Table 1,
    the regional table and the totals are sums of those cells, so they add up. By service
    and by exploitation type, a victim counts once under each service or type received.
    Beside every count, the sum of its victims' record keys (``key``, ``total_key``): what
    the public version perturbs by cell key (``publishing.figures``).

    The cases that are a victim of their own (most of them) are plain counts: one ordered
    read of the partial index ``ix_victim_case_plain_cells`` counts them per finest cell and
    pair of bit sets (rolled up in Python over those few groups). Only the few cases whose
    victim has another case (``victim_shared``) are de-duplicated, from their own partial
    index: distinct victims per finest cell, and per service and type over the subtree, each
    with the victim's key (``statistics.victim_keys_query``). A case a secretariat linked
    to another (``cases.links``) is shared, so it is de-duplicated with the others.
    """
    first, last = years[0], years[-1]
    region = statistics.region_key(root).label("region")
    finest = (Case.incident_basis_year.label("year"), Case.age_group, Case.sex, region)
    where = _in_period(root, first, last)
    shared = (*where, Case.victim_shared == true())
    keys = statistics.victim_keys_query()
    per_victim = (
        select(*finest, Case.victim_key, func.count().label("records"))
        .where(*shared)
        .group_by(*finest, Case.victim_key)
        .subquery("per_victim")
    )
    cell_columns = [per_victim.c[name] for name in ("year", "age_group", "sex", "region")]
    shared_cells = (
        select(
            *cell_columns,
            func.count().label("victims"),
            func.sum(per_victim.c.records).label("records"),
            func.sum(keys.c.record_key).label("key"),
        )
        .join_from(per_victim, keys, keys.c.victim_key == per_victim.c.victim_key)
        .group_by(*cell_columns)
    )
    # per shared victim over the whole subtree: whether it received each service / suffered
    # each type
    per_shared_victim = (
        select(
            Case.victim_key,
            *[
                func.max(case((_has(mask, member), 1), else_=0)).label(_counted_label(member))
                for member, mask in COUNTED_MEMBERS
            ],
        )
        .where(*shared)
        .group_by(Case.victim_key)
        .subquery("per_shared_victim")
    )
    shared_counted = select(
        *[
            func.coalesce(func.sum(per_shared_victim.c[_counted_label(member)]), 0).label(
                _counted_label(member)
            )
            for member, _ in COUNTED_MEMBERS
        ],
        *[
            func.coalesce(
                func.sum(
                    case(
                        (per_shared_victim.c[_counted_label(member)] == 1, keys.c.record_key),
                        else_=0,
                    )
                ),
                0,
            ).label(_key_label(member))
            for member, _ in COUNTED_MEMBERS
        ],
    ).join_from(per_shared_victim, keys, keys.c.victim_key == per_shared_victim.c.victim_key)

    below = _region_below(root)
    # per finest cell, and per pair of bit sets: [victims, key sum]
    finest_cells: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0])
    by_masks: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    records = 0
    for row in await session.execute(plain_cells_query(root, years)):
        count, key = int(row.records), int(row.key)
        found = finest_cells[(row.year, _plain(row.age_group), _plain(row.sex), below(row.region))]
        found[0] += count
        found[1] += key
        masks = by_masks[(int(row.exploitation_mask), int(row.service_mask))]
        masks[0] += count
        masks[1] += key
        records += count
    counted: dict[str, int] = {}
    for member, mask in COUNTED_MEMBERS:
        is_types = mask is Case.exploitation_mask
        member_bit = bit(member)
        found_masks = [
            totals
            for (types, services), totals in by_masks.items()
            if (types if is_types else services) & member_bit
        ]
        counted[_counted_label(member)] = sum(n for n, _ in found_masks)
        counted[_key_label(member)] = sum(k for _, k in found_masks)
    async with by_index(session):  # the few shared cases, from their partial index
        for row in await session.execute(shared_cells):
            found = finest_cells[(row.year, _plain(row.age_group), _plain(row.sex), row.region)]
            found[0] += row.victims
            found[1] += int(row.key)
            records += int(row.records)
        for name, value in (await session.execute(shared_counted)).one()._mapping.items():
            counted[name] += int(value or 0)
    cells: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0])
    regions: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for cell_key, (count, key_sum) in finest_cells.items():
        for target in (cells[cell_key[:3]], regions[cell_key[3]]):
            target[0] += int(count)
            target[1] += key_sum
    names = {code: name for code, name in await session.execute(select(Region.code, Region.name))}
    total = sum(count for count, _ in cells.values())
    result: dict[str, Any] = {
        "cells": [
            {"year": year, "age_group": age_group, "sex": sex, "count": count, "key": key}
            for (year, age_group, sex), (count, key) in sorted(cells.items())
        ],
        "by_region": [
            {"region_code": code, "region_name": names.get(code, ""), "count": count, "key": key}
            for code, (count, key) in sorted(regions.items())
        ],
    }
    for table, field, enum_, _ in COUNTED:
        result[table] = [
            {
                field: member.value,
                "count": counted[_counted_label(member)],
                "key": counted[_key_label(member)],
            }
            for member in sorted(enum_, key=lambda m: str(m.value))
            if counted[_counted_label(member)]
        ]
    result["total"] = total
    result["total_key"] = sum(key for _, key in cells.values())
    result["merged_records"] = records - total
    result["year_basis"] = "incident"
    result["incident_year_unknown"] = int(
        await session.scalar(
            select(func.count()).where(*where, Case.incident_year.is_(None)).select_from(Case)
        )
        or 0
    )
    return result


# The tables of law enforcement and of the routes (§2.x.2, §2.x.4 c 6 h-i): the statistics
# group, and the field that names its rows.
ROUTE_TABLES = (
    ("by_legal_stage", "legal_stage", "legal_stage"),
    ("by_origin_region", "origin_region", "region_code"),
    ("by_transit_region", "transit_region", "region_code"),
    ("by_transit_country", "transit_country", "country"),
    ("by_destination_region", "destination_region", "region_code"),
    ("by_destination_country", "destination_country", "country"),
)


async def routes(session: AsyncSession, root: str, years: list[int]) -> dict[str, Any]:
    """Victims by legal stage, and by the provinces and countries of origin, transit and
    destination (monitoring of law enforcement and the mapping of routes, Permen PPPA
    10/2012 §2.x.2, §2.x.4 c 6 h-i), counted as the statistics count them with
    ``year_basis=incident``; a victim counts once per value, null where it is unknown."""
    provinces = select(Region.code, Region.name).where(
        Region.parent_code == regions_service.NATIONAL
    )
    names = {code: name for code, name in await session.execute(provinces)}
    result: dict[str, Any] = {}
    for table, group, field in ROUTE_TABLES:
        counted = await statistics.count_victims(
            session, root, [group], years[0], years[-1], basis="incident"
        )
        rows = []
        for (value,), (_, victims_, _key) in sorted(
            counted.items(), key=lambda item: (item[0][0] is None, str(item[0][0]))
        ):
            row: dict[str, Any] = {field: value}
            if field == "region_code":
                row["region_name"] = names.get(value) if value is not None else None
            rows.append({**row, "count": victims_})
        result[table] = rows
    return result


# The tables of the case standard's details (HTCDS 2.0): the statistics group each counts
# by, which is also the field naming its rows.
DETAIL_TABLES = (
    ("by_control_method", "control_method"),
    ("by_recruitment_method", "recruitment_method"),
    ("by_perpetrator_relationship", "perpetrator_relationship"),
    ("by_sector", "sector"),
    ("by_transit", "transit"),
)


async def case_details(session: AsyncSession, root: str, years: list[int]) -> dict[str, Any]:
    """Victims by means of control, recruitment method, the perpetrators' relationship to
    the victim, sector of forced labour (ISIC Rev. 4) and transit (HTCDS 2.0), counted as
    the statistics count them with ``year_basis=incident``: a victim counts once under each
    value its cases recorded, not at all in a table of a detail they recorded none of
    (transit: once, with or without). Beside each count, its cell's key sum, so that the
    public version perturbs the very cell an analyst's statistics show
    (``publishing.figures``); only the values found are listed."""
    result: dict[str, Any] = {}
    for table, group in DETAIL_TABLES:
        counted = await statistics.count_victims(
            session, root, [group], years[0], years[-1], basis="incident"
        )
        result[table] = [
            {group: value, "count": victims_, "key": key}
            for (value,), (_, victims_, key) in sorted(counted.items(), key=lambda i: str(i[0]))
            if victims_
        ]
    return result


async def narratives(
    session: AsyncSession, task_force_id: int, kind: str, year: int
) -> list[dict[str, Any]]:
    """The sub-task-forces' submitted narratives for the period."""
    rows = await session.execute(
        select(SubTaskForceReport, SubTaskForce.name, SubTaskForce.kind)
        .join(SubTaskForce, SubTaskForce.id == SubTaskForceReport.sub_task_force_id)
        .where(
            SubTaskForceReport.task_force_id == task_force_id,
            SubTaskForceReport.kind == kind,
            SubTaskForceReport.year == year,
            SubTaskForceReport.state == NarrativeState.submitted,
        )
        .order_by(SubTaskForce.id)
    )
    return [
        {
            "sub_task_force_id": narrative.sub_task_force_id,
            "sub_task_force_name": name,
            "kind": _plain(unit_kind),
            "activities": narrative.activities,
            "obstacles": narrative.obstacles,
            "recommendations": narrative.recommendations,
            "submitted_at": narrative.submitted_at.isoformat() if narrative.submitted_at else None,
        }
        for narrative, name, unit_kind in rows
    ]


async def completeness(
    session: AsyncSession, region_code: str, kind: str, year: int
) -> dict[str, Any]:
    """Which reports of the level below are in (forwarded or received), which are missing,
    and which regions have no task force at all (a reporting-rate table)."""
    child_tf = (
        select(TaskForce.id, TaskForce.region_code)
        .where(TaskForce.status == TaskForceStatus.active)
        .subquery()
    )
    child_report = select(Report).where(Report.kind == kind, Report.year == year).subquery()
    query = (
        select(
            Region.code,
            Region.name,
            child_tf.c.id.label("task_force_id"),
            child_report.c.id.label("report_id"),
            child_report.c.state,
            ReportVersion.content_hash,
            ReportVersion.figures,
        )
        .outerjoin(child_tf, child_tf.c.region_code == Region.code)
        .outerjoin(child_report, child_report.c.task_force_id == child_tf.c.id)
        .outerjoin(
            ReportVersion,
            and_(
                ReportVersion.report_id == child_report.c.id,
                ReportVersion.number == child_report.c.frozen_version,
            ),
        )
        .where(Region.parent_code == region_code)
        .order_by(Region.code)
    )
    rows = []
    for r in await session.execute(query):
        state = _plain(r.state) if r.state is not None else None
        if r.task_force_id is None:
            status = "no_task_force"
        elif state in IN_STATES:
            status = "in"
        else:
            status = "missing"
        rows.append(
            {
                "region_code": r.code,
                "region_name": r.name,
                "task_force_id": r.task_force_id,
                "report_id": r.report_id,
                "state": state,
                "version_hash": r.content_hash if status == "in" else None,
                "highlights": _highlights(r.figures) if status == "in" else None,
                "forwarded_total": (
                    r.figures.get("victims", {}).get("total")
                    if status == "in" and r.figures
                    else None
                ),
                "status": status,
            }
        )
    expected = sum(1 for row in rows if row["status"] != "no_task_force")
    received = sum(1 for row in rows if row["status"] == "in")
    return {
        "expected": expected,
        "received": received,
        "rate": round(received / expected, 4) if expected else None,
        "rows": rows,
    }


def _highlights(figures: dict[str, Any] | None) -> str | None:
    if not figures:
        return None
    texts = [
        n.get("recommendations") or n.get("activities") or "" for n in figures.get("narratives", [])
    ]
    text = " / ".join(t.strip() for t in texts if t and t.strip())
    if not text:
        return None
    return text if len(text) <= HIGHLIGHT_CHARS else text[: HIGHLIGHT_CHARS - 1] + "…"


def reconciliation(
    completeness_rows: list[dict[str, Any]], by_region: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Per child whose report is in: its forwarded total against the live total for its
    region now (late or corrected cases show as a difference)."""
    live = {row["region_code"]: row["count"] for row in by_region}
    result = []
    for row in completeness_rows:
        if row["status"] != "in" or row["forwarded_total"] is None:
            continue
        live_total = live.get(row["region_code"], 0)
        result.append(
            {
                "region_code": row["region_code"],
                "region_name": row["region_name"],
                "forwarded_total": row["forwarded_total"],
                "live_total": live_total,
                "difference": live_total - row["forwarded_total"],
            }
        )
    return result


async def sections(session: AsyncSession, task_force_id: int, years: list[int]) -> dict[str, Any]:
    """The other domains' figures for the period (each computed in SQL, ``reports.sections``),
    as JSON."""
    action_plans = await action_plans_section.report_section(
        session, task_force_id, years[0], years=len(years)
    )
    result: dict[str, Any] = {"action_plans": action_plans.model_dump(mode="json")}
    if len(years) == 1:
        # the annual report does not judge its own "annual report submitted" (3.3.3)
        meetings = await meetings_section.report_section(
            session, task_force_id, years[0], in_annual_report=True
        )
        result["meetings"] = meetings.model_dump(mode="json")
    else:
        result["meetings"] = {
            str(y): (await meetings_section.report_section(session, task_force_id, y)).model_dump(
                mode="json"
            )
            for y in years
        }
    for name, module in (
        ("agreements", agreements_section),
        ("capacity", capacity_section),
        ("facilities", facilities_section),
    ):
        if len(years) == 1:
            section = await module.report_section(session, task_force_id, years[0])
            result[name] = section.model_dump(mode="json")
        else:
            result[name] = {
                str(y): (await module.report_section(session, task_force_id, y)).model_dump(
                    mode="json"
                )
                for y in years
            }
    return result


async def figures(session: AsyncSession, report: Report, task_force: TaskForce) -> dict[str, Any]:
    """Everything a report states, computed now."""
    years = report.years
    victim_figures = await victims(session, task_force.region_code, years)
    victim_figures.update(await case_details(session, task_force.region_code, years))
    children = await completeness(session, task_force.region_code, report.kind, report.year)
    return {
        "victims": victim_figures,
        "narratives": await narratives(session, task_force.id, report.kind, report.year),
        "completeness": children,
        "reconciliation": reconciliation(children["rows"], victim_figures["by_region"]),
        "sections": {
            **await sections(session, task_force.id, years),
            "routes": await routes(session, task_force.region_code, years),
        },
    }
