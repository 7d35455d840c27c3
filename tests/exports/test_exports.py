"""De-identified exports: no personal field, no exact date, small classes withheld."""

from __future__ import annotations

import csv
import io
import json

from tests.cases.helpers import case_body, create_centre
from tests.helpers import problem


async def push(client, auth, national):
    centre = await create_centre(client, national, "33.02")
    headers = await auth("service_centre", centre=centre["id"])
    items = [
        case_body(f"X-{i}", personal={"name": f"Korban {i}", "nik": f"33020150079900{i:02d}"})
        for i in range(6)
    ] + [case_body("LONE", victim={"sex": "male", "age_at_identification": 40})]
    response = await client.post(
        f"/service-centres/{centre['id']}/cases:batch", json=items, headers=headers
    )
    assert response.json()["created"] == 7


async def test_csv_export_is_de_identified_and_withholds_small_classes(client, auth, national):
    await push(client, auth, national)
    analyst = await auth("analyst")
    response = await client.get("/exports/cases.csv", headers=analyst)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["x-suppressed-rows"] == "1"  # the lone adult male of 2024-03
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 6
    assert rows[0]["identification_month"] == "2024-03"
    assert rows[0]["exploitation_types"] == "forced_labour"
    assert "Korban" not in response.text
    assert "3302015007990" not in response.text
    assert "2024-03-05" not in response.text  # no exact date


async def test_ndjson_export(client, auth, national):
    await push(client, auth, national)
    response = await client.get("/exports/cases.ndjson", headers=await auth("analyst"))
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert len(lines) == 6
    assert set(lines[0]) == {
        "identification_month",
        "registered_region_code",
        "province_code",
        "age_group",
        "sex",
        "foreign_national",
        "origin_region_code",
        "destination",
        "exploitation_types",
        "services",
        "legal_stage",
        "status",
    }


async def test_exports_are_for_analysts_and_national_admins(client, auth, national):
    problem(await client.get("/exports/cases.csv", headers=await auth("reporter", "33")), 403)
    scoped = await auth("analyst", "35")
    problem(
        await client.get("/exports/cases.csv", params={"region_code": "33"}, headers=scoped), 403
    )
