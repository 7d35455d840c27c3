"""Organisation charts in the layout of Lampiran I-III, drawn from live data."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

from pypdf import PdfReader

from tests.helpers import create_task_force, problem
from tests.meetings.support import appoint, sub_task_forces

SVG = "{http://www.w3.org/2000/svg}"
SIX = {
    "Sub GT Pencegahan dan Partisipasi Anak",
    "Sub GT Rehabilitasi Kesehatan",
    "Sub GT Rehabilitasi Sosial, Pemulangan dan Reintegrasi",
    "Sub GT Pengembangan Norma Hukum",
    "Sub GT Penegakan Hukum",
    "Sub GT Kerjasama dan Koordinasi",
}


def units(svg: bytes) -> dict[str, dict[str, object]]:
    """Each sub-task-force box of the chart: its kind, name (joined lines), member count."""
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    assert root.tag == f"{SVG}svg"
    found = {}
    for group in root.iter(f"{SVG}g"):
        if "sub-task-force" not in group.get("class", "").split():
            continue
        names = [t.text for t in group.findall(f"{SVG}text") if t.get("class") == "name"]
        agency = [t.text for t in group.findall(f"{SVG}text") if t.get("class") == "agency"]
        found[group.get("data-kind")] = {
            "name": " ".join(names),
            "agency": " ".join(agency),
            "members": int(group.get("data-members")),
        }
    return found


async def test_chart_svg_is_valid_xml_naming_the_six_sub_task_forces(client, national):
    """2.2.3 / Lampiran II: a province's chart shows the chair, the daily chair, the
    secretariat and the six sub-task-forces with their coordinating agencies."""
    task_force = await create_task_force(client, national, "33")
    units_ = await sub_task_forces(client, national, task_force)
    prevention = next(u for u in units_ if u["kind"] == "prevention_child_participation")
    await appoint(client, national, task_force, "member", sub_task_force_id=prevention["id"])
    await appoint(
        client,
        national,
        task_force,
        "member",
        sub_task_force_id=prevention["id"],
        appointed_on="2025-03-01",
        name="Budi",
    )
    response = await client.get(f"/task-forces/{task_force['id']}/chart", headers=national)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("image/svg+xml")
    drawn = units(response.content)
    assert {u["name"] for u in drawn.values()} == SIX
    assert drawn["prevention_child_participation"]["agency"] == "SKPD Pendidikan"
    assert drawn["prevention_child_participation"]["members"] == 2
    text = response.text
    for heading in ("KETUA", "KETUA HARIAN", "SEKRETARIAT", "Lampiran II"):
        assert heading in text
    root = ET.fromstring(response.content)  # noqa: S314 - our own output
    chair = next(g for g in root.iter(f"{SVG}g") if "chair" in g.get("class", "").split())
    lines = [t.text for t in chair.findall(f"{SVG}text") if t.get("class") == "name"]
    assert " ".join(lines) == task_force["chair_position"]

    # as of a day before the second appointment
    earlier = await client.get(
        f"/task-forces/{task_force['id']}/chart", params={"on": "2024-06-01"}, headers=national
    )
    assert units(earlier.content)["prevention_child_participation"]["members"] == 1
    assert "1 Juni 2024" in earlier.text


async def test_a_merged_regency_unit_is_one_box(client, national):
    """2.3.1 f: at regency level the legal-norm and law-enforcement units may be one."""
    task_force = await create_task_force(
        client, national, "33.02", merge_legal_sub_task_forces=True
    )
    response = await client.get(f"/task-forces/{task_force['id']}/chart", headers=national)
    drawn = units(response.content)
    assert len(drawn) == 5
    assert "law_enforcement" not in drawn
    assert drawn["legal_norm_development"]["name"] == (
        "Sub GT Pengembangan Norma Hukum dan Penegakan Hukum"
    )
    assert "Lampiran III" in response.text


async def test_chart_pdf_and_bad_input(client, national, auth):
    task_force = await create_task_force(client, national, "33.02")
    pdf = await client.get(
        f"/task-forces/{task_force['id']}/chart", params={"format": "pdf"}, headers=national
    )
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "STRUKTUR ORGANISASI" in text
    assert "Penegakan Hukum" in text

    before = await client.get(
        f"/task-forces/{task_force['id']}/chart", params={"on": "2023-01-01"}, headers=national
    )
    assert problem(before, 422)["errors"][0]["field"] == "on"
    assert problem(
        await client.get(
            f"/task-forces/{task_force['id']}/chart", params={"format": "png"}, headers=national
        ),
        422,
    )
    other = await auth("task_force_admin", "32")
    problem(await client.get(f"/task-forces/{task_force['id']}/chart", headers=other), 404)
    problem(await client.get(f"/task-forces/{task_force['id']}/chart"), 401)
