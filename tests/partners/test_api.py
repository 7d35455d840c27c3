"""Community partners of a task force (Peran Serta Masyarakat, Permen PPPA 10/2012, 5.7)."""

from __future__ import annotations

from sqlalchemy import select

from gtpptppo_api.audit.models import AuditEvent
from gtpptppo_api.partners.models import CommunityPartner
from tests.helpers import create_task_force, error_fields, problem

BODY = {
    "name": "Fatayat NU Semarang",
    "kind": "religious",
    "contribution": "Sosialisasi migrasi aman di pengajian",
    "listing_consent": True,
    "contact": {"name": "Siti Aminah", "phone": "+62 812 3456 7890", "email": "siti@example.org"},
}


async def _partner(client, headers, task_force_id, **extra):
    response = await client.post(
        f"/task-forces/{task_force_id}/partners", json={**BODY, **extra}, headers=headers
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_partner_is_recorded_with_its_contact_encrypted(client, session, national, auth):
    """§5.7 a: the task force identifies community groups; the contact person is personal
    data, stored only encrypted, shown to the secretariat (audited), not to reporters."""
    task_force = await create_task_force(client, national, "33.74")
    admin = await auth("task_force_admin", "33.74")
    created = await _partner(client, admin, task_force["id"])
    assert created["contact"]["name"] == "Siti Aminah"
    assert created["has_contact"] is True
    assert created["kind"] == "religious"

    row = await session.get(CommunityPartner, created["id"])
    assert row is not None
    assert row.contact_ciphertext is not None
    assert b"Siti Aminah" not in row.contact_ciphertext

    reporter = await auth("reporter", "33.74")
    seen = await client.get(
        f"/task-forces/{task_force['id']}/partners/{created['id']}", headers=reporter
    )
    assert seen.status_code == 200
    assert seen.json()["contact"] is None
    assert seen.json()["has_contact"] is True

    listed = await client.get(f"/task-forces/{task_force['id']}/partners", headers=admin)
    assert [p["id"] for p in listed.json()["items"]] == [created["id"]]
    assert listed.json()["items"][0]["contact"] is None  # lists never decrypt

    reads = (
        await session.scalars(
            select(AuditEvent).where(
                AuditEvent.entity_type == "community_partner", AuditEvent.action == "read_personal"
            )
        )
    ).all()
    assert len(reads) == 1  # the creator's read; the reporter saw no contact
    events = (
        await session.scalars(
            select(AuditEvent).where(AuditEvent.entity_type == "community_partner")
        )
    ).all()
    assert all("Siti Aminah" not in str(e.after) for e in events)


async def test_bad_input_names_the_field_and_changes_nothing(client, session, national):
    task_force = await create_task_force(client, national, "33.74")
    for bad, field in (
        ({"kind": "sports_club"}, "kind"),
        ({"name": ""}, "name"),
        ({"contact": {"name": "A", "email": "not-an-email"}}, "contact.email"),
    ):
        response = await client.post(
            f"/task-forces/{task_force['id']}/partners", json={**BODY, **bad}, headers=national
        )
        assert field in error_fields(problem(response, 422))
    assert (await session.scalars(select(CommunityPartner))).all() == []


async def test_update_activities_and_awards(client, national):
    """§5.7 b-d: capacity building and coordination as activities; awards for the group's
    role. Consent to be listed can be withdrawn; the contact can be removed."""
    task_force = await create_task_force(client, national, "33.74")
    partner = await _partner(client, national, task_force["id"])
    base = f"/task-forces/{task_force['id']}/partners/{partner['id']}"
    tag = (await client.get(base, headers=national)).headers["ETag"]

    changed = await client.patch(
        base,
        json={"listing_consent": False, "contact": None},
        headers={**national, "If-Match": tag},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["listing_consent"] is False
    assert changed.json()["has_contact"] is False
    stale = await client.patch(base, json={"name": "X"}, headers={**national, "If-Match": tag})
    problem(stale, 412)

    activity = await client.post(
        f"{base}/activities",
        json={"kind": "capacity_building", "title": "Pelatihan paralegal", "held_on": "2024-05-02"},
        headers=national,
    )
    assert activity.status_code == 201, activity.text
    award = await client.post(
        f"{base}/awards",
        json={
            "title": "Mitra Teladan",
            "awarded_on": "2024-12-10",
            "reason": "Pendampingan korban",
        },
        headers=national,
    )
    assert award.status_code == 201, award.text
    future = await client.post(
        f"{base}/awards",
        json={"title": "Nanti", "awarded_on": "2999-01-01", "reason": "x"},
        headers=national,
    )
    assert "awarded_on" in error_fields(problem(future, 422))
    assert [
        a["title"] for a in (await client.get(f"{base}/awards", headers=national)).json()["items"]
    ] == ["Mitra Teladan"]
    assert len((await client.get(f"{base}/activities", headers=national)).json()["items"]) == 1


async def test_jurisdiction_and_roles(client, national, auth):
    """A partner of a task force outside the jurisdiction is 404; analysts and reporters
    may not write (403)."""
    own = await create_task_force(client, national, "33.74")
    other = await create_task_force(client, national, "32.73")
    partner = await _partner(client, national, other["id"])
    admin = await auth("task_force_admin", "33.74")
    problem(await client.get(f"/task-forces/{other['id']}/partners", headers=admin), 404)
    problem(
        await client.get(f"/task-forces/{other['id']}/partners/{partner['id']}", headers=admin),
        404,
    )
    problem(
        await client.get(f"/task-forces/{own['id']}/partners/{partner['id']}", headers=admin), 404
    )
    reporter = await auth("reporter", "33.74")
    problem(
        await client.post(f"/task-forces/{own['id']}/partners", json=BODY, headers=reporter), 403
    )
    problem(
        await client.get(f"/task-forces/{own['id']}/partners", headers=await auth("analyst")), 403
    )
