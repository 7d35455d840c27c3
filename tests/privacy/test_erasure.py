"""Erasure by crypto-shredding (UU 27/2022 art. 43-44; docs/personal-data.md): each case is
sealed under a data key of its own; erasing the case deletes that key."""

from __future__ import annotations

import asyncio
import base64
import shutil
import sqlite3
import uuid
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import text

from gtpptppo_api.app import create_app
from gtpptppo_api.auth.models import Role
from gtpptppo_api.auth.service import create_token
from gtpptppo_api.cases.sealing import rewrap
from gtpptppo_api.db.engine import create_engine, create_sessionmaker
from gtpptppo_api.db.migrate import upgrade
from gtpptppo_api.kit.crypto import NONCE_BYTES, Keyring, parse_keys
from gtpptppo_api.settings import Settings
from tests.cases.helpers import create_centre
from tests.conftest import TEST_KEYS, build_app
from tests.helpers import problem
from tests.privacy.support import NIK, OTHER_NIK, ask, complete, push, reading

COPIED = (
    "id",
    "personal_ciphertext",
    "witnesses_ciphertext",
    "data_key_id",
    "data_key",
    "nik_index",
    "victim_key",
)
COPY = (
    "SELECT id, personal_ciphertext, witnesses_ciphertext, data_key_id, data_key, nik_index,"
    " victim_key FROM victim_case"
)
NEW_KEYS = "k3:" + base64.urlsafe_b64encode(b"3" * 32).decode()


async def _copy(session) -> dict[str, dict[str, Any]]:
    """A copy of the case table as it is now (a backup, as far as the cases go)."""
    rows = await session.execute(text(COPY))
    return {str(row.id).replace("-", ""): dict(row._mapping) for row in rows}


def _opens(key: bytes, blob: bytes, associated: bytes) -> bool:
    try:
        AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], associated)
    except InvalidTag:
        return False
    return True


async def _every_key_held(session, keys: str) -> list[bytes]:
    """Every key the service holds: its configured keys and every data key still stored,
    unwrapped with them."""
    ring = Keyring(tuple(parse_keys(keys)))
    held = [raw for _, raw in ring.keys]
    rows = await session.execute(
        text("SELECT id, data_key_id, data_key FROM victim_case WHERE data_key IS NOT NULL")
    )
    for row in rows:
        case_id = str(uuid.UUID(str(row.id)))
        held.append(ring.unwrap(row.data_key_id, bytes(row.data_key), case_id).raw)
    return held


def _associated(case_id: str, suffix: str = "") -> bytes:
    return f"{uuid.UUID(case_id)}{suffix}".encode()


@pytest.fixture
async def banyumas(client, national, auth):
    centre = await create_centre(client, national, "33.02", "P2TP2A Banyumas")
    return centre, await auth("service_centre", centre=centre["id"])


async def test_erasure_makes_the_case_unreadable_here_and_in_a_copy_taken_before(
    client, session, banyumas, database_url
):
    """After the erasure, the erased case's fields open with no key the service holds, in
    the database and in a copy of it taken before; once the wrapping key of that copy is
    retired (a rotation: ``gtpptppo keys rewrap``), not even its own wrapped data key opens.
    The de-identified record stays and is counted; another person's case reads as before."""
    centre, headers = banyumas
    erased = await push(
        client,
        headers,
        centre,
        "E-1",
        personal={"name": "Sri Wahyuni", "nik": NIK},
        witnesses=[{"name": "Ibu Sri"}],
    )
    kept = await push(client, headers, centre, "E-2", personal={"name": "Dewi", "nik": OTHER_NIK})
    before = await _copy(session)
    mine = before[erased["id"].replace("-", "")]
    assert mine["personal_ciphertext"]
    assert mine["witnesses_ciphertext"]
    assert mine["data_key"]

    request = await ask(client, headers, centre, erased["id"], "erasure")
    done = await complete(client, headers, request["id"])
    assert done.json()["cases_affected"] == 1, done.text

    now = (await _copy(session))[erased["id"].replace("-", "")]
    assert [now[c] for c in COPIED[1:6]] == [None] * 5
    assert not now["victim_key"].startswith(mine["nik_index"])
    held = await _every_key_held(session, TEST_KEYS)
    for key in held:
        assert not _opens(key, bytes(mine["personal_ciphertext"]), _associated(erased["id"]))
        assert not _opens(
            key, bytes(mine["witnesses_ciphertext"]), _associated(erased["id"], ":witnesses")
        )
    # the de-identified record is still there and counted; its personal fields are gone
    shown = await client.get(
        f"/cases/{erased['id']}", params={"include": "personal"}, headers=reading(headers)
    )
    assert shown.status_code == 200
    assert shown.json()["personal"] == {
        "name": None,
        "nik": None,
        "phone": None,
        "date_of_birth": None,
    }
    assert shown.json()["witnesses"] == []
    # a second erasure of the same person has nothing left to erase
    problem(
        await client.post(
            f"/service-centres/{centre['id']}/data-requests",
            json={"kind": "erasure", "case_id": erased["id"]},
            headers=headers,
        ),
        422,
    )

    # A rotation re-wraps the data keys only; the old key is then retired.
    stats = await rewrap(session, Keyring(tuple(parse_keys(f"{NEW_KEYS},{TEST_KEYS}"))))
    assert stats.rewrapped == 1
    assert stats.resealed == 0
    await session.commit()
    for key in await _every_key_held(session, NEW_KEYS):
        assert not _opens(key, bytes(mine["data_key"]), _associated(erased["id"], ":data-key"))
        assert not _opens(key, bytes(mine["personal_ciphertext"]), _associated(erased["id"]))
    rotated = build_app(database_url, session, encryption_key=NEW_KEYS)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=rotated), base_url="http://test/api/v1"
    ) as after:
        other = await after.get(
            f"/cases/{kept['id']}", params={"include": "personal"}, headers=reading(headers)
        )
    assert other.json()["personal"]["name"] == "Dewi"


async def test_an_erasure_can_remove_the_record_from_the_counts(client, session, banyumas):
    """With ``keep_counts`` false the record goes too, and leaves the statistics cells."""
    centre, headers = banyumas
    case = await push(client, headers, centre, "G-1", personal={"nik": NIK})
    request = await ask(client, headers, centre, case["id"], "erasure", keep_counts=False)
    assert (await complete(client, headers, request["id"])).json()["cases_affected"] == 1
    problem(await client.get(f"/cases/{case['id']}", headers=headers), 404)
    cells = await session.scalar(text("SELECT coalesce(sum(records), 0) FROM victim_case_cell"))
    assert cells == 0
    after = await client.get(f"/data-requests/{request['id']}", headers=headers)
    assert after.json()["case_id"] is None
    assert after.json()["state"] == "completed"


async def test_erasure_leaves_nothing_of_the_case_in_the_sqlite_file(tmp_path):
    """The embedded mode's database file, committed and checkpointed: before the erasure it
    holds the case's ciphertext and wrapped key; after, neither byte string is in the file,
    while a copy of the file taken before still holds them and
    they open with no key the service holds."""
    database = tmp_path / "gtpptppo.db"
    url = f"sqlite:///{database}"
    await asyncio.to_thread(upgrade, url)
    engine = create_engine(url)
    async with create_sessionmaker(engine)() as session, session.begin():
        _, token = await create_token(session, name="admin", role=Role.national_admin)
    app = create_app(Settings(database_url=url, encryption_key=TEST_KEYS))
    headers = {"Authorization": f"Bearer {token}"}
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://test/api/v1"
        ) as client,
    ):
        centre = await create_centre(client, headers, "33.02")
        case = await push(client, headers, centre, "F-1", personal={"name": "Sri", "nik": NIK})
        await push(client, headers, centre, "F-2", personal={"name": "Dewi", "nik": OTHER_NIK})
        async with create_sessionmaker(engine)() as session:
            mine = (await _copy(session))[case["id"].replace("-", "")]
        secrets = [bytes(mine["personal_ciphertext"]), bytes(mine["data_key"])]
        _checkpoint(database)
        copy = tmp_path / "copy.db"
        shutil.copyfile(database, copy)
        request = await ask(client, headers, centre, case["id"], "erasure")
        assert (await complete(client, headers, request["id"])).status_code == 200
        _checkpoint(database)
        async with create_sessionmaker(engine)() as session:
            held = await _every_key_held(session, TEST_KEYS)
    await engine.dispose()
    before, after = copy.read_bytes(), database.read_bytes()
    assert all(secret in before for secret in secrets)
    assert not any(secret in after for secret in secrets)
    for key in held:
        assert not _opens(key, secrets[0], _associated(case["id"]))


def _checkpoint(database: Path) -> None:
    """Write the WAL into the file (what SQLite does on its own every 1,000 pages)."""
    with closing(sqlite3.connect(database)) as db:
        busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    assert busy == 0
