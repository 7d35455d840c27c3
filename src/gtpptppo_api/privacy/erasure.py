"""Erasing cases' personal data by crypto-shredding (docs/personal-data.md).

A case's personal fields are sealed under a data key of its own (``cases.sealing``),
kept wrapped in the key store (``db/keystore.py``), never in the cases' database. Erasing
the case deletes its ciphertexts and the NIK's blind index in the caller's transaction, and
its one wrapped key from the key store once that transaction has committed: a copy of the
database taken before holds the ciphertext only, which no key the service holds opens any
more. Deleting the key after the commit, not before, means a transaction that rolls back
leaves the case readable. The erasure's transaction also writes its case ids to an outbox
(``KeyDeletion``) and enqueues the job ``privacy.forget_keys``, which deletes those keys
and then the rows: a key whose deletion after the commit did not happen (a crash just after
it, an unreachable key store) goes when the job runs, retried as every job is. The
de-identified
record stays, so the statistics count the case as before; with ``keep_counts`` false, the
record is removed too and leaves its statistics cells.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from functools import partial

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.cases.cells import CELL_COLUMNS, CellChanges
from gtpptppo_api.cases.models import Case
from gtpptppo_api.cases.service import lock_victims
from gtpptppo_api.db.after_commit import call_after_commit
from gtpptppo_api.db.base import table_of, utcnow
from gtpptppo_api.db.bulk import among
from gtpptppo_api.db.keystore import KeyStore
from gtpptppo_api.jobs import enqueue
from gtpptppo_api.privacy.models import KeyDeletion

# The job that deletes the keys of the erasures' outbox (``forget_keys``).
FORGET_KEYS = "privacy.forget_keys"
_CASE = table_of(Case)
_OUTBOX = table_of(KeyDeletion)
# Keys deleted a page at a time by ``forget_keys``.
PAGE = 1000
ERASED = {
    "personal_key_id": None,
    "personal_ciphertext": None,
    "witnesses_key_id": None,
    "witnesses_ciphertext": None,
    "perpetrators_key_id": None,
    "perpetrators_ciphertext": None,
    "nik_index": None,
    # a later push of the same reference is an update, sealed anew, not "unchanged"
    "content_mac": "",
}


async def erase(
    session: AsyncSession, case_ids: Sequence[uuid.UUID], *, keep_counts: bool, keys: KeyStore
) -> int:
    """Erase the personal data of ``case_ids`` (those not erased yet); the number erased.
    Their data keys leave ``keys`` once the session's transaction commits."""
    if not case_ids:
        return 0
    dialect = session.get_bind().dialect.name
    rows = (
        await session.execute(
            select(
                _CASE.c.id,
                _CASE.c.victim_key,
                _CASE.c.victim_shared,
                _CASE.c.record_key,
                *CELL_COLUMNS,
            )
            .where(among(_CASE.c.id, list(case_ids), dialect), _CASE.c.erased_at.is_(None))
            .order_by(_CASE.c.id)
            .with_for_update()
        )
    ).all()
    if not rows:
        return 0
    ids = [row.id for row in rows]
    await session.execute(insert(_OUTBOX), [{"case_id": case_id} for case_id in ids])
    await enqueue(session, FORGET_KEYS, {})
    call_after_commit(session, partial(keys.delete, ids))
    await lock_victims(session, {row.victim_key for row in rows})
    if not keep_counts:
        cells = CellChanges()
        for row in rows:
            cells.remove(row, row.record_key, shared=row.victim_shared)
        await session.execute(delete(_CASE).where(among(_CASE.c.id, ids, dialect)))
        await cells.apply(session)
        return len(rows)
    await session.execute(
        update(_CASE).where(among(_CASE.c.id, ids, dialect)).values(**ERASED, erased_at=utcnow())
    )
    await _rekey_victims(session, {row.victim_key for row in rows})
    return len(rows)


async def _rekey_victims(session: AsyncSession, keys: set[str]) -> None:
    """A victim key made of the NIK's blind index, that only erased cases now carry, is
    replaced by a random one: the cases of that victim stay counted once, together, and
    nothing in them is derived from the NIK any more. A key another case still carries is
    kept, or the victim would be counted twice."""
    nik_keys = [key for key in keys if not key.startswith(("case:", "link:", "erased:"))]
    for key in sorted(nik_keys):
        still = await session.scalar(
            select(_CASE.c.id)
            .where(_CASE.c.victim_key == key, _CASE.c.erased_at.is_(None))
            .limit(1)
        )
        if still is None:
            await session.execute(
                update(_CASE)
                .where(_CASE.c.victim_key == key)
                .values(victim_key=f"erased:{uuid.uuid4().hex}")
            )


async def forget_keys(session: AsyncSession, keys: KeyStore) -> int:
    """Delete from ``keys`` the data keys the erasures' outbox names, and then its rows; the
    number of rows done. The keys go before the rows (the key store is not in ``session``'s
    transaction): should the transaction fail after, the rows stay and the next run deletes
    the same keys again, which is harmless. Rows another worker holds are left to it."""
    dialect = session.get_bind().dialect.name
    done = 0
    while True:
        page = select(_OUTBOX.c.case_id).order_by(_OUTBOX.c.case_id).limit(PAGE)
        ids = list((await session.scalars(page.with_for_update(skip_locked=True))).all())
        if not ids:
            return done
        await keys.delete(ids)
        await session.execute(delete(_OUTBOX).where(among(_OUTBOX.c.case_id, ids, dialect)))
        done += len(ids)
