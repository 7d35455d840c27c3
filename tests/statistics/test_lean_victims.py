"""The lean path of the victim statistics (``statistics.lean``) answers byte for byte what the
route answers through the full stack, or hands the request on.

Both read one database of their own, committed to for real (the lean path takes a
connection of the app's pool, outside any test transaction), on SQLite and PostgreSQL: cases
in two provinces and four regencies, over five years, with every kind of group (details,
transit, routes, shared victims across centres, incident years). Each caller (national,
province task force, regency reporter, analysts, whose counts are perturbed) asks every
group alone and crossed, over years, year bases and regions, and bad parameters; where the
route answers 200, the lean answer is the same bytes; where it refuses, the lean path hands on.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from starlette.requests import Request

from gtpptppo_api.app import create_app
from gtpptppo_api.auth.models import Role
from gtpptppo_api.auth.service import Caller, authenticate, create_token
from gtpptppo_api.db import raw
from gtpptppo_api.db.migrate import upgrade
from gtpptppo_api.settings import Settings
from gtpptppo_api.statistics import lean
from gtpptppo_api.statistics.service import GROUPS
from tests.cases.helpers import case_body, create_centre
from tests.conftest import TEST_KEYS, _postgres_database

REGENCIES = ("33.02", "33.74", "35.78", "35.07")
EXPLOITATION = (
    "forced_labour",
    "sexual_exploitation",
    "domestic_servitude",
    "forced_marriage",
    "organ_removal",
    "forced_criminality",
    "other",
)
SERVICES = ("complaint", "health_rehabilitation", "legal_aid", "repatriation")
STAGES = ("none", "police_report", "investigation", "prosecution", "verdict", "restitution")
DESTINATIONS: tuple[dict[str, str] | None, ...] = (
    {"country": "MY"},
    {"country": "SG"},
    {"region_code": "31.71"},
    None,
)
TRANSIT = ([{"region_code": "21.71"}], [{"country": "SG"}], [])


def _case(region: str, i: int) -> dict[str, Any]:
    """The ``i``-th case of a regency: cases ``i`` of every regency with ``i % 10 < 4`` name
    the same victim (the same NIK, identified in the same year)."""
    year = 2019 + i % 5
    day = f"{year}-{1 + i % 9:02d}-10"
    extra: dict[str, Any] = {}
    if i % 10 < 4:
        extra["personal"] = {"nik": f"3302014101{i % 10:06d}"}
    if i % 2:
        extra["incident_on"] = f"{year - 1}-12-01"
    if i % 4 == 1:
        extra["victim_context"] = {
            "control_methods": ["debt_bondage", "withholds_documents"][: 1 + i % 2],
            "recruitment_methods": ["through_online_social_networks"],
            "forced_labour_industry": "agriculture_forestry_and_fishing",
        }
        extra["perpetrators"] = [{"roles": ["exploiter"], "relationship_to_victim": "familial"}]
    exploitation = {EXPLOITATION[i % 7], EXPLOITATION[(i * 3) % 7]}
    if i % 4 == 1:
        exploitation.add("forced_labour")  # the sector of forced labour needs it
    destination = DESTINATIONS[i % 4]
    return case_body(
        f"L-{region}-{i}",
        region=region,
        origin_region_code=None if i % 6 == 0 else region,
        destination=destination,
        transit=TRANSIT[i % 3],
        identified_on=day,
        victim={
            "sex": ("female", "male", "unknown")[i % 3],
            "age_at_identification": 10 + (i * 7) % 40,
            "nationality": "ID",
        },
        exploitation_types=sorted(exploitation),
        services=(
            [] if i % 5 == 4 else [{"type": SERVICES[i % 4], "started_on": day, "ended_on": day}]
        ),
        legal_stage=STAGES[i % 6],
        **extra,
    )


@dataclass
class World:
    app: FastAPI  # lean reads off: every request through the full stack
    client: httpx.AsyncClient
    callers: dict[str, tuple[dict[str, str], Caller]]
    # the app as served, lean reads on (on PostgreSQL, where the lean layer is installed)
    served: httpx.AsyncClient


async def _callers(app: FastAPI, centre_id: int) -> dict[str, tuple[dict[str, str], Caller]]:
    """Tokens of each kind of caller, and their ``Caller`` as the lean layer resolves it."""
    kinds: dict[str, dict[str, Any]] = {
        "national": {"role": Role.national_admin},
        "province": {"role": Role.task_force_admin, "region_code": "33"},
        "regency reporter": {"role": Role.reporter, "region_code": "35.78"},
        "analyst": {"role": Role.analyst},
        "province analyst": {"role": Role.analyst, "region_code": "35"},
        "centre": {"role": Role.service_centre, "service_centre_id": centre_id},
    }
    callers = {}
    for name, kind in kinds.items():
        async with app.state.sessionmaker() as session, session.begin():
            _, clear = await create_token(session, name=name, **kind)
        header = f"Bearer {clear}"
        async with app.state.sessionmaker() as session:
            caller = await authenticate(session, header, app.state.token_cache)
        callers[name] = ({"Authorization": header}, caller)
    return callers


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
async def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[World]:
    """The app over a database of its own, with its lifespan (its engine, as in production),
    and the cases pushed by a centre in each regency."""
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("lean") / "lean.db"
        url, drop = f"sqlite:///{path}", None
    else:
        url, drop = await _postgres_database()
    try:
        await asyncio.to_thread(upgrade, url)
        app = create_app(
            Settings(database_url=url, encryption_key=TEST_KEYS, rate_limit="", lean_reads=False)
        )
        served = create_app(Settings(database_url=url, encryption_key=TEST_KEYS, rate_limit=""))
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://test/api/v1"
            ) as client,
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=served), base_url="http://test/api/v1"
            ) as served_client,
        ):
            # the handler, called directly below, reads as it does when served; the served
            # app shares the engine (one job runtime a process: one lifespan at a time)
            served.state.engine = app.state.engine
            served.state.sessionmaker = app.state.sessionmaker
            served.state.raw_reader = None
            if raw.supported(app.state.engine):
                app.state.raw_reader = served.state.raw_reader = raw.RawReader(app.state.engine)
            async with app.state.sessionmaker() as session, session.begin():
                _, clear = await create_token(session, name="setup", role=Role.national_admin)
            national = {"Authorization": f"Bearer {clear}"}
            centre_id = 0
            for region in REGENCIES:
                centre = await create_centre(client, national, region)
                async with app.state.sessionmaker() as session, session.begin():
                    _, pusher = await create_token(
                        session,
                        name="push",
                        role=Role.service_centre,
                        service_centre_id=centre["id"],
                    )
                response = await client.post(
                    f"/service-centres/{centre['id']}/cases:batch",
                    json=[_case(region, i) for i in range(15)],
                    headers={"Authorization": f"Bearer {pusher}"},
                )
                assert response.status_code == 200, response.text
                assert response.json()["created"] == 15, response.text
                centre_id = centre["id"]
            yield World(app, client, await _callers(app, centre_id), served_client)
    finally:
        if drop is not None:
            await drop()


CROSSED = (
    "year,sex",
    "year,age_group,sex",
    "region,exploitation_type",
    "service,legal_stage",
    "origin_region,destination_region,destination_country",
    "transit_region,transit_country",
    "transit,year",
    "control_method,recruitment_method,perpetrator_relationship,sector",
    "region,year,age_group,sex",
)
QUERIES = (
    "",
    *(f"group_by={group}" for group in GROUPS),
    *(f"group_by={groups}" for groups in CROSSED),
    "group_by=year&group_by=sex",  # repeated
    "group_by=year,,sex,year",  # empty and repeated names
    "group_by=",
    "group_by=year&from_year=2020&to_year=2022",
    "group_by=year,sex&from_year=2021",
    "group_by=region&to_year=2020",
    "group_by=year&from_year=2020&to_year=2020",
    "group_by=year,region&year_basis=incident",
    "group_by=year&year_basis=incident&from_year=2019&to_year=2021",
    "group_by=year&year_basis=identified",
    "group_by=region&region_code=33",
    "group_by=region,sex&region_code=33.02",
    "group_by=year&region_code=35",
    "group_by=region&region_code=ID",
    "region_code=35.78",
    # refused by the route: handed on
    "group_by=bogus",
    "group_by=year,bogus",
    "year_basis=bogus",
    "from_year=2022&to_year=2020",
    "from_year=1800",
    "to_year=2300",
    "from_year=next",
    "region_code=99",
    "region_code=123456789",
    "group_by=transit_country,destination_country,year",  # past the perturbed cells' limit
)
# Spellings the route reads and the lean path leaves to it (it reads only the plain ones).
HANDED_ON = frozenset(
    {
        "from_year=02020",
        "to_year=%2B2021",
        "region_code=",
        "region_code=33&region_code=33",
        "from_year=2020&from_year=2021",
        "year_basis=incident&year_basis=identified",
    }
)


def _request(app: FastAPI, query: str) -> Request:
    return Request(
        {
            "type": "http",
            "method": "GET",
            "path": "/api/v1/statistics/victims",
            "query_string": query.encode(),
            "headers": [],
            "app": app,
        }
    )


@pytest.mark.parametrize(
    "who", ["national", "province", "regency reporter", "analyst", "province analyst", "centre"]
)
async def test_the_lean_answer_is_the_routes_byte_for_byte(world: World, who: str):
    """For each request the route answers 200, the lean path answers the same bytes (its
    content type and length are the lean layer's, the JSON type here); where the route
    refuses (a bad parameter, a region outside the jurisdiction, a role without the
    permission), the lean path hands the request on and sends no answer of its own."""
    headers, caller = world.callers[who]
    answered = 0
    for query in (*QUERIES, *HANDED_ON):
        full = await world.client.get(f"/statistics/victims?{query}", headers=headers)
        answer = await lean.victims(_request(world.app, query), caller)
        if full.status_code != 200 or query in HANDED_ON:
            assert answer is None, (who, query, full.status_code)
            continue
        assert full.headers["content-type"] == "application/json"
        assert answer is not None, (who, query)
        assert (answer.status, answer.headers) == (200, ())
        assert answer.body == full.content, (who, query)
        answered += 1
    if who == "centre":
        assert answered == 0  # statistics:read is not a centre's
    else:
        assert answered >= len(GROUPS) + len(CROSSED)
    # every connection the lean path took is back in the pool
    assert world.app.state.engine.pool.checkedout() == 0


@pytest.mark.parametrize("who", ["national", "province", "analyst", "centre"])
async def test_the_served_app_answers_as_the_full_stack(world: World, who: str):
    """Through HTTP, the app as served (lean reads on) answers every request as the full
    stack does: status, body, and headers but the request id."""
    headers, _ = world.callers[who]
    for query in (*QUERIES, *HANDED_ON):
        full = await world.client.get(f"/statistics/victims?{query}", headers=headers)
        served = await world.served.get(f"/statistics/victims?{query}", headers=headers)
        assert (served.status_code, served.content) == (full.status_code, full.content), query
        assert _headers(served) == _headers(full), query


def _headers(response: httpx.Response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k not in ("x-request-id", "date")}


async def test_the_answers_hold_what_the_tables_say(world: World):
    """The comparison above compares real tables: shared victims merged, perturbed counts
    for analysts, exact ones otherwise."""
    headers, caller = world.callers["national"]
    answer = await lean.victims(_request(world.app, "group_by=region"), caller)
    assert answer is not None
    full = (await world.client.get("/statistics/victims?group_by=region", headers=headers)).json()
    assert {cell["region"] for cell in full["cells"]} == {"33", "35"}
    assert full["merged_records"] > 0  # the same NIK in one year, counted once
    assert full["total"] == 60 - full["merged_records"]
    _, analyst = world.callers["analyst"]
    perturbed = await lean.victims(_request(world.app, "group_by=year,sex"), analyst)
    assert perturbed is not None
    assert b'"method":"cell_key"' in perturbed.body
    assert b'"merged_records":null' in perturbed.body


def test_each_parameter_is_read_once_and_plainly():
    """The lean path reads the parameters the route's way, or not at all."""
    from starlette.datastructures import QueryParams

    assert lean.parameters(QueryParams("group_by=year,sex&group_by=region&from_year=2020")) == {
        "from_year": 2020,
        "to_year": None,
        "region_code": None,
        "group_by": ["year,sex", "region"],
        "year_basis": "identified",
    }
    for query in ("from_year=2020&from_year=2021", "to_year=+2020", "region_code=", "to_year=1899"):
        assert lean.parameters(QueryParams(query)) is None, query
