"""The schema is only ever changed by a migration: models and migrations agree, and go both ways."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

import gtpptppo_api.db.models  # every model registered on Base.metadata
from gtpptppo_api.db.migrate import downgrade, upgrade

REGIONS = 553  # the nation, 38 provinces, 514 regencies/cities


def _diff(sync_conn: Connection) -> list[Any]:
    context = MigrationContext.configure(sync_conn, opts={"compare_type": True})
    return compare_metadata(context, gtpptppo_api.db.models.Base.metadata)


async def test_models_and_migrations_agree(engine: AsyncEngine):
    async with engine.connect() as conn:
        diff = await conn.run_sync(_diff)
    assert diff == []


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {name for (name,) in rows} - {"alembic_version"}


def _regions(path: Path) -> int:
    with sqlite3.connect(path) as db:
        (count,) = db.execute("SELECT count(*) FROM region").fetchone()
    return int(count)


def test_downgrade_to_base_and_upgrade_again(tmp_path: Path):
    path = tmp_path / "migrations.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    tables = _tables(path)
    assert {"region", "api_token", "task_force", "audit_event"} <= tables
    assert _regions(path) == REGIONS

    downgrade(url, "base")
    assert _tables(path) == set()

    upgrade(url)
    assert _tables(path) == tables
    assert _regions(path) == REGIONS


def test_secretariat_inventories_gain_the_safe_room(tmp_path: Path):
    """Permen PPPA 10/2012 §5.2 a: a secretariat inventory recorded before the safe house or
    room joined its checklist gets the item as missing (0018_safe_room), and loses it again
    on the way down; a centre's inventory keeps its own."""
    path = tmp_path / "safe_room.db"
    url = f"sqlite:///{path}"
    upgrade(url, "0015_centre_id")
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO task_force (id, name, region_code, level, status, chair_position, "
            "daily_chair_position, secretariat_host_agency, created_at, updated_at, version) "
            "VALUES (1, 'GT', '33.02', 'regency', 'active', 'K', 'KH', 'DP3A', "
            "'2026-01-01', '2026-01-01', 1)"
        )
        db.execute(
            "INSERT INTO service_centre (id, name, kind, region_code, created_at, updated_at, "
            "version) VALUES (1, 'PPT', 'other', '33.02', '2026-01-01', '2026-01-01', 1)"
        )
        for inventory, owner, column in (
            (1, "secretariat", "task_force_id"),
            (2, "service_centre", "service_centre_id"),
        ):
            db.execute(
                f"INSERT INTO facility_inventory (id, owner_kind, {column}, region_code, "  # noqa: S608
                "assessed_on, created_at, updated_at, version) "
                f"VALUES ({inventory}, '{owner}', 1, '33.02', '2026-01-01', '2026-01-01', "
                "'2026-01-01', 1)"
            )
        db.execute(
            "INSERT INTO facility_item (inventory_id, item, status) "
            "VALUES (1, 'internet', 'present'), (2, 'safe_house', 'present')"
        )

    def safe_rooms() -> list[tuple[int, str]]:
        with sqlite3.connect(path) as db:
            query = "SELECT inventory_id, status FROM facility_item WHERE item = 'safe_house'"
            return sorted(db.execute(query).fetchall())

    upgrade(url)
    assert safe_rooms() == [(1, "missing"), (2, "present")]
    downgrade(url, "0015_centre_id")
    assert safe_rooms() == [(2, "present")]


def test_the_unkeyed_request_hashes_are_removed(tmp_path: Path):
    """0017: an idempotency record of before held a bare SHA-256 of a body with NIKs; the
    migration deletes it (it cannot be keyed: the body is gone)."""
    path = tmp_path / "keyed.db"
    url = f"sqlite:///{path}"
    upgrade(url, "0015_centre_id")
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO idempotency_record (scope, key, request_hash, status_code, response,"
            " created_at) VALUES ('s', 'k', ?, 200, '{}', '2026-01-01 00:00:00')",
            ("0" * 64,),
        )
    upgrade(url)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM idempotency_record").fetchone() == (0,)


async def test_the_wrapped_data_keys_move_to_the_key_store_and_back(tmp_path: Path):
    """0033_key_store: a database whose cases hold their wrapped data keys (as before the key
    store) has them copied to the key store and the columns dropped, and the case's personal
    fields read through HTTP as before; the downgrade copies them back into the columns."""
    import asyncio
    import uuid

    import httpx

    from gtpptppo_api.app import create_app
    from gtpptppo_api.auth.models import Role
    from gtpptppo_api.auth.service import create_token
    from gtpptppo_api.db.engine import create_engine, create_sessionmaker
    from gtpptppo_api.db.keystore import KeyStore
    from gtpptppo_api.settings import Settings
    from tests.cases.helpers import create_centre
    from tests.conftest import TEST_KEYS
    from tests.privacy.support import NIK, push, reading

    path = tmp_path / "keys.db"
    store_path = tmp_path / "keys.keys.sqlite"
    url = f"sqlite:///{path}"
    await asyncio.to_thread(upgrade, url)
    engine = create_engine(url)
    async with create_sessionmaker(engine)() as session, session.begin():
        _, token = await create_token(session, name="admin", role=Role.national_admin)
    await engine.dispose()
    headers = {"Authorization": f"Bearer {token}"}

    async def read(case_id: str) -> Any:
        app = create_app(Settings(database_url=url, encryption_key=TEST_KEYS))
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://test/api/v1"
            ) as client,
        ):
            if not case_id:
                centre = await create_centre(client, headers, "33.02")
                case = await push(client, headers, centre, "M-1", personal={"nik": NIK})
                case_id = case["id"]
            shown = await client.get(
                f"/cases/{case_id}", params={"include": "personal"}, headers=reading(headers)
            )
            return case_id, shown.json()["personal"]["nik"]

    case_id, nik = await read("")
    assert nik == NIK
    await KeyStore.for_url(f"sqlite:///{store_path}").dispose()
    await asyncio.to_thread(downgrade, url, "0032_simfoni")
    with sqlite3.connect(path) as db:
        (wrapped,) = db.execute("SELECT data_key FROM victim_case").fetchone()
    with sqlite3.connect(store_path) as keys:
        keys.execute("DELETE FROM data_key")  # as before the key store existed
    assert wrapped
    await asyncio.to_thread(upgrade, url)
    with sqlite3.connect(store_path) as keys:
        moved = keys.execute("SELECT case_id, wrapped FROM data_key").fetchall()
    assert [(uuid.UUID(str(case_id)).hex, wrapped)] == [
        (uuid.UUID(str(moved[0][0])).hex, moved[0][1])
    ]
    with sqlite3.connect(path) as db:
        columns = {row[1] for row in db.execute("PRAGMA table_info(victim_case)")}
    assert not {"data_key", "data_key_id"} & columns
    assert (await read(case_id))[1] == NIK
