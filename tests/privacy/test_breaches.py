"""The breach register (UU 27/2022 art. 46): the affected subjects found by a query, the
notices due within 3 x 24 hours of discovery, the affected list for the notice."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from gtpptppo_api.kit import clock
from tests.cases.helpers import create_centre
from tests.helpers import error_fields, problem
from tests.privacy.support import NIK, push
from tests.security.world import breach_body

DISCOVERED = datetime(2026, 1, 10, 1, 0, tzinfo=UTC)  # breach_body's 08:00 WIB


async def test_a_breach_finds_its_subjects_and_tracks_its_notices(client, national, auth):
    """Affected: the centre's cases of the period holding an exposed field; not another
    centre's, not another period's. Overdue once 3 x 24 hours pass without both notices."""
    banyumas = await create_centre(client, national, "33.02")
    other = await create_centre(client, national, "35.78")
    b_auth = await auth("service_centre", centre=banyumas["id"])
    o_auth = await auth("service_centre", centre=other["id"])
    hit = await push(client, b_auth, banyumas, "X-1", personal={"name": "Ani", "nik": NIK})
    await push(client, b_auth, banyumas, "X-2")  # no personal field held
    await push(client, o_auth, other, "X-3", personal={"name": "Budi"})
    with clock.frozen_at(DISCOVERED):
        made = await client.post("/breaches", json=breach_body(banyumas["id"]), headers=national)
    assert made.status_code == 201, made.text
    breach = made.json()
    assert breach["affected_cases"] == 1
    assert breach["notify_due_at"].startswith("2026-01-13T01:00")

    listed = await client.get(f"/breaches/{breach['id']}/affected.csv", headers=national)
    rows = list(csv.DictReader(io.StringIO(listed.text)))
    assert [(r["case_id"], r["external_ref"]) for r in rows] == [(hit["id"], "X-1")]

    with clock.frozen_at(datetime(2026, 1, 14, tzinfo=UTC)):
        late = await client.get(f"/breaches/{breach['id']}", headers=national)
        assert late.json()["overdue"]
        sent = await client.patch(
            f"/breaches/{breach['id']}",
            json={
                "authority_notified_at": "2026-01-12T09:00:00Z",
                "subjects_notified_at": "2026-01-12T10:00:00Z",
            },
            headers=national,
        )
    assert sent.status_code == 200, sent.text
    assert not sent.json()["overdue"]


async def test_a_breach_with_a_bad_period_or_notice_is_refused(client, national):
    body = {**breach_body(None), "period_from": "2025-01-01", "period_to": "2024-01-01"}
    bad = await client.post("/breaches", json=body, headers=national)
    assert error_fields(problem(bad, 422)) == {"period_to"}
    with clock.frozen_at(DISCOVERED):
        made = await client.post("/breaches", json=breach_body(None), headers=national)
    early = await client.patch(
        f"/breaches/{made.json()['id']}",
        json={"subjects_notified_at": "2026-01-01T00:00:00Z"},
        headers=national,
    )
    assert error_fields(problem(early, 422)) == {"subjects_notified_at"}
    assert (await client.get("/breaches", headers=national)).json()["items"][0]["title"]
