"""The cases per statistics cell (``CaseCell``), kept by every write of cases.

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
from typing import Any

from sqlalchemy import case, delete, func, insert, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.cases.models import AgeGroup, Case, CaseCell, Sex
from gtpptppo_api.db.base import table_of

CellKey = tuple[str, int, AgeGroup, Sex]

_cases = table_of(Case)
# A case's cell, as columns to select or return.
CELL_COLUMNS = (
    _cases.c.registered_region_code,
    _cases.c.identified_year,
    _cases.c.age_group,
    _cases.c.sex,
)


def cell_of(values: Any) -> CellKey:
    """The cell of a case: a row or a mapping with the case's columns."""
    if isinstance(values, dict):
        return (
            values["registered_region_code"],
            values["identified_year"],
            values["age_group"],
            values["sex"],
        )
    return (values.registered_region_code, values.identified_year, values.age_group, values.sex)


@dataclass
class CellChanges:
    """What a transaction adds to each cell: cases (``records``), unshared ones, and the
    sum of the unshared ones' record keys (``single_key``)."""

    records: Counter[CellKey] = field(default_factory=Counter)
    single: Counter[CellKey] = field(default_factory=Counter)
    single_key: Counter[CellKey] = field(default_factory=Counter)

    def add(self, cell: CellKey, key: int, *, shared: bool) -> None:
        self.records[cell] += 1
        if not shared:
            self.single[cell] += 1
            self.single_key[cell] += key

    def remove(self, cell: CellKey, key: int, *, shared: bool) -> None:
        self.records[cell] -= 1
        if not shared:
            self.single[cell] -= 1
            self.single_key[cell] -= key

    def now_shared(self, cell: CellKey, key: int) -> None:
        """A case of ``cell`` whose victim has just got another case."""
        self.single[cell] -= 1
        self.single_key[cell] -= key

    async def apply(self, session: AsyncSession) -> None:
        touched = self.records.keys() | self.single.keys() | self.single_key.keys()
        cells = sorted(
            cell
            for cell in touched
            if self.records[cell] or self.single[cell] or self.single_key[cell]
        )
        if not cells:
            return
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        table = table_of(CaseCell)
        statement = dialect.insert(table)
        statement = statement.on_conflict_do_update(
            index_elements=["region_code", "year", "age_group", "sex"],
            set_={
                "records": table.c.records + statement.excluded.records,
                "single": table.c.single + statement.excluded.single,
                "single_key": table.c.single_key + statement.excluded.single_key,
            },
        )
        await session.execute(
            statement,
            [
                {
                    "region_code": region,
                    "year": year,
                    "age_group": age_group,
                    "sex": sex,
                    "records": self.records[cell],
                    "single": self.single[cell],
                    "single_key": self.single_key[cell],
                }
                for cell in cells
                for region, year, age_group, sex in [cell]
            ],
        )
        self.records.clear()
        self.single.clear()
        self.single_key.clear()


Counts = tuple[int, int, int]  # (records, single, single_key)
NONE: Counts = (0, 0, 0)


def _counted() -> Any:
    """The cells as the cases give them: a GROUP BY over the cases."""
    return select(
        *CELL_COLUMNS,
        func.count(),
        func.sum(case((_cases.c.victim_shared.is_(True), 0), else_=1)),
        func.sum(case((_cases.c.victim_shared.is_(True), 0), else_=_cases.c.record_key)),
    ).group_by(*CELL_COLUMNS)


async def differences(session: AsyncSession) -> list[tuple[CellKey, Counts, Counts]]:
    """Each cell whose stored counts differ from the cases': (cell, stored, counted), in
    the cells' order; a cell missing on one side counts (0, 0, 0) there."""
    cells = table_of(CaseCell)
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
        for row in await session.execute(_counted())
    }
    return [
        (cell, stored.get(cell, NONE), counted.get(cell, NONE))
        for cell in sorted(stored.keys() | counted.keys())
        if stored.get(cell, NONE) != counted.get(cell, NONE)
    ]


async def rebuild(session: AsyncSession) -> int:
    """Count every cell again from the cases, in the session's transaction; the cells.

    On PostgreSQL the cells are locked first (pushes apply their changes to them at the end
    of their transactions): a push not yet committed then waits, and adds its own changes on
    top of counts that do not hold its cases yet.
    """
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("LOCK TABLE victim_case_cell IN EXCLUSIVE MODE"))
    cells = table_of(CaseCell)
    await session.execute(delete(cells))
    await session.execute(
        insert(cells).from_select(
            ["region_code", "year", "age_group", "sex", "records", "single", "single_key"],
            _counted(),
        )
    )
    return int(await session.scalar(select(func.count()).select_from(cells)) or 0)
