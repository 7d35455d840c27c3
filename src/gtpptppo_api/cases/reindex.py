"""Recomputing the blind indexes under the blind-index key now configured.

Run by ``gtpptppo keys reindex`` after ``GTPPTPPO_BLIND_INDEX_KEY`` is set or changed, with
the API processes and workers stopped (a process still running with the old key would write
indexes under it). Everything happens in the caller's one transaction: a failure leaves the
old indexes whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, func, select, text, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.cases import cells, sealing
from gtpptppo_api.cases.models import Case, IdempotencyRecord
from gtpptppo_api.cases.schemas import nik_digits
from gtpptppo_api.db.base import table_of
from gtpptppo_api.kit.crypto import Keyring

CHUNK = 2000
_CASE = table_of(Case)


@dataclass
class Reindexed:
    cases: int = 0  # cases read
    changed: int = 0  # cases whose index or victim key changed
    newly_shared: int = 0  # cases whose victim another case now has too
    irregular: int = 0  # NIKs stored before the ASCII rule that do not meet it (kept as they are)
    replays_cleared: int = 0  # idempotency records, whose fingerprints were under the old key


def _index(keyring: Keyring, nik: str | None, stats: Reindexed) -> str | None:
    if not nik:
        return None
    try:
        nik = nik_digits(nik)  # a full-width NIK stored before the rule is the same NIK now
    except ValueError:
        stats.irregular += 1
    return keyring.blind_index(nik)


async def _updates(session: AsyncSession, keyring: Keyring, stats: Reindexed) -> None:
    columns = (
        _CASE.c.id,
        _CASE.c.personal_key_id,
        _CASE.c.personal_ciphertext,
        _CASE.c.erased_at,
    )
    query = select(*columns, _CASE.c.identified_year, _CASE.c.nik_index, _CASE.c.victim_key)
    last: Any = None
    while True:
        page = query.order_by(_CASE.c.id).limit(CHUNK)
        if last is not None:
            page = page.where(_CASE.c.id > last)
        rows = (await session.execute(page)).all()
        if not rows:
            return
        last = rows[-1].id
        changes = []
        sealed = [row.id for row in rows if row.erased_at is None and row.personal_ciphertext]
        keys = await sealing.data_keys(keyring, sealed)  # one query for the page
        for row in rows:
            stats.cases += 1
            if row.erased_at is not None:
                continue  # erased: no NIK to index; its victim key keeps it counted once
            personal = (
                sealing.open_field(
                    keyring,
                    row,
                    row.personal_key_id,
                    row.personal_ciphertext,
                    key=keys.get(row.id),
                )
                or {}
            )
            index = _index(keyring, personal.get("nik"), stats)
            key = f"{index}:{row.identified_year}" if index else f"case:{row.id}"
            if (index, key) != (row.nik_index, row.victim_key):
                changes.append({"case_id": row.id, "nik_index": index, "victim_key": key})
        if changes:
            stats.changed += len(changes)
            await session.execute(
                update(_CASE)
                .where(_CASE.c.id == bindparam("case_id"))
                .values(nik_index=bindparam("nik_index"), victim_key=bindparam("victim_key")),
                changes,
            )


async def reindex(session: AsyncSession, keyring: Keyring) -> Reindexed:
    """Every case's NIK blind index and victim key under ``keyring``'s blind-index key; the
    cases whose victim key is now shared marked so, and the statistics cells counted again
    if any was; the idempotency records (fingerprints under the old key) cleared."""
    stats = Reindexed()
    if session.get_bind().dialect.name == "postgresql":
        # A push that slipped in meanwhile waits, and then sees the new indexes.
        await session.execute(text("LOCK TABLE victim_case IN EXCLUSIVE MODE"))
    await _updates(session, keyring, stats)
    shared = (
        select(_CASE.c.victim_key)
        .where(_CASE.c.nik_index.is_not(None))
        .group_by(_CASE.c.victim_key)
        .having(func.count() > 1)
    )
    marked = await session.execute(
        update(_CASE)
        .where(_CASE.c.victim_key.in_(shared), _CASE.c.victim_shared.is_not(true()))
        .values(victim_shared=True)
    )
    stats.newly_shared = int(marked.rowcount)  # type: ignore[attr-defined]
    if stats.newly_shared:
        await cells.rebuild(session)
    cleared = await session.execute(delete(IdempotencyRecord))
    stats.replays_cleared = int(cleared.rowcount)  # type: ignore[attr-defined]
    return stats
