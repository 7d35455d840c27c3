"""Victim counts, grouped in SQL over a region's whole subtree (Permen PPPA 10/2012 Table 1).

Statistics count victims, not records: cases with the same NIK (matched through the blind
index) identified in the same year count once, even across centres (``victim_key``).
A case with several exploitation types or services counts once under each of them.

Beside each count, its cell's key sum: the record keys of its victims (a shared victim's key
is the smallest record key among its cases). For analysts every cell, totals included, is
published by cell key perturbation (``disclosure``); see ``docs/disclosure-control.md``.
"""

from __future__ import annotations

import enum
import functools
import itertools
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from sqlalchemy import CompoundSelect, Select, and_, case, false, func, literal, null, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from gtpptppo_api.auth import scope
from gtpptppo_api.auth.models import Role
from gtpptppo_api.auth.service import Caller
from gtpptppo_api.cases.cells import BASES
from gtpptppo_api.cases.htcds import ControlMethod, Industry, RecruitmentMethod, Relationship
from gtpptppo_api.cases.models import (
    AgeGroup,
    AttributeKind,
    Case,
    CaseAttribute,
    CaseExploitation,
    CaseService,
    CaseTransit,
    ExploitationType,
    LegalStage,
    ServiceType,
    Sex,
    TransitKind,
)
from gtpptppo_api.cases.schemas import COUNTRIES
from gtpptppo_api.db import planner
from gtpptppo_api.disclosure.control import EXACT, Control
from gtpptppo_api.errors import ValidationFailed
from gtpptppo_api.regions import service as regions
from gtpptppo_api.regions.models import Region

GROUPS = (
    "year",
    "age_group",
    "sex",
    "region",
    "exploitation_type",
    "service",
    # monitoring of law enforcement and the mapping of routes (§2.x.2, §2.x.4 c 6 h-i)
    "legal_stage",
    "origin_region",
    "transit_region",
    "transit_country",
    "destination_region",
    "destination_country",
    # the HTCDS 2.0 details of a case (``CaseAttribute``): a case counts under each of its
    # values, and not at all in a grouping by a detail it did not record
    "control_method",
    "recruitment_method",
    "perpetrator_relationship",
    "sector",
    # whether the victim was moved through a transit place (``TRANSIT_VALUES``): each case
    # once, under one of the two
    "transit",
)
# The HTCDS 2.0 details as counted, one alias per group, and each one's values.
ATTRIBUTES = {
    kind: aliased(CaseAttribute, name=f"attribute_{kind.value}") for kind in AttributeKind
}
ATTRIBUTE_VALUES: dict[AttributeKind, type[enum.Enum]] = {
    AttributeKind.control_method: ControlMethod,
    AttributeKind.recruitment_method: RecruitmentMethod,
    AttributeKind.perpetrator_relationship: Relationship,
    AttributeKind.sector: Industry,
}
MULTI_VALUED = frozenset(
    {"exploitation_type", "service", "transit_region", "transit_country", *AttributeKind}
)
# Groups of a value a case may lack (no origin or destination recorded): ``None`` is one of
# their values, "unknown".
OPTIONAL = frozenset({"origin_region", "destination_region", "destination_country"})
# The transit points as counted, one alias per group (a table may group by both).
TRANSIT = {kind: aliased(CaseTransit, name=f"transit_{kind.value}") for kind in TransitKind}
TRANSIT_ANY = aliased(CaseTransit, name="transit_any")
# ``transit``: a case that recorded a transit point (a ``victim_case_transit`` row, given
# or derived from its transit events), or none.
WITH_TRANSIT, WITHOUT_TRANSIT = "with_transit", "without_transit"
TRANSIT_VALUES = (WITH_TRANSIT, WITHOUT_TRANSIT)
# A perturbed table lists every combination of its groups (an absent one would say "none"):
# past this many cells, the request is refused.
MAX_PERTURBED_CELLS = 20_000
# The year a case counts in: that of its identification (the default, as the statistics
# always were), or that of the incident (Table 1 "Tahun Kejadian"), the identification year
# where the incident year is unknown.
YEAR_BASES = tuple(BASES)
DEFAULT_YEAR_BASIS = "identified"


class Reader(Protocol):
    """Where the statistics read their rows: the request's session (``SessionReader``), or
    a connection of the lean path (``statistics.lean``), in one snapshot either way."""

    async def rows(self, statement: Any, *, by_index: bool = False) -> Sequence[Sequence[Any]]:
        """The rows of ``statement``, by position, of plain values as a driver reads them
        (an enum's value, not its member: ``plain_rows``); ``by_index``: a lookup that a
        small index answers (``db.planner.by_index``)."""
        ...


class SessionReader:
    """A ``Reader`` over a session, which its owner goes on using: a planner setting ends
    with the statement it was made for."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def rows(self, statement: Any, *, by_index: bool = False) -> Sequence[Sequence[Any]]:
        if not by_index:
            return plain_rows(await self.session.execute(statement))
        async with planner.by_index(self.session):
            return plain_rows(await self.session.execute(statement))


def plain_rows(rows: Iterable[Sequence[Any]]) -> list[tuple[Any, ...]]:
    """Rows of SQLAlchemy's, an enum's value in place of its member."""
    return [tuple(map(_plain, row)) for row in rows]


def year_column(basis: str) -> Any:
    """The case's year on a year basis."""
    return Case.incident_basis_year if basis == "incident" else Case.identified_year


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
    return await _resolve_scope(SessionReader(session), caller, region_code)


@functools.lru_cache(maxsize=1024)
def _region_query(code: str) -> Select[Any]:
    return select(Region.code).where(Region.code == code)


@functools.lru_cache(maxsize=1024)
def _children_query(code: str) -> Select[Any]:
    return select(Region.code).where(Region.parent_code == code)


async def _resolve_scope(reader: Reader, caller: Caller, region_code: str | None) -> str:
    root = region_code or caller.scope_code
    known = root == regions.NATIONAL or bool(await reader.rows(_region_query(root)))
    if not known:
        raise ValidationFailed.field("region_code", f"unknown region code {region_code!r}")
    scope.ensure_acts_in(caller, root)
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


def _province(column: Any) -> Any:
    return func.substr(column, 1, 2)


def _columns(root: str, basis: str) -> dict[str, Any]:
    return {
        "year": year_column(basis),
        "age_group": Case.age_group,
        "sex": Case.sex,
        "region": region_key(root),
        "exploitation_type": CaseExploitation.exploitation_type,
        "service": CaseService.service_type,
        "legal_stage": Case.legal_stage,
        # places by province, wherever the scope: routes cross it
        "origin_region": _province(Case.origin_region_code),
        "transit_region": TRANSIT[TransitKind.region].value,
        "transit_country": TRANSIT[TransitKind.country].value,
        "destination_region": _province(Case.destination_region_code),
        # a destination inside Indonesia is the country ID
        "destination_country": case(
            (Case.destination_country.is_not(None), Case.destination_country),
            (Case.destination_region_code.is_not(None), regions.NATIONAL),
        ),
        **{kind.value: attribute.value for kind, attribute in ATTRIBUTES.items()},
        # the cases with a transit point read once (an uncorrelated IN: one hashed set of
        # them, not a probe a case)
        "transit": case(
            (Case.id.in_(select(TRANSIT_ANY.case_id)), WITH_TRANSIT),
            else_=WITHOUT_TRANSIT,
        ),
    }


def _grouped(
    root: str,
    groups: Sequence[str],
    from_year: int | None,
    to_year: int | None,
    *counts: Any,
    by: Sequence[Any] = (),
    basis: str = DEFAULT_YEAR_BASIS,
) -> Select[Any]:
    """Cases of the scope, grouped by ``groups`` (and the columns ``by``), with ``counts``."""
    columns = _columns(root, basis)
    labelled = [columns[g].label(g) for g in groups]
    query = select(*labelled, *by, *counts).select_from(Case)
    if "exploitation_type" in groups:
        query = query.join(CaseExploitation, CaseExploitation.case_id == Case.id)
    if "service" in groups:
        query = query.join(CaseService, CaseService.case_id == Case.id)
    for kind, point in TRANSIT.items():
        if f"transit_{kind.value}" in groups:
            query = query.join(point, and_(point.case_id == Case.id, point.kind == kind))
    for detail, attribute in ATTRIBUTES.items():
        if detail.value in groups:
            query = query.join(
                attribute, and_(attribute.case_id == Case.id, attribute.kind == detail)
            )
    query = query.where(*case_filters(root, from_year, to_year, year=year_column(basis)))
    if labelled or by:
        query = query.group_by(*labelled, *by)
    return query


def records_query(
    root: str,
    groups: Sequence[str],
    from_year: int | None,
    to_year: int | None,
    basis: str = DEFAULT_YEAR_BASIS,
) -> Select[Any]:
    """Per cell: its cases, those that are a victim of their own (key not shared), and the
    sum of those ones' record keys.

    A plain count, which the database does by hashing the cells: no sort of the cases.
    """
    single = Case.victim_shared.is_(false())
    return _grouped(
        root,
        groups,
        from_year,
        to_year,
        func.count().label("records"),
        func.count().filter(single).label("single"),
        func.coalesce(func.sum(Case.record_key).filter(single), 0).label("single_key"),
        basis=basis,
    )


# What the cells (``CaseCell``, ``IncidentCell``) hold: a grouping by these alone sums
# cells, not cases.
CELL_GROUPS = frozenset({"year", "age_group", "sex", "region"})


def cells_query(
    root: str,
    groups: Sequence[str],
    from_year: int | None,
    to_year: int | None,
    basis: str = DEFAULT_YEAR_BASIS,
) -> Select[Any]:
    """``records_query`` from the cells of the year basis: per group, the sums of its cells'
    counts."""
    cell = BASES[basis]
    columns: dict[str, Any] = {
        "year": cell.year,
        "age_group": cell.age_group,
        "sex": cell.sex,
        "region": region_key(root, cell.region_code),
    }
    labelled = [columns[g].label(g) for g in groups]
    records = func.coalesce(func.sum(cell.records), 0)
    query = select(
        *labelled,
        records.label("records"),
        func.coalesce(func.sum(cell.single), 0).label("single"),
        func.coalesce(func.sum(cell.single_key), 0).label("single_key"),
    ).where(*case_filters(root, from_year, to_year, cell.region_code, cell.year))
    if labelled:
        # a cell whose cases have all moved elsewhere stays, at zero: not a group
        query = query.group_by(*labelled).having(records > 0)
    return query


def victim_keys_query() -> Any:
    """Each shared victim's record key: the smallest of its cases' (so the same victim has
    the same key in every cell and every query)."""
    return (
        select(Case.victim_key, func.min(Case.record_key).label("record_key"))
        .where(Case.victim_shared == true())
        .group_by(Case.victim_key)
        .subquery("victim_record_key")
    )


def shared_victims_query(
    root: str,
    groups: Sequence[str],
    from_year: int | None,
    to_year: int | None,
    basis: str = DEFAULT_YEAR_BASIS,
) -> Select[Any]:
    """Per cell: the victims among the cases whose key is shared, each counted once, and
    the sum of their keys."""
    # ``= true``, the partial index's own condition, so that both databases take it
    per_victim = (
        _grouped(root, groups, from_year, to_year, by=[Case.victim_key], basis=basis)
        .where(Case.victim_shared == true())
        .subquery("per_victim")
    )
    keys = victim_keys_query()
    cell = [per_victim.c[g] for g in groups]
    query = select(
        *cell,
        func.count().label("victims"),
        func.coalesce(func.sum(keys.c.record_key), 0).label("victims_key"),
    ).join_from(per_victim, keys, keys.c.victim_key == per_victim.c.victim_key)
    return query.group_by(*cell) if cell else query


Counted = tuple[int, int, int]  # (records, victims, key sum of the victims)
# The column that marks a table's total among its cells, where one statement reads both.
WHOLE = "whole"


def _with_total(
    grouped: Select[Any], total: Select[Any], groups: Sequence[str]
) -> CompoundSelect[Any]:
    """``grouped``'s rows and then ``total``'s one row (its groups null), marked: one
    statement, where two cost a round trip and a statement's Python each."""
    whole = total.subquery("whole_scope")
    return grouped.add_columns(literal(0).label(WHOLE)).union_all(
        select(
            *[null().label(group) for group in groups],
            *whole.c,
            literal(1).label(WHOLE),
        )
    )


@functools.lru_cache(maxsize=512)
def _statements(
    root: str,
    groups: tuple[str, ...],
    from_year: int | None,
    to_year: int | None,
    basis: str,
    total: bool = False,
) -> tuple[Select[Any] | CompoundSelect[Any], Select[Any] | CompoundSelect[Any]]:
    """The statements of ``_count``: the records per cell and the shared victims per cell
    (with ``total``, each with the scope's total row, ``_with_total``).

    Built once per question and kept (a statement is immutable, its values bound in it):
    building them took a third of a statistics request's CPU (see
    ``bench/bench_reads.py``). What a question can be is bounded by the regions, the years
    and the groups; the least recently asked go past ``maxsize``.
    """
    counted = cells_query if CELL_GROUPS.issuperset(groups) else records_query
    records = counted(root, groups, from_year, to_year, basis)
    shared = shared_victims_query(root, groups, from_year, to_year, basis)
    if not total:
        return records, shared
    return (
        _with_total(records, cells_query(root, [], from_year, to_year, basis), groups),
        _with_total(shared, shared_victims_query(root, [], from_year, to_year, basis), groups),
    )


def _cell(row: Sequence[Any], width: int) -> tuple[Any, ...]:
    return tuple(row[:width])


async def _count(
    reader: Reader,
    root: str,
    groups: Sequence[str],
    from_year: int | None,
    to_year: int | None,
    basis: str = DEFAULT_YEAR_BASIS,
    *,
    total: bool = False,
) -> tuple[dict[tuple[Any, ...], Counted], Counted]:
    """Per group (a tuple of its values): records, victims and the victims' key sum; and,
    with ``total``, the same of the whole scope, a cell of its own (else zeros)."""
    width = len(groups)
    marked = total and width > 0
    counted, shared = _statements(root, tuple(groups), from_year, to_year, basis, marked)
    result: dict[tuple[Any, ...], Counted] = {}
    whole: Counted = (0, 0, 0)
    for row in await reader.rows(counted):
        found = (int(row[width]), int(row[width + 1]), int(row[width + 2]))
        if marked and row[-1]:
            whole = found
        else:
            result[_cell(row, width)] = found
    if total and not marked:
        whole = result.get((), whole)
    # Cases whose key is shared are counted apart; when every group's cases are all single
    # (the same snapshot), there are none in these groups, and nothing to ask.
    if any(records != single for records, single, _ in [*result.values(), whole]):
        # the few shared cases, from their partial index
        for row in await reader.rows(shared, by_index=True):
            victims, key = int(row[width]), int(row[width + 1])
            if marked and row[-1]:
                whole = (whole[0], whole[1] + victims, whole[2] + key)
                continue
            cell = _cell(row, width)
            records, single, key_sum = result.get(cell, (0, 0, 0))
            result[cell] = (records, single + victims, key_sum + key)
        if total and not marked:
            whole = result.get((), whole)
    return result, whole


async def count_victims(
    session: AsyncSession,
    root: str,
    groups: Sequence[str],
    from_year: int | None,
    to_year: int | None,
    basis: str = DEFAULT_YEAR_BASIS,
) -> dict[tuple[Any, ...], Counted]:
    """Per group (a tuple of its values): records, victims and the victims' key sum, as the
    statistics count them (for the reports)."""
    counted, _ = await _count(SessionReader(session), root, groups, from_year, to_year, basis)
    return counted


@functools.lru_cache(maxsize=len(BASES))
def _years_query(basis: str) -> Select[Any]:
    """The years the service holds anywhere, on a year basis."""
    cell = BASES[basis]
    return select(func.min(cell.year), func.max(cell.year)).where(cell.records > 0)


async def _domain(
    reader: Reader,
    root: str,
    group: str,
    from_year: int | None,
    to_year: int | None,
    basis: str = DEFAULT_YEAR_BASIS,
) -> list[Any]:
    """Every value a group can take in a perturbed table (present or not)."""
    if group == "year":
        first, last = from_year, to_year
        if first is None or last is None:
            # the years the service holds anywhere: no scope's own first case shows
            ((low, high),) = await reader.rows(_years_query(basis))
            if low is None:
                return []
            first = low if first is None else first
            last = high if last is None else last
        return list(range(first, last + 1))
    if group == "region":
        below = [code for (code,) in await reader.rows(_children_query(root))]
        return sorted(below if root == regions.NATIONAL else {root, *below})
    unknown = [None] if group in OPTIONAL else []
    if group in ("origin_region", "transit_region", "destination_region"):
        provinces = await reader.rows(_children_query(regions.NATIONAL))
        return [*sorted(code for (code,) in provinces), *unknown]
    if group in ("transit_country", "destination_country"):
        return [*sorted(COUNTRIES), *unknown]
    if group == "transit":
        return list(TRANSIT_VALUES)
    members: dict[str, type[enum.Enum]] = {
        "age_group": AgeGroup,
        "sex": Sex,
        "exploitation_type": ExploitationType,
        "service": ServiceType,
        "legal_stage": LegalStage,
        **{kind.value: values for kind, values in ATTRIBUTE_VALUES.items()},
    }
    return sorted(member.value for member in members[group])


async def _every_cell(
    reader: Reader,
    root: str,
    groups: Sequence[str],
    from_year: int | None,
    to_year: int | None,
    basis: str,
) -> list[tuple[Any, ...]]:
    domains = [await _domain(reader, root, g, from_year, to_year, basis) for g in groups]
    size = 1
    for domain in domains:
        size *= len(domain)
    if size > MAX_PERTURBED_CELLS:
        raise ValidationFailed.field(
            "group_by",
            f"{size} cells: a perturbed table holds at most {MAX_PERTURBED_CELLS}; "
            "narrow the years or the groups",
        )
    return list(itertools.product(*domains))


async def victim_statistics(
    session: AsyncSession,
    caller: Caller,
    *,
    region_code: str | None,
    from_year: int | None,
    to_year: int | None,
    group_by: Sequence[str],
    control: Control,
    year_basis: str = DEFAULT_YEAR_BASIS,
) -> dict[str, Any]:
    """``read_victim_statistics`` in the request's session."""
    return await read_victim_statistics(
        SessionReader(session),
        caller,
        region_code=region_code,
        from_year=from_year,
        to_year=to_year,
        group_by=group_by,
        control=control,
        year_basis=year_basis,
    )


async def read_victim_statistics(
    reader: Reader,
    caller: Caller,
    *,
    region_code: str | None,
    from_year: int | None,
    to_year: int | None,
    group_by: Sequence[str],
    control: Control,
    year_basis: str = DEFAULT_YEAR_BASIS,
) -> dict[str, Any]:
    """Counts of victims per cell and in total; for analysts, perturbed by cell key.

    ``year_basis``: the year a case counts in, for ``year``, ``from_year`` and ``to_year``
    (``YEAR_BASES``); each basis has its own maintained cells, perturbed the same way.
    """
    if year_basis not in YEAR_BASES:
        raise ValidationFailed.field("year_basis", f"must be one of {', '.join(YEAR_BASES)}")
    basis = year_basis
    root = await _resolve_scope(reader, caller, region_code)
    if from_year is not None and to_year is not None and from_year > to_year:
        raise ValidationFailed.field("to_year", "must not precede from_year")
    groups = parse_group_by(group_by)
    perturbed = caller.role is Role.analyst
    every = await _every_cell(reader, root, groups, from_year, to_year, basis) if perturbed else []
    # The total is a cell of its own (the scope, ungrouped), as an ungrouped request gets it.
    counted, (records, victims, key) = await _count(
        reader, root, groups, from_year, to_year, basis, total=True
    )
    if not perturbed:
        cells = [
            {**dict(zip(groups, cell, strict=True)), "count": counted[cell][1]}
            for cell in _sorted(counted)
        ]
        return {
            "region_code": root,
            "group_by": groups,
            "year_basis": basis,
            "cells": cells,
            "total": victims,
            "suppressed_cells": 0,
            "merged_records": records - victims,
            "disclosure_control": EXACT,
        }
    cells = [
        {**dict(zip(groups, cell, strict=True)), "count": found[1], "key": found[2]}
        for cell in every
        for found in [counted.get(cell, (0, 0, 0))]
    ]
    return {
        "region_code": root,
        "group_by": groups,
        "year_basis": basis,
        "cells": cells,
        "suppressed_cells": control.perturb_cells(cells),
        "total": control.value(victims, key),
        "merged_records": None,
        "disclosure_control": control.describe(),
    }


def _sorted(cells: Iterable[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Cells in the order of their values, an unknown (``None``) after the known ones."""
    cells = list(cells)
    if any(None in cell for cell in cells):
        return sorted(cells, key=_unknown_last)
    return sorted(cells)  # the same order, without a key per cell


def _unknown_last(cell: tuple[Any, ...]) -> tuple[Any, ...]:
    """A cell's sort key: its values in order, an unknown (``None``) after the known ones."""
    return tuple((value is None, "" if value is None else value) for value in cell)


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value
