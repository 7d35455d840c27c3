"""Victim counts, grouped in SQL over a region's whole subtree (DESIGN rule 9, Table 1).

Statistics count victims, not records: cases with the same NIK (matched through the blind
index) identified in the same year count once, even across centres (``victim_key``).
A case with several exploitation types or services counts once under each of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, distinct, false, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.auth.models import Role
from gtpptppo_api.auth.service import Caller
from gtpptppo_api.cases.models import Case, CaseCell, CaseExploitation, CaseService
from gtpptppo_api.db.planner import by_index
from gtpptppo_api.errors import Forbidden, ValidationFailed
from gtpptppo_api.regions import service as regions
from gtpptppo_api.statistics.suppression import suppress

GROUPS = ("year", "age_group", "sex", "region", "exploitation_type", "service")
MULTI_VALUED = frozenset({"exploitation_type", "service"})


def parse_group_by(values: Sequence[str]) -> list[str]:
    groups: list[str] = []
    for value in values:
        for name in value.split(","):
            name = name.strip()
            if not name:
                continue
            if name not in GROUPS:
                raise ValidationFailed.field(
                    "group_by", f"{name!r} is not one of {', '.join(GROUPS)}"
                )
            if name not in groups:
                groups.append(name)
    return groups


def region_key(root: str, column: Any = Case.registered_region_code) -> Any:
    """The region one level below ``root`` that holds the case (or ``root`` itself)."""
    if root == regions.NATIONAL:
        return func.substr(column, 1, 2)
    return column


async def resolve_scope(session: AsyncSession, caller: Caller, region_code: str | None) -> str:
    """The region whose subtree is counted: the one asked for, within the jurisdiction."""
    root = region_code or caller.scope_code
    known = root == regions.NATIONAL or await regions.get(session, root) is not None
    if not known:
        raise ValidationFailed.field("region_code", f"unknown region code {region_code!r}")
    if not caller.covers(root):
        raise Forbidden(f"The region {root} is outside your jurisdiction.")
    return root


def case_filters(
    root: str,
    from_year: int | None,
    to_year: int | None,
    region: Any = Case.registered_region_code,
    year: Any = Case.identified_year,
) -> list[Any]:
    """The cases (or cells: their ``region`` and ``year`` columns) registered in ``root``'s
    subtree and identified within the years."""
    clauses: list[Any] = [regions.subtree_clause(region, root)]
    if from_year is not None:
        clauses.append(year >= from_year)
    if to_year is not None:
        clauses.append(year <= to_year)
    return clauses


def _grouped(
    root: str, groups: Sequence[str], from_year: int | None, to_year: int | None, *counts: Any
) -> Select[Any]:
    columns: dict[str, Any] = {
        "year": Case.identified_year,
        "age_group": Case.age_group,
        "sex": Case.sex,
        "region": region_key(root),
        "exploitation_type": CaseExploitation.exploitation_type,
        "service": CaseService.service_type,
    }
    labelled = [columns[g].label(g) for g in groups]
    query = select(*labelled, *counts).select_from(Case)
    if "exploitation_type" in groups:
        query = query.join(CaseExploitation, CaseExploitation.case_id == Case.id)
    if "service" in groups:
        query = query.join(CaseService, CaseService.case_id == Case.id)
    query = query.where(*case_filters(root, from_year, to_year))
    if labelled:
        query = query.group_by(*labelled)
    return query


def records_query(
    root: str, groups: Sequence[str], from_year: int | None, to_year: int | None
) -> Select[Any]:
    """Per cell: its cases, and those that are a victim of their own (key not shared).

    A plain count, which the database does by hashing the cells: no sort of the cases.
    """
    return _grouped(
        root,
        groups,
        from_year,
        to_year,
        func.count().label("records"),
        func.count().filter(Case.victim_shared.is_(false())).label("single"),
    )


# What the cells of ``CaseCell`` hold: a grouping by these alone sums cells, not cases.
CELL_GROUPS = frozenset({"year", "age_group", "sex", "region"})


def cells_query(
    root: str, groups: Sequence[str], from_year: int | None, to_year: int | None
) -> Select[Any]:
    """``records_query`` from the cells: per group, the sums of its cells' counts."""
    columns: dict[str, Any] = {
        "year": CaseCell.year,
        "age_group": CaseCell.age_group,
        "sex": CaseCell.sex,
        "region": region_key(root, CaseCell.region_code),
    }
    labelled = [columns[g].label(g) for g in groups]
    records = func.coalesce(func.sum(CaseCell.records), 0)
    query = select(
        *labelled,
        records.label("records"),
        func.coalesce(func.sum(CaseCell.single), 0).label("single"),
    ).where(*case_filters(root, from_year, to_year, CaseCell.region_code, CaseCell.year))
    if labelled:
        # a cell whose cases have all moved elsewhere stays, at zero: not a group
        query = query.group_by(*labelled).having(records > 0)
    return query


def shared_victims_query(
    root: str, groups: Sequence[str], from_year: int | None, to_year: int | None
) -> Select[Any]:
    """Per cell: the victims among the cases whose key is shared, each counted once."""
    query = _grouped(
        root, groups, from_year, to_year, func.count(distinct(Case.victim_key)).label("victims")
    )
    # ``= true``, the partial index's own condition, so that both databases take it
    return query.where(Case.victim_shared == true())


def totals_query(root: str, from_year: int | None, to_year: int | None) -> Select[int, int]:
    """Cases and victims of the whole scope (when cells overlap, their sums would not do)."""
    return select(
        func.count(),
        func.count().filter(Case.victim_shared.is_(false()))
        + func.count(distinct(Case.victim_key)).filter(Case.victim_shared.is_(true())),
    ).where(*case_filters(root, from_year, to_year))


async def victim_statistics(
    session: AsyncSession,
    caller: Caller,
    *,
    region_code: str | None,
    from_year: int | None,
    to_year: int | None,
    group_by: Sequence[str],
    threshold: int,
) -> dict[str, Any]:
    """Counts of victims per cell; for analysts, small cells are suppressed."""
    root = await resolve_scope(session, caller, region_code)
    if from_year is not None and to_year is not None and from_year > to_year:
        raise ValidationFailed.field("to_year", "must not precede from_year")
    groups = parse_group_by(group_by)
    # A cell's victims: its cases that are a victim of their own, plus the distinct keys of
    # those whose key is shared (the same NIK in the same year in another case too).
    counted = cells_query if CELL_GROUPS.issuperset(groups) else records_query
    rows = (await session.execute(counted(root, groups, from_year, to_year))).all()
    shared: dict[tuple[Any, ...], int] = {}
    # Cases whose key is shared are counted apart; when every group's cases are all single
    # (the same snapshot), there are none in these groups, and nothing to ask.
    if any(row.records != row.single for row in rows):
        async with by_index(session):  # the few shared cases, from their partial index
            shared_rows = await session.execute(
                shared_victims_query(root, groups, from_year, to_year)
            )
        shared = {tuple(row[: len(groups)]): row.victims for row in shared_rows}
    cells: list[dict[str, Any]] = []
    for row in rows:
        cell = tuple(row[: len(groups)])
        cells.append(
            {
                **{g: _plain(v) for g, v in zip(groups, cell, strict=True)},
                "count": row.single + shared.get(cell, 0),
            }
        )
    cells.sort(key=lambda c: tuple(c[g] for g in groups))
    if MULTI_VALUED & set(groups):
        # cells overlap (a case under each of its types): count the totals apart
        records, victims = (await session.execute(totals_query(root, from_year, to_year))).one()
    else:
        # the cells partition the cases: the totals are their sums
        records, victims = sum(r.records for r in rows), sum(c["count"] for c in cells)
    merged: int | None = records - victims
    suppressed = 0
    if caller.role is Role.analyst:
        suppressed = suppress(cells, groups, threshold)
        if merged is not None and 0 < merged < threshold:
            merged = None
    return {
        "region_code": root,
        "group_by": groups,
        "cells": cells,
        "suppressed_cells": suppressed,
        "merged_records": merged,
    }


def _plain(value: Any) -> Any:
    return value.value if hasattr(value, "value") else value
