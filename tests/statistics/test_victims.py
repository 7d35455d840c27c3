"""Victim statistics: Table 1 of Permen PPPA 10/2012 given back exactly, scoped, de-duplicated."""

from __future__ import annotations

import itertools

import pytest

from tests.cases.helpers import case_body, create_centre
from tests.helpers import problem

# Tabel 1 (BAB I, source IOM): victims by year x adult/child x sex.
TABLE_1 = {
    ("adult", "female"): {2007: 809, 2008: 279, 2009: 291, 2010: 121, 2011: 96},
    ("adult", "male"): {2007: 86, 2008: 2, 2009: 7, 2010: 8, 2011: 111},
    ("child", "female"): {2007: 198, 2008: 70, 2009: 42, 2010: 14, 2011: 20},
    ("child", "male"): {2007: 63, 2008: 8, 2009: 5, 2010: 3, 2011: 0},
}
TOTALS = {2007: 1156, 2008: 359, 2009: 345, 2010: 146, 2011: 227}
REGENCIES = ("33.02", "33.74", "35.78", "35.07")


def table_1_cases() -> dict[str, list[dict]]:
    """Every victim of Table 1 as a case, dealt round-robin to centres in four regencies."""
    per_region: dict[str, list[dict]] = {code: [] for code in REGENCIES}
    deal = itertools.cycle(REGENCIES)
    n = 0
    for (group, sex), years in TABLE_1.items():
        for year, count in years.items():
            for _ in range(count):
                region = next(deal)
                n += 1
                per_region[region].append(
                    case_body(
                        f"T1-{n}",
                        region=region,
                        identified_on=f"{year}-06-15",
                        victim={
                            "sex": sex,
                            "age_at_identification": 15 if group == "child" else 30,
                        },
                        services=[{"type": "complaint", "started_on": f"{year}-06-15"}],
                    )
                )
    return per_region


async def push_table_1(client, auth, national) -> dict[str, list[dict]]:
    per_region = table_1_cases()
    for region, cases in per_region.items():
        centre = await create_centre(client, national, region)
        headers = await auth("service_centre", centre=centre["id"])
        response = await client.post(
            f"/service-centres/{centre['id']}/cases:batch", json=cases, headers=headers
        )
        assert response.status_code == 200, response.text
        assert response.json()["created"] == len(cases)
    return per_region


def as_table(cells):
    return {(c["age_group"], c["sex"], c["year"]): c["count"] for c in cells}


def expected_table(cases=None):
    if cases is None:
        return {
            (group, sex, year): count
            for (group, sex), years in TABLE_1.items()
            for year, count in years.items()
            if count
        }
    table: dict = {}
    for case in cases:
        key = (
            "child" if case["victim"]["age_at_identification"] < 18 else "adult",
            case["victim"]["sex"],
            int(case["identified_on"][:4]),
        )
        table[key] = table.get(key, 0) + 1
    return table


async def stats(client, headers, **params):
    response = await client.get("/statistics/victims", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.slow
async def test_table_1_is_given_back_exactly(client, auth, national):
    """Permen PPPA 10/2012 BAB I, Tabel 1: year x adult/child x sex, at national level, and
    by province."""
    per_region = await push_table_1(client, auth, national)

    national_stats = await stats(
        client, national, group_by="year,age_group,sex", from_year=2007, to_year=2011
    )
    assert as_table(national_stats["cells"]) == expected_table()
    assert national_stats["suppressed_cells"] == 0
    by_year = await stats(client, national, group_by="year")
    assert {c["year"]: c["count"] for c in by_year["cells"]} == TOTALS

    # A province sees only its share, counted over its subtree.
    central_java = await auth("task_force_admin", "33")
    share = per_region["33.02"] + per_region["33.74"]
    own = await stats(client, central_java, group_by=["year", "age_group", "sex"])
    assert own["region_code"] == "33"
    assert as_table(own["cells"]) == expected_table(share)
    by_region = await stats(client, central_java, group_by="region")
    assert {c["region"]: c["count"] for c in by_region["cells"]} == {
        "33.02": len(per_region["33.02"]),
        "33.74": len(per_region["33.74"]),
    }
    provinces = await stats(client, national, group_by="region")
    assert {c["region"]: c["count"] for c in provinces["cells"]} == {
        "33": len(share),
        "35": len(per_region["35.78"]) + len(per_region["35.07"]),
    }
    problem(
        await client.get("/statistics/victims", params={"region_code": "35"}, headers=central_java),
        403,
    )

    # Re-pushing everything changes nothing.
    for centre in (await client.get("/service-centres", headers=national)).json()["items"]:
        headers = await auth("service_centre", centre=centre["id"])
        again = await client.post(
            f"/service-centres/{centre['id']}/cases:batch",
            json=per_region[centre["region_code"]],
            headers=headers,
        )
        body = again.json()
        assert (body["created"], body["updated"]) == (0, 0)
        assert body["unchanged"] == len(per_region[centre["region_code"]])
    assert as_table((await stats(client, national, group_by="year,age_group,sex"))["cells"]) == (
        expected_table()
    )


async def test_same_nik_same_year_counts_once_across_centres(client, auth, national):
    nik = "3302014101900002"
    first = await create_centre(client, national, "33.02")
    second = await create_centre(client, national, "33.74")
    ids = []
    for centre, ref in ((first, "A-1"), (second, "B-7")):
        headers = await auth("service_centre", centre=centre["id"])
        body = case_body(ref, region=centre["region_code"], personal={"nik": nik})
        result = await client.put(
            f"/service-centres/{centre['id']}/cases/{ref}", json=body, headers=headers
        )
        ids.append(result.json()["id"])
    other_year = case_body("A-2", identified_on="2023-01-10", personal={"nik": nik})
    other_year["services"] = []
    headers = await auth("service_centre", centre=first["id"])
    put = await client.put(
        f"/service-centres/{first['id']}/cases/A-2", json=other_year, headers=headers
    )
    alone = put.json()["id"]

    result = await stats(client, national, group_by="year")
    assert {c["year"]: c["count"] for c in result["cells"]} == {2023: 1, 2024: 1}
    assert result["merged_records"] == 1
    case = (await client.get(f"/cases/{ids[0]}", headers=national)).json()
    assert case["likely_duplicates"] == [ids[1]]  # marked shared by the later push
    case = (await client.get(f"/cases/{ids[1]}", headers=national)).json()
    assert case["likely_duplicates"] == [ids[0]]
    # the same NIK in another year is another victim
    assert (await client.get(f"/cases/{alone}", headers=national)).json()["likely_duplicates"] == []
    # a regency admin sees only the duplicates in its own jurisdiction
    banyumas = await auth("task_force_admin", "33.02")
    assert (await client.get(f"/cases/{ids[0]}", headers=banyumas)).json()[
        "likely_duplicates"
    ] == []


async def test_group_by_exploitation_and_service(client, auth, national):
    centre = await create_centre(client, national, "33.02")
    headers = await auth("service_centre", centre=centre["id"])
    cases = [
        case_body("E-1", exploitation_types=["forced_labour", "sexual_exploitation"]),
        case_body("E-2", exploitation_types=["sexual_exploitation"]),
        case_body(
            "E-3",
            services=[
                {"type": "complaint", "started_on": "2024-03-05"},
                {"type": "legal_aid", "started_on": "2024-03-06"},
            ],
        ),
    ]
    await client.post(f"/service-centres/{centre['id']}/cases:batch", json=cases, headers=headers)
    by_type = await stats(client, national, group_by="exploitation_type")
    assert {c["exploitation_type"]: c["count"] for c in by_type["cells"]} == {
        "forced_labour": 2,
        "sexual_exploitation": 2,
    }
    by_service = await stats(client, national, group_by="service")
    assert {c["service"]: c["count"] for c in by_service["cells"]} == {
        "complaint": 3,
        "legal_aid": 1,
    }


async def test_bad_group_by_is_named(client, national):
    body = problem(
        await client.get(
            "/statistics/victims", params={"group_by": "year,colour"}, headers=national
        ),
        422,
    )
    assert body["errors"][0]["field"] == "group_by"


async def test_who_may_read_statistics(client, auth, national):
    centre = await create_centre(client, national, "33.02")
    problem(
        await client.get(
            "/statistics/victims", headers=await auth("service_centre", centre=centre["id"])
        ),
        403,
    )
    assert (
        await client.get("/statistics/victims", headers=await auth("analyst"))
    ).status_code == 200
