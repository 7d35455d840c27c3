"""The retention schedule (UU 27/2022 art. 43 (1) a; docs/personal-data.md): a run through
the job outbox reports, or erases, the personal data of cases closed longer ago than
their record kind's period."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from gtpptppo_api import jobs
from gtpptppo_api.kit import clock
from gtpptppo_api.kit.crypto import Keyring
from gtpptppo_api.settings import get_settings
from tests.cases.helpers import create_centre
from tests.helpers import error_fields, problem
from tests.privacy.support import NIK, push, reading

# the job reads the process's settings: the test app's keys and key store
pytestmark = pytest.mark.usefixtures("worker_settings")
LATER = datetime(2040, 6, 1, tzinfo=UTC)  # 14 years after the pushes below: past 10, not 20


async def _run(client, session, national, dry_run: bool) -> dict:
    started = await client.post("/retention-runs", json={"dry_run": dry_run}, headers=national)
    assert started.status_code == 202, started.text
    assert started.json()["state"] == "pending"
    assert await jobs.run_pending(session) == 1
    run = await client.get(f"/retention-runs/{started.json()['id']}", headers=national)
    result: dict = run.json()
    return result


async def test_the_dry_run_reports_and_erases_nothing_the_run_erases(
    client, session, national, auth
):
    """A closed adult case outlived 10 years (adult_case), a closed child case has not
    outlived 20 (child_case), an open case never does. The dry run counts the first and
    erases nothing; the run erases it, its data key deleted from the key store, and leaves
    the others readable."""
    centre = await create_centre(client, national, "33.02")
    headers = await auth("service_centre", centre=centre["id"])
    old = await push(client, headers, centre, "T-1", status="closed", personal={"nik": NIK})
    child = await push(
        client,
        headers,
        centre,
        "T-2",
        status="closed",
        victim={"sex": "female", "age_at_identification": 12, "nationality": "ID"},
        personal={"name": "Anak"},
    )
    still_open = await push(client, headers, centre, "T-3", personal={"name": "Terbuka"})

    with clock.frozen_at(LATER):
        dry = await _run(client, session, national, dry_run=True)
    assert dry["state"] == "done"
    assert dry["erased"] == 0
    assert dry["report"]["adult_case"]["cases"] == 1
    assert dry["report"]["child_case"]["cases"] == 0
    personal = await client.get(
        f"/cases/{old['id']}", params={"include": "personal"}, headers=reading(headers)
    )
    assert personal.json()["personal"]["nik"] == NIK  # nothing erased

    with clock.frozen_at(LATER):
        done = await _run(client, session, national, dry_run=False)
    assert done["erased"] == 1
    erased = await client.get(
        f"/cases/{old['id']}", params={"include": "personal"}, headers=reading(headers)
    )
    assert erased.json()["personal"]["nik"] is None
    # its data key left the key store once the job's transaction committed; not the others'
    store = Keyring.from_settings(get_settings()).key_store
    ids = [uuid.UUID(c["id"]) for c in (old, child, still_open)]
    assert set(await store.get(ids)) == set(ids[1:])
    for kept, name in ((child, "Anak"), (still_open, "Terbuka")):
        shown = await client.get(
            f"/cases/{kept['id']}", params={"include": "personal"}, headers=reading(headers)
        )
        assert shown.json()["personal"]["name"] == name


async def test_a_run_body_is_checked(client, national):
    bad = await client.post("/retention-runs", json={"dry_run": "perhaps"}, headers=national)
    assert error_fields(problem(bad, 422)) == {"dry_run"}
