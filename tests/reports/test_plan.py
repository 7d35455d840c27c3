"""A report counts the cases that are a victim of their own from their partial index, in
its order.

Those cases are most of them, so this read is most of a report's generation time: reading
``ix_victim_case_plain_cells`` alone, with no sort, is what keeps a national five-year report
within twice its main query (the ``make bench`` target). A planner that picks another index
(SQLite did, while ``nik_index`` had a full index holding every NULL) sorts the wide rows.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.cases.models import PLAIN_CELLS_INDEX
from gtpptppo_api.reports import aggregation

YEARS = [2015, 2016, 2017, 2018, 2019]


async def _plan(session: AsyncSession, root: str) -> str:
    query = aggregation.plain_cells_query(root, YEARS)
    sql = str(query.compile(dialect=session.bind.dialect, compile_kwargs={"literal_binds": True}))
    if session.bind.dialect.name == "sqlite":
        rows = (await session.execute(text("EXPLAIN QUERY PLAN " + sql))).all()
        return "\n".join(str(row[-1]) for row in rows)
    # An empty table is read sequentially whatever its indexes: ask for the index path.
    await session.execute(text("SET LOCAL enable_seqscan = off"))
    # nor a bitmap scan, which the planner may prefer on a table that tests have just
    # written to and rolled back (its pages not all visible): the question is whether the
    # index, read in order, needs no sort
    await session.execute(text("SET LOCAL enable_bitmapscan = off"))
    rows = (await session.execute(text("EXPLAIN " + sql))).all()
    return "\n".join(str(row[0]) for row in rows)


@pytest.mark.parametrize("root", ["ID", "33", "33.02"])
async def test_cases_of_their_own_are_counted_from_their_index_without_a_sort(
    session: AsyncSession, root: str
) -> None:
    plan = await _plan(session, root)
    assert PLAIN_CELLS_INDEX in plan, plan
    assert "TEMP B-TREE" not in plan, plan
    assert "Sort" not in plan, plan
