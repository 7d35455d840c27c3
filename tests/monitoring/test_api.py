"""Monitoring and evaluation (Permen PPPA 10/2012, 3.3.1): the checklist instrument and who
may monitor whom (Lampiran VI)."""

from __future__ import annotations

import pytest

from tests.helpers import create_task_force, error_fields, problem
from tests.meetings.support import AREAS, centre, checklist, sub_task_forces, visit, visit_body


@pytest.fixture
async def tree(client, national):
    """The nation, Central Java and DI Yogyakarta, Banyumas (33.02) and Kota Yogyakarta."""
    return {
        "nation": await create_task_force(client, national, "ID"),
        "jateng": await create_task_force(client, national, "33"),
        "diy": await create_task_force(client, national, "34"),
        "banyumas": await create_task_force(client, national, "33.02"),
        "yogya": await create_task_force(client, national, "34.71"),
    }


async def test_the_lampiran_vi_graph_is_allowed(client, national, tree):
    """3.3.1 e 1, 2 c, 3 b: nation -> its Sub GT and provinces; province -> its Sub GT,
    centres and regencies; regency -> its Sub GT and centres."""
    nation, diy, yogya = tree["nation"], tree["diy"], tree["yogya"]
    diy_centre = await centre(client, national, "34")
    yogya_centre = await centre(client, national, "34.71")
    allowed = [
        (nation, "sub_task_force", (await sub_task_forces(client, national, nation))[0]["id"]),
        (nation, "task_force", diy["id"]),
        (diy, "sub_task_force", (await sub_task_forces(client, national, diy))[0]["id"]),
        (diy, "service_centre", diy_centre["id"]),
        (diy, "task_force", yogya["id"]),
        (yogya, "sub_task_force", (await sub_task_forces(client, national, yogya))[0]["id"]),
        (yogya, "service_centre", yogya_centre["id"]),
    ]
    for monitor, kind, subject_id in allowed:
        made = await visit(client, national, monitor, kind, subject_id, "2025-03-01")
        assert made["subject"]["kind"] == kind
        assert made["subject"]["id"] == subject_id
        assert len(made["indicators"]) == 6


@pytest.mark.parametrize(
    ("monitor", "subject", "rule"),
    [
        ("nation", "banyumas", "3.3.1 e 1"),  # the nation does not monitor regencies directly
        ("yogya", "diy", "3.3.1 e 3 b"),  # nor a regency its province
        ("diy", "banyumas", "3.3.1 e 2 c"),  # nor a province another province's regency
        ("diy", "jateng", "3.3.1 e 2 c"),  # nor a province another province
    ],
)
async def test_task_forces_outside_the_graph_are_refused(
    client, national, tree, monitor, subject, rule
):
    """Lampiran VI: anything but the lines of 3.3.1 e is refused, with the rule cited."""
    response = await client.post(
        "/monitoring-visits",
        json=visit_body(tree[monitor], "task_force", tree[subject]["id"], "2025-03-01"),
        headers=national,
    )
    error = problem(response, 422)
    assert error_fields(error) == {"subject"}
    assert error["errors"][0]["rule"] == rule
    assert "Lampiran VI" in error["errors"][0]["message"]
    listed = await client.get("/monitoring-visits", headers=national)
    assert listed.json()["items"] == []


async def test_sub_task_forces_and_centres_outside_the_graph_are_refused(client, national, tree):
    """3.3.1 e: a task force monitors its own Sub GT and the centres of its own region."""
    nation, diy, yogya = tree["nation"], tree["diy"], tree["yogya"]
    yogya_unit = (await sub_task_forces(client, national, yogya))[0]
    kulon_progo_centre = await centre(client, national, "34.01")
    yogya_centre = await centre(client, national, "34.71")
    cases = [
        (diy, "sub_task_force", yogya_unit["id"], "3.3.1 e 2 c"),
        (diy, "service_centre", yogya_centre["id"], "3.3.1 e 2 c"),
        (yogya, "service_centre", kulon_progo_centre["id"], "3.3.1 e 3 b"),
        (nation, "service_centre", yogya_centre["id"], "3.3.1 e 1"),
    ]
    for monitor, kind, subject_id, rule in cases:
        error = problem(
            await client.post(
                "/monitoring-visits",
                json=visit_body(monitor, kind, subject_id, "2025-03-01"),
                headers=national,
            ),
            422,
        )
        assert error["errors"][0]["rule"] == rule, (monitor["region_code"], kind)


async def test_the_checklist_covers_the_six_areas(client, national, tree):
    """3.3.1 b: the instrument has indicators on policy, institution, action plan, victim
    recording and reporting, case handling by centres and facilities; each is scored."""
    diy, yogya = tree["diy"], tree["yogya"]
    five = [
        {"area": area, "indicator": "x", "score": 2} for area in AREAS if area != "facilities"
    ] * 2
    error = problem(
        await client.post(
            "/monitoring-visits",
            json=visit_body(diy, "task_force", yogya["id"], "2025-03-01", indicators=five),
            headers=national,
        ),
        422,
    )
    assert error["errors"][0]["rule"] == "3.3.1 b"
    assert "facilities" in error["errors"][0]["message"]

    bad_score = visit_body(diy, "task_force", yogya["id"], "2025-03-01")
    bad_score["indicators"][0]["score"] = 5
    problem(await client.post("/monitoring-visits", json=bad_score, headers=national), 422)

    not_applicable = visit_body(diy, "task_force", yogya["id"], "2025-03-01", kind="evaluation")
    not_applicable["indicators"][4]["score"] = None
    response = await client.post("/monitoring-visits", json=not_applicable, headers=national)
    assert response.status_code == 201, response.text
    assert response.json()["indicators"][4]["score"] is None
    assert response.json()["kind"] == "evaluation"


async def test_correcting_a_visit(client, national, tree):
    made = await visit(
        client, national, tree["diy"], "task_force", tree["yogya"]["id"], "2025-03-01"
    )
    response = await client.patch(
        f"/monitoring-visits/{made['id']}",
        json={
            "findings": "Rencana kerja sudah disusun.",
            "indicators": [*checklist(), {"area": "policy", "indicator": "Perda", "score": 4}],
        },
        headers={**national, "If-Match": '"1"'},
    )
    assert response.status_code == 200, response.text
    assert response.headers["ETag"] == '"2"'
    assert len(response.json()["indicators"]) == 7
    problem(
        await client.patch(
            f"/monitoring-visits/{made['id']}",
            json={"findings": "again"},
            headers={**national, "If-Match": '"1"'},
        ),
        412,
    )


async def test_jurisdiction(client, national, auth, tree):
    """The monitor's and the subject's jurisdictions see a visit; others get 404, and only
    the monitor's may correct it. Analysts may not read findings (403)."""
    made = await visit(
        client, national, tree["diy"], "task_force", tree["yogya"]["id"], "2025-03-01"
    )
    yogya_admin = await auth("task_force_admin", region="34.71")
    seen = await client.get(f"/monitoring-visits/{made['id']}", headers=yogya_admin)
    assert seen.status_code == 200, seen.text
    listed = await client.get("/monitoring-visits", headers=yogya_admin)
    assert [v["id"] for v in listed.json()["items"]] == [made["id"]]
    problem(
        await client.patch(
            f"/monitoring-visits/{made['id']}", json={"findings": "x"}, headers=yogya_admin
        ),
        404,
    )
    # A regency/city cannot record a visit in its province's name.
    problem(
        await client.post(
            "/monitoring-visits",
            json=visit_body(tree["diy"], "task_force", tree["yogya"]["id"], "2025-04-01"),
            headers=yogya_admin,
        ),
        404,
    )

    banyumas_admin = await auth("task_force_admin", region="33.02")
    problem(await client.get(f"/monitoring-visits/{made['id']}", headers=banyumas_admin), 404)
    assert (await client.get("/monitoring-visits", headers=banyumas_admin)).json()["items"] == []

    problem(await client.get("/monitoring-visits", headers=await auth("analyst")), 403)
    reporter = await auth("reporter", region="34")
    problem(
        await client.post(
            "/monitoring-visits",
            json=visit_body(tree["diy"], "task_force", tree["yogya"]["id"], "2025-04-01"),
            headers=reporter,
        ),
        403,
    )
