"""No unkeyed digest of personal data is stored: a bare hash of a NIK, or of a body that
holds one, is undone offline by trying the few thousand NIKs that fit what else is known
(region, birth date and sex are in the NIK; the case row gives them)."""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import select

from gtpptppo_api.cases.models import IdempotencyRecord
from gtpptppo_api.db.models import Base
from gtpptppo_api.kit.crypto import Keyring
from tests.cases.helpers import case_body, create_centre
from tests.helpers import error_fields, problem

NIK = "3302015507080001"
PERSONAL = {"name": "Sri Wahyuni", "nik": NIK, "phone": "+62812000111"}
ALGORITHMS = ("md5", "sha1", "sha224", "sha256", "sha384", "sha512", "blake2b", "blake2s",
              "sha3_256")  # fmt: skip


def _digests(data: bytes) -> set[str]:
    return {hashlib.new(name, data).hexdigest() for name in ALGORITHMS}


async def test_the_idempotency_fingerprint_is_keyed(client, session, app, national):
    """The stored request hash is an HMAC under the blind-index key family: trying every
    NIK that differs in its last four digits with a bare SHA-256 finds nothing, while the
    service still tells a retry (replayed) from another body (422)."""
    centre = await create_centre(client, national)
    url = f"/service-centres/{centre['id']}/cases:batch"
    raw = json.dumps([case_body("IK-1", personal=PERSONAL)]).encode()
    headers = {**national, "Idempotency-Key": "k-1", "content-type": "application/json"}
    first = await client.post(url, content=raw, headers=headers)
    assert first.status_code == 200, first.text
    stored = (await session.scalars(select(IdempotencyRecord.request_hash))).one()
    guesses = (raw.replace(NIK.encode(), f"{NIK[:12]}{n:04d}".encode()) for n in range(10_000))
    assert all(hashlib.sha256(guess).hexdigest() != stored for guess in guesses)
    assert stored not in _digests(raw)
    assert stored == Keyring.from_settings(app.state.settings).request_mac(raw)

    replay = await client.post(url, content=raw, headers=headers)
    assert replay.headers["idempotent-replayed"] == "true"
    other = raw.replace(b"Sri", b"Tri")
    assert error_fields(problem(await client.post(url, content=other, headers=headers), 422)) == {
        "Idempotency-Key"
    }


async def test_no_column_holds_a_bare_digest_of_personal_data(client, session, national):
    """After a PUT and a batch with a key, every stored value of every table is scanned for
    a bare digest (MD5, SHA-1, SHA-2, SHA-3, BLAKE2) of the NIK, the personal fields or the
    bodies that carried them."""
    centre = await create_centre(client, national)
    base = f"/service-centres/{centre['id']}/cases"
    put_body = json.dumps(case_body("D-1", personal=PERSONAL)).encode()
    batch_body = json.dumps([case_body("D-2", personal=PERSONAL)]).encode()
    headers = {**national, "content-type": "application/json"}
    assert (await client.put(f"{base}/D-1", content=put_body, headers=headers)).is_success
    response = await client.post(
        f"{base}:batch", content=batch_body, headers={**headers, "Idempotency-Key": "d"}
    )
    assert response.json()["created"] == 1
    secrets = [NIK.encode(), json.dumps(PERSONAL).encode(), put_body, batch_body]
    secrets += [json.dumps(PERSONAL, separators=(",", ":"), sort_keys=True).encode()]
    forbidden = set().union(*map(_digests, secrets))
    found = []
    for table in Base.metadata.sorted_tables:
        for row in (await session.execute(select(table))).all():
            text = repr(tuple(row))
            found += [f"{table.name}: {d}" for d in forbidden if d in text]
    assert found == []
