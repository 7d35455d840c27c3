"""A rich world for the report documents, built through the API as its users would.

Three levels (the nation, Central Java, Kabupaten Banyumas with a long task-force name, and a
second regency), victims over five years (2020-2024) with their services, exploitation
types, legal stages and routes, and for Banyumas in 2024 every section of the report filled:
six sub-task-forces under long names, each with its narrative and its meetings; plenaries
(one four-month period left without, so the compliance list names a missed window);
follow-up actions; monitoring with its checklist; an action plan with all six programs,
budgets and realisations; agreements; capacity building; facilities with gaps. Banyumas'
annual report and the second regency's are forwarded; Banyumas' is published; the nation's
five-year report covers 2020-2024.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from tests.action_plans.plans import PROGRAMS, activity, add_activity, adopt, create_plan
from tests.cases.helpers import case_body, create_centre
from tests.helpers import create_task_force
from tests.meetings.support import appoint, hold, sub_task_forces, visit
from tests.reports.support import Unit, open_report, through_to_forwarded

YEAR = 2024
YEARS = (2020, 2021, 2022, 2023, 2024)
REGENCY = "33.02"
OTHER = "33.01"
LONG_NAME = (
    "Gugus Tugas Pencegahan dan Penanganan Tindak Pidana Perdagangan Orang Kabupaten "
    "Banyumas Provinsi Jawa Tengah"
)
UNIT_NAMES = {
    "prevention_child_participation": (
        "Sub Gugus Tugas Pencegahan dan Partisipasi Anak Kabupaten Banyumas (Dinas Pendidikan "
        "dan Kebudayaan)"
    ),
    "health_rehabilitation": "Sub Gugus Tugas Rehabilitasi Kesehatan (Dinas Kesehatan, RSUD)",
    "social_rehabilitation_repatriation_reintegration": (
        "Sub Gugus Tugas Rehabilitasi Sosial, Pemulangan dan Reintegrasi Sosial (Dinas Sosial, "
        "Pemberdayaan Perempuan dan Perlindungan Anak)"
    ),
    "legal_norm_development": "Sub Gugus Tugas Pengembangan Norma Hukum (Bagian Hukum Setda)",
    "law_enforcement": "Sub Gugus Tugas Penegakan Hukum (Kepolisian Resor Banyumas)",
    "cooperation_coordination": "Sub Gugus Tugas Kerjasama dan Koordinasi (Bappeda)",
}
M = 1_000_000


@dataclass
class World:
    regency: Unit
    other: Unit
    nation: Unit
    annual: dict[str, Any]  # Banyumas' annual report for 2024, forwarded and published
    five_year: dict[str, Any]  # the nation's five-year report for 2020-2024


async def officers(client, national, task_force: dict[str, Any], admin) -> Unit:
    region = task_force["region_code"]
    chair = await appoint(client, national, task_force, "chair", name=f"Ketua {region}")
    daily = await appoint(client, national, task_force, "daily_chair", name=f"Harian {region}")
    plenary = await hold(client, national, task_force, "plenary", f"{YEAR}-12-10", daily)
    return Unit(task_force, chair, daily, plenary, admin)


async def level(client, national, auth, region: str, **extra: Any) -> Unit:
    task_force = await create_task_force(client, national, region, **extra)
    admin = national if region == "ID" else await auth("task_force_admin", region)
    return await officers(client, national, task_force, admin)


async def victims(client, national, auth, region: str, per_year: int) -> None:
    """``per_year`` victims a year over 2020-2024, of every age group and sex, with services,
    exploitation types, legal stages, transit and destinations, and the case standard's
    details (means of control, recruitment, the perpetrators' relationship, the sector of
    forced labour under its longest names)."""
    centre = await create_centre(client, national, region)
    headers = await auth("service_centre", centre=centre["id"])
    stages = ("police_report", "investigation", "prosecution", "verdict", "none")
    countries = ("MY", "SA", "HK", "TW", "SG")
    types = ("forced_labour", "sexual_exploitation", "domestic_servitude", "forced_marriage")
    services = ("complaint", "health_rehabilitation", "legal_aid", "repatriation")
    controls = (
        ["debt_bondage", "withholds_documents"],
        ["false_promises", "threatens_children_family"],
        ["debt_bondage", "withholds_necessities"],
        ["threats_law_enforcement"],
        ["debt_bondage"],
    )
    recruitment = (
        ["through_online_social_networks"],
        ["through_friends_or_social_events"],
        ["through_family_or_family_events", "through_online_social_networks"],
    )
    relationships = ("acquainted", "familial", "unacquainted", "acquainted")
    sectors = (
        "agriculture_forestry_and_fishing",
        "electricity_gas_steam_and_air_conditioning_supply",
        "wholesale_and_retail_trade_repair_of_motor_vehicles",
        "construction",
    )
    items = []
    for year in YEARS:
        for i in range(per_year + year - YEARS[0]):
            items.append(
                case_body(
                    f"W-{region}-{year}-{i}",
                    region=region,
                    identified_on=f"{year}-0{1 + i % 9}-1{i % 9}",
                    victim={
                        "sex": "female" if i % 3 else "male",
                        "age_at_identification": 14 if i % 4 == 0 else 19 + i,
                        "nationality": "ID",
                    },
                    destination={"country": countries[i % len(countries)]},
                    exploitation_types=[types[i % len(types)]],
                    services=[
                        {
                            "type": services[i % len(services)],
                            "started_on": f"{year}-10-01",
                            "ended_on": f"{year}-10-02",
                        }
                    ],
                    legal_stage=stages[i % len(stages)],
                    victim_context={
                        "control_methods": controls[i % len(controls)],
                        "recruitment_methods": recruitment[i % len(recruitment)],
                        # the forced labour cases (every fourth) in a sector
                        "forced_labour_industry": (
                            sectors[(i // 4) % len(sectors)] if i % 4 == 0 else None
                        ),
                    },
                    perpetrators=[
                        {
                            "roles": ["recruiter_or_intermediary"],
                            "relationship_to_victim": relationships[i % len(relationships)],
                        }
                    ],
                    transit=[{"region_code": "21.71"}] if i % 3 else [],
                )
            )
    response = await client.post(
        f"/service-centres/{centre['id']}/cases:batch", json=items, headers=headers
    )
    assert response.json()["created"] == len(items), response.text


async def units_at_work(client, national, regency: Unit) -> list[dict[str, Any]]:
    """Six sub-task-forces under long names, each with its coordinator, its meetings and its
    narrative; the last one skips the second half of the year (a missed window)."""
    units = await sub_task_forces(client, national, regency.task_force)
    for n, unit in enumerate(units):
        renamed = await client.patch(
            f"/task-forces/{regency.id}/sub-task-forces/{unit['id']}",
            json={"name": UNIT_NAMES[unit["kind"]]},
            headers=national,
        )
        assert renamed.status_code == 200, renamed.text
        coordinator = await appoint(
            client,
            national,
            regency.task_force,
            "sub_task_force_coordinator",
            sub_task_force_id=unit["id"],
            name=f"Koordinator {n + 1}",
        )
        months = (2, 4, 6) if n == len(units) - 1 else (2, 4, 6, 8, 10, 12)
        for month in months:
            await hold(
                client,
                national,
                regency.task_force,
                "sub_task_force",
                f"{YEAR}-{month:02d}-0{1 + n}",
                coordinator,
                sub_task_force_id=unit["id"],
            )
        created = await client.post(
            "/sub-task-force-reports",
            json={
                "sub_task_force_id": unit["id"],
                "kind": "annual",
                "year": YEAR,
                "activities": (
                    "Sosialisasi migrasi aman di 24 desa bersama perangkat desa dan tokoh "
                    "agama; pendampingan 12 korban sejak pengaduan sampai pemulangan.\n"
                    "Penyusunan prosedur rujukan antar-PPT."
                ),
                "obstacles": "Anggaran visum dan rumah aman terbatas; petugas sering berganti.",
                "recommendations": "Menambah anggaran visum dan melatih petugas baru.",
            },
            headers=regency.admin,
        )
        assert created.status_code == 201, created.text
        submitted = await client.post(
            f"/sub-task-force-reports/{created.json()['id']}/submit", headers=regency.admin
        )
        assert submitted.status_code == 200, submitted.text
    return units


async def meetings(client, national, regency: Unit, units: list[dict[str, Any]]) -> None:
    """Plenaries in two of the three four-month periods, with follow-up actions; the yearly
    coordination; monitoring of a sub-task-force, with its checklist."""
    for held_on in (f"{YEAR}-02-12", f"{YEAR}-06-18"):
        await hold(
            client,
            national,
            regency.task_force,
            "plenary",
            held_on,
            regency.daily_chair,
            follow_up_actions=[
                {
                    "description": "Menyusun rencana kerja sub gugus tugas",
                    "owner": "Dinas Sosial",
                    "due_on": f"{YEAR}-09-30",
                    "status": "done",
                    "completed_on": f"{YEAR}-09-01",
                },
                {
                    "description": "Mendata calon pekerja migran di desa rawan",
                    "owner": "Dinas Tenaga Kerja",
                    "due_on": f"{YEAR}-10-31",
                },
            ],
        )
    await hold(client, national, regency.task_force, "coordination", f"{YEAR}-03-20", regency.chair)
    for held_on in (f"{YEAR}-03-02", f"{YEAR}-08-03"):
        await visit(client, national, regency.task_force, "sub_task_force", units[0]["id"], held_on)
    await visit(
        client,
        national,
        regency.task_force,
        "sub_task_force",
        units[1]["id"],
        f"{YEAR}-11-04",
        kind="evaluation",
    )


async def action_plan(client, national, regency: Unit) -> None:
    """A plan with an activity in each program, its budget, and what was realised in 2024."""
    plan = await create_plan(
        client,
        national,
        regency.id,
        title="Rencana Aksi Daerah Pencegahan dan Penanganan TPPO Kabupaten Banyumas 2024-2028",
        first_year=YEAR,
        last_year=YEAR + 4,
    )
    made = []
    for n, program in enumerate(PROGRAMS):
        body = activity(
            program,
            activity=(
                "Sosialisasi dan pelatihan bagi calon pekerja migran, perangkat desa dan "
                f"kader di kecamatan rawan ({n + 1})"
            ),
            indicators=[
                {
                    "name": "Desa yang dijangkau",
                    "unit": "desa",
                    "baseline": 2,
                    "targets": [{"year": YEAR, "value": 10 + n}],
                }
            ],
            time_frame={"start_year": YEAR, "end_year": YEAR},
            budget=[
                {"year": YEAR, "source": "apbd", "planned_amount": (150 + 40 * n) * M},
                {"year": YEAR, "source": "csr", "planned_amount": 25 * M},
            ],
        )
        made.append(await add_activity(client, national, plan["id"], body))
    adopted = await adopt(client, national, plan["id"])
    assert adopted.status_code == 200, adopted.text
    for n, item in enumerate(made):
        indicator = item["indicators"][0]["id"]
        realised = await client.put(
            f"/action-plans/{plan['id']}/realisations/{item['id']}/{YEAR}",
            json={
                "indicator_values": [{"indicator_id": indicator, "achieved": 4 + 2 * n}],
                "spending": [{"source": "apbd", "amount": (90 + 35 * n) * M}],
            },
            headers=national,
        )
        assert realised.status_code == 201, realised.text


async def agreements_capacity_facilities(client, national, regency: Unit) -> None:
    for kind, parties, scope in (
        ("mou", [{"kind": "ngo", "name": "Yayasan Peduli Buruh Migran"}], ["advocacy"]),
        (
            "cooperation_contract",
            [{"kind": "ministry_agency", "name": "Kementerian Sosial"}],
            ["repatriation", "information_exchange"],
        ),
        ("mou", [{"kind": "ngo", "name": "Lembaga Perlindungan Anak"}], ["financing"]),
    ):
        response = await client.post(
            "/agreements",
            json={
                "task_force_id": regency.id,
                "kind": kind,
                "title": "Kerjasama pencegahan dan penanganan TPPO",
                "signed_on": f"{YEAR}-03-01",
                "valid_until": f"{YEAR + 2}-02-28",
                "signing_authority": "agency_head",
                "parties": parties,
                "scope": scope,
            },
            headers=national,
        )
        assert response.status_code == 201, response.text
    for kind, topic in (("training", "recording_reporting"), ("socialisation", "human_rights")):
        response = await client.post(
            "/capacity-activities",
            json={
                "task_force_id": regency.id,
                "kind": kind,
                "title": "Pelatihan Pencatatan dan Pelaporan Korban TPPO",
                "topic": topic,
                "started_on": f"{YEAR}-05-12",
                "ended_on": f"{YEAR}-05-14",
                "organiser_kind": "task_force",
                "organiser_name": "Sekretariat GT-PPTPPO",
                "participants": [
                    {"role": "task_force_member", "sex": "female", "count": 7},
                    {"role": "task_force_member", "sex": "male", "count": 5},
                    {"role": "counsellor", "sex": "female", "count": 3},
                    {"role": "social_worker", "sex": "male", "count": 2},
                ],
            },
            headers=national,
        )
        assert response.status_code == 201, response.text
    response = await client.post(
        "/facilities",
        json={
            "assessed_on": f"{YEAR}-04-01",
            "task_force_id": regency.id,
            "items": [
                {"item": "internet", "status": "present"},
                {"item": "computer", "status": "partial", "note": "satu laptop rusak"},
            ],
        },
        headers=national,
    )
    assert response.status_code == 201, response.text


async def build(client: httpx.AsyncClient, national, auth, run_jobs) -> World:
    nation = await level(client, national, auth, "ID")
    await level(client, national, auth, "33")
    regency = await level(client, national, auth, REGENCY, name=LONG_NAME)
    other = await level(client, national, auth, OTHER)
    # enough victims in 2024 that the public report shows some of its tables
    await victims(client, national, auth, REGENCY, 16)
    await victims(client, national, auth, OTHER, 3)
    units = await units_at_work(client, national, regency)
    await meetings(client, national, regency, units)
    await action_plan(client, national, regency)
    await agreements_capacity_facilities(client, national, regency)
    reports = {}
    for unit in (regency, other):
        report = await open_report(client, unit.admin, unit, year=YEAR)
        await run_jobs()
        reports[unit.id] = await through_to_forwarded(client, unit, report["id"])
    published = await client.post(
        f"/reports/{reports[regency.id]['id']}/publication",
        json={"acting_member_id": regency.chair["id"]},
        headers=regency.admin,
    )
    assert published.status_code in (200, 201, 202), published.text
    await run_jobs()
    five_year = await open_report(client, nation.admin, nation, kind="five_year", year=YEARS[0])
    await run_jobs()
    return World(regency, other, nation, reports[regency.id], five_year)
