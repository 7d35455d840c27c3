"""De-identified exports (docs/disclosure-control.md): no personal field, no exact date; for
analysts a k-anonymous release (k = GTPPTPPO_EXPORT_K, 11), checked with pycanon."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
from pycanon import anonymity

from gtpptppo_api.disclosure.release import QUASI_IDENTIFIERS
from gtpptppo_api.exports import service
from tests.cases.helpers import case_body, create_centre
from tests.helpers import problem

K = 11
COLUMNS = list(service.COLUMNS)
RELEASED_QI = ["region_code" if q == "region" else q for q in QUASI_IDENTIFIERS]


async def push(client, auth, national):
    """Twenty alike in Banyumas (33.02), nine in Cilacap (33.01), and two rare ones: the
    only victim of organ removal (to Japan), and a lone adult man from Malaysia."""
    items = {"33.02": [], "33.01": []}
    for i in range(20):
        items["33.02"].append(
            case_body(
                f"B-{i}",
                personal={"name": f"Korban {i}", "nik": f"33020150079900{i:02d}"},
                services=[] if i % 2 else case_body("x")["services"],
            )
        )
    for i in range(9):
        items["33.01"].append(case_body(f"C-{i}", region="33.01"))
    items["33.01"].append(
        case_body(
            "ORGAN",
            region="33.01",
            exploitation_types=["organ_removal"],
            destination={"country": "JP"},
        )
    )
    items["33.02"].append(
        case_body("LONE", victim={"sex": "male", "age_at_identification": 40, "nationality": "MY"})
    )
    for region, batch in items.items():
        centre = await create_centre(client, national, region)
        headers = await auth("service_centre", centre=centre["id"])
        response = await client.post(
            f"/service-centres/{centre['id']}/cases:batch", json=batch, headers=headers
        )
        assert response.json()["created"] == len(batch), response.text


async def rows(client, headers, path="/exports/cases.csv", **params):
    response = await client.get(path, headers=headers, params=params)
    assert response.status_code == 200, response.text
    assert not [h for h in response.headers if "suppress" in h.lower() or "withheld" in h.lower()]
    if path.endswith(".csv"):
        assert response.headers["content-type"].startswith("text/csv")
        return list(csv.DictReader(io.StringIO(response.text))), response.text
    return [json.loads(line) for line in response.text.splitlines()], response.text


async def test_analysts_export_is_k_anonymous_by_pycanon(client, auth, national):
    """Every combination of the quasi-identifiers in the analysts' release is shared by at
    least k = 11 records (pycanon's k-anonymity), rare values are generalised away, and no
    header tells how many records were withheld."""
    await push(client, auth, national)
    released, text = await rows(client, await auth("analyst"))
    assert released, "something is released"
    frame = pd.DataFrame(released, columns=COLUMNS)
    assert anonymity.k_anonymity(frame, RELEASED_QI) >= K
    # the rare victims are not singled out
    assert "organ_removal" not in text
    assert not [row for row in released if row["destination"] == "JP"]
    assert not [row for row in released if row["nationality"] == "MY"]
    assert "Korban" not in text
    assert "330201500799" not in text
    assert "2024-03" not in text  # no month, no exact date
    # Banyumas' twenty are released as themselves; the rest only generalised
    assert sum(1 for row in released if row["region_code"] == "33.02") >= K


async def test_a_region_export_is_cut_from_the_same_release(client, auth, national):
    """An export of one region holds the rows of the national release shown in that region:
    k-anonymous too, and no row differs between the two."""
    await push(client, auth, national)
    analyst = await auth("analyst")
    everything, _ = await rows(client, analyst)
    banyumas, _ = await rows(client, analyst, region_code="33.02")
    frame = pd.DataFrame(banyumas, columns=COLUMNS)
    assert anonymity.k_anonymity(frame, RELEASED_QI) >= K
    assert sorted(map(str, banyumas)) == sorted(
        str(row) for row in everything if row["region_code"] == "33.02"
    )


async def test_national_admins_get_every_row_at_its_finest(client, auth, national):
    await push(client, auth, national)
    exact, text = await rows(client, national, "/exports/cases.ndjson")
    assert len(exact) == 31
    assert set(exact[0]) == set(COLUMNS)
    assert "organ_removal" in text
    assert "Korban" not in text


async def test_ndjson_export_for_analysts(client, auth, national):
    await push(client, auth, national)
    lines, _ = await rows(client, await auth("analyst"), "/exports/cases.ndjson")
    assert lines
    assert all(set(line) == set(COLUMNS) for line in lines)
    frame = pd.DataFrame(lines, columns=COLUMNS).astype(str)
    assert anonymity.k_anonymity(frame, RELEASED_QI) >= K


async def test_exports_are_for_analysts_and_national_admins(client, auth, national):
    problem(await client.get("/exports/cases.csv", headers=await auth("reporter", "33")), 403)
    scoped = await auth("analyst", "35")
    problem(
        await client.get("/exports/cases.csv", params={"region_code": "33"}, headers=scoped), 403
    )
