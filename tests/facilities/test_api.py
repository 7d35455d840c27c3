"""Facilities inventories (Sarana dan Prasarana, 5.2) and their gaps, through HTTP."""

from __future__ import annotations

from gtpptppo_api.reports.sections import facilities as section_of
from tests.helpers import create_task_force, error_fields, problem

SECRETARIAT_ITEMS = 14  # 5.2 a-g
CENTRE_ITEMS = 21  # and the centre's own list (5.2 Pusat Pelayanan Terpadu)


async def create_centre(client, headers, region_code):
    response = await client.post(
        "/service-centres",
        json={"name": f"P2TP2A {region_code}", "kind": "p2tp2a", "region_code": region_code},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


async def create_inventory(client, headers, **body):
    response = await client.post(
        "/facilities", json={"assessed_on": "2026-04-01", **body}, headers=headers
    )
    assert response.status_code == 201, response.text
    return response.json()


def statuses(inventory):
    return {row["item"]: row["status"] for row in inventory["items"]}


async def test_secretariat_inventory_is_complete_against_its_checklist(client, national):
    """5.2: items left out are recorded as missing; labels keep the regulation's words."""
    tf = await create_task_force(client, national, "33.02")
    created = await create_inventory(
        client,
        national,
        task_force_id=tf["id"],
        items=[
            {"item": "internet", "status": "present"},
            {"item": "computer", "status": "partial", "note": "satu laptop rusak"},
        ],
    )
    assert created["owner_kind"] == "secretariat"
    assert created["region_code"] == "33.02"
    assert len(created["items"]) == SECRETARIAT_ITEMS
    assert created["status_counts"] == {"present": 1, "partial": 1, "missing": 12}
    computer = next(row for row in created["items"] if row["item"] == "computer")
    assert computer["label"] == "Komputer, laptop"
    assert computer["section"] == "5.2 c"
    assert computer["note"] == "satu laptop rusak"
    assert "hotline" not in statuses(created)


async def test_centre_inventory_has_the_centre_items(client, national):
    centre = await create_centre(client, national, "33.02")
    created = await create_inventory(
        client,
        national,
        service_centre_id=centre["id"],
        items=[{"item": "safe_house", "status": "present"}],
    )
    assert created["owner_kind"] == "service_centre"
    assert len(created["items"]) == CENTRE_ITEMS
    assert statuses(created)["safe_house"] == "present"
    assert statuses(created)["police_special_room"] == "missing"
    checklist = await client.get("/facilities/checklist?owner_kind=secretariat", headers=national)
    assert len(checklist.json()) == SECRETARIAT_ITEMS
    every = (await client.get("/facilities/checklist", headers=national)).json()
    assert sum(entry["centre_only"] for entry in every) == CENTRE_ITEMS - SECRETARIAT_ITEMS


async def test_centre_only_items_refused_for_a_secretariat(client, national):
    """5.2: the hotline and special rooms are on the service centre's list."""
    tf = await create_task_force(client, national, "33.02")
    response = await client.post(
        "/facilities",
        json={
            "task_force_id": tf["id"],
            "assessed_on": "2026-04-01",
            "items": [
                {"item": "furniture", "status": "present"},
                {"item": "hotline", "status": "missing"},
                {"item": "police_special_room", "status": "present"},
            ],
        },
        headers=national,
    )
    error = problem(response, 422)
    assert error_fields(error) == {"items.1.item", "items.2.item"}
    assert {e["rule"] for e in error["errors"]} == {"5.2"}
    assert "Pusat Pelayanan Terpadu" in error["errors"][0]["message"]


async def test_a_secretariat_records_its_safe_room(client, national):
    """Permen PPPA 10/2012 §5.2 a: "Ruangan untuk Kantor, Pengaduan, Konseling, Rumah/Kamar
    Aman, Kamar Mandi/WC" is the list of every task-force body, so a secretariat's inventory
    has the safe house or room (created and edited), and its checklist shows it."""
    tf = await create_task_force(client, national, "33.02")
    created = await create_inventory(
        client,
        national,
        task_force_id=tf["id"],
        items=[{"item": "safe_house", "status": "partial", "note": "satu kamar"}],
    )
    (room,) = [row for row in created["items"] if row["item"] == "safe_house"]
    assert (room["status"], room["label"], room["group"]) == (
        "partial",
        "Rumah/Kamar aman",
        "rooms",
    )
    assert room["section"].startswith("5.2 a")
    edited = await client.patch(
        f"/facilities/{created['id']}",
        json={"items": [{"item": "safe_house", "status": "present"}]},
        headers={**national, "If-Match": f'"{created["version"]}"'},
    )
    assert edited.status_code == 200, edited.text
    assert statuses(edited.json())["safe_house"] == "present"
    listed = await client.get("/facilities/checklist?owner_kind=secretariat", headers=national)
    assert "safe_house" in {entry["item"] for entry in listed.json()}


async def test_one_owner_and_one_inventory_each(client, national):
    tf = await create_task_force(client, national, "33.02")
    centre = await create_centre(client, national, "33.02")
    both = {
        "task_force_id": tf["id"],
        "service_centre_id": centre["id"],
        "assessed_on": "2026-04-01",
    }
    error = problem(await client.post("/facilities", json=both, headers=national), 422)
    assert error_fields(error) == {"task_force_id", "service_centre_id"}
    problem(
        await client.post("/facilities", json={"assessed_on": "2026-04-01"}, headers=national), 422
    )
    first = await create_inventory(client, national, task_force_id=tf["id"])
    again = await client.post(
        "/facilities",
        json={"task_force_id": tf["id"], "assessed_on": "2026-05-01"},
        headers=national,
    )
    assert problem(again, 409)["existing_inventory_id"] == first["id"]
    twice = await client.post(
        "/facilities",
        json={
            "service_centre_id": centre["id"],
            "assessed_on": "2026-04-01",
            "items": [
                {"item": "hotline", "status": "present"},
                {"item": "hotline", "status": "missing"},
            ],
        },
        headers=national,
    )
    assert error_fields(problem(twice, 422)) == {"items.1.item"}


async def test_update_merges_items(client, national):
    tf = await create_task_force(client, national, "33.02")
    created = await create_inventory(
        client, national, task_force_id=tf["id"], items=[{"item": "internet", "status": "present"}]
    )
    edited = await client.patch(
        f"/facilities/{created['id']}",
        json={"assessed_on": "2026-10-01", "items": [{"item": "transport", "status": "partial"}]},
        headers={**national, "If-Match": '"1"'},
    )
    assert edited.status_code == 200, edited.text
    assert statuses(edited.json())["internet"] == "present"
    assert statuses(edited.json())["transport"] == "partial"
    assert edited.headers["ETag"] == '"2"'
    refused = await client.patch(
        f"/facilities/{created['id']}",
        json={"items": [{"item": "hotline", "status": "present"}]},
        headers=national,
    )
    assert problem(refused, 422)["errors"][0]["rule"] == "5.2"
    problem(
        await client.patch(
            f"/facilities/{created['id']}",
            json={"notes": "x"},
            headers={**national, "If-Match": '"1"'},
        ),
        412,
    )


async def small_province(client, national):
    """Kalimantan Utara, counted by hand below.

    | inventory                    | internet | computer | transport | safe_house | hotline |
    | secretariat 65 (province)    | present  | present  | partial   | -          | -       |
    | secretariat 65.01 (Bulungan) | missing  | partial  | missing   | -          | -       |
    | centre in 65.71 (Tarakan)    | partial  | present  | missing   | present    | present |
    | centre in 65.02 (Malinau)    | missing  | missing  | missing   | missing    | partial |

    Anything not in the table is missing. A secretariat in 33 lies outside the province.
    """
    province = await create_task_force(client, national, "65")
    bulungan = await create_task_force(client, national, "65.01")
    tarakan = await create_centre(client, national, "65.71")
    malinau = await create_centre(client, national, "65.02")
    java = await create_task_force(client, national, "33")

    def items(**status):
        return [{"item": item, "status": value} for item, value in status.items()]

    await create_inventory(
        client,
        national,
        task_force_id=province["id"],
        items=items(internet="present", computer="present", transport="partial"),
    )
    await create_inventory(
        client, national, task_force_id=bulungan["id"], items=items(computer="partial")
    )
    await create_inventory(
        client,
        national,
        service_centre_id=tarakan["id"],
        items=items(
            internet="partial", computer="present", safe_house="present", hotline="present"
        ),
    )
    await create_inventory(
        client, national, service_centre_id=malinau["id"], items=items(hotline="partial")
    )
    await create_inventory(
        client,
        national,
        task_force_id=java["id"],
        items=items(internet="missing", computer="missing"),
    )
    return {"province": province, "bulungan": bulungan, "tarakan": tarakan, "malinau": malinau}


def gap(body, item, owner):
    rows = [r for r in body["items"] if r["item"] == item and r["owner_kind"] == owner]
    assert len(rows) <= 1
    if not rows:
        return None
    return (rows[0]["missing"], rows[0]["partial"], rows[0]["present"])


async def test_gaps_roll_up_a_small_province_counted_by_hand(client, national):
    """5.2: per item and owner kind, how many lack it, over the region subtree, in SQL."""
    await small_province(client, national)
    response = await client.get("/facilities/gaps?region_code=65", headers=national)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["region_code"] == "65"
    assert body["inventories"] == {"secretariat": 2, "service_centre": 2}
    # (missing, partial, present)
    assert gap(body, "internet", "secretariat") == (1, 0, 1)
    assert gap(body, "internet", "service_centre") == (1, 1, 0)
    assert gap(body, "computer", "secretariat") == (0, 1, 1)
    assert gap(body, "computer", "service_centre") == (1, 0, 1)
    assert gap(body, "transport", "secretariat") == (1, 1, 0)
    assert gap(body, "transport", "service_centre") == (2, 0, 0)
    assert gap(body, "safe_house", "service_centre") == (1, 0, 1)
    assert gap(body, "hotline", "service_centre") == (0, 1, 1)
    assert gap(body, "hotline", "secretariat") is None  # not on a secretariat's list
    assert gap(body, "safe_house", "secretariat") == (2, 0, 0)  # 5.2 a: on every list
    assert gap(body, "furniture", "secretariat") == (2, 0, 0)
    assert len(body["items"]) == SECRETARIAT_ITEMS + CENTRE_ITEMS
    assert body["items"][0]["item"] == "office_room"  # checklist order

    centres = await client.get(
        "/facilities/gaps",
        params={"region_code": "65", "owner_kind": "service_centre"},
        headers=national,
    )
    assert centres.json()["inventories"] == {"secretariat": 0, "service_centre": 2}
    assert len(centres.json()["items"]) == CENTRE_ITEMS

    tarakan = (await client.get("/facilities/gaps?region_code=65.71", headers=national)).json()
    assert tarakan["inventories"] == {"secretariat": 0, "service_centre": 1}
    assert gap(tarakan, "internet", "service_centre") == (0, 1, 0)


async def test_gaps_and_inventories_are_scoped_by_jurisdiction(client, auth, national):
    made = await small_province(client, national)
    bulungan_admin = await auth("task_force_admin", "65.01")
    mine = (await client.get("/facilities/gaps", headers=bulungan_admin)).json()
    assert mine["region_code"] == "65.01"
    assert mine["inventories"] == {"secretariat": 1, "service_centre": 0}
    problem(await client.get("/facilities/gaps?region_code=65", headers=bulungan_admin), 404)
    unknown = await client.get("/facilities/gaps?region_code=99.99", headers=national)
    assert error_fields(problem(unknown, 422)) == {"region_code"}
    listed = (await client.get("/facilities", headers=bulungan_admin)).json()["items"]
    assert [i["task_force_id"] for i in listed] == [made["bulungan"]["id"]]

    tarakan_id = made["tarakan"]["id"]
    others = (await client.get("/facilities", headers=national)).json()["items"]
    tarakan_inventory = next(i for i in others if i["service_centre_id"] == tarakan_id)
    problem(await client.get(f"/facilities/{tarakan_inventory['id']}", headers=bulungan_admin), 404)
    problem(
        await client.patch(
            f"/facilities/{tarakan_inventory['id']}", json={"notes": "x"}, headers=bulungan_admin
        ),
        404,
    )
    problem(
        await client.post(
            "/facilities",
            json={"task_force_id": made["province"]["id"], "assessed_on": "2026-04-01"},
            headers=bulungan_admin,
        ),
        404,
    )

    centre_token = await auth("service_centre", centre=tarakan_id)
    own = (await client.get("/facilities", headers=centre_token)).json()["items"]
    assert [i["id"] for i in own] == [tarakan_inventory["id"]]
    centre_gaps = (await client.get("/facilities/gaps", headers=centre_token)).json()
    assert centre_gaps["inventories"] == {"secretariat": 0, "service_centre": 1}
    problem(
        await client.patch(
            f"/facilities/{tarakan_inventory['id']}", json={"notes": "x"}, headers=centre_token
        ),
        403,
    )
    province_analyst = await auth("analyst", "65")
    analysed = (await client.get("/facilities/gaps", headers=province_analyst)).json()
    assert analysed["inventories"] == {"secretariat": 2, "service_centre": 2}


async def test_report_section_lists_the_gaps(client, national, session):
    """The annual report's facilities section (5.2), over the region subtree."""
    made = await small_province(client, national)
    section = (await section_of.report_section(session, made["province"]["id"], 2026)).model_dump(
        mode="json"
    )
    assert section["inventories"] == {"secretariat": 2, "service_centre": 2}
    assert section["assessed_in_year"] == 4
    assert {
        "item": "hotline",
        "owner_kind": "service_centre",
        "missing": 0,
        "partial": 1,
    } in section["gaps"]
    assert all(row["missing"] or row["partial"] for row in section["gaps"])
    earlier = (await section_of.report_section(session, made["province"]["id"], 2025)).model_dump(
        mode="json"
    )
    assert earlier["assessed_in_year"] == 0
