"""Likely duplicates resolved by a secretariat: two case records linked as one victim.

The secretariats are the clearing house of victim data (Permen PPPA 10/2012 §2.1.4 C,
§2.2.4 d, §2.3.4 (7)). A push keys each case's victim by its NIK and identification year,
or by the case alone (its natural key); a link joins the victims of two cases, and every case
of the joined victims then carries one key, ``link:<uuid>`` (``victim_key_alias`` maps each
natural key to it, so a later push of one of them is keyed so too). The cases of a linked
victim are marked shared, so the statistics count them once by that key, in every cell and
in the whole. An unlink (the link kept, with who and why) splits the victim again along the
links that remain; its cases stay marked shared, which keeps the counts exact.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import bindparam, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.audit import service as audit
from gtpptppo_api.auth.service import Caller
from gtpptppo_api.cases import service as cases
from gtpptppo_api.cases.cells import CELL_COLUMNS, CellChanges
from gtpptppo_api.cases.models import Case, VictimKeyAlias, VictimLink
from gtpptppo_api.cases.schemas import VictimLinkRead
from gtpptppo_api.db.base import table_of, utcnow
from gtpptppo_api.db.bulk import among
from gtpptppo_api.errors import Conflict, ValidationFailed

LINKED = "link:"
_CASE, _ALIAS = table_of(Case), table_of(VictimKeyAlias)


async def aliases(session: AsyncSession, natural: Sequence[str]) -> dict[str, str]:
    """The linked victims' keys of those natural keys that links joined: one lookup."""
    if not natural:
        return {}
    dialect = session.get_bind().dialect.name
    rows = await session.execute(
        select(_ALIAS.c.natural_key, _ALIAS.c.victim_key).where(
            among(_ALIAS.c.natural_key, list(set(natural)), dialect)
        )
    )
    return {natural_key: victim_key for natural_key, victim_key in rows}


def natural_key(case: Any) -> str:
    """A case's victim as a push keys it: its NIK (blind index) and year, or the case."""
    if case.nik_index:
        return f"{case.nik_index}:{case.identified_year}"
    return f"case:{case.id}"


def _read(link: VictimLink) -> VictimLinkRead:
    return VictimLinkRead.model_validate(link)


async def _pair(
    session: AsyncSession, caller: Caller, case_id: uuid.UUID, other_id: uuid.UUID
) -> tuple[Case, Case]:
    """The two cases, each in the caller's jurisdiction (404 otherwise)."""
    if case_id == other_id:
        raise ValidationFailed.field("other_case_id", "a case is not linked to itself")
    return (
        await cases.get_visible(session, caller, case_id),
        await cases.get_visible(session, caller, other_id),
    )


async def _rekey(session: AsyncSession, keys: Iterable[str], to: str, cells: CellChanges) -> None:
    """Every case of the victims ``keys`` carries ``to``, marked shared."""
    dialect = session.get_bind().dialect.name
    keys = list(keys)
    marked = await session.execute(
        update(_CASE)
        .where(among(_CASE.c.victim_key, keys, dialect), _CASE.c.victim_shared.is_not(True))
        .values(victim_shared=True)
        .returning(_CASE.c.record_key, *CELL_COLUMNS)
    )
    for row in marked:
        cells.now_shared(row, row.record_key)
    await session.execute(
        update(_CASE).where(among(_CASE.c.victim_key, keys, dialect)).values(victim_key=to)
    )


async def link(
    session: AsyncSession,
    caller: Caller,
    case_id: uuid.UUID,
    other_id: uuid.UUID,
    reason: str,
) -> VictimLinkRead:
    """Link two cases as one victim; 409 when they are one already."""
    case, other = await _pair(session, caller, case_id, other_id)
    keys = {case.victim_key, other.victim_key}
    naturals = (natural_key(case), natural_key(other))
    await cases.lock_victims(session, [*keys, *naturals])
    await session.refresh(case)
    await session.refresh(other)
    if case.victim_key == other.victim_key:
        raise Conflict("These cases are one victim already.")
    linked = [key for key in (case.victim_key, other.victim_key) if key.startswith(LINKED)]
    to = linked[0] if linked else f"{LINKED}{uuid.uuid4().hex}"
    joined = [key for key in (case.victim_key, other.victim_key) if key != to]
    await session.execute(
        update(_ALIAS).where(_ALIAS.c.victim_key.in_(joined)).values(victim_key=to)
    )
    known = set(await aliases(session, naturals))
    rows = [{"natural_key": key, "victim_key": to} for key in set(naturals) - known]
    if rows:
        await session.execute(_ALIAS.insert(), rows)
    cells = CellChanges()
    await _rekey(session, {case.victim_key, other.victim_key}, to, cells)
    row = VictimLink(
        case_id=case.id,
        other_case_id=other.id,
        case_key=naturals[0],
        other_key=naturals[1],
        reason=reason,
        linked_by=caller.name,
    )
    session.add(row)
    await session.flush()
    result = _read(row)
    await _audit(session, caller, "link_victim", result)
    await cells.apply(session)
    session.expire_all()  # the cases were rekeyed by statements, not through these objects
    return result


async def unlink(
    session: AsyncSession,
    caller: Caller,
    case_id: uuid.UUID,
    other_id: uuid.UUID,
    reason: str,
) -> VictimLinkRead:
    """Undo the link between two cases; their victim splits along the links that remain."""
    case, other = await _pair(session, caller, case_id, other_id)
    found = await session.scalar(
        select(VictimLink)
        .where(
            VictimLink.unlinked_at.is_(None),
            or_(
                (VictimLink.case_id == case.id) & (VictimLink.other_case_id == other.id),
                (VictimLink.case_id == other.id) & (VictimLink.other_case_id == case.id),
            ),
        )
        .limit(1)
    )
    if found is None:
        raise Conflict("These cases are not linked.")
    victim = case.victim_key
    await cases.lock_victims(session, [victim, found.case_key, found.other_key])
    found.unlinked_at, found.unlinked_by, found.unlink_reason = utcnow(), caller.name, reason
    await session.flush()
    result = _read(found)
    await _split(session, victim)
    await _audit(session, caller, "unlink_victim", result)
    session.expire_all()
    return result


async def _split(session: AsyncSession, victim: str) -> None:
    """Key the cases of a linked victim again by the links that remain: each group of
    natural keys still linked is a victim (the first keeps the key), each key left alone is
    its own again."""
    naturals = list(
        (
            await session.scalars(
                select(VictimKeyAlias.natural_key).where(VictimKeyAlias.victim_key == victim)
            )
        ).all()
    )
    edges = (
        await session.execute(
            select(VictimLink.case_key, VictimLink.other_key).where(
                VictimLink.unlinked_at.is_(None), VictimLink.case_key.in_(naturals)
            )
        )
    ).all()
    groups = _components(naturals, edges)
    mapping: dict[str, str] = {}
    for i, group in enumerate(sorted(groups, key=len, reverse=True)):
        if len(group) > 1:
            key = victim if i == 0 else f"{LINKED}{uuid.uuid4().hex}"
            mapping.update(dict.fromkeys(group, key))
    await session.execute(delete(_ALIAS).where(_ALIAS.c.victim_key == victim))
    rows = [{"natural_key": n, "victim_key": key} for n, key in mapping.items()]
    if rows:
        await session.execute(_ALIAS.insert(), rows)
    members = await session.execute(
        select(_CASE.c.id, _CASE.c.nik_index, _CASE.c.identified_year).where(
            _CASE.c.victim_key == victim
        )
    )
    moved = [
        {"case_id": row.id, "key": key}
        for row in members
        for natural in [natural_key(row)]
        for key in [mapping.get(natural, natural)]
        if key != victim
    ]
    if moved:
        await session.execute(
            update(_CASE)
            .where(_CASE.c.id == bindparam("case_id"))
            .values(victim_key=bindparam("key")),
            moved,
        )


def _components(nodes: Sequence[str], edges: Iterable[Sequence[str]]) -> list[set[str]]:
    """The connected groups of ``nodes`` along ``edges`` (those between two of them)."""
    parent = {node: node for node in nodes}

    def root(node: str) -> str:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in edges:
        if a in parent and b in parent:
            parent[root(a)] = root(b)
    groups: dict[str, set[str]] = {}
    for node in nodes:
        groups.setdefault(root(node), set()).add(node)
    return list(groups.values())


async def _audit(session: AsyncSession, caller: Caller, action: str, link_: VictimLinkRead) -> None:
    """An event on each of the two cases: the link as it now is (ids and names only)."""
    for case_id in (link_.case_id, link_.other_case_id):
        await audit.record(
            session,
            caller,
            action=action,
            entity_type="case",
            entity_id=case_id,
            after=link_,
            reason=link_.unlink_reason or link_.reason,
        )


async def links_of(session: AsyncSession, case: Case) -> list[VictimLinkRead]:
    """The links a case is part of, made or undone, oldest first."""
    rows = await session.scalars(
        select(VictimLink)
        .where(or_(VictimLink.case_id == case.id, VictimLink.other_case_id == case.id))
        .order_by(VictimLink.id)
    )
    return [_read(row) for row in rows]
