"""The cases per statistics cell, kept by every write of cases: by the year of
identification (``CaseCell``) and by the year of the incident (``IncidentCell``, Table 1's
"Tahun Kejadian", the identification year where the incident year is unknown). A case is in
one cell of each.

A push gathers what it changes per cell (``CellChanges``) while it writes its cases, and
applies it once, at the end of its transaction, in the cells' order: two pushes that touch
the same cells take their row locks in the same order, so they wait for each other but
never deadlock.

For operators (``gtpptppo cells check | rebuild``): ``differences`` compares the cells with
a count of the cases, and ``rebuild`` counts them again, should a row ever be changed by
hand in SQL.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cache, partial
from typing import Any

from sqlalchemy import TextClause, case, delete, func, insert, select, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.cases.models import AgeGroup, Case, CaseCell, IncidentCell, Sex
from gtpptppo_api.db.base import table_of

# The cells' tables by year basis, in the order their rows are locked.
BASES: dict[str, Any] = {"identified": CaseCell, "incident": IncidentCell}
YEAR_COLUMNS = {"identified": "identified_year", "incident": "incident_basis_year"}
# (region, year, age group, sex, year basis)
CellKey = tuple[str, int, AgeGroup, Sex, str]

_cases = table_of(Case)
# A case's cells, as columns to select or return.
CELL_COLUMNS = (
    _cases.c.registered_region_code,
    _cases.c.identified_year,
    _cases.c.incident_basis_year,
    _cases.c.age_group,
    _cases.c.sex,
)


def cells_of(values: Any) -> list[CellKey]:
    """The cells of a case, one per year basis: a row or a mapping with the case's columns."""
    get = values.__getitem__ if isinstance(values, dict) else partial(getattr, values)
    region, age_group, sex = get("registered_region_code"), get("age_group"), get("sex")
    return [(region, get(year), age_group, sex, basis) for basis, year in YEAR_COLUMNS.items()]


@dataclass
class CellChanges:
    """What a transaction adds to each cell: cases (``records``), unshared ones, and the
    sum of the unshared ones' record keys (``single_key``)."""

    records: Counter[CellKey] = field(default_factory=Counter)
    single: Counter[CellKey] = field(default_factory=Counter)
    single_key: Counter[CellKey] = field(default_factory=Counter)

    def add(self, case: Any, key: int, *, shared: bool) -> None:
        """A case (a row or a mapping of its columns) enters its cells."""
        for cell in cells_of(case):
            self.records[cell] += 1
            if not shared:
                self.single[cell] += 1
                self.single_key[cell] += key

    def remove(self, case: Any, key: int, *, shared: bool) -> None:
        for cell in cells_of(case):
            self.records[cell] -= 1
            if not shared:
                self.single[cell] -= 1
                self.single_key[cell] -= key

    def now_shared(self, case: Any, key: int) -> None:
        """A case whose victim has just got another case."""
        for cell in cells_of(case):
            self.single[cell] -= 1
            self.single_key[cell] -= key

    async def apply(self, session: AsyncSession) -> None:
        touched = self.records.keys() | self.single.keys() | self.single_key.keys()
        cells = sorted(
            cell
            for cell in touched
            if self.records[cell] or self.single[cell] or self.single_key[cell]
        )
        for basis in BASES:
            await self._apply(session, basis, [cell for cell in cells if cell[4] == basis])
        self.records.clear()
        self.single.clear()
        self.single_key.clear()

    async def _apply(self, session: AsyncSession, basis: str, cells: list[CellKey]) -> None:
        if not cells:
            return
        table = table_of(BASES[basis])
        rows = [
            (*cell[:4], self.records[cell], self.single[cell], self.single_key[cell])
            for cell in cells
        ]
        if session.get_bind().dialect.name == "postgresql":
            # One statement for all the cells, in their order: an executemany runs the
            # upsert once per cell (an import's chunk touches hundreds).
            await session.execute(_upsert_all(table.name), _columns(rows))
            return
        statement = sqlite.insert(table)
        statement = statement.on_conflict_do_update(
            index_elements=["region_code", "year", "age_group", "sex"],
            set_={
                "records": table.c.records + statement.excluded.records,
                "single": table.c.single + statement.excluded.single,
                "single_key": table.c.single_key + statement.excluded.single_key,
            },
        )
        await session.execute(statement, [dict(zip(_NAMES, row, strict=True)) for row in rows])


_NAMES = ("region_code", "year", "age_group", "sex", "records", "single", "single_key")


def _columns(rows: list[tuple[Any, ...]]) -> dict[str, list[Any]]:
    """The rows as one array per column, the parameters of ``_upsert_all``."""
    return {
        name: [str(v) if isinstance(v, AgeGroup | Sex) else v for v in values]
        for name, values in zip(_NAMES, zip(*rows, strict=True), strict=True)
    }


@cache
def _upsert_all(name: str) -> TextClause:
    """PostgreSQL: the cells' changes as arrays, added to the cells (made where missing)
    in the arrays' order. ``name``: a table of ``BASES``."""
    columns = ", ".join(_NAMES)
    return text(
        f"INSERT INTO {name} ({columns}) "  # noqa: S608 (names of this module's tables)
        f"SELECT {columns} FROM unnest("
        "CAST(:region_code AS varchar[]), CAST(:year AS integer[]), "
        "CAST(:age_group AS varchar[]), CAST(:sex AS varchar[]), CAST(:records AS integer[]), "
        "CAST(:single AS integer[]), CAST(:single_key AS bigint[])"
        f") WITH ORDINALITY AS cell({columns}, position) ORDER BY position "
        "ON CONFLICT (region_code, year, age_group, sex) DO UPDATE SET "
        f"records = {name}.records + excluded.records, "
        f"single = {name}.single + excluded.single, "
        f"single_key = {name}.single_key + excluded.single_key"
    )


Counts = tuple[int, int, int]  # (records, single, single_key)
NONE: Counts = (0, 0, 0)


def _counted(basis: str) -> Any:
    """The cells of a year basis as the cases give them: a GROUP BY over the cases."""
    columns = (
        _cases.c.registered_region_code,
        _cases.c[YEAR_COLUMNS[basis]],
        _cases.c.age_group,
        _cases.c.sex,
    )
    return select(
        *columns,
        func.count(),
        func.sum(case((_cases.c.victim_shared.is_(True), 0), else_=1)),
        func.sum(case((_cases.c.victim_shared.is_(True), 0), else_=_cases.c.record_key)),
    ).group_by(*columns)


async def differences(
    session: AsyncSession, basis: str = "identified"
) -> list[tuple[tuple[Any, ...], Counts, Counts]]:
    """Each cell of a year basis whose stored counts differ from the cases': (cell, stored,
    counted), in the cells' order; a cell missing on one side counts (0, 0, 0) there."""
    cells = table_of(BASES[basis])
    stored_query = select(
        cells.c.region_code,
        cells.c.year,
        cells.c.age_group,
        cells.c.sex,
        cells.c.records,
        cells.c.single,
        cells.c.single_key,
    )
    # rows of (region, year, age group, sex, records, single, single_key), keyed by cell
    stored: dict[Any, Counts] = {
        tuple(row[:4]): (row[4], row[5], int(row[6])) for row in await session.execute(stored_query)
    }
    counted: dict[Any, Counts] = {
        tuple(row[:4]): (row[4], int(row[5]), int(row[6]))
        for row in await session.execute(_counted(basis))
    }
    return [
        (cell, stored.get(cell, NONE), counted.get(cell, NONE))
        for cell in sorted(stored.keys() | counted.keys())
        if stored.get(cell, NONE) != counted.get(cell, NONE)
    ]


async def rebuild(session: AsyncSession) -> int:
    """Count every cell again from the cases, in the session's transaction; the cells (of
    both year bases).

    On PostgreSQL the cells are locked first (pushes apply their changes to them at the end
    of their transactions): a push not yet committed then waits, and adds its own changes on
    top of counts that do not hold its cases yet.
    """
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(
            text("LOCK TABLE victim_case_cell, victim_case_incident_cell IN EXCLUSIVE MODE")
        )
    total = 0
    for basis, model in BASES.items():
        cells = table_of(model)
        await session.execute(delete(cells))
        await session.execute(
            insert(cells).from_select(
                ["region_code", "year", "age_group", "sex", "records", "single", "single_key"],
                _counted(basis),
            )
        )
        total += int(await session.scalar(select(func.count()).select_from(cells)) or 0)
    return total
