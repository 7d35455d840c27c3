"""The cases per cell (``victim_case_cell``) always equal a count of the cases themselves.

Statistics grouped by year, age group, sex and region sum these cells (Permen PPPA 10/2012
Table 1; docs/architecture.md, "The case write path") instead of reading every case of their
scope; every write of cases keeps them in its own transaction. These tests push cases that
are created, moved from cell to cell, left unchanged, and made shared, and compare the cells
with a GROUP BY over the cases.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.auth.models import Role
from gtpptppo_api.cases import cells
from gtpptppo_api.db.engine import create_sessionmaker
from tests.cases.helpers import case_body, create_centre
from tests.live import live_app

FROM_CASES = text(
    "SELECT registered_region_code, identified_year, age_group, sex, count(*), "
    "sum(CASE WHEN victim_shared THEN 0 ELSE 1 END) FROM victim_case "
    "GROUP BY registered_region_code, identified_year, age_group, sex"
)
FROM_CELLS = text(
    "SELECT region_code, year, age_group, sex, records, single FROM victim_case_cell "
    "WHERE records <> 0 OR single <> 0"
)


async def cells_and_cases(session: AsyncSession) -> tuple[set[Any], set[Any]]:
    cells = {tuple(row) for row in await session.execute(FROM_CELLS)}
    cases = {tuple(row) for row in await session.execute(FROM_CASES)}
    return cells, cases


def item(ref: str, region: str, n: int, **changes: Any) -> dict[str, Any]:
    """A case of its own cell: year, sex and age vary with ``n``."""
    body = case_body(
        ref,
        region=region,
        identified_on=f"{2018 + n % 4}-03-05",
        services=[],
        victim={"sex": ("female", "male")[n % 2], "age_at_identification": 8 + 9 * (n % 5)},
    )
    return {**body, **changes}


async def push(
    client: httpx.AsyncClient, centre: dict[str, Any], headers: dict[str, str], items: list[Any]
) -> dict[str, Any]:
    response = await client.post(
        f"/service-centres/{centre['id']}/cases:batch", json=items, headers=headers
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_cells_follow_every_create_move_and_shared_victim(client, auth, national, session):
    first = await create_centre(client, national, "33.02")
    second = await create_centre(client, national, "35.07")
    heads = [await auth("service_centre", centre=c["id"]) for c in (first, second)]
    nik = [f"3302014101{n:06d}" for n in range(30)]

    # created: 30 cases over many cells, every third with a NIK
    items = [
        item(f"A-{n}", "33.02", n, personal={"nik": nik[n]} if n % 3 == 0 else {})
        for n in range(30)
    ]
    assert (await push(client, first, heads[0], items))["created"] == 30
    cells, cases = await cells_and_cases(session)
    assert cells == cases
    assert sum(row[4] for row in cells) == 30

    # moved: ten cases change year, sex and age (another cell each); ten are sent unchanged
    moved = [item(f"A-{n}", "33.02", n + 1) for n in range(10)]
    result = await push(client, first, heads[0], moved + items[10:20])
    assert (result["updated"], result["unchanged"]) == (10, 10)
    cells, cases = await cells_and_cases(session)
    assert cells == cases

    # shared: another centre, in another province, names five of the same victims (same NIK,
    # same year): both sides' cases leave ``single``; the statistics count each victim once
    shared = [item(f"B-{n}", "35.07", n, personal={"nik": nik[n]}) for n in range(12, 27, 3)]
    assert (await push(client, second, heads[1], shared))["created"] == 5
    cells, cases = await cells_and_cases(session)
    assert cells == cases
    assert sum(row[5] for row in cells) == 35 - 10

    # one case put on its own, moved again
    body = item("A-12", "33.02", 3, personal={"nik": nik[12]})
    response = await client.put(
        f"/service-centres/{first['id']}/cases/A-12", json=body, headers=heads[0]
    )
    assert response.status_code == 200, response.text
    cells, cases = await cells_and_cases(session)
    assert cells == cases

    # and the statistics (from the cells) agree with counting the cases' distinct victims
    response = await client.get(
        "/statistics/victims", params={"group_by": "year,sex"}, headers=national
    )
    assert response.status_code == 200, response.text
    counted = {(c["year"], c["sex"]): c["count"] for c in response.json()["cells"]}
    keys = await session.execute(
        text(
            "SELECT identified_year, sex, count(DISTINCT victim_key) FROM victim_case "
            "GROUP BY identified_year, sex"
        )
    )
    assert counted == {(year, sex): n for year, sex, n in keys}


async def test_one_case_moved_by_two_pushes_at_once_leaves_its_cells_exact():
    """Two pushes of the same case, to two other cells, in two transactions at once
    (PostgreSQL): the second waits for the first and moves the case from where the first
    put it; and pushes crossing each other's cells finish (no deadlock)."""
    async with live_app(batch_concurrency=4) as live:
        national = await live.bearer(Role.national_admin)
        centre = await create_centre(live.client, national, "33.02")
        headers = await live.bearer(Role.service_centre, centre["id"])
        refs = [f"C-{n}" for n in range(40)]
        await push(live.client, centre, headers, [item(r, "33.02", 0) for r in refs])
        for round_ in range(1, 4):
            # four pushes at once, each moving all 40 cases, in opposite orders
            batches = [
                [item(r, "33.02", round_ * 4 + k) for r in (refs if k % 2 else refs[::-1])]
                for k in range(4)
            ]
            results = await asyncio.gather(
                *(push(live.client, centre, headers, batch) for batch in batches)
            )
            assert sum(r["updated"] + r["unchanged"] for r in results) == 160
        async with create_sessionmaker(live.engine)() as session:
            cells, cases = await cells_and_cases(session)
        assert cells == cases
        assert sum(row[4] for row in cells) == 40


async def test_an_operator_check_finds_cells_changed_by_hand_and_a_rebuild_counts_them_again(
    client: httpx.AsyncClient, session: AsyncSession, national: dict[str, str], auth: Any
) -> None:
    """``cells.differences`` names each cell that no longer matches the cases (one changed,
    one deleted by hand in SQL), and ``cells.rebuild`` makes the cells a count of the cases."""
    centre = await create_centre(client, national, "33.02")
    headers = await auth(Role.service_centre, centre=centre["id"])
    await push(client, centre, headers, [item(f"OP-{n}", "33.02", n) for n in range(12)])
    assert await cells.differences(session) == []

    await session.execute(
        text(
            "UPDATE victim_case_cell SET records = records + 5 WHERE year = 2018 AND sex = 'female'"
        )
    )
    await session.execute(text("DELETE FROM victim_case_cell WHERE year = 2019 AND sex = 'male'"))
    found = await cells.differences(session)
    assert {(cell[1], cell[3].value) for cell, _stored, _counted in found} == {
        (2018, "female"),
        (2019, "male"),
    }
    for (_region, year, _age, _sex), stored, counted in found:
        if year == 2018:
            assert stored[0] == counted[0] + 5
        else:
            assert stored == (0, 0, 0)
            assert counted[0] > 0

    await cells.rebuild(session)
    assert await cells.differences(session) == []
    cells_now, cases = await cells_and_cases(session)
    assert cells_now == cases
