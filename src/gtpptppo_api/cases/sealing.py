"""A case's personal fields under its own data key (envelope encryption, crypto-shredding).

``cases.service._seal`` is the one entry point that seals a case: a ``DataKey`` of the
case's own (drawn for a new case, reused by its updates) seals its personal fields and its
witnesses (and whatever else of the case is personal). The data keys live wrapped under the
newest service key in the key store (``db/keystore.py``), never in the cases' database:
``store_keys`` wraps a push's new keys in one pass and stores them, committed, before the
push's transaction commits (key first); ``data_keys`` reads and unwraps the keys of a page
of cases with one query. ``open_field`` opens what was sealed, whether by the case's data
key or, for cases stored before per-case keys, by a service key directly.

Erasing a case (``privacy.erasure``) deletes its wrapped key from the key store and its
ciphertexts. ``rewrap`` (``gtpptppo keys rewrap``) moves every data key to the newest
service key in the key store and seals the cases stored before per-case keys under keys of
their own; ``sweep`` removes the keys no case needs (docs/personal-data.md).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from sqlalchemy import and_, bindparam, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.cases.models import Case
from gtpptppo_api.db.base import table_of
from gtpptppo_api.db.bulk import among
from gtpptppo_api.kit.crypto import DATA_KEY_ID, DataKey, Keyring

CHUNK = 2000
_CASE = table_of(Case)
# The sealed fields of a case: (key id column, ciphertext column, associated data suffix).
SEALED = (
    ("personal_key_id", "personal_ciphertext", ""),
    ("witnesses_key_id", "witnesses_ciphertext", ":witnesses"),
    ("perpetrators_key_id", "perpetrators_ciphertext", ":perpetrators"),
)
# A key the sweep may remove is older than this: a push stores its keys before its cases'
# transaction commits, so a younger key may belong to a case not committed yet.
SWEEP_AFTER = timedelta(hours=1)


class Erased(Exception):
    """The case's data key was erased: its personal fields can no longer be read."""


class Sealed(Protocol):
    """What a sealed field is bound to: its case's id (an ORM ``Case`` or a Core row)."""

    @property
    def id(self) -> uuid.UUID: ...


def associated(case_id: uuid.UUID, suffix: str = "") -> str:
    """The associated data of a sealed field: the case id (and what the field is)."""
    return f"{case_id}{suffix}"


def wrap_keys(
    keyring: Keyring, items: Sequence[tuple[DataKey, uuid.UUID]]
) -> list[tuple[uuid.UUID, str, bytes]]:
    """Data keys wrapped in bulk under the newest service key: the key store's rows."""
    if not items:
        return []
    key_id, wrapped = keyring.wrap((key, str(case_id)) for key, case_id in items)
    return [(case_id, key_id, blob) for (_, case_id), blob in zip(items, wrapped, strict=True)]


async def store_keys(keyring: Keyring, items: Sequence[tuple[DataKey, uuid.UUID]]) -> None:
    """Wrap new data keys in bulk and store them in the key store, committed on return:
    before the cases they seal are committed (key first)."""
    await keyring.key_store.put(wrap_keys(keyring, items))


async def data_keys(keyring: Keyring, case_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, DataKey]:
    """The data keys of ``case_ids`` that the key store holds, unwrapped: one query per
    page of ids. An erased case has none."""
    found = await keyring.key_store.get(case_ids)
    return {
        case_id: keyring.unwrap(key_id, blob, str(case_id))
        for case_id, (key_id, blob) in found.items()
    }


def open_field(
    keyring: Keyring,
    case: Sealed,
    key_id: str | None,
    blob: bytes | None,
    suffix: str = "",
    key: DataKey | None = None,
) -> dict[str, Any] | None:
    """A sealed field of ``case`` opened with its data key ``key`` (``data_keys``), or None
    when it holds nothing; ``Erased`` when its data key is gone."""
    if key_id is None or blob is None:
        return None
    if key_id != DATA_KEY_ID:  # stored before per-case keys: a service key sealed it
        return keyring.decrypt(key_id, blob, associated(case.id, suffix))
    if key is None:
        raise Erased(f"the data key of case {case.id} was erased")
    return key.decrypt(blob, associated(case.id, suffix))


@dataclass
class Rewrapped:
    cases: int = 0  # cases read
    rewrapped: int = 0  # data keys moved to the newest service key
    resealed: int = 0  # cases sealed before per-case keys, now under a key of their own


def _reseal_row(
    keyring: Keyring, row: Any, key: DataKey | None, stats: Rewrapped
) -> tuple[DataKey | None, dict[str, Any]]:
    """A case sealed before per-case keys sealed again under its data key (a new one when
    it has none: ``(new key, change)``)."""
    fresh = None
    if key is None:
        key = fresh = DataKey.new()
    change: dict[str, Any] = {"case_id": row.id}
    for kid, blob, suffix in SEALED:
        opened = open_field(keyring, row, getattr(row, kid), getattr(row, blob), suffix, key)
        sealed = key.encrypt(opened, associated(row.id, suffix)) if opened else (None, None)
        change[kid], change[blob] = sealed
    stats.resealed += 1
    return fresh, change


async def rewrap(session: AsyncSession, keyring: Keyring) -> Rewrapped:
    """Every data key in the key store wrapped under the newest service key, page by page
    (each page's keys replaced in one statement: a failure leaves each key wrapped by the
    one or the other, both held); then every case sealed before per-case keys sealed again
    under a data key of its own, in the caller's transaction, its new key stored first.
    Safe to run again."""
    stats = Rewrapped()
    store = keyring.key_store
    async for found in store.not_wrapped_by(keyring.current_id):
        keys = [
            (keyring.unwrap(r.key_id, bytes(r.wrapped), str(r.case_id)), r.case_id) for r in found
        ]
        await store.rewrapped(wrap_keys(keyring, keys))
        stats.rewrapped += len(found)
    names = ["id", *(name for field in SEALED for name in field[:2])]
    query = select(*(_CASE.c[name] for name in names)).where(
        or_(*(and_(_CASE.c[kid].is_not(None), _CASE.c[kid] != DATA_KEY_ID) for kid, _, _ in SEALED))
    )
    last: Any = None
    while True:
        page = query.order_by(_CASE.c.id).limit(CHUNK)
        if last is not None:
            page = page.where(_CASE.c.id > last)
        rows = (await session.execute(page)).all()
        if not rows:
            return stats
        last = rows[-1].id
        stats.cases += len(rows)
        held = await data_keys(keyring, [row.id for row in rows])
        fresh: list[tuple[DataKey, uuid.UUID]] = []
        changes = []
        for row in rows:
            new, change = _reseal_row(keyring, row, held.get(row.id), stats)
            if new is not None:
                fresh.append((new, row.id))
            changes.append(change)
        await store_keys(keyring, fresh)
        columns = [name for field in SEALED for name in field[:2]]
        await session.execute(
            update(_CASE)
            .where(_CASE.c.id == bindparam("case_id"))
            .values({name: bindparam(name) for name in columns}),
            changes,
        )


@dataclass
class Swept:
    keys: int = 0  # keys read (older than the bound)
    removed: int = 0  # keys of no case, or of an erased case with nothing sealed


async def sweep(
    session: AsyncSession, keyring: Keyring, older_than: timedelta = SWEEP_AFTER
) -> Swept:
    """Remove from the key store the keys older than ``older_than`` that no case needs: of a
    case that does not exist (a push that failed after storing its keys, a case erased
    whole), or of an erased case that holds nothing sealed (an erasure whose key deletion,
    after its commit, did not happen). Run after a restore of the key store, it re-applies
    the erasures the main database records. Safe to run again, and alongside pushes."""
    stats = Swept()
    store = keyring.key_store
    dialect = session.get_bind().dialect.name
    needed = select(_CASE.c.id)
    erased = and_(
        _CASE.c.erased_at.is_not(None),
        *(_CASE.c[blob].is_(None) for _, blob, _ in SEALED),
    )
    async for ids in store.older_than(older_than):
        stats.keys += len(ids)
        kept = set(
            (await session.scalars(needed.where(among(_CASE.c.id, ids, dialect), ~erased))).all()
        )
        stats.removed += await store.delete(case_id for case_id in ids if case_id not in kept)
    return stats
