"""A case's personal fields under its own data key (envelope encryption, crypto-shredding).

``cases.service._seal`` is the one entry point that seals a case: a fresh ``DataKey`` per
version of the case seals its personal fields and its witnesses (and whatever else of the
case is personal), and ``wrap_keys`` wraps the data keys of a push in bulk under the newest
service key. ``open_field`` opens what was sealed, whether by the case's data key or, for
cases stored before per-case keys, by a service key directly.

Erasing a case (``privacy.erasure``) deletes its wrapped key and its ciphertexts.
``rewrap`` (``gtpptppo keys rewrap``) moves every case to the newest service key and seals
the cases stored before per-case keys under keys of their own (docs/personal-data.md).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.cases.models import Case
from gtpptppo_api.db.base import table_of
from gtpptppo_api.kit.crypto import DATA_KEY_ID, DataKey, Keyring

CHUNK = 2000
_CASE = table_of(Case)
# The sealed fields of a case: (key id column, ciphertext column, associated data suffix).
SEALED = (
    ("personal_key_id", "personal_ciphertext", ""),
    ("witnesses_key_id", "witnesses_ciphertext", ":witnesses"),
    ("perpetrators_key_id", "perpetrators_ciphertext", ":perpetrators"),
)


class Erased(Exception):
    """The case's data key was erased: its personal fields can no longer be read."""


class Sealed(Protocol):
    """What a case row holds to open its fields (an ORM ``Case`` or a Core row)."""

    id: uuid.UUID
    data_key_id: str | None
    data_key: bytes | None


def associated(case_id: uuid.UUID, suffix: str = "") -> str:
    """The associated data of a sealed field: the case id (and what the field is)."""
    return f"{case_id}{suffix}"


def wrap_keys(keyring: Keyring, items: Sequence[tuple[DataKey, uuid.UUID, dict[str, Any]]]) -> None:
    """Wrap the data keys of a push in bulk into their rows' values."""
    if not items:
        return
    key_id, wrapped = keyring.wrap((key, str(case_id)) for key, case_id, _ in items)
    for (_, _, values), blob in zip(items, wrapped, strict=True):
        values["data_key_id"], values["data_key"] = key_id, blob


def data_key(keyring: Keyring, case: Sealed) -> DataKey | None:
    if case.data_key is None or case.data_key_id is None:
        return None
    return keyring.unwrap(case.data_key_id, case.data_key, str(case.id))


def open_field(
    keyring: Keyring,
    case: Sealed,
    key_id: str | None,
    blob: bytes | None,
    suffix: str = "",
    key: DataKey | None = None,
) -> dict[str, Any] | None:
    """A sealed field of ``case`` opened, or None when it holds nothing; ``Erased`` when its
    data key is gone. ``key``: the case's data key when the caller already unwrapped it."""
    if key_id is None or blob is None:
        return None
    if key_id != DATA_KEY_ID:  # stored before per-case keys: a service key sealed it
        return keyring.decrypt(key_id, blob, associated(case.id, suffix))
    key = key or data_key(keyring, case)
    if key is None:
        raise Erased(f"the data key of case {case.id} was erased")
    return key.decrypt(blob, associated(case.id, suffix))


@dataclass
class Rewrapped:
    cases: int = 0  # cases read
    rewrapped: int = 0  # data keys moved to the newest service key
    resealed: int = 0  # cases sealed before per-case keys, now under a key of their own


def _rewrap_row(keyring: Keyring, row: Any, stats: Rewrapped) -> dict[str, Any] | None:
    legacy = any(getattr(row, kid) not in (None, DATA_KEY_ID) for kid, _, _ in SEALED)
    if not legacy:
        if row.data_key is None or row.data_key_id == keyring.current_id:
            return None
        key = data_key(keyring, row)
        assert key is not None
        stats.rewrapped += 1
        change: dict[str, Any] = {}
    else:
        key = data_key(keyring, row) or DataKey.new()
        change = {}
        for kid, blob, suffix in SEALED:
            opened = open_field(keyring, row, getattr(row, kid), getattr(row, blob), suffix, key)
            sealed = key.encrypt(opened, associated(row.id, suffix)) if opened else (None, None)
            change[kid], change[blob] = sealed
        stats.resealed += 1
    wrap_keys(keyring, [(key, row.id, change)])
    return {**change, "case_id": row.id}


async def rewrap(session: AsyncSession, keyring: Keyring) -> Rewrapped:
    """Every case's data key wrapped under the newest service key, and every case sealed
    before per-case keys sealed again under a data key of its own, in pages, in the caller's
    one transaction (a failure leaves the old keys whole). Safe to run again."""
    stats = Rewrapped()
    names = ["id", "data_key_id", "data_key", *(name for field in SEALED for name in field[:2])]
    query = select(*(_CASE.c[name] for name in names)).where(
        or_(
            _CASE.c.data_key_id != keyring.current_id,
            *(_CASE.c[kid] != DATA_KEY_ID for kid, _, _ in SEALED),
        )
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
        for columns, group in _by_columns(_rewrap_row(keyring, row, stats) for row in rows):
            await session.execute(
                update(_CASE)
                .where(_CASE.c.id == bindparam("case_id"))
                .values({name: bindparam(name) for name in columns}),
                group,
            )


def _by_columns(
    changes: Any,
) -> list[tuple[tuple[str, ...], list[dict[str, Any]]]]:
    """The changes grouped by the columns they set (one executemany per shape)."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for change in changes:
        if change is not None:
            columns = tuple(sorted(k for k in change if k != "case_id"))
            groups.setdefault(columns, []).append(change)
    return list(groups.items())
