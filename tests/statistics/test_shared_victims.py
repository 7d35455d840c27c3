"""Victims counted once per key, exactly, however their cases arrive (Permen PPPA
10/2012 Table 1; docs/architecture.md, "The case write path").

Statistics count a case whose victim key (the same NIK in the same year) no other case has
as a victim of its own, and de-duplicate only the cases marked ``victim_shared``. These
tests hold that counting to the definition: the distinct keys per cell.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import asyncpg
import httpx
from sqlalchemy import event, text

from gtpptppo_api.auth.models import Role
from gtpptppo_api.statistics.service import shared_victims_query
from tests.cases.helpers import case_body, create_centre
from tests.live import live_app

NIK = "3302014101900002"


async def victims(client: httpx.AsyncClient, headers: dict[str, str], **params: str) -> Any:
    response = await client.get("/statistics/victims", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_victim_shared_then_left_is_counted_once_per_cell_throughout(
    client, auth, national
):
    first = await create_centre(client, national, "33.02")
    second = await create_centre(client, national, "35.07")
    heads = [await auth("service_centre", centre=c["id"]) for c in (first, second)]

    async def put(centre: dict[str, Any], headers: dict[str, str], ref: str, nik: str) -> None:
        body = case_body(ref, region=centre["region_code"], personal={"nik": nik})
        response = await client.put(
            f"/service-centres/{centre['id']}/cases/{ref}", json=body, headers=headers
        )
        assert response.status_code in (200, 201), response.text

    await put(first, heads[0], "A-1", NIK)
    result = await victims(client, national, group_by="region")
    assert result["cells"] == [{"region": "33", "count": 1}]
    assert result["merged_records"] == 0

    # the same victim, another centre in another province: once nationally, once per province
    await put(second, heads[1], "B-1", NIK)
    result = await victims(client, national)
    assert result["cells"] == [{"count": 1}]
    assert result["merged_records"] == 1
    by_region = await victims(client, national, group_by="region")
    assert {c["region"]: c["count"] for c in by_region["cells"]} == {"33": 1, "35": 1}
    # twice in one province, once there
    await put(first, heads[0], "A-2", NIK)
    jateng = await victims(client, national, region_code="33")
    assert jateng["cells"] == [{"count": 1}]
    assert jateng["merged_records"] == 1

    # the second centre corrects its NIK: two victims now, nationally and in the cells
    await put(second, heads[1], "B-1", "3507015502950003")
    result = await victims(client, national, group_by="year,sex")
    assert [c["count"] for c in result["cells"]] == [2]
    assert result["merged_records"] == 1  # are still one victim
    by_type = await victims(client, national, group_by="exploitation_type")
    assert by_type["cells"] == [{"exploitation_type": "forced_labour", "count": 2}]
    assert by_type["merged_records"] == 1


async def test_a_victim_pushed_by_two_centres_at_once_is_counted_once():
    """Two batches naming the same victims, in two transactions at once (PostgreSQL)."""
    # two pushes at once in this process (one at a time by default)
    async with live_app(batch_concurrency=2) as live:
        client = live.client
        national = await live.bearer(Role.national_admin)
        centres = [await create_centre(client, national, r) for r in ("33.02", "35.07")]
        pushers = [(c, await live.bearer(Role.service_centre, c["id"])) for c in centres]
        niks = [f"33020141019{n:05d}" for n in range(40)]

        async def push(centre: dict[str, Any], headers: dict[str, str], year: int) -> None:
            items = [
                case_body(
                    f"R{year}-{n}",
                    region=centre["region_code"],
                    identified_on=f"{year}-03-05",
                    services=[],
                    personal={"nik": nik},
                )
                for n, nik in enumerate(niks)
            ]
            response = await client.post(
                f"/service-centres/{centre['id']}/cases:batch", json=items, headers=headers
            )
            assert response.status_code == 200, response.text
            assert response.json()["created"] == len(niks)

        for year in (2020, 2021, 2022):
            await asyncio.gather(*(push(c, h, year) for c, h in pushers))
        result = await victims(client, national, group_by="year")
        # each round: 40 victims (a NIK and a year), each with a case in both centres
        assert {c["year"]: c["count"] for c in result["cells"]} == {
            2020: 40,
            2021: 40,
            2022: 40,
        }
        assert result["merged_records"] == 120


async def test_the_shared_cases_are_read_through_their_partial_index(session):
    """Only the few shared cases are de-duplicated: found by region, not by reading all."""
    query = shared_victims_query("33", ["year", "sex"], None, None)
    sql = str(query.compile(dialect=session.bind.dialect, compile_kwargs={"literal_binds": True}))
    if session.bind.dialect.name == "sqlite":
        rows = (await session.execute(text("EXPLAIN QUERY PLAN " + sql))).all()
        plan = "\n".join(str(row[-1]) for row in rows)
    else:
        await session.execute(text("SET LOCAL enable_seqscan = off"))  # an empty table
        plan = "\n".join(str(row[0]) for row in (await session.execute(text("EXPLAIN " + sql))))
    assert "ix_victim_case_shared" in plan, plan


async def test_a_statistics_answer_reads_one_snapshot_across_its_queries():
    """The cells and the shared victims are two queries: a push that commits between them
    must be seen by neither, or one victim would be counted twice in that answer (once in
    its cell's unshared cases, once among the shared). Here, between the two, another
    connection marks the one case shared; the answer still counts one victim."""
    async with live_app() as live:
        national = await live.bearer(Role.national_admin)
        centre = await create_centre(live.client, national, "33.02")
        headers = await live.bearer(Role.service_centre, centre["id"])
        body = case_body("S-1", personal={"nik": NIK})
        response = await live.client.put(
            f"/service-centres/{centre['id']}/cases/S-1", json=body, headers=headers
        )
        assert response.status_code == 201, response.text
        url = live.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)

        def commit_meanwhile() -> None:
            async def mark() -> None:
                conn = await asyncpg.connect(url)
                try:
                    await conn.execute("UPDATE victim_case SET victim_shared = true")
                finally:
                    await conn.close()

            thread = threading.Thread(target=asyncio.run, args=(mark(),))
            thread.start()
            thread.join()

        marked: list[bool] = []

        @event.listens_for(live.app.state.engine.sync_engine, "after_cursor_execute")
        def _between(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
            if "victim_case_cell" in statement and not marked:
                commit_meanwhile()
                marked.append(True)

        result = await victims(live.client, national, group_by="year")
        assert marked, "the cells were not read"
        assert result["cells"] == [{"year": 2024, "count": 1}]
