"""The year of the incident (Table 1 "Tahun Kejadian") beside the year of identification.

A case may record when the trafficking took place (a day, or a year alone); statistics
count by either year (``year_basis``), each from cells of its own kept by every push, and
the report's Table 1 counts by the incident year, by the identification year where that is
unknown.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from gtpptppo_api.cases import cells
from tests.cases.helpers import case_body, create_centre
from tests.helpers import error_fields, problem
from tests.reports.support import open_report, run_generation_jobs, unit


async def _push(client, headers, centre_id: int, items: list[dict[str, Any]]) -> dict[str, Any]:
    response = await client.post(
        f"/service-centres/{centre_id}/cases:batch", json=items, headers=headers
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def _centre(client, national, auth, region: str = "33.02"):
    centre = await create_centre(client, national, region)
    return centre, await auth("service_centre", centre=centre["id"])


def _incident_cases(region: str = "33.02") -> list[dict[str, Any]]:
    """Identified in 2024: incidents in 2022 (a day), 2023 (a year alone), and unknown."""
    return [
        case_body("I-1", region=region, incident_on="2022-08-17"),
        case_body("I-2", region=region, incident_year=2023),
        case_body("I-3", region=region),
    ]


async def _years(client, headers, **params: Any) -> dict[int, int]:
    response = await client.get(
        "/statistics/victims", params={"group_by": "year", **params}, headers=headers
    )
    assert response.status_code == 200, response.text
    return {cell["year"]: cell["count"] for cell in response.json()["cells"]}


async def test_incident_date_is_optional_and_read_back(client, auth, national):
    """Permen PPPA 10/2012 §Table 1 ("Tahun Kejadian"): a case records the incident's day
    or year beside its identification; a client that sends neither keeps working."""
    centre, headers = await _centre(client, national, auth)
    result = await _push(client, headers, centre["id"], _incident_cases())
    assert result["created"] == 3, result
    read = {}
    for item in result["results"]:
        response = await client.get(f"/cases/{item['id']}", headers=national)
        assert response.status_code == 200, response.text
        read[item["external_ref"]] = response.json()
    assert (read["I-1"]["incident_on"], read["I-1"]["incident_year"]) == ("2022-08-17", 2022)
    assert (read["I-2"]["incident_on"], read["I-2"]["incident_year"]) == (None, 2023)
    assert (read["I-3"]["incident_on"], read["I-3"]["incident_year"]) == (None, None)

    # the same bodies again: unchanged, with or without an incident
    again = await _push(client, headers, centre["id"], _incident_cases())
    assert again["unchanged"] == 3, again


async def test_bad_incident_dates_are_named_and_change_nothing(client, auth, national):
    """Permen PPPA 10/2012 §Table 1: an incident cannot follow its identification, and a
    day and a year given together agree."""
    centre, headers = await _centre(client, national, auth)
    url = f"/service-centres/{centre['id']}/cases"
    for extra, field in (
        ({"incident_on": "2024-03-06"}, "incident_on"),  # identified on 2024-03-05
        ({"incident_on": "2022-01-01", "incident_year": 2023}, "incident_year"),
        ({"incident_year": 2025}, "incident_year"),
        ({"incident_year": 1800}, "incident_year"),
    ):
        response = await client.put(f"{url}/BAD", json=case_body("BAD", **extra), headers=headers)
        assert field in error_fields(problem(response, 422)), (extra, response.text)
    listed = await client.get("/cases", headers=national)
    assert listed.json()["items"] == []


async def test_statistics_count_by_the_year_basis_asked_for(client, auth, national):
    """Permen PPPA 10/2012 §Table 1: by the incident year (the identification year where it
    is unknown) with ``year_basis=incident``; by the identification year by default."""
    centre, headers = await _centre(client, national, auth)
    await _push(client, headers, centre["id"], _incident_cases())
    assert await _years(client, national) == {2024: 3}
    assert await _years(client, national, year_basis="identified") == {2024: 3}
    assert await _years(client, national, year_basis="incident") == {2022: 1, 2023: 1, 2024: 1}
    # the years filter on the same basis; other groups than the cells' too
    assert await _years(client, national, year_basis="incident", to_year=2023) == {
        2022: 1,
        2023: 1,
    }
    response = await client.get(
        "/statistics/victims",
        params={"group_by": "year,service", "year_basis": "incident", "from_year": 2023},
        headers=national,
    )
    assert {(c["year"], c["service"]): c["count"] for c in response.json()["cells"]} == {
        (2023, "complaint"): 1,
        (2024, "complaint"): 1,
    }
    assert response.json()["year_basis"] == "incident"

    # a case corrected to another incident year moves between the incident cells
    moved = case_body("I-3", incident_year=2022)
    await _push(client, headers, centre["id"], [moved])
    assert await _years(client, national, year_basis="incident") == {2022: 2, 2023: 1}
    assert await _years(client, national) == {2024: 3}

    bad = await client.get("/statistics/victims", params={"year_basis": "x"}, headers=national)
    assert "year_basis" in error_fields(problem(bad, 422))


async def test_incident_cells_equal_a_count_of_the_cases(client, auth, national, session):
    """Permen PPPA 10/2012 §Table 1: the incident-year cells are kept by every push, shared
    victims included, and ``gtpptppo cells check`` finds them equal to the cases."""
    centre, headers = await _centre(client, national, auth)
    other, other_headers = await _centre(client, national, auth, "35.07")
    nik = {"nik": "3302014101900002"}
    await _push(client, headers, centre["id"], [*_incident_cases(), case_body("N", personal=nik)])
    # the same NIK in the same identification year, elsewhere and with another incident year
    shared = case_body("N2", region="35.07", personal=nik, incident_year=2021)
    await _push(client, other_headers, other["id"], [shared])
    assert await cells.differences(session) == []
    assert await cells.differences(session, "incident") == []
    stored = await session.execute(
        text("SELECT year, sum(records), sum(single) FROM victim_case_incident_cell GROUP BY year")
    )
    assert {tuple(row) for row in stored} == {
        (2021, 1, 0),
        (2022, 1, 1),
        (2023, 1, 1),
        (2024, 2, 1),
    }
    # the shared victim counts once in each cell it is in, and once in the whole
    assert await _years(client, national, year_basis="incident") == {
        2021: 1,
        2022: 1,
        2023: 1,
        2024: 2,
    }
    whole = await client.get(
        "/statistics/victims", params={"year_basis": "incident"}, headers=national
    )
    assert whole.json()["total"] == 4


async def test_analysts_get_the_incident_basis_perturbed_by_cell_key(
    client, auth, national, session, app
):
    """Permen PPPA 10/2012 §Table 1: an analyst's incident-year counts are published by cell
    key, each cell's key the sum of its victims' record keys."""
    centre, headers = await _centre(client, national, auth)
    items = [
        case_body(f"K-{i}", incident_year=2022 if i < 14 else 2023, services=[]) for i in range(20)
    ]
    await _push(client, headers, centre["id"], items)
    response = await client.get(
        "/statistics/victims",
        params={"group_by": "year", "year_basis": "incident", "from_year": 2022, "to_year": 2024},
        headers=await auth("analyst"),
    )
    body = response.json()
    assert body["disclosure_control"]["method"] == "cell_key"
    control = app.state.disclosure
    keys = dict(
        tuple(row)
        for row in await session.execute(
            text("SELECT incident_year, sum(record_key) FROM victim_case GROUP BY incident_year")
        )
    )
    expected = {
        2022: control.value(14, int(keys[2022])),
        2023: control.value(6, int(keys[2023])),
        2024: None,
    }
    assert {cell["year"]: cell["count"] for cell in body["cells"]} == expected
    assert body["total"] == control.value(20, int(keys[2022]) + int(keys[2023]))
    assert body["merged_records"] is None


async def test_report_table_1_counts_by_the_incident_year(client, session, national, auth):
    """Permen PPPA 10/2012 §Table 1 ("Tahun Kejadian"): a report counts the cases of its
    year by the incident year, falling back to the identification year, and says so."""
    province = await unit(client, national, auth, "33")
    centre, headers = await _centre(client, national, auth)
    later = case_body("I-4", identified_on="2025-02-01", incident_on="2024-12-30", services=[])
    await _push(client, headers, centre["id"], [*_incident_cases(), later])
    report = await open_report(client, province.admin, province, year=2024)
    await run_generation_jobs(session)
    response = await client.get(f"/reports/{report['id']}", headers=province.admin)
    victims = response.json()["figures"]["victims"]
    # I-3 (incident unknown: identified 2024) and I-4 (incident 2024, identified 2025)
    assert {c["year"] for c in victims["cells"]} == {2024}
    assert victims["total"] == 2
    assert victims["year_basis"] == "incident"
    assert victims["incident_year_unknown"] == 1
    html = await client.get(f"/reports/{report['id']}/document?format=html", headers=national)
    assert html.status_code == 200, html.text
    assert "bila tahun kejadian tidak diketahui, dipakai tahun identifikasi" in html.text
    assert "(1 catatan kasus)" in html.text
