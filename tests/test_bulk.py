"""Many rows at once (``db.bulk.insert_rows``): a binary COPY on PostgreSQL, an executemany on
SQLite, the same rows either way; a violated constraint is an IntegrityError, as an INSERT's."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.audit.models import AuditEvent
from gtpptppo_api.auth.models import Role
from gtpptppo_api.cases.models import Case
from gtpptppo_api.db.base import table_of
from gtpptppo_api.db.bulk import COPY_MIN_ROWS, insert_rows
from gtpptppo_api.db.engine import create_engine, create_sessionmaker
from gtpptppo_api.errors import database_unavailable
from tests.cases.helpers import case_body, create_centre
from tests.live import live_app


def audit_rows(count: int, **extra: Any) -> list[dict[str, Any]]:
    return [
        {
            "actor_token_id": None,
            "actor_name": f"tester {n}",
            "actor_role": "national_admin",
            "action": "created",
            "entity_type": "bulk-test",
            "entity_id": str(n),
            "before": None,
            "after": {"n": n, "nested": {"list": [n, "x"]}},
            "reason": None,
            **extra,
        }
        for n in range(count)
    ]


def statements_for(session: AsyncSession, table: str) -> list[str]:
    """The INSERT statements SQLAlchemy sends for ``table`` from now on."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.startswith(f"INSERT INTO {table}"):
            seen.append(statement)

    event.listen(session.bind.engine.sync_engine, "before_cursor_execute", record)  # type: ignore[union-attr]
    return seen


async def test_rows_written_by_copy_read_back_as_an_insert_writes_them(
    session: AsyncSession, database_url: str
) -> None:
    """JSON, a missing column's Python default (``occurred_at``) and NULLs come back as given;
    on PostgreSQL no INSERT is sent (the rows went by COPY)."""
    inserts = statements_for(session, "audit_event")
    rows = audit_rows(COPY_MIN_ROWS + 5)
    await insert_rows(session, table_of(AuditEvent), rows)
    stored = (
        await session.scalars(
            select(AuditEvent).where(AuditEvent.entity_type == "bulk-test").order_by(AuditEvent.id)
        )
    ).all()
    assert [(e.entity_id, e.actor_name, e.after, e.before) for e in stored] == [
        (r["entity_id"], r["actor_name"], r["after"], None) for r in rows
    ]
    assert all(isinstance(e.occurred_at, datetime) and e.occurred_at.tzinfo for e in stored)
    if database_url.startswith("postgresql"):
        assert inserts == []
    else:
        assert len(inserts) == 1


async def test_a_violated_constraint_is_an_integrity_error(session: AsyncSession) -> None:
    """A row whose key is already there fails the whole statement as an INSERT's would."""
    first = await session.scalar(select(func.coalesce(func.max(AuditEvent.id), 0))) or 0
    rows = audit_rows(COPY_MIN_ROWS)
    for offset, row in enumerate(rows):
        row["id"] = first + 1 + offset
    await insert_rows(session, table_of(AuditEvent), rows)
    with pytest.raises(IntegrityError):
        await insert_rows(session, table_of(AuditEvent), rows)


async def test_two_pushes_of_the_same_new_cases_at_once_store_each_case_once() -> None:
    """PostgreSQL, real transactions: the second push's COPY waits on the first one's new
    rows, then is refused by the unique (centre, reference): a 409 problem to retry, or, had
    it waited earlier, the cases unchanged; never a 500, and each case stored once."""
    async with live_app(batch_concurrency=2) as live:
        national = await live.bearer(Role.national_admin)
        centre = await create_centre(live.client, national, "33.02")
        headers = await live.bearer(Role.service_centre, centre["id"])
        batch = [case_body(f"TWICE-{n}") for n in range(30)]
        url = f"/service-centres/{centre['id']}/cases:batch"
        responses = await asyncio.gather(
            *(live.client.post(url, json=batch, headers=headers) for _ in range(2))
        )
        statuses = sorted(r.status_code for r in responses)
        assert statuses in ([200, 200], [200, 409]), [r.text for r in responses]
        for response in responses:
            if response.status_code == 409:
                assert response.headers["content-type"] == "application/problem+json"
        # a retry of the refused push finds every case there, unchanged
        retry = await live.client.post(url, json=batch, headers=headers)
        assert retry.json()["unchanged"] == 30
        async with create_sessionmaker(live.engine)() as session:
            stored = await session.scalar(
                select(func.count()).where(Case.service_centre_id == centre["id"])
            )
        assert stored == 30


async def test_a_connection_lost_during_a_copy_is_a_database_unavailable_error(
    database_url: str,
) -> None:
    """The server ends the backend (a restart) before the COPY: the error is SQLAlchemy's,
    one the API answers 503 (``errors.database_unavailable``), as for an INSERT."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite writes rows by executemany: no COPY, no server to lose")
    engine = create_engine(database_url, pool_size=1)
    killer = create_engine(database_url, pool_size=1)
    try:
        async with AsyncSession(bind=engine) as session:
            pid = await session.scalar(text("SELECT pg_backend_pid()"))  # in a transaction
            async with killer.connect() as conn:
                assert await conn.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            await asyncio.sleep(0.5)
            with pytest.raises(DBAPIError) as raised:
                await insert_rows(session, table_of(AuditEvent), audit_rows(COPY_MIN_ROWS))
            assert database_unavailable(raised.value)
    finally:
        await killer.dispose()
        await engine.dispose()


async def test_rows_written_first_in_a_session_are_rolled_back_with_it(database_url: str) -> None:
    """The driver opens its transaction at the first statement: rows written before any other
    statement are still part of the session's transaction, and its rollback undoes them."""
    engine = create_engine(database_url)
    try:
        async with AsyncSession(bind=engine) as session:
            await insert_rows(
                session, table_of(AuditEvent), audit_rows(COPY_MIN_ROWS, entity_type="first")
            )
            assert (
                await session.scalar(select(func.count()).where(AuditEvent.entity_type == "first"))
                == COPY_MIN_ROWS
            )
            await session.rollback()
        async with AsyncSession(bind=engine) as session:
            left = await session.scalar(
                select(func.count()).where(AuditEvent.entity_type == "first")
            )
        assert left == 0
    finally:
        await engine.dispose()
