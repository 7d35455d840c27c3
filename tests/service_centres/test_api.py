"""Service centres (PPT / P2TP2A, Permen PPPA 10/2012 §3.2 and §5.1.2) through HTTP."""

from __future__ import annotations

from tests.helpers import create_task_force, error_fields, problem


def centre_body(region_code="33.02", **extra):
    return {"name": f"P2TP2A {region_code}", "kind": "p2tp2a", "region_code": region_code, **extra}


async def test_centre_has_region_and_the_task_force_of_that_region(client, national):
    created = await client.post("/service-centres", json=centre_body(), headers=national)
    assert created.status_code == 201, created.text
    centre = created.json()
    assert centre["region_name"] == "Kabupaten Banyumas"
    assert centre["task_force_id"] is None  # no task force formed there yet
    tf = await create_task_force(client, national, "33.02")
    again = (await client.get(f"/service-centres/{centre['id']}", headers=national)).json()
    assert again["task_force_id"] == tf["id"]


async def test_centres_are_regional_not_national(client, national):
    """5.1.2: PPT are formed by provincial and regency/city governments."""
    error = problem(
        await client.post("/service-centres", json=centre_body("ID"), headers=national), 422
    )
    assert error_fields(error) == {"region_code"}
    assert "5.1.2" in error["detail"]


async def test_kind_is_a_closed_enum(client, national):
    error = problem(
        await client.post("/service-centres", json=centre_body(kind="clinic"), headers=national),
        422,
    )
    assert error_fields(error) == {"kind"}


async def test_centre_token_sees_only_its_own_centre(client, auth, national):
    mine = (await client.post("/service-centres", json=centre_body(), headers=national)).json()
    other = (
        await client.post("/service-centres", json=centre_body("33.01"), headers=national)
    ).json()
    token = await auth("service_centre", centre=mine["id"])
    listed = (await client.get("/service-centres", headers=token)).json()["items"]
    assert [c["id"] for c in listed] == [mine["id"]]
    problem(await client.get(f"/service-centres/{other['id']}", headers=token), 404)
    problem(await client.post("/service-centres", json=centre_body(), headers=token), 403)


async def test_jurisdiction_applies_to_centres(client, auth, national):
    banyumas = (await client.post("/service-centres", json=centre_body(), headers=national)).json()
    surabaya = (
        await client.post("/service-centres", json=centre_body("35.78"), headers=national)
    ).json()
    central_java = await auth("task_force_admin", "33")
    listed = (await client.get("/service-centres", headers=central_java)).json()["items"]
    assert [c["id"] for c in listed] == [banyumas["id"]]
    problem(await client.get(f"/service-centres/{surabaya['id']}", headers=central_java), 404)
    problem(
        await client.post("/service-centres", json=centre_body("35.78"), headers=central_java),
        403,
    )
    edited = await client.patch(
        f"/service-centres/{banyumas['id']}",
        json={"name": "UPTD PPA Banyumas"},
        headers=central_java,
    )
    assert edited.json()["name"] == "UPTD PPA Banyumas"
