"""A page of a regency's or a centre's case list reads a page of an index, not all the
cases sorted.

The list is in id order (keyset pages); a regency is the lowest level of regions, so the
list asks for the regency itself, and ``ix_victim_case_region_id`` gives its cases in order;
``ix_victim_case_centre_id`` gives a centre's.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from gtpptppo_api.auth.models import Role
from gtpptppo_api.auth.service import Caller
from gtpptppo_api.cases.service import list_query


@pytest.mark.parametrize(
    ("caller", "index"),
    [
        (Caller(1, "regency", Role.task_force_admin, "33.02", None), "ix_victim_case_region_id"),
        (Caller(2, "centre", Role.service_centre, "33.02", 7), "ix_victim_case_centre_id"),
    ],
    ids=["regency", "centre"],
)
async def test_a_case_list_page_reads_its_index_in_order_without_a_sort(
    session, caller: Caller, index: str
):
    query = list_query(caller).limit(21)
    sql = str(query.compile(dialect=session.bind.dialect, compile_kwargs={"literal_binds": True}))
    if session.bind.dialect.name == "sqlite":
        rows = (await session.execute(text("EXPLAIN QUERY PLAN " + sql))).all()
        plan = "\n".join(str(row[-1]) for row in rows)
        assert "TEMP B-TREE" not in plan, plan
    else:
        # Whatever statistics earlier tests left (a table of a few rows sorts cheaply, and a
        # bitmap scan then wins): the question is whether the index gives the page in order.
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            await session.execute(text(f"SET LOCAL {setting} = off"))
        plan = "\n".join(str(row[0]) for row in (await session.execute(text("EXPLAIN " + sql))))
        assert "Sort" not in plan, plan
    assert index in plan, plan
