"""A regency with a published report, built through the API, for the public-site tests."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import httpx

from tests.cases.helpers import case_body, create_centre
from tests.meetings.support import sub_task_forces
from tests.reports.support import YEAR, Unit, open_report, through_to_forwarded

REGION = "33.02"
THRESHOLD = 10  # GTPPTPPO_DISCLOSURE_THRESHOLD's default
# Table 1 as seeded: adult female 11, adult male 7, child female 3, child male 2.
SEEDED = {
    ("adult", "female"): 11,
    ("adult", "male"): 7,
    ("child", "female"): 3,
    ("child", "male"): 2,
}
SECRET_NAME = "Rahasia Korban"
SECRET_NIK = "3302011201900001"
PARTNER_CONTACT = "Ibu Kontak Rahasia"
INTERNAL_OBSTACLE = "Hambatan internal anggaran"
PUBLIC_ACTIVITY = "Sosialisasi migrasi aman di 12 desa"


async def push_table(client: httpx.AsyncClient, national, auth, region: str = REGION) -> None:
    """The seeded victims, each with a name and NIK (which must never be published);
    two of them also sexually exploited (a small cell by exploitation type)."""
    centre = await create_centre(client, national, region)
    headers = await auth("service_centre", centre=centre["id"])
    items = []
    n = 0
    for (age_group, sex), count in SEEDED.items():
        for _ in range(count):
            n += 1
            items.append(
                case_body(
                    f"PUB-{n}",
                    region=region,
                    identified_on=f"{YEAR}-03-01",
                    victim={
                        "sex": sex,
                        "age_at_identification": 30 if age_group == "adult" else 14,
                        "nationality": "ID",
                    },
                    exploitation_types=(
                        ["forced_labour", "sexual_exploitation"] if n <= 2 else ["forced_labour"]
                    ),
                    personal={
                        "name": f"{SECRET_NAME} {n}",
                        "nik": f"{SECRET_NIK[:-3]}{n:03d}",
                        "phone": "0812000000",
                    },
                )
            )
    response = await client.post(
        f"/service-centres/{centre['id']}/cases:batch", json=items, headers=headers
    )
    assert response.json()["created"] == len(items), response.text


async def narrative(client, headers, unit: Unit) -> None:
    """A submitted sub-task-force report whose obstacles are marked internal."""
    units = await sub_task_forces(client, headers, unit.task_force)
    created = await client.post(
        "/sub-task-force-reports",
        json={
            "sub_task_force_id": units[0]["id"],
            "kind": "annual",
            "year": YEAR,
            "activities": PUBLIC_ACTIVITY,
            "obstacles": INTERNAL_OBSTACLE,
            "recommendations": "Perluas jangkauan",
            "internal_fields": ["obstacles"],
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    submitted = await client.post(
        f"/sub-task-force-reports/{created.json()['id']}/submit", headers=headers
    )
    assert submitted.status_code == 200, submitted.text


async def partners(client, headers, unit: Unit) -> None:
    """One partner that consented to be listed (with an award), one that did not."""
    base = f"/task-forces/{unit.id}/partners"
    listed = await client.post(
        base,
        json={
            "name": "Karang Taruna Desa Sumber",
            "kind": "youth",
            "contribution": "Kampanye anti perdagangan orang",
            "listing_consent": True,
            "contact": {"name": PARTNER_CONTACT, "phone": "081234567"},
        },
        headers=headers,
    )
    assert listed.status_code == 201, listed.text
    award = await client.post(
        f"{base}/{listed.json()['id']}/awards",
        json={"title": "Mitra Teladan", "awarded_on": f"{YEAR}-12-01", "reason": "Kampanye"},
        headers=headers,
    )
    assert award.status_code == 201, award.text
    hidden = await client.post(
        base,
        json={
            "name": "Kelompok Tanpa Persetujuan",
            "kind": "village",
            "contribution": "Pemantauan",
            "listing_consent": False,
        },
        headers=headers,
    )
    assert hidden.status_code == 201, hidden.text


async def forwarded_report(client, unit: Unit, run_jobs) -> dict[str, Any]:
    report = await open_report(client, unit.admin, unit)
    await run_jobs()
    return await through_to_forwarded(client, unit, report["id"])


async def publish(client, unit: Unit, report_id: int) -> httpx.Response:
    return await client.post(
        f"/reports/{report_id}/publication",
        json={"acting_member_id": unit.chair["id"]},
        headers=unit.admin,
    )


class Counts(HTMLParser):
    """The text of every element marked ``data-count`` (each published count) and all the
    visible text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.counts: list[str] = []
        self.text: list[str] = []
        self._depth = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._depth:
            self._depth += 1
        elif any(name == "data-count" for name, _ in attrs):
            self._depth = 1
            self.counts.append("")

    def handle_endtag(self, tag: str) -> None:
        if self._depth:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._depth:
            self.counts[-1] += data.strip()


def small(value: str, threshold: int = THRESHOLD) -> bool:
    """Whether a shown count is a cell under the threshold (× marks a hidden one)."""
    if value == "×":
        return False
    number = int(value.replace(".", ""))
    return 0 < number < threshold


# a row of Table 1 (the age group is printed once over its two rows)
PDF_ROW = re.compile(r"^(?:(Dewasa|Anak)\s+)?(Perempuan|Laki-laki)\s+(\S+)\s*$", re.MULTILINE)
