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
from sqlalchemy import select, text

from gtpptppo_api import jobs
from gtpptppo_api.app import create_app
from gtpptppo_api.auth.models import Role
from gtpptppo_api.auth.service import create_token
from gtpptppo_api.cases.sealing import rewrap
from gtpptppo_api.db.engine import create_engine, create_sessionmaker
from gtpptppo_api.db.keystore import KeyStore, data_key
from gtpptppo_api.db.migrate import upgrade
from gtpptppo_api.kit.crypto import NONCE_BYTES, KeyConfigError, Keyring
from gtpptppo_api.settings import Settings
from tests.cases.helpers import create_centre
from tests.conftest import TEST_KEYS, build_app
from tests.helpers import problem
from tests.privacy.support import NIK, OTHER_NIK, ask, complete, push, reading

COPIED = ("id", "personal_ciphertext", "witnesses_ciphertext", "nik_index", "victim_key")
COPY = (
    "SELECT id, personal_ciphertext, witnesses_ciphertext, nik_index, victim_key FROM victim_case"
)
NEW_KEYS = "k3:" + base64.urlsafe_b64encode(b"3" * 32).decode()


def _ring(database_url: str, keys: str = TEST_KEYS) -> Keyring:
    """The service's keys and its key store, as an app configured so holds them."""
    return Keyring.from_settings(Settings(database_url=database_url, encryption_key=keys))


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


async def _every_key_held(ring: Keyring) -> list[bytes]:
    """Every key the service holds: its configured keys, and every data key of the whole
    key store that they unwrap."""
    held = [raw for _, raw in ring.keys]
    async with ring.key_store.engine.connect() as connection:
        rows = (await connection.execute(select(data_key))).all()
    for row in rows:
        try:
            held.append(ring.unwrap(row.key_id, bytes(row.wrapped), str(row.case_id)).raw)
        except (InvalidTag, KeyConfigError):
            continue  # wrapped by a key this ring does not hold
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
    """A copy of the case table taken before the erasure (a backup, a dump) holds the
    cases' ciphertext and no key. After the erasure, the erased case's fields in that copy
    open with no key the service holds: its service keys and every data key of the whole
    key store, which no longer holds the erased case's; another case in the same copy still
    opens. The de-identified record stays and is counted. A rotation re-wraps the data keys
    in the key store only, and the other case reads under the new service key."""
    centre, headers = banyumas
    ring = _ring(database_url)
    erased = await push(
        client,
        headers,
        centre,
        "E-1",
        personal={"name": "Sri Wahyuni", "nik": NIK},
        witnesses=[{"name": "Ibu Sri"}],
    )
    kept = await push(client, headers, centre, "E-2", personal={"name": "Dewi", "nik": OTHER_NIK})
    everything = (await session.execute(text("SELECT * FROM victim_case"))).keys()
    assert not any("data_key" in name for name in everything)  # no key in the database
    before = await _copy(session)
    mine = before[erased["id"].replace("-", "")]
    theirs = before[kept["id"].replace("-", "")]
    assert mine["personal_ciphertext"]
    assert mine["witnesses_ciphertext"]
    assert uuid.UUID(erased["id"]) in await ring.key_store.get([uuid.UUID(erased["id"])])

    request = await ask(client, headers, centre, erased["id"], "erasure")
    done = await complete(client, headers, request["id"])
    assert done.json()["cases_affected"] == 1, done.text

    now = (await _copy(session))[erased["id"].replace("-", "")]
    assert [now[c] for c in COPIED[1:4]] == [None] * 3
    assert not now["victim_key"].startswith(mine["nik_index"])
    assert await ring.key_store.get([uuid.UUID(erased["id"])]) == {}
    held = await _every_key_held(ring)
    for key in held:
        assert not _opens(key, bytes(mine["personal_ciphertext"]), _associated(erased["id"]))
        assert not _opens(
            key, bytes(mine["witnesses_ciphertext"]), _associated(erased["id"], ":witnesses")
        )
    # the other case of the same copy still opens with a key the service holds
    assert any(
        _opens(key, bytes(theirs["personal_ciphertext"]), _associated(kept["id"])) for key in held
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

    # A rotation re-wraps the data keys in the key store only; the old key is then retired.
    rotating = _ring(database_url, f"{NEW_KEYS},{TEST_KEYS}")
    stats = await rewrap(session, rotating)
    assert stats.rewrapped >= 1
    assert stats.resealed == 0
    await session.commit()
    assert (await _copy(session))[kept["id"].replace("-", "")] == theirs  # no field rewritten
    for key in await _every_key_held(_ring(database_url, NEW_KEYS)):
        assert not _opens(key, bytes(mine["personal_ciphertext"]), _associated(erased["id"]))
    rotated = build_app(database_url, session, encryption_key=NEW_KEYS)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=rotated), base_url="http://test/api/v1"
    ) as after:
        other = await after.get(
            f"/cases/{kept['id']}", params={"include": "personal"}, headers=reading(headers)
        )
    assert other.json()["personal"]["name"] == "Dewi"
    # back under the tests' keys: the key store outlives this test's rolled-back cases
    await rewrap(session, _ring(database_url, f"{TEST_KEYS},{NEW_KEYS}"))


@pytest.mark.usefixtures("worker_settings")
async def test_a_key_not_deleted_after_the_erasure_commits_goes_with_its_job(
    client, session, banyumas, database_url, monkeypatch
):
    """The key store is out of the erasure's transaction: its key is deleted after the
    commit. When that fails (the key store unreachable, the process killed just then), the
    erasure stands and the key is still there; the erasure's job, written in the same
    transaction, deletes it when it runs, and only the erased case's key."""
    centre, headers = banyumas
    ring = _ring(database_url)
    erased = await push(client, headers, centre, "F-1", personal={"name": "Sri", "nik": NIK})
    kept = await push(client, headers, centre, "F-2", personal={"nik": OTHER_NIK})
    ids = [uuid.UUID(erased["id"]), uuid.UUID(kept["id"])]
    deleting = KeyStore.delete

    async def unreachable(store: KeyStore, case_ids: Any) -> int:
        raise ConnectionRefusedError("the key store is unreachable")

    monkeypatch.setattr(KeyStore, "delete", unreachable)
    request = await ask(client, headers, centre, erased["id"], "erasure")
    done = await complete(client, headers, request["id"])
    assert done.json()["cases_affected"] == 1, done.text
    assert set(await ring.key_store.get(ids)) == set(ids)  # the deletion did not happen

    monkeypatch.setattr(KeyStore, "delete", deleting)
    assert await jobs.run_pending(session) == 1
    assert set(await ring.key_store.get(ids)) == {ids[1]}
    outbox = await session.scalar(text("SELECT count(*) FROM key_deletion"))
    assert outbox == 0
    assert await jobs.run_pending(session) == 0  # nothing left to do


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
    """The embedded mode: the database file holds the cases' ciphertext and no key; their
    wrapped data keys are in the key store's file beside it. A copy of the database file
    taken before the erasure still holds the erased case's ciphertext, which no key the
    service holds opens after it (the service keys and the whole key store), while the
    other case of the copy still opens; the wrapped key has left the key store's file, and
    the ciphertext the database file (both committed and checkpointed)."""
    database = tmp_path / "gtpptppo.db"
    keys_file = tmp_path / "gtpptppo.keys.sqlite"
    url = f"sqlite:///{database}"
    await asyncio.to_thread(upgrade, url)
    assert keys_file.exists()
    engine = create_engine(url)
    async with create_sessionmaker(engine)() as session, session.begin():
        _, token = await create_token(session, name="admin", role=Role.national_admin)
    app = create_app(Settings(database_url=url, encryption_key=TEST_KEYS))
    ring = _ring(url)
    headers = {"Authorization": f"Bearer {token}"}
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://test/api/v1"
        ) as client,
    ):
        centre = await create_centre(client, headers, "33.02")
        case = await push(client, headers, centre, "F-1", personal={"name": "Sri", "nik": NIK})
        other = await push(
            client, headers, centre, "F-2", personal={"name": "Dewi", "nik": OTHER_NIK}
        )
        async with create_sessionmaker(engine)() as session:
            copied = await _copy(session)
        mine, theirs = (copied[c["id"].replace("-", "")] for c in (case, other))
        case_id = uuid.UUID(case["id"])
        wrapped = (await ring.key_store.get([case_id]))[case_id][1]
        _checkpoint(database)
        _checkpoint(keys_file)
        copy = tmp_path / "copy.db"
        shutil.copyfile(database, copy)
        request = await ask(client, headers, centre, case["id"], "erasure")
        assert (await complete(client, headers, request["id"])).status_code == 200
        _checkpoint(database)
        _checkpoint(keys_file)
        held = await _every_key_held(ring)
    await ring.key_store.dispose()
    await engine.dispose()
    before, after = copy.read_bytes(), database.read_bytes()
    ciphertext = bytes(mine["personal_ciphertext"])
    assert ciphertext in before
    assert ciphertext not in after
    assert wrapped not in before  # no key in the database, before as after
    assert wrapped not in keys_file.read_bytes()
    for key in held:
        assert not _opens(key, ciphertext, _associated(case["id"]))
    opened = bytes(theirs["personal_ciphertext"])
    assert any(_opens(key, opened, _associated(other["id"])) for key in held)


def _checkpoint(database: Path) -> None:
    """Write the WAL into the file (what SQLite does on its own every 1,000 pages)."""
    with closing(sqlite3.connect(database)) as db:
        busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    assert busy == 0
