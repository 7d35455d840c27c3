"""Erasing cases' personal data by crypto-shredding (docs/personal-data.md).

A case's personal fields are sealed under a data key of its own (``cases.sealing``).
Erasing the case deletes that key and the ciphertexts with it, and the NIK's blind index:
what a copy of the database taken before still holds can no longer be opened with any key
the service holds once the wrapping service key of that copy is retired (a rotation). The
de-identified record stays, so the statistics count the case as before; with
``keep_counts`` false, the record is removed too and leaves its statistics cells.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.cases.cells import CELL_COLUMNS, CellChanges
from gtpptppo_api.cases.models import Case
from gtpptppo_api.cases.service import lock_victims
from gtpptppo_api.db.base import table_of, utcnow
from gtpptppo_api.db.bulk import among

_CASE = table_of(Case)
ERASED = {
    "data_key_id": None,
    "data_key": None,
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


async def erase(session: AsyncSession, case_ids: Sequence[uuid.UUID], *, keep_counts: bool) -> int:
    """Erase the personal data of ``case_ids`` (those not erased yet); the number erased."""
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
