"""The ``gtpptppo`` command line, run as a real process (no database fixtures)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import httpx

from gtpptppo_api.app import create_app
from gtpptppo_api.kit.crypto import Keyring
from gtpptppo_api.settings import Settings
from tests.cases.helpers import case_body
from tests.helpers import problem

ROOT = Path(__file__).parents[1]


def gtpptppo(
    *args: str, database: Path | None = None, env_extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **(env_extra or {})}
    if database is not None:
        env["GTPPTPPO_DATABASE_URL"] = f"sqlite:///{database}"
    return subprocess.run(
        [sys.executable, "-m", "gtpptppo_api.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def _every_value(database: Path) -> list[object]:
    """Every value of every row of every table."""
    with sqlite3.connect(database) as db:
        query = "SELECT name FROM sqlite_master WHERE type = 'table'"
        tables = [name for (name,) in db.execute(query)]
        rows = [row for table in tables for row in db.execute(f'SELECT * FROM "{table}"')]  # noqa: S608
    return [value for row in rows for value in row]


def create_national_token(database: Path) -> str:
    result = gtpptppo(
        "token", "create", "--name", "Sekretariat GT Pusat", "--role", "national_admin",
        database=database,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    token = lines[0].strip()
    assert token
    return token


def test_token_create_prints_one_token_and_stores_only_its_hash(tmp_path: Path):
    database = tmp_path / "cli.db"
    token = create_national_token(database)

    digest = hashlib.sha256(token.encode()).hexdigest()
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT name, role, region_code, token_hash FROM api_token").fetchall()
    assert rows == [("Sekretariat GT Pusat", "national_admin", None, digest)]
    assert not any(isinstance(value, str) and token in value for value in _every_value(database))
    for path in tmp_path.glob("cli.db*"):  # the file and any WAL or journal left beside it
        assert token.encode() not in path.read_bytes(), path


async def test_the_created_token_authenticates_against_the_app(tmp_path: Path):
    database = tmp_path / "cli.db"
    token = create_national_token(database)

    app = create_app(Settings(database_url=f"sqlite:///{database}"))
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://test") as client,
    ):
        good = await client.get("/api/v1/regions/33", headers={"Authorization": f"Bearer {token}"})
        assert good.status_code == 200, good.text
        assert good.json()["name"] == "Jawa Tengah"
        wrong = await client.get(
            "/api/v1/regions/33", headers={"Authorization": f"Bearer {token}x"}
        )
        problem(wrong, 401)


async def test_a_revoked_token_is_refused(tmp_path: Path):
    database = tmp_path / "cli.db"
    token = create_national_token(database)
    revoked = gtpptppo("token", "revoke", token, database=database)
    assert revoked.returncode == 0, revoked.stderr
    assert gtpptppo("token", "revoke", "gtp_unknown", database=database).returncode == 2

    app = create_app(Settings(database_url=f"sqlite:///{database}"))
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://test") as client,
    ):
        refused = await client.get(
            "/api/v1/regions/33", headers={"Authorization": f"Bearer {token}"}
        )
        assert problem(refused, 401)["detail"] == "The token has been revoked."


def test_token_for_a_regional_role_needs_a_region(tmp_path: Path):
    result = gtpptppo(
        "token", "create", "--name", "Admin", "--role", "task_force_admin",
        database=tmp_path / "cli.db",
    )  # fmt: skip
    assert result.returncode != 0
    assert result.stdout == ""
    assert "region" in result.stderr


def test_token_for_an_unknown_region_is_refused(tmp_path: Path):
    database = tmp_path / "cli.db"
    result = gtpptppo(
        "token", "create", "--name", "Admin", "--role", "task_force_admin", "--region", "99.99",
        database=database,
    )  # fmt: skip
    assert result.returncode != 0
    assert result.stdout == ""
    assert "99.99" in result.stderr
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM api_token").fetchone() == (0,)


def test_committed_openapi_document_is_current(tmp_path: Path):
    result = gtpptppo("openapi", "--check", database=tmp_path / "unused.db")
    assert result.returncode == 0, result.stderr


def test_every_reference_in_the_openapi_document_resolves():
    """Clients generate code from the spec: a dangling $ref breaks them."""
    from gtpptppo_api.cli import openapi_document

    document = json.loads(openapi_document())
    refs: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref":
                    refs.add(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    schemas = document["components"]["schemas"]
    assert refs
    assert [r for r in refs if r.removeprefix("#/components/schemas/") not in schemas] == []


def test_cells_check_and_rebuild_find_and_correct_a_cell_changed_by_hand(tmp_path: Path):
    """An operator's check exits 1 naming a statistics cell that no longer matches the cases;
    a rebuild corrects it (audited), after which the check passes."""
    database = tmp_path / "cli.db"
    assert gtpptppo("migrate", database=database).returncode == 0
    with sqlite3.connect(database) as db:  # a cell that no case is in, written by hand
        db.execute(
            "INSERT INTO victim_case_cell (region_code, year, age_group, sex, records, single) "
            "VALUES ('33.02', 2024, 'adult', 'female', 3, 3)"
        )
    check = gtpptppo("cells", "check", database=database)
    assert check.returncode == 1, check.stderr
    assert (
        "33.02 2024 adult female: stored 3 cases (3 single), counted 0 (0 single)" in check.stdout
    )

    rebuild = gtpptppo("cells", "rebuild", database=database)
    assert rebuild.returncode == 0, rebuild.stderr
    assert "1 corrected" in rebuild.stderr
    again = gtpptppo("cells", "check", database=database)
    assert again.returncode == 0, again.stdout + again.stderr
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM victim_case_cell").fetchone() == (0,)
        assert db.execute(
            "SELECT actor_name, action FROM audit_event WHERE entity_type = 'victim_case_cell'"
        ).fetchall() == [("gtpptppo cells rebuild", "rebuild")]


async def test_tokens_are_listed_without_secrets_and_one_is_revoked_by_its_id(tmp_path: Path):
    """A lost token can still be revoked: ``token list`` shows every token (never the token
    or its hash), and ``token revoke --id`` revokes one by its id."""
    database = tmp_path / "cli.db"
    first = create_national_token(database)
    second = create_national_token(database)
    listed = gtpptppo("token", "list", "--json", database=database)
    assert listed.returncode == 0, listed.stderr
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [(r["name"], r["role"], r["revoked_at"]) for r in rows] == [
        ("Sekretariat GT Pusat", "national_admin", None)
    ] * 2
    for secret in (first, second, hashlib.sha256(first.encode()).hexdigest()):
        assert secret not in listed.stdout
    table = gtpptppo("token", "list", database=database).stdout.splitlines()
    assert table[0].split("\t") == [
        "id", "name", "role", "region_code", "service_centre_id", "created_at", "revoked_at",
    ]  # fmt: skip
    assert len(table) == 3

    revoked = gtpptppo("token", "revoke", "--id", str(rows[0]["id"]), database=database)
    assert revoked.returncode == 0, revoked.stderr
    after = [
        json.loads(line)
        for line in gtpptppo("token", "list", "--json", database=database).stdout.splitlines()
    ]
    assert after[0]["revoked_at"] is not None
    assert after[1]["revoked_at"] is None

    unknown = gtpptppo("token", "revoke", "--id", "999", database=database)
    assert unknown.returncode == 2
    assert "no token has the id 999" in unknown.stderr
    neither = gtpptppo("token", "revoke", database=database)
    assert neither.returncode == 2
    assert "one of them" in neither.stderr

    app = create_app(Settings(database_url=f"sqlite:///{database}"))
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://test") as client,
    ):
        for token, status in ((first, 401), (second, 200)):
            response = await client.get(
                "/api/v1/regions/33", headers={"Authorization": f"Bearer {token}"}
            )
            assert response.status_code == status, response.text


NIK = "3302015507080001"


class _AnyId:
    """Equal to any case id (a UUID's text)."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and len(other) == 36


ANY_ID = _AnyId()


def _indexes(database: Path) -> dict[str, tuple[str, str]]:
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT external_ref, nik_index, victim_key FROM victim_case")
        return {ref: (index, key) for ref, index, key in rows}


async def _push(database: Path, token: str, refs: list[str], **settings: str) -> list[list[str]]:
    """Push a case with ``NIK`` per reference; each case's likely duplicates, as read back."""
    app = create_app(Settings(database_url=f"sqlite:///{database}", **settings))
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {token}"}
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://test/api/v1") as client,
    ):
        centres = (await client.get("/service-centres", headers=headers)).json()["items"]
        if centres:
            centre = centres[0]["id"]
        else:
            body = {"name": "P2TP2A Banyumas", "kind": "p2tp2a", "region_code": "33.02"}
            centre = (await client.post("/service-centres", json=body, headers=headers)).json()
            centre = centre["id"]
        for ref in refs:
            body = case_body(ref, personal={"nik": NIK})
            put = await client.put(
                f"/service-centres/{centre}/cases/{ref}", json=body, headers=headers
            )
            assert put.status_code == 201, put.text
        duplicates = []
        for case in (await client.get("/cases", headers=headers)).json()["items"]:
            read = await client.get(f"/cases/{case['id']}", headers=headers)
            duplicates.append(read.json()["likely_duplicates"])
        return duplicates


async def test_keys_reindex_moves_the_blind_indexes_to_a_new_key(tmp_path: Path):
    """Setting GTPPTPPO_BLIND_INDEX_KEY and running ``keys reindex`` recomputes every NIK
    index and victim key under it, in one transaction: the cases pushed before still match
    each other and the cases pushed after, and no index is left under the old key."""
    database = tmp_path / "keys.db"
    token = create_national_token(database)
    assert await _push(database, token, ["R-1", "R-2"]) == [[ANY_ID], [ANY_ID]]
    before = _indexes(database)
    assert before["R-1"] == before["R-2"]

    key = gtpptppo("keys", "new").stdout.strip()
    assert len(base64.urlsafe_b64decode(key + "=")) == 32
    result = gtpptppo(
        "keys", "reindex", database=database, env_extra={"GTPPTPPO_BLIND_INDEX_KEY": key}
    )
    assert result.returncode == 0, result.stderr
    assert "2 changed" in result.stderr
    after = _indexes(database)
    assert after["R-1"] == after["R-2"]
    assert after["R-1"][0] != before["R-1"][0]
    ring = Keyring.from_settings(
        Settings(database_url=f"sqlite:///{database}", blind_index_key=key)
    )
    assert after["R-1"] == (ring.blind_index(NIK), f"{ring.blind_index(NIK)}:2024")
    with sqlite3.connect(database) as db:
        action = db.execute("SELECT action FROM audit_event ORDER BY id DESC").fetchone()
    assert action == ("reindex",)

    # the service with the new key: a new case of the same victim matches the two before
    duplicates = await _push(database, token, ["R-3"], blind_index_key=key)
    assert sorted(map(len, duplicates)) == [2, 2, 2]


async def _serve_once(database: Path) -> dict[str, int]:
    """Create the database, serve one write, and give the modes of the files beside it
    while the server still holds its connections (the -wal and -shm exist meanwhile)."""
    token = create_national_token(database)
    app = create_app(Settings(database_url=f"sqlite:///{database}", encryption_key=None))
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {token}"}
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://test/api/v1") as client,
    ):
        body = {"name": "P2TP2A Banyumas", "kind": "p2tp2a", "region_code": "33.02"}
        assert (await client.post("/service-centres", json=body, headers=headers)).is_success
        return {p.name: stat.S_IMODE(p.stat().st_mode) for p in database.parent.iterdir()}


async def test_the_embedded_database_its_wal_and_key_are_private(tmp_path: Path):
    """The SQLite file, its -wal and -shm, the key file and the key store (with its own -wal
    and -shm) beside them are created 0600 (in a folder of the operator's, or in one created
    here, 0700), whatever the umask lets others read."""
    names = {"gt.db", "gt.db-wal", "gt.db-shm", "gt.db.key", "gt.keys.sqlite"}
    umask = os.umask(0o022)
    try:
        (tmp_path / "existing").mkdir()
        for database in (tmp_path / "existing" / "gt.db", tmp_path / "new" / "data" / "gt.db"):
            found = await _serve_once(database)
            # the key store's -wal and -shm too, while it is open
            assert names <= set(found)
            assert set(found.values()) == {0o600}, found
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new" / "data").stat().st_mode) == 0o700
