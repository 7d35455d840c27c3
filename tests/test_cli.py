"""The ``gtpptppo`` command line, run as a real process (no database fixtures)."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx

from gtpptppo_api.app import create_app
from gtpptppo_api.settings import Settings
from tests.helpers import problem

ROOT = Path(__file__).parents[1]


def gtpptppo(*args: str, database: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
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
