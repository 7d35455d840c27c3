"""Realisation and progress (BAB V: realisation recorded per year against the targets).

The worked example below is computed by hand; ratios are basis points (10 000 = 100 %),
rounded half up.
"""

from __future__ import annotations

import pytest

from gtpptppo_api.reports.sections import action_plans as section_of
from tests.action_plans.plans import LEGAL_BASIS, activity, add_activity, create_plan
from tests.helpers import create_task_force, error_fields, problem

OUT_OF_SCOPE = [
    {"program": program, "reason": "Ditangani GT Provinsi"}
    for program in (
        "health_rehabilitation",
        "social_rehabilitation_repatriation_reintegration",
        "legal_norm_development",
        "cooperation_coordination",
    )
]
M = 1_000_000  # one million rupiah


@pytest.fixture
async def example(client, national):
    """Kabupaten Banyumas, RAD 2026-2030, two activities (programs a and e).

    A1 (a): I1 desa 10 (2026) / 20 (2027); I2 kader 4 / 4. Budget 2026: APBD 150 M,
            CSR 50 M; 2027: APBD 160 M.
    A2 (e): I3 kasus 3 (2026). Budget 2026: APBD 75 M, international donor 40 M.
    Realised 2026: A1 I1 = 7, I2 = 5, spent APBD 120 M, CSR 50 M;
                   A2 I3 = 1, spent APBD 30 M.
    """
    tf = await create_task_force(client, national, "33.02")
    plan = await create_plan(client, national, tf["id"], out_of_scope=OUT_OF_SCOPE)
    a1 = await add_activity(
        client,
        national,
        plan["id"],
        activity(
            "prevention_child_participation",
            catalogue_code="a.7",
            indicators=[
                {
                    "name": "Desa dengan kampanye berbasis komunitas",
                    "unit": "desa",
                    "baseline": 2,
                    "targets": [{"year": 2026, "value": 10}, {"year": 2027, "value": 20}],
                },
                {
                    "name": "Kader terlatih",
                    "unit": "orang",
                    "baseline": 0,
                    "targets": [{"year": 2026, "value": 4}, {"year": 2027, "value": 4}],
                },
            ],
            budget=[
                {"year": 2026, "source": "apbd", "planned_amount": 150 * M},
                {"year": 2026, "source": "csr", "planned_amount": 50 * M},
                {"year": 2027, "source": "apbd", "planned_amount": 160 * M},
            ],
        ),
    )
    a2 = await add_activity(
        client,
        national,
        plan["id"],
        activity(
            "law_enforcement",
            time_frame={"start_year": 2026, "end_year": 2026},
            indicators=[
                {
                    "name": "Kasus TPPO yang disidik",
                    "unit": "kasus",
                    "baseline": 1,
                    "targets": [{"year": 2026, "value": 3}],
                }
            ],
            budget=[
                {"year": 2026, "source": "apbd", "planned_amount": 75 * M},
                {"year": 2026, "source": "international_donor", "planned_amount": 40 * M},
            ],
        ),
    )
    adopted = await client.patch(
        f"/action-plans/{plan['id']}",
        json={"state": "adopted", "legal_basis": LEGAL_BASIS},
        headers=national,
    )
    assert adopted.status_code == 200, adopted.text
    i1, i2 = (i["id"] for i in a1["indicators"])
    (i3,) = (i["id"] for i in a2["indicators"])
    url = f"/action-plans/{plan['id']}/realisations"
    first = await client.put(
        f"{url}/{a1['id']}/2026",
        json={
            "indicator_values": [
                {"indicator_id": i1, "achieved": 7},
                {"indicator_id": i2, "achieved": 5},
            ],
            "spending": [
                {"source": "apbd", "amount": 120 * M},
                {"source": "csr", "amount": 50 * M},
            ],
            "evidence_notes": "Laporan kegiatan dan daftar hadir di 7 desa",
        },
        headers=national,
    )
    assert first.status_code == 201, first.text
    second = await client.put(
        f"{url}/{a2['id']}/2026",
        json={
            "indicator_values": [{"indicator_id": i3, "achieved": 1}],
            "spending": [{"source": "apbd", "amount": 30 * M}],
        },
        headers=national,
    )
    assert second.status_code == 201, second.text
    return {"task_force": tf, "plan": plan, "a1": a1, "a2": a2, "ids": (i1, i2, i3)}


async def test_progress_of_one_year_by_hand(client, national, example):
    """2026: I1 7/10, I2 5/4, I3 1/3; absorption 200 M of 315 M."""
    response = await client.get(
        f"/action-plans/{example['plan']['id']}/progress", params={"year": 2026}, headers=national
    )
    assert response.status_code == 200, response.text
    body = response.json()
    i1, i2, i3 = example["ids"]
    achievement = {i["indicator_id"]: i["achievement_bp"] for i in body["indicators"]}
    assert achievement == {i1: 7000, i2: 12500, i3: 3333}  # 1/3 = 3333.3 -> 3333
    by_id = {i["indicator_id"]: i for i in body["indicators"]}
    assert (by_id[i1]["target"], by_id[i1]["achieved"]) == (10, 7)

    programs = {p["letter"]: p for p in body["programs"]}
    # a: mean of 7000 and min(12500, 10000) = 8500; e: 3333.
    assert programs["a"]["achievement_bp"] == 8500
    assert programs["e"]["achievement_bp"] == 3333
    assert programs["b"]["achievement_bp"] is None
    assert programs["b"]["indicators"] == 0
    # a: 170 M of 200 M = 8500; e: 30 M of 115 M = 2608.7 -> 2609.
    assert programs["a"]["budget"] == {
        "planned": 200 * M,
        "realised": 170 * M,
        "absorption_bp": 8500,
    }
    assert programs["e"]["budget"]["absorption_bp"] == 2609
    assert programs["b"]["budget"] == {"planned": 0, "realised": 0, "absorption_bp": None}

    # plan: (7000 + 10000 + 3333) / 3 = 6777.7 -> 6778; 200 M of 315 M = 6349.2 -> 6349.
    assert body["plan"] == {
        "indicators": 3,
        "achievement_bp": 6778,
        "budget": {"planned": 315 * M, "realised": 200 * M, "absorption_bp": 6349},
    }
    # APBD 150 M of 225 M = 6666.7 -> 6667; CSR 50 of 50; donor 0 of 40.
    assert body["budget_by_source"] == [
        {"source": "apbd", "planned": 225 * M, "realised": 150 * M, "absorption_bp": 6667},
        {"source": "csr", "planned": 50 * M, "realised": 50 * M, "absorption_bp": 10000},
        {
            "source": "international_donor",
            "planned": 40 * M,
            "realised": 0,
            "absorption_bp": 0,
        },
    ]


async def test_progress_over_the_whole_period_by_hand(client, national, example):
    """Whole period: I1 7/30, I2 5/8, I3 1/3; 200 M of 475 M planned."""
    response = await client.get(f"/action-plans/{example['plan']['id']}/progress", headers=national)
    body = response.json()
    i1, i2, i3 = example["ids"]
    achievement = {i["indicator_id"]: i["achievement_bp"] for i in body["indicators"]}
    assert achievement == {i1: 2333, i2: 6250, i3: 3333}
    assert (body["from_year"], body["to_year"]) == (2026, 2030)
    # (2333 + 6250 + 3333) / 3 = 3972; 200 / 475 = 4210.5 -> 4211.
    assert body["plan"]["achievement_bp"] == 3972
    assert body["plan"]["budget"] == {
        "planned": 475 * M,
        "realised": 200 * M,
        "absorption_bp": 4211,
    }


async def test_nothing_realised_yet_is_zero_achievement(client, national, example):
    response = await client.get(
        f"/action-plans/{example['plan']['id']}/progress", params={"year": 2027}, headers=national
    )
    body = response.json()
    assert [i["achievement_bp"] for i in body["indicators"]] == [0, 0]
    assert body["plan"]["budget"] == {"planned": 160 * M, "realised": 0, "absorption_bp": 0}


async def test_progress_year_outside_the_plan_is_refused(client, national, example):
    response = await client.get(
        f"/action-plans/{example['plan']['id']}/progress", params={"year": 2031}, headers=national
    )
    assert error_fields(problem(response, 422)) == {"year"}


async def test_realisation_put_is_idempotent_and_replaces(client, national, example):
    url = f"/action-plans/{example['plan']['id']}/realisations/{example['a2']['id']}/2026"
    i3 = example["ids"][2]
    body = {"indicator_values": [{"indicator_id": i3, "achieved": 3}], "spending": []}
    first = await client.put(url, json=body, headers=national)
    assert first.status_code == 200
    again = await client.put(
        url, json=body, headers={**national, "If-Match": first.headers["etag"]}
    )
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["indicator_values"] == [{"indicator_id": i3, "achieved": 3}]
    problem(await client.put(url, json=body, headers={**national, "If-Match": '"1"'}), 412)
    listed = await client.get(
        f"/action-plans/{example['plan']['id']}/realisations",
        params={"year": 2026},
        headers=national,
    )
    assert len(listed.json()["items"]) == 2


async def test_realisation_names_the_activitys_own_indicators(client, national, example):
    url = f"/action-plans/{example['plan']['id']}/realisations/{example['a2']['id']}/2026"
    i1 = example["ids"][0]
    response = await client.put(
        url, json={"indicator_values": [{"indicator_id": i1, "achieved": 3}]}, headers=national
    )
    assert error_fields(problem(response, 422)) == {"indicator_values.0.indicator_id"}


async def test_realisation_needs_an_adopted_plan(client, national):
    tf = await create_task_force(client, national, "33.01")
    plan = await create_plan(client, national, tf["id"])
    created = await add_activity(client, national, plan["id"], activity())
    response = await client.put(
        f"/action-plans/{plan['id']}/realisations/{created['id']}/2026",
        json={"indicator_values": []},
        headers=national,
    )
    problem(response, 409)


async def test_report_section(session, client, national, example):
    """The report worker's action-plan section: progress, absorption, activities behind."""
    section = (
        await section_of.report_section(session, example["task_force"]["id"], 2026)
    ).model_dump(mode="json")
    assert section["from_year"] == section["to_year"] == 2026
    (plan,) = section["action_plans"]
    assert plan["action_plan"]["id"] == example["plan"]["id"]
    assert plan["progress"]["achievement_bp"] == 6778
    assert plan["progress"]["budget"]["absorption_bp"] == 6349
    assert [s["source"] for s in plan["absorption_by_source"]] == [
        "apbd",
        "csr",
        "international_donor",
    ]
    assert plan["activities_behind_target"] == [
        {
            "activity_id": example["a1"]["id"],
            "program": "prevention_child_participation",
            "letter": "a",
            "activity": example["a1"]["activity"],
            "indicators_behind": 1,
            "lowest_achievement_bp": 7000,
        },
        {
            "activity_id": example["a2"]["id"],
            "program": "law_enforcement",
            "letter": "e",
            "activity": example["a2"]["activity"],
            "indicators_behind": 1,
            "lowest_achievement_bp": 3333,
        },
    ]
    five = (
        await section_of.report_section(session, example["task_force"]["id"], 2026, years=5)
    ).model_dump(mode="json")
    assert five["to_year"] == 2030
    assert five["action_plans"][0]["progress"]["achievement_bp"] == 3972
    empty = (
        await section_of.report_section(session, example["task_force"]["id"], 2020)
    ).model_dump(mode="json")
    assert empty["action_plans"] == []
