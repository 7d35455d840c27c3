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
