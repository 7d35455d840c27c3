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


TRANSIT_EVENTS = [
    {"type": "recruitment", "region_code": "33.02", "started_on": "2024-01-02"},
    {"type": "transit", "region_code": "21.71", "started_on": "2024-01-20"},
    {"type": "exploitation", "country": "MY", "started_on": "2024-02-01"},
]


async def test_victims_with_and_without_transit(client, auth, national):
    """Permen PPPA 10/2012 §2.x.4 c 6 h-i (mapping of routes): each victim counts once,
    with a transit where the case recorded a place of transit (given, or from its transit
    events), else without; a case that gains a transit point moves between the two."""
    push = await _push(
        client,
        auth,
        national,
        [
            case_body("T-1", transit=[{"country": "SG"}]),
            case_body("T-2", transit=[{"region_code": "21.71"}, {"country": "SG"}]),
            case_body("T-3", events=TRANSIT_EVENTS, destination=None),
            case_body("T-4"),
            case_body("T-5", victim={"sex": "male", "age_at_identification": 30}),
        ],
    )
    assert await _cells(client, national, "transit") == {
        "with_transit": 3,
        "without_transit": 2,
    }
    assert await _cells(client, national, "transit,sex") == {
        ("with_transit", "female"): 3,
        ("without_transit", "female"): 1,
        ("without_transit", "male"): 1,
    }
    await push([case_body("T-4", transit=[{"country": "SG"}])])
    assert await _cells(client, national, "transit") == {
        "with_transit": 4,
        "without_transit": 1,
    }


def _small(ref: str) -> dict[str, Any]:
    """A case of the rare values of every detail: the few that must not be disclosed."""
    return case_body(
        ref,
        victim_context={
            "control_methods": ["physical_threats"],
            "recruitment_methods": ["at_work"],
            "forced_labour_industry": "construction",
        },
        perpetrators=[
            {"roles": ["recruiter_or_intermediary"], "relationship_to_victim": "unacquainted"}
        ],
        transit=[{"country": "SG"}],
    )


async def test_small_counts_of_the_new_details_are_not_disclosed_to_analysts(
    client, auth, national, session, app
):
    """docs/disclosure-control.md: a value recorded by 3 victims (means of control,
    recruitment method, perpetrator relationship, sector, transit) is exact for the
    national secretariat but hidden (null) for an analyst, while the large counts beside it
    are published perturbed by their cells' keys, every value of each list listed; the same
    cell has the same value however the request is cut."""
    await _push(
        client,
        auth,
        national,
        [_case(f"S-{i}", ["debt_bondage"], "familial") for i in range(14)]
        + [_small(f"S-small-{i}") for i in range(3)],
    )
    analyst = await auth("analyst")
    control = app.state.disclosure

    async def key_of(skip: str) -> tuple[int, int]:
        """The count and record-key sum of the cases whose reference is not like ``skip``."""
        query = text(
            "SELECT count(*), sum(record_key) FROM victim_case WHERE external_ref NOT LIKE :skip"
        )
        row = (await session.execute(query, {"skip": skip})).one()
        return int(row[0]), int(row[1] or 0)

    rare = {
        "control_method": "physical_threats",
        "recruitment_method": "at_work",
        "perpetrator_relationship": "unacquainted",
        "sector": "construction",
        "transit": "with_transit",
    }
    common = {
        "control_method": "debt_bondage",
        "recruitment_method": "through_online_social_networks",
        "perpetrator_relationship": "familial",
        "sector": "agriculture_forestry_and_fishing",
        "transit": "without_transit",
    }
    many = await key_of("S-small-%")
    assert many[0] == 14
    for group, value in rare.items():
        exact = await _cells(client, national, group)
        assert exact[value] == 3, group
        assert exact[common[group]] == 14, group
        hidden = await _cells(client, analyst, group)
        assert hidden[value] is None, group
        assert hidden[common[group]] == control.value(*many), group
        assert set(hidden) >= {value, common[group]}
        # crossed with sex: the rare cell is still hidden, and the total is a cell of its own
        crossed = await client.get(
            "/statistics/victims", params={"group_by": f"{group},sex"}, headers=analyst
        )
        assert crossed.status_code == 200, crossed.text
        body = crossed.json()
        assert body["disclosure_control"]["method"] == "cell_key"
        assert body["merged_records"] is None
        assert {cell["count"] for cell in body["cells"] if cell[group] == value} == {None}, group
        assert body["total"] == control.value(*await key_of(""))
