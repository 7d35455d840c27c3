"""Case records: idempotent upserts from service centres, scoped reads, personal-data access.

A push is keyed by ``(service_centre, external_ref)``: the same body twice is the same case,
unchanged, with no new version. A batch stores every valid item even when others are
invalid, and stores nothing of an invalid one.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import (
    Select,
    Table,
    bindparam,
    delete,
    exists,
    func,
    select,
    text,
    true,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.audit import service as audit
from gtpptppo_api.audit.models import AuditEvent
from gtpptppo_api.auth import scope
from gtpptppo_api.auth.models import Role
from gtpptppo_api.auth.service import Caller
from gtpptppo_api.cases import context, links, sealing
from gtpptppo_api.cases.cells import CELL_COLUMNS, CellChanges
from gtpptppo_api.cases.models import (
    AgeGroup,
    Case,
    CaseAttribute,
    CaseExploitation,
    CaseService,
    CaseStatus,
    CaseTransit,
    ExploitationType,
    ServiceType,
    Sex,
    TransitKind,
    mask,
)
from gtpptppo_api.cases.schemas import (
    BatchResult,
    CaseFields,
    CaseIn,
    CasePut,
    CaseRead,
    Destination,
    ItemResult,
    Outcome,
    Perpetrator,
    Personal,
    VictimPersonal,
    Witness,
)
from gtpptppo_api.db.base import table_of, utcnow
from gtpptppo_api.db.bulk import among, insert_rows
from gtpptppo_api.db.planner import by_index
from gtpptppo_api.disclosure.ptable import record_key
from gtpptppo_api.errors import (
    BadRequest,
    Conflict,
    ContentTooLarge,
    FieldError,
    FieldErrors,
    Forbidden,
    ValidationFailed,
    field_error,
    pydantic_errors,
)
from gtpptppo_api.kit import clock
from gtpptppo_api.kit.crypto import DataKey, Keyring
from gtpptppo_api.kit.turns import give_way, in_turns
from gtpptppo_api.referrals.models import Referral, ReferralKind, ReferralState
from gtpptppo_api.regions import service as regions
from gtpptppo_api.regions.models import Region
from gtpptppo_api.service_centres import service as centres
from gtpptppo_api.service_centres.models import ServiceCentre

CHILD_AGE = context.CHILD_AGE  # a child is under 18 at identification (Table 1 "Anak")
MAX_BATCH_ITEMS = 10_000
CHUNK = 2000
# The tables, for Core statements: a statement of rows of columns (a list, a push's lookup)
# needs none of the ORM's work (entities, their compile state, an identity map).
_CASE, _EXPLOITATION, _SERVICE, _TRANSIT, _ATTRIBUTE = map(
    table_of, (Case, CaseExploitation, CaseService, CaseTransit, CaseAttribute)
)

PERSONAL_READERS = frozenset({Role.national_admin, Role.task_force_admin, Role.service_centre})


def age_group(age: int) -> AgeGroup:
    return AgeGroup.child if age < CHILD_AGE else AgeGroup.adult


# --- validation and preparation ---------------------------------------------------------


@dataclass
class Prepared:
    """A valid item turned into the rows to store."""

    index: int
    external_ref: str
    values: dict[str, Any]
    exploitation: list[str]
    services: list[dict[str, Any]]
    transit: list[tuple[str, str]]
    personal: Personal | None
    witnesses: list[Witness]
    perpetrators: list[dict[str, Any]] = field(default_factory=list)  # names, identifiers
    attributes: list[tuple[str, str]] = field(default_factory=list)  # counted HTCDS details
    errors: list[FieldError] = field(default_factory=list)
    data_key: DataKey | None = None  # set by ``_seal``
    fresh_key: bool = False  # drawn by ``_seal``: to store in the key store

    def sealer(self) -> DataKey:
        assert self.data_key is not None, "sealed by _seal first"
        return self.data_key


def item_errors(error: ValidationError) -> list[FieldError]:
    """The item's problems, naming each field; the submitted values are never echoed."""
    return pydantic_errors(error.errors(include_input=False, include_url=False))


def semantic_errors(
    body: CaseFields, centre: ServiceCentre, known: set[str], now: datetime
) -> FieldErrors:
    """Rules beyond the field types: regions exist and lie where they must, dates are real
    (none after ``now``'s day in the time zone of the region the case is registered in)."""
    errors = FieldErrors()
    bad = errors.add
    day = clock.local_date(now, body.registered_region_code)

    if body.registered_region_code not in known:
        bad("registered_region_code", "unknown region code")
    elif not regions.in_subtree(body.registered_region_code, centre.region_code):
        bad(
            "registered_region_code",
            f"must be the centre's region {centre.region_code} or a region under it",
        )
    if body.origin_region_code is not None and body.origin_region_code not in known:
        bad("origin_region_code", "unknown region code")
    destination = body.destination.region_code if body.destination else None
    if destination is not None and destination not in known:
        bad("destination.region_code", "unknown region code")
    for i, point in enumerate(body.transit):
        if point.region_code is not None and point.region_code not in known:
            bad(f"transit.{i}.region_code", "unknown region code")
    if body.identified_on > day:
        bad("identified_on", "is in the future")
    if body.incident_on is not None and body.incident_on > body.identified_on:
        bad("incident_on", "is after identified_on")
    if body.incident_on is not None and body.incident_year not in (None, body.incident_on.year):
        bad("incident_year", "differs from the year of incident_on")
    elif body.incident_year is not None and body.incident_year > body.identified_on.year:
        bad("incident_year", "is after the year of identified_on")
    for i, service in enumerate(body.services):
        if service.started_on < body.identified_on:
            bad(f"services.{i}.started_on", "precedes identified_on")
        if service.started_on > day:
            bad(f"services.{i}.started_on", "is in the future")
        if service.ended_on is not None and service.ended_on > day:
            bad(f"services.{i}.ended_on", "is in the future")
    context.errors(body, known, day, errors)
    return errors


def content_of(body: CaseFields) -> bytes:
    """The case's content in a canonical form (the model fixes the field order); the fields
    added later are left out while unset, so a case pushed as before is unchanged."""
    exclude: dict[str, Any] = {
        name: True
        for name in ("external_ref", *body.LATER_FIELDS)
        if getattr(body, name) in (None, [])
    }
    if body.personal is not None and body.personal.date_of_birth is None:
        exclude["personal"] = {"date_of_birth"}
    return body.model_dump_json(exclude=exclude).encode()


def prepare(
    index: int,
    external_ref: str,
    body: CaseFields,
    centre: ServiceCentre,
    keyring: Keyring,
) -> Prepared:
    origin, destination, transit = context.route(body)
    nik = body.personal.nik if body.personal else None
    incident_year = body.incident_year_known()
    values: dict[str, Any] = {
        "service_centre_id": centre.id,
        "external_ref": external_ref,
        "registered_region_code": body.registered_region_code,
        "origin_region_code": origin,
        "destination_region_code": destination.region_code if destination else None,
        "destination_country": destination.country if destination else None,
        "identified_on": body.identified_on,
        "identified_year": body.identified_on.year,
        "identified_month": body.identified_on.strftime("%Y-%m"),
        "incident_on": body.incident_on,
        "incident_year": incident_year,
        "incident_basis_year": incident_year or body.identified_on.year,
        "sex": body.victim.sex,
        "age_at_identification": body.victim.age_at_identification,
        "age_group": age_group(body.victim.age_at_identification),
        "nationality": body.victim.nationality,
        "legal_stage": body.legal_stage,
        "status": body.status,
        "exploitation_types": [t.value for t in body.exploitation_types],
        "services": [s.model_dump(mode="json") for s in body.services],
        "transit": [p.model_dump(mode="json", exclude_none=True) for p in transit],
        "exploitation_mask": mask(body.exploitation_types, ExploitationType),
        "service_mask": mask([s.type for s in body.services], ServiceType),
        "nik_index": keyring.blind_index(nik) if nik else None,
        "content_mac": keyring.mac(content_of(body)),
        **context.values(body),
    }
    return Prepared(
        index=index,
        external_ref=external_ref,
        values=values,
        exploitation=[t.value for t in body.exploitation_types],
        services=[
            {"service_type": s.type, "started_on": s.started_on, "ended_on": s.ended_on}
            for s in body.services
        ],
        transit=transit_rows(transit),
        personal=body.personal,
        witnesses=body.witnesses,
        perpetrators=context.perpetrator_secrets(body),
        attributes=context.attributes(body),
    )


def transit_rows(transit: Iterable[Destination]) -> list[tuple[str, str]]:
    """The case's transit points as counted: each point's country (``ID`` inside Indonesia)
    and, inside Indonesia, its province; each once."""
    rows: dict[tuple[str, str], None] = {}
    for point in transit:
        if point.region_code is not None:
            rows[(TransitKind.region.value, point.region_code[:2])] = None
        rows[(TransitKind.country.value, point.country or regions.NATIONAL)] = None
    return list(rows)


def witnesses_data(case_id: uuid.UUID) -> str:
    """The associated data of a case's witnesses: its id, and what the ciphertext is, so
    that neither theirs nor the victim's can stand for the other."""
    return f"{case_id}:witnesses"


def perpetrators_data(case_id: uuid.UUID) -> str:
    """The associated data of a case's perpetrators' names and identity numbers."""
    return sealing.associated(case_id, ":perpetrators")


def _seal(
    item: Prepared, case_id: uuid.UUID, aliases: dict[str, str], key: DataKey | None = None
) -> bool:
    """Bind the id into the row: seal the personal fields and the witnesses (saksi,
    protected persons of Permen PPPA 10/2012 §5.1.2) under the case's own data key ``key``,
    or a fresh one for a case that has none (``cases.sealing``; stored in bulk by the
    caller), with the id as associated data; key its victim, as a secretariat's links
    (``aliases``) make it. Whether it is of a linked victim."""
    values = item.values
    values["id"] = case_id
    item.fresh_key = key is None
    sealer = item.data_key = key or DataKey.new()
    personal = item.personal.model_dump(mode="json", exclude_none=True) if item.personal else {}
    if personal:
        values["personal_key_id"], values["personal_ciphertext"] = sealer.encrypt(
            personal, str(case_id)
        )
    else:
        values["personal_key_id"] = values["personal_ciphertext"] = None
    if item.witnesses:
        witnesses = [w.model_dump(exclude_none=True) for w in item.witnesses]
        values["witnesses_key_id"], values["witnesses_ciphertext"] = sealer.encrypt(
            {"witnesses": witnesses}, witnesses_data(case_id)
        )
    else:
        values["witnesses_key_id"] = values["witnesses_ciphertext"] = None
    if any(item.perpetrators):
        values["perpetrators_key_id"], values["perpetrators_ciphertext"] = sealer.encrypt(
            {"perpetrators": item.perpetrators}, perpetrators_data(case_id)
        )
    else:
        values["perpetrators_key_id"] = values["perpetrators_ciphertext"] = None
    natural = _victim_key(item) or f"case:{case_id}"
    victim = values["victim_key"] = aliases.get(natural, natural)
    return victim != natural


def _victim_key(item: Prepared) -> str | None:
    """A case with a NIK: its victim's key, the NIK (blind index) and the year; else None.

    Without a NIK, a case is a victim of its own: ``_seal`` keys it by its id.
    """
    nik_index = item.values["nik_index"]
    return f"{nik_index}:{item.values['identified_year']}" if nik_index else None


# --- writing -----------------------------------------------------------------------------


async def _known_regions(session: AsyncSession, codes: Iterable[str] | None = None) -> set[str]:
    """The region codes that exist: all of them (for a batch), or those among ``codes``."""
    query = select(Region.code)
    if codes is not None:
        query = query.where(Region.code.in_(set(codes)))
    return set((await session.scalars(query)).all())


def _codes(body: CaseFields) -> list[str]:
    destination = body.destination.region_code if body.destination else None
    transit = [point.region_code for point in body.transit]
    return [
        code
        for code in (body.registered_region_code, body.origin_region_code, destination, *transit)
        if code is not None
    ] + context.codes(body)


async def writable_centre(session: AsyncSession, caller: Caller, centre_id: int) -> ServiceCentre:
    """The centre whose cases the caller may push: its own token, or the national admin."""
    centre = await centres.get_visible(session, caller, centre_id)
    if caller.role not in (Role.service_centre, Role.national_admin):
        raise Forbidden("Only the service centre itself (or the national admin) pushes its cases.")
    return centre


# Victims locked one by one, each an advisory lock, up to this many per transaction; a
# larger push locks all victims at once. PostgreSQL's lock table is shared by the server
# and sized for about 64 locks per connection (``max_locks_per_transaction``): a few
# imports of 1,000 rows each, one lock per victim, ran it out ("out of shared memory").
EXACT_VICTIM_LOCKS = 64
# The lock over all victims (two-key advisory lock space, apart from the one-key locks of
# single victims): held shared with single victims' locks, exclusively by a large push.
_ALL_VICTIMS = (0x6774, 0x7670)


async def lock_victims(session: AsyncSession, keys: Iterable[str]) -> None:
    """Take the victims' keys for this transaction, one transaction at a time per key.

    So that two centres pushing the same victim at once cannot both miss the other's case
    when marking shared keys (``_mark_shared``), nor a push and a secretariat's link
    (``cases.links``) each the other's keys. PostgreSQL: advisory locks, released at commit.
    Up to ``EXACT_VICTIM_LOCKS`` victims, the lock over all victims shared, then each
    victim's own, in one order (sorted) so that two pushes never wait on each other
    crosswise; past it, the lock over all victims alone, exclusively: at most 65 locks per
    transaction, however large the push. A transaction that already holds the shared lock
    takes its victims one by one whatever their number (it never asks to upgrade it, which
    two such transactions could deadlock on). SQLite runs one writing transaction at a time
    anyway.
    """
    ordered = sorted(set(keys))
    if not ordered or session.get_bind().dialect.name != "postgresql":
        return
    transaction = session.sync_session.get_transaction()
    shared = session.info.get("victims_shared_in") is transaction
    if len(ordered) > EXACT_VICTIM_LOCKS and not shared:
        await session.execute(
            text("SELECT pg_advisory_xact_lock(:space, :key)"),
            {"space": _ALL_VICTIMS[0], "key": _ALL_VICTIMS[1]},
        )
        return
    if not shared:
        await session.execute(
            text("SELECT pg_advisory_xact_lock_shared(:space, :key)"),
            {"space": _ALL_VICTIMS[0], "key": _ALL_VICTIMS[1]},
        )
        session.info["victims_shared_in"] = transaction
    await session.execute(
        text(
            "SELECT count(pg_advisory_xact_lock(hashtextextended(k, 0)))"
            " FROM unnest(CAST(:keys AS text[])) AS k"
        ),
        {"keys": ordered},
    )


async def _mark_shared(
    session: AsyncSession, items: Sequence[Prepared], cells: CellChanges
) -> None:
    """Mark the cases whose victim key (NIK and year) another case now has too."""
    niks = {i.values["nik_index"] for i in items if i.values["nik_index"]}
    if not niks:
        return
    keys = list({i.values["victim_key"] for i in items if i.values["nik_index"]})
    dialect = session.get_bind().dialect.name
    with_nik = (_CASE.c.nik_index.is_not(None), among(_CASE.c.nik_index, list(niks), dialect))
    # A lookup of this push's NIKs: the NIK index is the way in, whatever the statistics say
    # (before a table's first ANALYZE, PostgreSQL took 100 NIKs for half the table).
    async with by_index(session):
        shared = (
            await session.scalars(
                select(_CASE.c.victim_key)
                .where(*with_nik, among(_CASE.c.victim_key, keys, dialect))
                .group_by(_CASE.c.victim_key)
                .having(func.count() > 1)
            )
        ).all()
        if shared:  # most pushes name no victim another case has
            marked = await session.execute(
                update(_CASE)
                .where(
                    *with_nik,
                    among(_CASE.c.victim_key, shared, dialect),
                    _CASE.c.victim_shared.is_not(true()),
                )
                .values(victim_shared=True)
                .returning(_CASE.c.record_key, *CELL_COLUMNS)
            )
            for row in marked:
                cells.now_shared(row, row.record_key)


TRANSFERRED_AWAY = (
    "the case of this reference was transferred to another centre; "
    "that centre pushes it now, and this centre may not make a new case of it"
)


async def _transferred_away(
    session: AsyncSession, centre_id: int, refs: Sequence[str], dialect: str
) -> set[str]:
    """Of ``refs`` (references the centre holds no case of), those whose case the centre
    gave away by an accepted transfer: pushing one again would make a second case of the
    same victim's record at the old centre (``ix_referral_from_centre``)."""
    if not refs:
        return set()
    found = await session.scalars(
        select(Referral.external_ref)
        .where(
            Referral.from_centre_id == centre_id,
            among(Referral.external_ref, list(refs), dialect),
            Referral.kind == ReferralKind.transfer,
            Referral.state == ReferralState.accepted,
        )
        .distinct()
    )
    return set(found)


async def _store(
    session: AsyncSession,
    centre: ServiceCentre,
    items: list[Prepared],
    keyring: Keyring,
    cells: CellChanges,
    refused: dict[int, FieldError] | None = None,
) -> dict[int, tuple[Outcome, uuid.UUID, int]]:
    """Insert new cases, update changed ones; ``index -> (outcome, id, version)``. What they
    change in the statistics cells is added to ``cells``, for the caller to apply last.

    An item of a reference whose case the centre transferred away (and holds no case of
    now) stores nothing: it is in ``refused`` (index -> its error), not in the outcomes.
    Checked after the centre's rows are locked, so a transfer accepted meanwhile is seen.
    """
    outcomes: dict[int, tuple[Outcome, uuid.UUID, int]] = {}
    refused = {} if refused is None else refused
    now = utcnow()
    dialect = session.get_bind().dialect.name
    await give_way()
    await lock_victims(session, filter(None, map(_victim_key, items)))
    for start in range(0, len(items), CHUNK):
        chunk = items[start : start + CHUNK]
        await give_way()
        # Locked (in id order) until commit: a concurrent push of the same case waits, then
        # reads what this one wrote, so each update moves the case from the cell it is in.
        rows = (
            await session.execute(
                select(
                    _CASE.c.external_ref,
                    _CASE.c.id,
                    _CASE.c.content_mac,
                    _CASE.c.version,
                    _CASE.c.victim_shared,
                    _CASE.c.record_key,
                    *CELL_COLUMNS,
                )
                .where(
                    _CASE.c.service_centre_id == centre.id,
                    among(_CASE.c.external_ref, [i.external_ref for i in chunk], dialect),
                )
                .order_by(_CASE.c.id)
                .with_for_update()
            )
        ).all()
        existing = {row.external_ref: row for row in rows}
        away = await _transferred_away(
            session,
            centre.id,
            [i.external_ref for i in chunk if i.external_ref not in existing],
            dialect,
        )
        if away:
            for item in chunk:
                if item.external_ref in away:
                    refused[item.index] = field_error("external_ref", TRANSFERRED_AWAY)
            chunk = [item for item in chunk if item.external_ref not in away]
        # An update keeps its case's data key (one query for the chunk's): a new key would
        # replace the stored one before this transaction commits, and a rollback would
        # leave the case's committed ciphertext without its key.
        held = await sealing.data_keys(
            keyring,
            [
                row.id
                for item in chunk
                if (row := existing.get(item.external_ref)) is not None
                and row.content_mac != item.values["content_mac"]
            ],
        )
        aliases = await links.aliases(
            session,
            [*filter(None, map(_victim_key, chunk)), *(f"case:{row.id}" for row in rows)],
        )
        new: list[Prepared] = []
        changed: list[Prepared] = []
        async for item in in_turns(chunk):
            row = existing.get(item.external_ref)
            if row is None:
                linked = _seal(item, uuid.uuid4(), aliases)
                item.values.update(version=1, created_at=now, updated_at=now)
                new.append(item)
                outcomes[item.index] = ("created", item.values["id"], 1)
                item.values["record_key"] = record_key()
                # a case of a linked victim is counted with its other cases: shared
                item.values["victim_shared"] = linked
                cells.add(item.values, item.values["record_key"], shared=linked)
            elif row.content_mac == item.values["content_mac"]:
                outcomes[item.index] = ("unchanged", row.id, row.version)
            else:
                linked = _seal(item, row.id, aliases, held.get(row.id))
                item.values.update(version=row.version + 1, updated_at=now)
                changed.append(item)
                outcomes[item.index] = ("updated", row.id, row.version + 1)
                # the update keeps the case's record key, and its victim_shared unless it
                # is now of a linked victim
                shared = item.values["victim_shared"] = row.victim_shared or linked
                cells.remove(row, row.record_key, shared=row.victim_shared)
                cells.add(item.values, row.record_key, shared=shared)
        # Key first: the new data keys are committed in the key store before these cases
        # are; a failure after leaves orphan keys, which ``gtpptppo keys sweep`` removes.
        await sealing.store_keys(
            keyring, [(i.sealer(), i.values["id"]) for i in new + changed if i.fresh_key]
        )
        # Core rows (the tables, not the ORM classes): no per-row bookkeeping of the ORM; a
        # binary COPY on PostgreSQL (``db.bulk``).
        await _insert(session, _CASE, [i.values for i in new])
        if changed:
            columns = [k for k in changed[0].values if k not in ("id", "created_at")]
            statement = (
                update(_CASE)
                .where(_CASE.c.id == bindparam("case_id"))
                .values({name: bindparam(name) for name in columns})
            )
            await session.execute(
                statement,
                [{**{k: i.values[k] for k in columns}, "case_id": i.values["id"]} for i in changed],
            )
            ids = [i.values["id"] for i in changed]
            await session.execute(delete(CaseExploitation).where(CaseExploitation.case_id.in_(ids)))
            await session.execute(delete(CaseService).where(CaseService.case_id.in_(ids)))
            await session.execute(delete(CaseTransit).where(CaseTransit.case_id.in_(ids)))
            await session.execute(delete(CaseAttribute).where(CaseAttribute.case_id.in_(ids)))
        touched = new + changed
        exploitation = [
            {"case_id": i.values["id"], "exploitation_type": t}
            for i in touched
            for t in i.exploitation
        ]
        services = [{"case_id": i.values["id"], **s} for i in touched for s in i.services]
        await _insert(session, _EXPLOITATION, exploitation)
        await _insert(session, _SERVICE, services)
        transit = [
            {"case_id": i.values["id"], "kind": kind, "value": value}
            for i in touched
            for kind, value in i.transit
        ]
        await _insert(session, _TRANSIT, transit)
        attributes = [
            {"case_id": i.values["id"], "kind": kind, "value": value}
            for i in touched
            for kind, value in i.attributes
        ]
        await _insert(session, _ATTRIBUTE, attributes)
        await _mark_shared(session, touched, cells)
    return outcomes


Checked = tuple[list[ItemResult], list[Prepared]]


async def known_regions(session: AsyncSession) -> set[str]:
    """Every region code that exists, for ``check_items``."""
    return await _known_regions(session)


async def check_items(
    raw_items: Sequence[Any],
    centre: ServiceCentre,
    known: set[str],
    now: datetime,
    keyring: Keyring,
    seen: set[str] | None = None,
) -> Checked:
    """Validate each item and prepare the valid ones; a result per item, in order.

    ``seen``: the references of the items before these (an import's earlier chunks), which
    these may not repeat; it gets these items' too.

    CPU work, on the event loop in turns with the process's other requests (``kit.turns``).
    """
    results: list[ItemResult] = []
    valid: list[Prepared] = []
    seen = set() if seen is None else seen
    async for index, raw in in_turns(enumerate(raw_items)):
        ref = raw.get("external_ref") if isinstance(raw, dict) else None
        ref = ref if isinstance(ref, str) else None
        try:
            body = CaseIn.model_validate(raw)
        except ValidationError as error:
            results.append(
                ItemResult(
                    index=index, external_ref=ref, outcome="invalid", errors=item_errors(error)
                )
            )
            continue
        errors = semantic_errors(body, centre, known, now)
        if body.external_ref in seen:
            errors.add("external_ref", "repeated in this batch")
        if errors:
            results.append(
                ItemResult(index=index, external_ref=ref, outcome="invalid", errors=errors.items)
            )
            continue
        seen.add(body.external_ref)
        valid.append(prepare(index, body.external_ref, body, centre, keyring))
        results.append(ItemResult(index=index, external_ref=body.external_ref, outcome="invalid"))
    return results, valid


async def upsert_batch(
    session: AsyncSession,
    caller: Caller,
    centre_id: int,
    raw_items: Sequence[Any],
    keyring: Keyring,
) -> BatchResult:
    """Store every valid item; answer a result per item, in order."""
    centre = await writable_centre(session, caller, centre_id)
    if len(raw_items) > MAX_BATCH_ITEMS:
        raise ContentTooLarge(
            f"A batch holds at most {MAX_BATCH_ITEMS} items; got {len(raw_items)}.",
            max_items=MAX_BATCH_ITEMS,
        )
    return await store_items(session, caller, centre, raw_items, keyring)


async def store_items(
    session: AsyncSession,
    caller: Caller,
    centre: ServiceCentre,
    raw_items: Sequence[Any],
    keyring: Keyring,
    seen: set[str] | None = None,
    checked: Checked | None = None,
) -> BatchResult:
    """A batch's work once its centre is known: check every item with the push's rules,
    store the valid ones, audit and count them; a result per item, in order. Imports store
    their chunks through it (``seen``: the references of the chunks before; ``checked``:
    the items already checked by ``check_items``, while the chunk before was written)."""
    if checked is None:
        known = await _known_regions(session)
        checked = await check_items(raw_items, centre, known, clock.now(), keyring, seen)
    results, valid = checked
    cells = CellChanges()
    refused: dict[int, FieldError] = {}
    try:
        outcomes = await _store(session, centre, valid, keyring, cells, refused)
    except IntegrityError as exc:
        raise Conflict(
            "Another push of the same references is in progress; retry the batch."
        ) from exc
    for index, error in refused.items():
        results[index].errors = [error]
    for index, (outcome, case_id, version) in outcomes.items():
        result = results[index]
        result.outcome = outcome
        result.id, result.version = case_id, version
    counts = {
        k: sum(1 for r in results if r.outcome == k)
        for k in ("created", "updated", "unchanged", "invalid")
    }
    await _audit_changes(session, caller, centre, results)
    # The cells are rows every push of the region updates: locked last, held the shortest.
    await cells.apply(session)
    return BatchResult(**counts, results=results)


async def _audit_changes(
    session: AsyncSession, caller: Caller, centre: ServiceCentre, results: Iterable[ItemResult]
) -> None:
    """One audit event per created or updated case: id, reference and new version only."""
    now = utcnow()
    rows = [
        {
            "occurred_at": now,
            "actor_token_id": caller.token_id,
            "actor_name": caller.name,
            "actor_role": caller.role.value,
            "action": r.outcome,
            "entity_type": "case",
            "entity_id": str(r.id),
            "before": None,
            "after": {
                "external_ref": r.external_ref,
                "version": r.version,
                "service_centre_id": centre.id,
            },
            "reason": None,
        }
        for r in results
        if r.outcome in ("created", "updated")
    ]
    await _insert(session, table_of(AuditEvent), rows)


async def upsert_one(
    session: AsyncSession,
    caller: Caller,
    centre_id: int,
    external_ref: str,
    put: CasePut,
    keyring: Keyring,
) -> ItemResult:
    """``PUT``: the same checks as a batch item; a bad body is a 422 naming each field."""
    centre = await writable_centre(session, caller, centre_id)
    if put.external_ref is not None and put.external_ref != external_ref:
        raise ValidationFailed.field("external_ref", "differs from the reference in the path")
    try:
        body = CaseIn.model_validate(
            {**put.model_dump(exclude={"external_ref"}), "external_ref": external_ref}
        )
    except ValidationError as error:
        raise ValidationFailed.naming("Invalid case", item_errors(error)) from error
    known = await _known_regions(session, _codes(body))
    semantic_errors(body, centre, known, clock.now()).raise_if_any("Invalid case")
    item = prepare(0, external_ref, body, centre, keyring)
    cells = CellChanges()
    refused: dict[int, FieldError] = {}
    try:
        stored = await _store(session, centre, [item], keyring, cells, refused)
    except IntegrityError as exc:
        raise Conflict("Another push of the same reference is in progress; retry.") from exc
    if refused:
        raise Conflict(
            f"The case of reference {external_ref!r} was transferred to another centre.",
            errors=list(refused.values()),
        )
    outcome, case_id, version = stored[0]
    result = ItemResult(
        index=0,
        external_ref=external_ref,
        outcome=outcome,
        id=case_id,
        version=version,
    )
    if outcome != "unchanged":
        await _audit_changes(session, caller, centre, [result])
    await cells.apply(session)
    return result


async def _insert(session: AsyncSession, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """``insert_rows`` in a push's turns (``kit.turns``): the other requests in flight
    first, and a turn every so many rows encoded for a COPY."""
    if rows:
        await give_way()
    await insert_rows(session, table, rows, pause=give_way)


# --- reading ----------------------------------------------------------------------------


def visible_clause(caller: Caller) -> Any:
    """The cases the caller sees: a centre's token its own; others by the registering
    region (a regency's as an equality: ix_victim_case_region_id gives them in order)."""
    return scope.clause(
        caller, _CASE.c.registered_region_code, centre_column=_CASE.c.service_centre_id
    )


def list_query(
    caller: Caller,
    *,
    region_code: str | None = None,
    year: int | None = None,
    sex: Sex | None = None,
    age_group: AgeGroup | None = None,
    exploitation_type: ExploitationType | None = None,
    service: ServiceType | None = None,
    status: CaseStatus | None = None,
    service_centre_id: int | None = None,
) -> Select[Any]:
    """The caller's visible cases, filtered, in id order: rows of ``READ_COLUMNS``."""
    query = select(*READ_COLUMNS).where(visible_clause(caller))
    if region_code is not None:
        query = query.where(regions.subtree_clause(_CASE.c.registered_region_code, region_code))
    if year is not None:
        query = query.where(_CASE.c.identified_year == year)
    if sex is not None:
        query = query.where(_CASE.c.sex == sex)
    if age_group is not None:
        query = query.where(_CASE.c.age_group == age_group)
    if status is not None:
        query = query.where(_CASE.c.status == status)
    if service_centre_id is not None:
        query = query.where(_CASE.c.service_centre_id == service_centre_id)
    if exploitation_type is not None:
        query = query.where(
            exists().where(
                _EXPLOITATION.c.case_id == _CASE.c.id,
                _EXPLOITATION.c.exploitation_type == exploitation_type,
            )
        )
    if service is not None:
        query = query.where(
            exists().where(_SERVICE.c.case_id == _CASE.c.id, _SERVICE.c.service_type == service)
        )
    return query.order_by(_CASE.c.id)


# What a case is read with: no personal fields, no keys. A list loads these columns as
# plain rows (not ORM objects, with their identity map and the ciphertext they carry).
READ_NAMES = (
    "id",
    "service_centre_id",
    "external_ref",
    "registered_region_code",
    "origin_region_code",
    "destination_region_code",
    "destination_country",
    "identified_on",
    "incident_on",
    "incident_year",
    "sex",
    "age_at_identification",
    "nationality",
    "age_group",
    "exploitation_types",
    "services",
    "transit",
    "legal_stage",
    "status",
    "closure_reason",
    "victim_context",
    "perpetrators",
    "events",
    "simfoni",
    "age_at_exploitation",
    "majority_at_exploitation",
    "version",
    "created_at",
    "updated_at",
)
READ_COLUMNS = tuple(_CASE.c[name] for name in READ_NAMES)
_VICTIM = ("sex", "age_at_identification", "nationality")


def read(case: Case) -> CaseRead:
    """A case (an ORM object) as the API shows it."""
    return read_row([getattr(case, name) for name in READ_NAMES])


def read_row(row: Sequence[Any]) -> CaseRead:
    """A row of ``READ_COLUMNS`` (a list page) as the API shows it: its values taken by
    position, which costs a tenth of reading a row's attributes by name."""
    values = dict(zip(READ_NAMES, row, strict=True))
    region_code = values.pop("destination_region_code")
    country = values.pop("destination_country")
    values["destination"] = (
        {"region_code": region_code, "country": country} if region_code or country else None
    )
    values["victim"] = {name: values.pop(name) for name in _VICTIM}
    values["victim_context"] = values["victim_context"] or None
    values["simfoni"] = values["simfoni"] or None
    return CaseRead.model_validate(values)


async def get_visible(session: AsyncSession, caller: Caller, case_id: uuid.UUID) -> Case:
    """The case if the caller sees it (``visible_clause``); 404 otherwise."""
    return await scope.get(
        session, caller, Case, case_id, noun="case", where=_registered, centre=_centre_of
    )


def _registered(case: Case) -> str:
    return case.registered_region_code


def _centre_of(case: Case) -> int:
    return case.service_centre_id


def may_read_personal(caller: Caller, case: Case) -> bool:
    """Personal fields: the owning centre, the national admin, and the secretariat of a
    region holding the case (the clearing house of victim data, Permen PPPA 10/2012
    §2.1.4 C, §2.2.4 d, §2.3.4 (7)); always with a reason, audited."""
    if caller.role is Role.national_admin:
        return True
    if caller.role is Role.task_force_admin:
        return scope.covers(caller, case.registered_region_code)
    return caller.role is Role.service_centre and caller.service_centre_id == case.service_centre_id


async def read_case(
    session: AsyncSession,
    caller: Caller,
    case_id: uuid.UUID,
    *,
    include_personal: bool,
    reason: str | None,
    keyring: Keyring,
) -> CaseRead:
    if not include_personal:
        return await _read_plain(session, caller, case_id)
    case = await get_visible(session, caller, case_id)
    result = read(case)
    if not may_read_personal(caller, case):
        raise Forbidden(
            "Personal fields are shown only to the owning centre, the secretariats of "
            "its region and national admins."
        )
    reason = check_personal_read(case, reason)
    key = (await sealing.data_keys(keyring, [case.id])).get(case.id)
    result.personal, result.witnesses = personal_of(case, keyring, key)
    result.perpetrators = perpetrators_with_names(case, result.perpetrators, keyring, key)
    await audit.record(
        session,
        caller,
        action="read_personal",
        entity_type="case",
        entity_id=case.id,
        reason=reason[:500],
    )
    result.likely_duplicates = await likely_duplicates(session, caller, case)
    return result


def check_personal_read(case: Case, reason: str | None) -> str:
    """A read of the case's personal fields needs a stated reason (X-Access-Reason), and
    none is made of a case whose person restricted its processing: the reason, stripped."""
    if not reason or not reason.strip():
        raise BadRequest(
            "Reading personal fields needs a reason: send it in the X-Access-Reason header.",
            errors=[field_error("X-Access-Reason", "required", type="missing")],
        )
    if case.restricted_at is not None:
        raise Conflict(
            "The person restricted the processing of this case's personal data: it is "
            "kept, and used for nothing but storage and aggregate counts."
        )
    return reason.strip()


def personal_of(
    case: Case, keyring: Keyring, key: DataKey | None
) -> tuple[VictimPersonal, list[Witness]]:
    """The case's personal fields and witnesses, opened with its data key ``key``
    (``sealing.data_keys``; nothing once erased)."""
    personal = sealing.open_field(
        keyring, case, case.personal_key_id, case.personal_ciphertext, key=key
    )
    found = sealing.open_field(
        keyring, case, case.witnesses_key_id, case.witnesses_ciphertext, ":witnesses", key
    )
    witnesses = [Witness(**witness) for witness in (found or {"witnesses": []})["witnesses"]]
    return VictimPersonal(**(personal or {})), witnesses


def perpetrators_with_names(
    case: Case, perpetrators: list[Perpetrator], keyring: Keyring, key: DataKey | None
) -> list[Perpetrator]:
    """The case's perpetrators with their names and identity numbers unsealed."""
    opened = sealing.open_field(
        keyring, case, case.perpetrators_key_id, case.perpetrators_ciphertext, ":perpetrators", key
    )
    if opened is None:
        return perpetrators
    found = opened["perpetrators"]
    return [p.model_copy(update=secret) for p, secret in zip(perpetrators, found, strict=True)]


# A case read without its personal fields, the most frequent read of one case: its columns
# as one row (no ORM object, with its identity map and the ciphertexts it carries), and
# what its likely duplicates are found by. Built once; ``case_id`` its one parameter.
READ_BY_ID = select(
    *READ_COLUMNS, _CASE.c.nik_index, _CASE.c.identified_year, _CASE.c.victim_shared
).where(_CASE.c.id == bindparam("case_id"))


async def _read_plain(session: AsyncSession, caller: Caller, case_id: uuid.UUID) -> CaseRead:
    """``read_case`` without personal fields: the same answer, and the same 404 for a case
    outside the jurisdiction as for one that does not exist (``get_visible``)."""
    row = (await session.execute(READ_BY_ID, {"case_id": case_id})).first()
    if row is None or not sees_case(caller, row.registered_region_code, row.service_centre_id):
        raise scope.not_found("case", case_id)
    result = read_row(row[: len(READ_NAMES)])
    result.likely_duplicates = await _duplicates(
        session, caller, case_id, row.nik_index, row.identified_year, row.victim_shared
    )
    return result


def sees_case(caller: Caller, registered_region_code: str, service_centre_id: int) -> bool:
    """Whether the caller sees a case registered there, by that centre (``visible_clause``
    for one row)."""
    return scope.sees(caller, registered_region_code, centre_id=service_centre_id, by_centre=True)


async def likely_duplicates(session: AsyncSession, caller: Caller, case: Case) -> list[uuid.UUID]:
    """Other cases with the same NIK (blind index) identified the same year, that the caller
    may see; these count as one victim in the statistics."""
    return await _duplicates(
        session, caller, case.id, case.nik_index, case.identified_year, case.victim_shared
    )


async def _duplicates(
    session: AsyncSession,
    caller: Caller,
    case_id: uuid.UUID,
    nik_index: Any,
    identified_year: int | None,
    victim_shared: bool,
) -> list[uuid.UUID]:
    if not may_have_duplicates(nik_index, victim_shared):
        return []
    params = duplicates_params(case_id, nik_index, identified_year)
    return list((await session.scalars(duplicates_query(caller), params)).all())


def may_have_duplicates(nik_index: Any, victim_shared: bool) -> bool:
    """Whether a case may have likely duplicates: without, no other case has its victim key
    (NIK and year), as a push that gives one the key of another marks both, under the
    key's lock (``_mark_shared``); no query is needed."""
    return nik_index is not None and victim_shared


@functools.lru_cache(maxsize=4096)
def duplicates_query(caller: Caller) -> Select[Any]:
    """The ids of a case's likely duplicates the caller sees, in order: the cases of its
    NIK (blind index) and year but itself (``duplicates_params``). Built once per caller."""
    query = select(_CASE.c.id).where(
        _CASE.c.nik_index == bindparam("nik_index"),
        _CASE.c.identified_year == bindparam("identified_year"),
        _CASE.c.id != bindparam("case_id"),
        visible_clause(caller),
    )
    return query.order_by(_CASE.c.id)


def duplicates_params(
    case_id: uuid.UUID, nik_index: Any, identified_year: int | None
) -> dict[str, Any]:
    return {"case_id": case_id, "nik_index": nik_index, "identified_year": identified_year}
