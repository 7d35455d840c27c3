"""Victims by the HTCDS 2.0 details of their cases: means of control, recruitment method,
the perpetrators' relationship to the victim and the sector of forced labour (ISIC), under
the same disclosure control as every other count (docs/disclosure-control.md)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from tests.cases.helpers import case_body, create_centre


async def _push(client, auth, national, items: list[dict[str, Any]]) -> Any:
    """Push ``items`` as a new centre; the function that pushes more as the same centre."""
    centre = await create_centre(client, national)
    headers = await auth("service_centre", centre=centre["id"])

    async def push(items: list[dict[str, Any]]) -> None:
        response = await client.post(
            f"/service-centres/{centre['id']}/cases:batch", json=items, headers=headers
        )
        assert response.status_code == 200, response.text
        assert response.json()["invalid"] == 0, response.text

    await push(items)
    return push


async def _cells(client, headers, group_by: str) -> dict[Any, Any]:
    response = await client.get(
        "/statistics/victims", params={"group_by": group_by}, headers=headers
    )
    assert response.status_code == 200, response.text
    groups = group_by.split(",")
    return {
        tuple(cell[g] for g in groups) if len(groups) > 1 else cell[groups[0]]: cell["count"]
        for cell in response.json()["cells"]
    }


def _case(ref: str, controls: list[str], relationship: str | None = None) -> dict[str, Any]:
    return case_body(
        ref,
        victim_context={
            "control_methods": controls,
            "recruitment_methods": ["through_online_social_networks"],
            "forced_labour_industry": "agriculture_forestry_and_fishing",
        },
        perpetrators=[{"roles": ["exploiter"], "relationship_to_victim": relationship}],
    )


async def test_victims_by_means_of_control_recruitment_relationship_and_sector(
    client, auth, national
):
    """Permen PPPA 10/2012 §2.x.4 c 6: the task forces map how victims were recruited and
    controlled; a case counts once under each means it recorded, and a case that recorded
    none is not in such a grouping."""
    push = await _push(
        client,
        auth,
        national,
        [
            _case("D-1", ["debt_bondage", "withholds_documents"], "familial"),
            _case("D-2", ["debt_bondage"], "acquainted"),
            case_body("D-3"),
        ],
    )
    assert await _cells(client, national, "control_method") == {
        "debt_bondage": 2,
        "withholds_documents": 1,
    }
    assert await _cells(client, national, "recruitment_method,sex") == {
        ("through_online_social_networks", "female"): 2
    }
    assert await _cells(client, national, "perpetrator_relationship") == {
        "acquainted": 1,
        "familial": 1,
    }
    assert await _cells(client, national, "sector") == {"agriculture_forestry_and_fishing": 2}
    # a case that changes its details moves between the groups
    await push([_case("D-1", ["physical_abuse"], "familial")])
    assert await _cells(client, national, "control_method") == {
        "debt_bondage": 1,
        "physical_abuse": 1,
    }


async def test_analysts_get_every_detail_perturbed(client, auth, national, session, app):
    """docs/disclosure-control.md: for analysts each detail lists every value of its closed
    list, each count perturbed by cell key, small ones hidden."""
    await _push(
        client, auth, national, [_case(f"E-{i}", ["debt_bondage"], "familial") for i in range(15)]
    )
    analyst = await auth("analyst")
    control = app.state.disclosure
    key = int(await session.scalar(text("SELECT sum(record_key) FROM victim_case")))
    controls = await _cells(client, analyst, "control_method")
    assert len(controls) == 16
    assert controls["debt_bondage"] == control.value(15, key)
    assert {v for k, v in controls.items() if k != "debt_bondage"} == {None}
    sectors = await _cells(client, analyst, "sector")
    assert len(sectors) == 21
    assert sectors["agriculture_forestry_and_fishing"] == control.value(15, key)
