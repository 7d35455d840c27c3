"""A small country for the access matrix: everything inside the callers' jurisdiction lies in
Banyumas (33.02, Central Java), everything outside it in Surabaya (35.78, East Java).

Three places a caller stands in: ``in``, a task-force admin, a reporter and an analyst of
Banyumas itself on Banyumas' resources; ``above``, those of Central Java (33), the level
above, on the same resources (with the province's own monitoring visit of Banyumas); and
``out``, those of Banyumas on Surabaya's. The national admin and the service centre of
Banyumas are the same in all three. Every resource outside carries a marker
(``OUTSIDE_MARKERS``) so that any response can be scanned for a leak; every personal value
planted (``PERSONAL_VALUES``) is scanned for in what an analyst receives.
"""

from __future__ import annotations

import itertools
from collections import ChainMap
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api import jobs
from tests.action_plans.plans import activity, adopted_plan, create_plan
from tests.cases.helpers import case_body
from tests.helpers import create_task_force, decree, head_authority
from tests.meetings.support import appoint, checklist, hold

INSIDE, ABOVE, OUTSIDE = "in", "above", "out"
SIDES = (INSIDE, ABOVE, OUTSIDE)
REGION = {INSIDE: "33.02", ABOVE: "33.02", OUTSIDE: "35.78"}
PROVINCE = {INSIDE: "33", ABOVE: "33", OUTSIDE: "35"}
PLACE = {INSIDE: "Banyumas", ABOVE: "Banyumas", OUTSIDE: "Surabaya"}
# Where the callers of each place are scoped (task-force admin, reporter, analyst).
SCOPE = {INSIDE: "33.02", ABOVE: "33", OUTSIDE: "33.02"}
OUTSIDE_MARKERS = ("Surabaya", '"35.78"', "35.78,", '"35"')
PERSONAL_VALUES = ("Rahasia Banyumas", "Rahasia Surabaya", "3302014501900001", "081234567890")
MEMBER_NAMES = ("Ketua Banyumas", "Harian Banyumas", "Ketua Surabaya", "Harian Surabaya")

# Regencies and cities not used by the world, handed out for "create a task force" calls.
FREE_REGIONS = {
    ABOVE: [f"33.{n:02d}" for n in (*range(3, 30), *range(71, 77))],
    OUTSIDE: [f"35.{n:02d}" for n in (*range(1, 30), *range(71, 78))],
}

Json = dict[str, Any]
Headers = dict[str, str]


def draft_activity() -> Json:
    """An activity inside the draft plan's period (2031-2035)."""
    body = activity(time_frame={"start_year": 2031, "end_year": 2031})
    body["indicators"][0]["targets"] = [{"year": 2031, "value": 10}]
    return body


def narrative_body(sub_task_force_id: int, year: int, complete: bool = True) -> Json:
    return {
        "sub_task_force_id": sub_task_force_id,
        "kind": "annual",
        "year": year,
        "activities": "Sosialisasi di 12 desa",
        "obstacles": "Anggaran terbatas" if complete else "",
        "recommendations": "Perluas ke sekolah",
    }


def agreement_body(task_force_id: int) -> Json:
    return {
        "task_force_id": task_force_id,
        "kind": "mou",
        "title": "Nota Kesepahaman Pencegahan dan Penanganan TPPO",
        "signed_on": "2026-03-01",
        "valid_until": "2028-02-29",
        "signing_authority": "agency_head",
        "parties": [{"kind": "ngo", "name": "Yayasan Peduli Buruh Migran"}],
        "scope": ["advocacy", "complaint_handling"],
    }


def capacity_body(task_force_id: int) -> Json:
    return {
        "task_force_id": task_force_id,
        "kind": "training",
        "title": "Pelatihan Pencatatan dan Pelaporan Korban TPPO",
        "topic": "recording_reporting",
        "started_on": "2026-05-12",
        "ended_on": "2026-05-14",
        "organiser_kind": "task_force",
        "organiser_name": "Sekretariat GT-PPTPPO",
        "participants": [{"role": "task_force_member", "sex": "female", "count": 7}],
    }


def visit_body(
    monitor_id: int, subject_id: int, visited_on: str, subject_kind: str = "task_force"
) -> Json:
    return {
        "kind": "monitoring",
        "monitor_task_force_id": monitor_id,
        "subject": {"kind": subject_kind, "id": subject_id},
        "visited_on": visited_on,
        "methods": ["field_visit"],
        "findings": "Sub GT belum menyusun rencana kerja.",
        "recommendations": "Menyusun rencana kerja tahunan.",
        "indicators": checklist(),
    }


def _ids() -> dict[str, Any]:
    """Resources by place: ``above`` sees those ``in`` unless it has its own (a ChainMap)."""
    inside: dict[str, Any] = {}
    return {INSIDE: inside, ABOVE: ChainMap({}, inside), OUTSIDE: {}}


@dataclass
class World:
    client: httpx.AsyncClient
    session: AsyncSession
    national: Headers
    callers: dict[str, dict[str, Headers]] = field(default_factory=dict)
    ids: dict[str, Any] = field(default_factory=_ids)
    counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    # Years of reports and of narratives (one per unit, kind and year): past ones, unused.
    report_years: itertools.count[int] = field(default_factory=lambda: itertools.count(2000))
    narrative_years: itertools.count[int] = field(default_factory=lambda: itertools.count(2000))

    def __getitem__(self, side: str) -> dict[str, Any]:
        return self.ids[side]

    def next(self) -> int:
        return next(self.counter)

    async def post(self, path: str, body: Json | list[Any]) -> Json:
        """A call by the national admin that must succeed (building the world)."""
        response = await self.client.post(path, json=body, headers=self.national)
        assert response.is_success, (path, response.text)
        result: Json = response.json()
        return result

    # Fresh resources, for calls that use theirs up (delete, dismiss, submit, one per owner).

    async def fresh_centre(self, side: str) -> int:
        body = {
            "name": f"PPT {PLACE[side]} {self.next()}",
            "kind": "community_based",
            "region_code": REGION[side],
        }
        return int((await self.post("/service-centres", body))["id"])

    async def fresh_decree(self, side: str, issued_on: str = "2024-01-20") -> int:
        tf = self[side]["task_force"]
        body = decree(head_authority(tf["region_code"]), f"SK/W/{self.next()}", issued_on)
        return int((await self.post(f"/task-forces/{tf['id']}/decrees", body))["id"])

    async def fresh_member(self, side: str) -> int:
        tf = self[side]["task_force"]
        member = await appoint(self.client, self.national, tf, "member", name=f"Anggota {side}")
        return int(member["id"])

    async def fresh_activity(self, side: str) -> int:
        plan_id = self[side]["plan"]["id"]
        body = draft_activity()
        return int((await self.post(f"/action-plans/{plan_id}/activities", body))["id"])

    async def fresh_narrative(self, side: str) -> int:
        body = narrative_body(*self.narrative_slot(side))
        return int((await self.post("/sub-task-force-reports", body))["id"])

    async def fresh_data_request(self, side: str, kind: str = "access") -> int:
        """A request received by the side's centre about its case without a NIK (the case
        with the planted NIK links to the other side's, by design of an access request)."""
        centre_id = self[side]["centre_id"]
        body = {"kind": kind, "case_id": self[side]["other_case"]["id"]}
        return int((await self.post(f"/service-centres/{centre_id}/data-requests", body))["id"])

    async def fresh_restriction(self, side: str) -> int:
        """A restriction in force, to be lifted."""
        request_id = await self.fresh_data_request(side, "restriction")
        await self.post(f"/data-requests/{request_id}/completion", {"resolution": "dibatasi"})
        return request_id

    async def fresh_breach(self, side: str) -> int:
        return int((await self.post("/breaches", breach_body(self[side]["centre_id"])))["id"])

    def narrative_slot(self, side: str) -> tuple[int, int]:
        """A sub-task-force and a past year it has no report for: each unit's years in turn."""
        n = next(self.narrative_years) - 2000
        units = self[side]["units"]
        return units[n // 25 % len(units)]["id"], 2000 + n % 25

    def free_region(self, side: str) -> str:
        """A region without a task force that callers of ``side`` may form one in; inside,
        their own region, which has one already."""
        return REGION[INSIDE] if side == INSIDE else FREE_REGIONS[side].pop(0)


def breach_body(centre_id: int) -> Json:
    return {
        "title": "Laptop hilang",
        "description": "Laptop petugas berisi ekspor data korban hilang.",
        "discovered_at": "2026-01-10T08:00:00+07:00",
        "service_centre_id": centre_id,
        "period_from": "2024-01-01",
        "period_to": "2024-12-31",
        "fields": ["name", "nik"],
    }


async def build_world(
    client: httpx.AsyncClient, session: AsyncSession, national: Headers, auth: Any
) -> World:
    world = World(client, session, national)
    await create_task_force(client, national, "ID")
    for side in (INSIDE, OUTSIDE):
        ids = world[side]
        ids["province"] = await create_task_force(client, national, PROVINCE[side])
        tf = await create_task_force(
            client, national, REGION[side], name=f"GT-PPTPPO {PLACE[side]}"
        )
        ids["task_force"] = tf
        units = await client.get(f"/task-forces/{tf['id']}/sub-task-forces", headers=national)
        ids["units"] = units.json()["items"]
        ids["sub_task_force"] = ids["units"][0]
        ids["chair"] = await appoint(client, national, tf, "chair", name=f"Ketua {PLACE[side]}")
        ids["daily_chair"] = await appoint(
            client, national, tf, "daily_chair", name=f"Harian {PLACE[side]}"
        )
        ids["decree_id"] = await world.fresh_decree(side)
        ids["meeting"] = await hold(
            client, national, tf, "plenary", "2024-06-10", ids["daily_chair"]
        )
        ids["centre_id"] = await world.fresh_centre(side)
        ids["centre_meeting"] = await hold(
            client,
            national,
            tf,
            "service_centre",
            "2024-06-12",
            None,
            service_centre_id=ids["centre_id"],
            centre_topics=["case_conference"],
        )
        ids["case"] = await _put_case(world, side)
        ids["other_case"] = await _put_case(world, side, number=2)
        ids["data_request"] = await world.fresh_data_request(side)
        ids["retention_run"] = await world.post("/retention-runs", {"dry_run": True})
        await _referrals(world, side)
        # Banyumas monitors its own sub-task-force; Central Java monitors Banyumas.
        ids["monitor"] = tf
        ids["visit"] = await world.post(
            "/monitoring-visits",
            visit_body(tf["id"], ids["sub_task_force"]["id"], "2024-07-01", "sub_task_force"),
        )
        ids["plan"] = await create_plan(client, national, tf["id"], first_year=2031, last_year=2035)
        ids["activity_id"] = await world.fresh_activity(side)
        adopted, activities = await adopted_plan(client, national, tf["id"])
        ids["adopted_plan"] = adopted
        ids["adopted_activity"] = next(iter(activities.values()))
        ids["agreement"] = await world.post("/agreements", agreement_body(tf["id"]))
        ids["capacity"] = await world.post("/capacity-activities", capacity_body(tf["id"]))
        ids["facility"] = await world.post(
            "/facilities", {"service_centre_id": ids["centre_id"], "assessed_on": "2026-04-01"}
        )
        ids["report"] = await world.post(
            "/reports", {"task_force_id": tf["id"], "kind": "annual", "year": 2024}
        )
        ids["narrative_id"] = await world.fresh_narrative(side)
        ids["published"] = await world.post(
            "/reports", {"task_force_id": tf["id"], "kind": "annual", "year": 2023}
        )
        ids["partner"] = await world.post(
            f"/task-forces/{tf['id']}/partners",
            {
                "name": f"Karang Taruna {PLACE[side]}",
                "kind": "youth",
                "contribution": "Kampanye",
                "listing_consent": True,
                "contact": {"name": f"Kontak {PLACE[side]}", "phone": "081298765432"},
            },
        )
    above = world[ABOVE]
    above["monitor"] = world[INSIDE]["province"]
    above["visit"] = await world.post(
        "/monitoring-visits",
        visit_body(above["province"]["id"], above["task_force"]["id"], "2024-07-01"),
    )
    await jobs.run_pending(session)  # the reports' figures, so versions and documents exist
    for side in (INSIDE, OUTSIDE):
        await _publish(world, side, await auth("task_force_admin", REGION[side]))
    centre = await auth("service_centre", centre=world[INSIDE]["centre_id"])
    world.callers = {
        side: {
            "national_admin": national,
            "task_force_admin": await auth("task_force_admin", SCOPE[side]),
            "reporter": await auth("reporter", SCOPE[side]),
            "service_centre": centre,
            "analyst": await auth("analyst", SCOPE[side]),
        }
        for side in SIDES
    }
    return world


async def _put_case(world: World, side: str, number: int = 1, centre_id: int | None = None) -> Json:
    """The side's case (``number`` 1: with the planted personal fields; 2: a record of
    another victim, without a NIK, for a secretariat to link to it; 3: a case of another
    centre, referred to the side's)."""
    ref = f"{PLACE[side]}-{number}"
    personal = {
        "name": f"Rahasia {PLACE[side]}",
        "nik": "3302014501900001",
        "phone": "081234567890",
    }
    body = case_body(ref, region=REGION[side], personal=personal if number == 1 else None)
    centre_id = centre_id or world[side]["centre_id"]
    response = await world.client.put(
        f"/service-centres/{centre_id}/cases/{ref}", json=body, headers=world.national
    )
    assert response.is_success, response.text
    result: Json = response.json()
    return result


CONSENT = {
    "legal_basis": "consent",
    "given_by": "victim",
    "given_at": "2024-03-05T09:00:00+07:00",
    "purposes": [{"purpose": "services"}, {"purpose": "referral"}, {"purpose": "statistics"}],
}


async def _referrals(world: World, side: str) -> None:
    """The side's case consents to referral; another centre of the side refers a case of
    its own to the side's centre twice: once pending (``incoming``), once accepted."""
    ids = world[side]
    response = await world.client.put(
        f"/cases/{ids['case']['id']}/consent", json=CONSENT, headers=world.national
    )
    assert response.is_success, response.text
    sender = await world.fresh_centre(side)
    case = await _put_case(world, side, number=3, centre_id=sender)
    response = await world.client.put(
        f"/cases/{case['id']}/consent", json=CONSENT, headers=world.national
    )
    assert response.is_success, response.text
    to = {"kind": "service_centre", "service_centre_id": ids["centre_id"]}
    for name, service in (("incoming", "legal_aid"), ("accepted", "social_rehabilitation")):
        ids[name] = await world.post(
            f"/cases/{case['id']}/referrals", {"to": to, "service": service}
        )
    await world.post(f"/referrals/{ids['accepted']['id']}/decision", {"decision": "accept"})


async def _publish(world: World, side: str, secretariat: Headers) -> None:
    """The 2023 report moved along the chain to forwarded by the regency's own secretariat
    and published by its chair."""
    ids = world[side]
    report_id = ids["published"]["id"]
    for action, extra in (
        ("submit", {}),
        ("discuss", {"meeting_id": ids["meeting"]["id"]}),
        ("consolidate", {"acting_member_id": ids["daily_chair"]["id"]}),
        ("forward", {"acting_member_id": ids["chair"]["id"]}),
    ):
        response = await world.client.post(
            f"/reports/{report_id}/transitions",
            json={"action": action, **extra},
            headers=secretariat,
        )
        assert response.is_success, (action, response.text)
    response = await world.client.post(
        f"/reports/{report_id}/publication",
        json={"acting_member_id": ids["chair"]["id"]},
        headers=secretariat,
    )
    assert response.status_code == 201, response.text
