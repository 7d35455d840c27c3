"""What an analyst receives (docs/disclosure-control.md: de-identified aggregates only; no
small count): every grouping of the statistics and both exports, scanned."""

from __future__ import annotations

import itertools

from tests.cases.helpers import case_body, create_centre
from tests.security.test_access_matrix import THRESHOLD, analyst_leaks

GROUPS = ("year", "age_group", "sex", "region", "exploitation_type", "service")


async def push_cases(client, national, auth) -> None:
    """Twelve victims in Banyumas and three in Cilacap: some cells large, some small."""
    for region, count in (("33.02", 12), ("33.01", 3)):
        centre = await create_centre(client, national, region)
        headers = await auth("service_centre", centre=centre["id"])
        items = [
            case_body(
                f"A-{region}-{i}",
                region=region,
                identified_on=f"2024-03-0{1 + i % 3}",
                victim={"sex": "female" if i % 4 else "male", "age_at_identification": 15 + i},
                exploitation_types=["forced_labour" if i % 3 else "sexual_exploitation"],
                personal={"name": f"Rahasia Korban {i}", "nik": f"33020145019000{i:02d}"},
            )
            for i in range(count)
        ]
        response = await client.post(
            f"/service-centres/{centre['id']}/cases:batch", json=items, headers=headers
        )
        assert response.json()["created"] == count, response.text


async def test_the_scan_finds_small_cells_and_personal_data(client, national, auth):
    """The scan the matrix relies on is not blind: shown to a non-analyst, it flags them."""
    await push_cases(client, national, auth)
    admin = await auth("task_force_admin", "33")
    exact = await client.get("/statistics/victims", params={"group_by": "region"}, headers=admin)
    assert any("small cell" in leak for leak in analyst_leaks("/statistics/victims", exact))
    case_id = (await client.get("/cases", headers=national)).json()["items"][0]["id"]
    personal = await client.get(
        f"/cases/{case_id}",
        params={"include": "personal"},
        headers={**national, "X-Access-Reason": "audit of the scan"},
    )
    assert personal.status_code == 200
    assert "key personal" in analyst_leaks("/cases/{case_id}", personal)


async def test_no_grouping_shows_an_analyst_a_small_cell(client, national, auth):
    await push_cases(client, national, auth)
    shown = suppressed = exported = 0
    for scope in (None, "33"):
        analyst = await auth("analyst", scope)
        for size in range(len(GROUPS) + 1):
            for groups in itertools.combinations(GROUPS, size):
                response = await client.get(
                    "/statistics/victims",
                    params={"group_by": ",".join(groups)} if groups else {},
                    headers=analyst,
                )
                assert response.status_code == 200, response.text
                assert analyst_leaks("/statistics/victims", response) == [], groups
                body = response.json()
                shown += sum(1 for c in body["cells"] if c["count"] is not None)
                suppressed += body["suppressed_cells"]
                assert "Rahasia" not in response.text
        for path in ("/exports/cases.csv", "/exports/cases.ndjson"):
            response = await client.get(path, headers=analyst)
            assert response.status_code == 200
            assert analyst_leaks(path, response) == [], path
            exported += len(response.text.strip().splitlines())
    # not vacuous: some cells are shown (>= the threshold), some hidden
    assert shown > 0
    assert suppressed > 0
    assert exported > 4  # rows of the large groups (and the CSV headers)
    assert THRESHOLD == 10
