"""Monitoring of law enforcement and the mapping of routes: victims by legal stage, and by
the provinces and countries of origin, transit and destination.

A case records the places its victim was moved through (``transit``); statistics group by
each (for analysts over a finite domain, every value listed and perturbed), and a report
carries the same tables.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from tests.cases.helpers import case_body, create_centre
from tests.helpers import error_fields, problem
from tests.reports.support import open_report, run_generation_jobs, unit


async def _push(client, headers, centre_id: int, items: list[dict[str, Any]]) -> dict[str, Any]:
    response = await client.post(
        f"/service-centres/{centre_id}/cases:batch", json=items, headers=headers
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    assert result["invalid"] == 0, result
    return result


def _routes() -> list[dict[str, Any]]:
    """Four victims from Central Java (33) and one of unknown origin, through Riau Islands
    (21) and Singapore, to Malaysia, to Jakarta (31), or to an unknown place."""
    return [
        case_body(
            "R-1",
            transit=[{"region_code": "21.71"}, {"region_code": "21.72"}, {"country": "SG"}],
            legal_stage="prosecution",
        ),
        case_body("R-2", transit=[{"region_code": "21.71"}], legal_stage="prosecution"),
        case_body("R-3", destination={"region_code": "31.71"}, legal_stage="verdict"),
        case_body("R-4", destination=None, legal_stage="none"),
        case_body("R-5", origin_region_code=None, legal_stage="police_report"),
    ]


async def _cells(client, headers, group_by: str, **params: Any) -> dict[Any, Any]:
    response = await client.get(
        "/statistics/victims", params={"group_by": group_by, **params}, headers=headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    groups = body["group_by"]
    return {
        tuple(cell[g] for g in groups) if len(groups) > 1 else cell[groups[0]]: cell["count"]
        for cell in body["cells"]
    }


async def test_transit_points_are_recorded_and_checked(client, auth, national):
    """Permen PPPA 10/2012 §2.x.4 c 6 h-i (mapping of routes): a case lists the places its
    victim was moved through, regions or countries; an unknown one is named, nothing kept."""
    centre = await create_centre(client, national)
    headers = await auth("service_centre", centre=centre["id"])
    result = await _push(client, headers, centre["id"], _routes()[:1])
    case = (await client.get(f"/cases/{result['results'][0]['id']}", headers=national)).json()
    assert case["transit"] == [
        {"region_code": "21.71", "country": None},
        {"region_code": "21.72", "country": None},
        {"region_code": None, "country": "SG"},
    ]
    url = f"/service-centres/{centre['id']}/cases/BAD"
    for transit, field in (
        ([{"region_code": "21.71"}, {"region_code": "99.99"}], "transit.1.region_code"),
        ([{"country": "XX"}], "transit.0.country"),
        ([{"region_code": "21.71", "country": "SG"}], "transit.0"),
    ):
        response = await client.put(url, json=case_body("BAD", transit=transit), headers=headers)
        assert field in error_fields(problem(response, 422)), (transit, response.text)
    listed = (await client.get("/cases", headers=national)).json()["items"]
    assert [c["external_ref"] for c in listed] == ["R-1"]


async def test_victims_by_legal_stage_origin_transit_and_destination(client, auth, national):
    """Permen PPPA 10/2012 §2.x.2 (law enforcement) and §2.x.4 c 6 h-i (routes): victims by
    legal stage, and by province and country of origin, transit and destination."""
    centre = await create_centre(client, national)
    headers = await auth("service_centre", centre=centre["id"])
    await _push(client, headers, centre["id"], _routes())
    assert await _cells(client, national, "legal_stage") == {
        "none": 1,
        "police_report": 1,
        "prosecution": 2,
        "verdict": 1,
    }
    assert await _cells(client, national, "origin_region") == {"33": 4, None: 1}
    # R-1 passes two regencies of one province: it counts once there
    assert await _cells(client, national, "transit_region") == {"21": 2}
    assert await _cells(client, national, "transit_country") == {"ID": 2, "SG": 1}
    assert await _cells(client, national, "destination_country") == {"ID": 1, "MY": 3, None: 1}
    assert await _cells(client, national, "destination_region") == {"31": 1, None: 4}
    assert await _cells(client, national, "transit_region,transit_country") == {
        ("21", "ID"): 2,
        ("21", "SG"): 1,
    }
    assert await _cells(client, national, "origin_region,legal_stage") == {
        ("33", "none"): 1,
        ("33", "prosecution"): 2,
        ("33", "verdict"): 1,
        (None, "police_report"): 1,
    }


async def test_analysts_get_every_route_value_perturbed(client, auth, national, session, app):
    """Permen PPPA 10/2012 §2.x.4 c 6 h-i: for analysts each new group lists its whole
    finite domain (every province or country, and unknown) with each count perturbed by
    cell key."""
    centre = await create_centre(client, national)
    headers = await auth("service_centre", centre=centre["id"])
    items = [case_body(f"M-{i}", legal_stage="investigation", services=[]) for i in range(15)]
    await _push(client, headers, centre["id"], items)
    analyst = await auth("analyst")
    control = app.state.disclosure
    key = int(await session.scalar(text("SELECT sum(record_key) FROM victim_case")))
    provinces = int(
        await session.scalar(text("SELECT count(*) FROM region WHERE parent_code = 'ID'"))
    )

    origin = await _cells(client, analyst, "origin_region")
    assert len(origin) == provinces + 1
    assert None in origin
    assert origin["33"] == control.value(15, key)
    assert {value for code, value in origin.items() if code != "33"} == {None}

    countries = await _cells(client, analyst, "destination_country")
    assert len(countries) > 200
    assert None in countries
    assert countries["MY"] == control.value(15, key)
    stages = await _cells(client, analyst, "legal_stage")
    assert set(stages) == {
        "none",
        "police_report",
        "investigation",
        "prosecution",
        "verdict",
        "restitution",
    }
    assert stages["investigation"] == control.value(15, key)
    transit = await _cells(client, analyst, "transit_country")
    assert None not in transit
    assert set(transit.values()) == {None}
    # too many combinations are refused, naming the field
    response = await client.get(
        "/statistics/victims",
        params={"group_by": "destination_country,transit_country"},
        headers=analyst,
    )
    assert "group_by" in error_fields(problem(response, 422))


async def test_report_figures_hold_the_law_enforcement_and_route_tables(
    client, session, national, auth
):
    """Permen PPPA 10/2012 §2.x.2 and §2.x.4 c 6 h-i: a report states the victims by legal
    stage and by origin, transit and destination, in Indonesian."""
    province = await unit(client, national, auth, "33")
    centre = await create_centre(client, national)
    headers = await auth("service_centre", centre=centre["id"])
    await _push(client, headers, centre["id"], _routes())
    report = await open_report(client, province.admin, province, year=2024)
    await run_generation_jobs(session)
    response = await client.get(f"/reports/{report['id']}", headers=province.admin)
    routes = response.json()["figures"]["sections"]["routes"]
    assert {r["legal_stage"]: r["count"] for r in routes["by_legal_stage"]}["prosecution"] == 2
    assert routes["by_transit_region"] == [
        {"region_code": "21", "region_name": "Kepulauan Riau", "count": 2}
    ]
    assert {r["country"]: r["count"] for r in routes["by_destination_country"]} == {
        "ID": 1,
        "MY": 3,
        None: 1,
    }
    html = await client.get(f"/reports/{report['id']}/document?format=html", headers=national)
    assert "Menurut provinsi transit" in html.text
    assert "Penuntutan" in html.text
