"""The victim figures of a report agree with the statistics endpoint, cell by cell.

The report counts Table 1, the regions, the services and the exploitation types from one
scan of the case rows plus the de-duplication of the cases with a NIK; the statistics
endpoint counts each table with its own GROUP BY over the joined rows. Both must say the
same (Permen PPPA 10/2012 Table 1; the same NIK in the same year is one victim).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest

from tests.cases.helpers import case_body, create_centre
from tests.reports.support import YEAR, open_report, run_generation_jobs, unit

NIK = "3302014101900002"
OTHER_NIK = "3374015202850001"


def _service(kind: str, day: str = f"{YEAR}-03-05") -> dict[str, Any]:
    return {"type": kind, "started_on": day, "ended_on": day}


async def _push(client, headers, centre_id: int, items: list[dict[str, Any]]) -> None:
    response = await client.post(
        f"/service-centres/{centre_id}/cases:batch", json=items, headers=headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["invalid"] == 0, response.text


async def _statistics(client, headers, group_by: str) -> list[dict[str, Any]]:
    response = await client.get(
        "/statistics/victims",
        params={"region_code": "33", "from_year": YEAR - 1, "to_year": YEAR, "group_by": group_by},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    cells: list[dict[str, Any]] = response.json()["cells"]
    return cells


async def _figures(client, session, province, headers) -> dict[str, Any]:
    report = await open_report(client, headers, province, kind="five_year", year=YEAR - 1)
    await run_generation_jobs(session)
    response = await client.get(f"/reports/{report['id']}", headers=headers)
    assert response.json()["generation"] == "ready", response.text
    victims: dict[str, Any] = response.json()["figures"]["victims"]
    return victims


@pytest.fixture
async def province(client, national, auth):
    """Province 33 with two centres: the same NIK pushed by both (with different services and
    types), the same NIK again in another year, a second NIK twice in one centre, and cases
    without a NIK."""
    province = await unit(client, national, auth, "33")
    centres = [await create_centre(client, national, code) for code in ("33.02", "33.74")]
    tokens = [await auth("service_centre", centre=c["id"]) for c in centres]
    first = [
        case_body(
            "A-1",
            region="33.02",
            identified_on=f"{YEAR}-02-01",
            personal={"nik": NIK},
            exploitation_types=["forced_labour", "sexual_exploitation"],
            services=[_service("complaint"), _service("legal_aid")],
        ),
        case_body(
            "A-2",
            region="33.02",
            identified_on=f"{YEAR - 1}-06-01",
            personal={"nik": NIK},
            exploitation_types=["forced_labour"],
        ),
        case_body(
            "A-3",
            region="33.02",
            identified_on=f"{YEAR}-03-05",
            personal={"nik": OTHER_NIK},
            victim={"sex": "male", "age_at_identification": 15, "nationality": "ID"},
            exploitation_types=["domestic_servitude"],
        ),
        case_body(
            "A-4",
            region="33.02",
            identified_on=f"{YEAR}-05-01",
            personal={"nik": OTHER_NIK},
            victim={"sex": "male", "age_at_identification": 15, "nationality": "ID"},
            exploitation_types=["domestic_servitude", "forced_labour"],
            services=[],
        ),
        *[
            case_body(
                f"A-{i}",
                region="33.02",
                exploitation_types=["other"],
                services=[_service("health_rehabilitation"), _service("complaint")],
            )
            for i in range(5, 9)
        ],
    ]
    second = [
        case_body(
            "B-1",
            region="33.74",
            identified_on=f"{YEAR}-07-01",
            personal={"nik": NIK},
            exploitation_types=["sexual_exploitation"],
            services=[_service("repatriation", f"{YEAR}-07-02")],
        ),
        case_body("B-2", region="33.74", services=[]),
    ]
    await _push(client, tokens[0], centres[0]["id"], first)
    await _push(client, tokens[1], centres[1]["id"], second)
    return province, centres, tokens


def _by(cells: list[dict[str, Any]], field: str) -> dict[str, int]:
    return {cell[field]: cell["count"] for cell in cells}


async def test_report_figures_equal_the_statistics_of_the_subtree(client, session, province):
    """Table 1, the regions, the services and the exploitation types of a report are the
    statistics endpoint's counts over the same subtree and years (Permen PPPA 10/2012 Table 1)."""
    unit_, _, _ = province
    headers = unit_.admin
    victims = await _figures(client, session, unit_, headers)

    finest = await _statistics(client, headers, "year,age_group,sex,region")
    table_1: dict[tuple[int, str, str], int] = defaultdict(int)
    regions: dict[str, int] = defaultdict(int)
    for cell in finest:
        table_1[(cell["year"], cell["age_group"], cell["sex"])] += cell["count"]
        regions[cell["region"]] += cell["count"]
    assert {(c["year"], c["age_group"], c["sex"]): c["count"] for c in victims["cells"]} == dict(
        table_1
    )
    assert _by(victims["by_region"], "region_code") == dict(regions) == {"33.02": 7, "33.74": 2}
    assert victims["total"] == sum(table_1.values()) == 9
    assert victims["merged_records"] == 1  # one victim in one cell

    services = _by(await _statistics(client, headers, "service"), "service")
    assert _by(victims["by_service"], "service") == services
    assert services == {
        "complaint": 7,  # A-1, A-2 (another year), A-3 (with A-4), A-5 to A-8
        "health_rehabilitation": 4,
        "legal_aid": 1,
        "repatriation": 1,
    }
    types = _by(await _statistics(client, headers, "exploitation_type"), "exploitation_type")
    assert _by(victims["by_exploitation_type"], "exploitation_type") == types
    assert types == {
        # A-1 and B-1 are the same NIK in the same year: one victim under each type
        "forced_labour": 4,  # A-1 (with B-1), A-2 (another year), A-4 (with A-3), B-2
        "sexual_exploitation": 1,
        "domestic_servitude": 1,
        "other": 4,
    }
    # the tables keep the order of the values, as the statistics endpoint gives them
    assert [r["service"] for r in victims["by_service"]] == sorted(services)


async def test_a_corrected_case_moves_its_services_and_types(client, session, province):
    """A case pushed again with other services and types counts under the new ones only."""
    unit_, centres, tokens = province
    corrected = case_body(
        "B-2",
        region="33.74",
        exploitation_types=["organ_removal"],
        services=[_service("reintegration")],
    )
    await _push(client, tokens[1], centres[1]["id"], [corrected])
    victims = await _figures(client, session, unit_, unit_.admin)
    types = _by(victims["by_exploitation_type"], "exploitation_type")
    assert types["organ_removal"] == 1
    assert types["forced_labour"] == 3
    assert _by(victims["by_service"], "service")["reintegration"] == 1
