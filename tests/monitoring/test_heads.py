"""Heads of region as monitors (Permen PPPA 10/2012 §3.3.1 e): the Governor monitors the
provincial task force and the Bupati/Walikota of its regencies, the Bupati/Walikota the
regency's task force. Heads are not users: their secretariats record their visits, and the
compliance of a task force counts the monitoring by its head."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import create_task_force, error_fields, problem
from tests.meetings.support import visit, visit_body

HEAD = {"monitor_kind": "head_of_region"}


@pytest.fixture
async def tree(client, national, auth) -> dict[str, Any]:
    return {
        "nation": await create_task_force(client, national, "ID"),
        "jateng": await create_task_force(client, national, "33"),
        "banyumas": await create_task_force(client, national, "33.02"),
        "yogya": await create_task_force(client, national, "34.71"),
        "jateng_secretariat": await auth("task_force_admin", "33"),
        "banyumas_secretariat": await auth("task_force_admin", "33.02"),
    }


async def _post(client, headers, monitor, kind: str, subject_id: int, **extra: Any):
    body = visit_body(monitor, kind, subject_id, "2025-03-01", **{**HEAD, **extra})
    return await client.post("/monitoring-visits", json=body, headers=headers)


async def test_governor_and_bupati_monitor_as_the_regulation_says(client, tree):
    """Permen PPPA 10/2012 §3.3.1 e 2 a-b, e 3 a: the Governor monitors the provincial task
    force and the Bupati of a regency of the province; the Bupati monitors the regency's
    task force; each recorded by the head's own secretariat."""
    jateng, banyumas = tree["jateng"], tree["banyumas"]
    allowed = [
        (tree["jateng_secretariat"], jateng, "task_force", jateng["id"]),
        (tree["jateng_secretariat"], jateng, "head_of_region", banyumas["id"]),
        (tree["banyumas_secretariat"], banyumas, "task_force", banyumas["id"]),
    ]
    for headers, monitor, kind, subject_id in allowed:
        made = await visit(client, headers, monitor, kind, subject_id, "2025-03-01", **HEAD)
        assert made["monitor_kind"] == "head_of_region"
        assert made["subject"]["kind"] == kind
        assert made["subject"]["id"] == subject_id
    listed = await client.get(
        "/monitoring-visits",
        params={"subject_kind": "head_of_region", "subject_id": banyumas["id"]},
        headers=tree["banyumas_secretariat"],
    )
    assert [v["monitor_task_force_id"] for v in listed.json()["items"]] == [jateng["id"]]


async def test_what_heads_of_region_do_not_monitor(client, national, tree):
    """Permen PPPA 10/2012 §3.3.1 e: no head of region at the national level; the Governor
    does not monitor a regency's task force directly, nor another province's Bupati; the
    Bupati monitors no head; a task force monitors no head; a province's secretariat does
    not record the Bupati's visits."""
    jateng, banyumas, yogya = tree["jateng"], tree["banyumas"], tree["yogya"]
    refused = [
        (tree["nation"], "task_force", tree["nation"]["id"], "monitor_kind"),
        (jateng, "task_force", banyumas["id"], "subject"),
        (jateng, "head_of_region", yogya["id"], "subject"),
        (banyumas, "head_of_region", banyumas["id"], "subject"),
        (banyumas, "sub_task_force", 1, "subject"),
    ]
    for monitor, kind, subject_id, field in refused:
        response = await _post(client, national, monitor, kind, subject_id)
        assert field in error_fields(problem(response, 422)), (monitor["region_code"], kind)
    own = await _post(
        client, national, jateng, "head_of_region", banyumas["id"], monitor_kind="task_force"
    )
    assert "subject" in error_fields(problem(own, 422))
    problem(
        await _post(client, tree["jateng_secretariat"], banyumas, "task_force", banyumas["id"]),
        403,
    )
    visits = await client.get("/monitoring-visits", headers=national)
    assert visits.json()["items"] == []


async def _compliance(client, headers, task_force) -> dict[str, dict[str, Any]]:
    response = await client.get(
        f"/task-forces/{task_force['id']}/compliance", params={"year": 2025}, headers=headers
    )
    assert response.status_code == 200, response.text
    return {rule["rule"]: rule for rule in response.json()["rules"]}


async def test_compliance_counts_the_monitoring_by_the_head(client, national, tree):
    """Permen PPPA 10/2012 §3.3.1 d 1 with e 3 a: the Bupati monitors the regency's task
    force in each half of the year; the head's visit is not the task force's own."""
    banyumas, secretariat = tree["banyumas"], tree["banyumas_secretariat"]
    await visit(client, secretariat, banyumas, "task_force", banyumas["id"], "2025-03-01", **HEAD)
    rules = await _compliance(client, secretariat, banyumas)
    assert rules["head_of_region"]["status"] == "missed"
    assert rules["head_of_region"]["dates"] == ["2025-03-01"]
    assert [w["start"] for w in rules["head_of_region"]["missed_windows"]] == ["2025-07-01"]
    assert rules["monitoring"]["dates"] == []  # not the task force's own monitoring

    await visit(client, secretariat, banyumas, "task_force", banyumas["id"], "2025-09-01", **HEAD)
    assert (await _compliance(client, secretariat, banyumas))["head_of_region"]["met"] is True
    board = await client.get(
        "/compliance", params={"region_code": "33", "year": 2025}, headers=national
    )
    rows = {row["region_code"]: row for row in board.json()["task_forces"]}
    assert rows["33.02"]["head_of_region"] == "met"
    assert rows["33"]["head_of_region"] == "missed"
    national_rules = await _compliance(client, national, tree["nation"])
    assert national_rules["head_of_region"]["status"] == "met"  # none asked of it
