"""Imports: take a file, store it in parts, and let the worker store its rows chunk by chunk.

Each chunk's rows go through the push's own checks and writes (``cases.service.store_items``)
and commit together with the import's progress, conditioned on the worker still holding the
job: a worker that dies loses at most the chunk it was on, and the next run starts after the
last committed one; two runs never store a chunk twice. The same file again finds every case
unchanged (cases are keyed by ``external_ref``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from itertools import islice
from typing import Any

import pydantic_core
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.audit import service as audit
from gtpptppo_api.auth.models import Role
from gtpptppo_api.auth.service import Caller
from gtpptppo_api.cases import service as cases
from gtpptppo_api.db.base import utcnow
from gtpptppo_api.errors import ContentTooLarge, Forbidden, NotFound, ValidationFailed
from gtpptppo_api.imports import export, messages, reader
from gtpptppo_api.imports.models import (
    CaseImport,
    ImportFormat,
    ImportPart,
    ImportRefusal,
    ImportState,
)
from gtpptppo_api.imports.reader import FileProblem, Row
from gtpptppo_api.imports.schemas import ImportRead, RowProblem
from gtpptppo_api.jobs import enqueue
from gtpptppo_api.jobs.models import Job
from gtpptppo_api.jobs.runner import LeaseLost, still_ours
from gtpptppo_api.kit import clock
from gtpptppo_api.kit.crypto import Keyring
from gtpptppo_api.kit.turns import in_turns
from gtpptppo_api.service_centres.models import ServiceCentre
from gtpptppo_api.webhooks import events as webhooks

RUN = "imports.run"
PART_BYTES = 1024 * 1024
CHUNK_ROWS = 1000
READ_TURN = 250  # rows read between two turns of the writes
# A chunk: its rows, those read as bodies, and what the push's checks made of these.
Checked = tuple[list[Row], list[Row], cases.Checked]
FIRST_ERRORS = 20


def _associated(import_id: int, seq: int) -> str:
    return f"import:{import_id}:{seq}"


async def accept(
    session: AsyncSession,
    caller: Caller,
    centre_id: int,
    fmt: ImportFormat,
    filename: str | None,
    chunks: AsyncIterator[bytes],
    keyring: Keyring,
    max_bytes: int,
) -> CaseImport:
    """Store the uploaded file in encrypted parts as it arrives, and enqueue its import."""
    centre = await cases.writable_centre(session, caller, centre_id)
    item = CaseImport(
        service_centre_id=centre.id,
        format=fmt,
        filename=filename,
        state=ImportState.queued,
        actor_token_id=caller.token_id,
        actor_name=caller.name,
        actor_role=caller.role.value,
    )
    session.add(item)
    await session.flush()
    buffer = bytearray()
    size = seq = 0

    async def write(data: bytes) -> None:
        nonlocal seq
        if seq == 0:
            try:
                reader.sniff(fmt, data[:8192])
            except FileProblem as problem:
                raise ValidationFailed.field("body", str(problem)) from problem
        key_id, blob = keyring.encrypt_bytes(data, _associated(item.id, seq))
        await session.execute(
            insert(ImportPart).values(import_id=item.id, seq=seq, key_id=key_id, data=blob)
        )
        seq += 1

    async for piece in chunks:
        size += len(piece)
        if size > max_bytes:
            raise ContentTooLarge(
                f"An import file holds at most {max_bytes} bytes.", max_bytes=max_bytes
            )
        buffer += piece
        while len(buffer) >= PART_BYTES:
            await write(bytes(buffer[:PART_BYTES]))
            del buffer[:PART_BYTES]
    if buffer:
        await write(bytes(buffer))
    if size == 0:
        raise ValidationFailed.field("body", "the file is empty")
    item.size_bytes = size
    job = await enqueue(session, RUN, {"import_id": item.id})
    item.job_id = job.id
    await audit.record(
        session, caller, action="create", entity_type="case_import", entity_id=item.id
    )
    return item


async def accept_items(
    session: AsyncSession,
    caller: Caller,
    centre_id: int,
    items: Sequence[Any],
    keyring: Keyring,
) -> CaseImport:
    """A large batch of ``cases:batch`` as an import: its items become the lines of an
    NDJSON file (row ``n`` is item ``n - 1``), stored and enqueued as an upload is."""

    async def lines() -> AsyncIterator[bytes]:
        piece = bytearray()
        for item in items:
            piece += pydantic_core.to_json(item) + b"\n"
            if len(piece) >= PART_BYTES:
                yield bytes(piece)
                piece.clear()
        if piece:
            yield bytes(piece)

    return await accept(
        session,
        caller,
        centre_id,
        ImportFormat.ndjson,
        "cases-batch.ndjson",
        lines(),
        keyring,
        max_bytes=2**62,
    )


async def get_visible(session: AsyncSession, caller: Caller, import_id: int) -> CaseImport:
    """An import of a centre the caller pushes for (the rows hold personal data); else 404."""
    item = await session.get(CaseImport, import_id)
    if item is None:
        raise NotFound(f"No import {import_id}.")
    try:
        await cases.writable_centre(session, caller, item.service_centre_id)
    except (NotFound, Forbidden) as exc:
        raise NotFound(f"No import {import_id}.") from exc
    return item


async def read(session: AsyncSession, item: CaseImport) -> ImportRead:
    first = (
        await session.scalars(
            select(ImportRefusal)
            .where(ImportRefusal.import_id == item.id)
            .order_by(ImportRefusal.row_number)
            .limit(FIRST_ERRORS)
        )
    ).all()
    base = f"/api/v1/imports/{item.id}"
    return ImportRead(
        id=item.id,
        service_centre_id=item.service_centre_id,
        format=item.format,
        filename=item.filename,
        size_bytes=item.size_bytes,
        state=item.state,
        rows_total=item.rows_total,
        rows_done=item.rows_done,
        stored=item.created + item.updated + item.unchanged,
        created=item.created,
        updated=item.updated,
        unchanged=item.unchanged,
        refused=item.refused,
        problem=item.problem,
        first_errors=[
            RowProblem(row_number=r.row_number, external_ref=r.external_ref, errors=r.errors)
            for r in first
        ],
        errors_xlsx=f"{base}/errors.xlsx",
        errors_csv=f"{base}/errors.csv",
        created_at=item.created_at,
        started_at=item.started_at,
        finished_at=item.finished_at,
    )


async def file_of(session: AsyncSession, item: CaseImport, keyring: Keyring) -> bytes:
    """The uploaded file, its parts decrypted and joined."""
    parts = await session.execute(
        select(ImportPart.seq, ImportPart.key_id, ImportPart.data)
        .where(ImportPart.import_id == item.id)
        .order_by(ImportPart.seq)
    )
    return b"".join(
        keyring.decrypt_bytes(key_id, data, _associated(item.id, seq))
        for seq, key_id, data in parts
    )


def _actor(item: CaseImport) -> Caller:
    """The uploader, as the audit events of the stored cases name them."""
    return Caller(
        token_id=item.actor_token_id or 0,
        name=item.actor_name,
        role=Role(item.actor_role),
        region_code=None,
        service_centre_id=item.service_centre_id,
    )


# --- the worker's part ---------------------------------------------------------------------


async def run(session: AsyncSession, job: Job, keyring: Keyring, budget: float) -> None:
    """Store the import's rows from where the last run stopped, a chunk per transaction.

    After ``budget`` seconds the run hands the rest to a new job (so no run nears the job's
    time limit) and ends.
    """
    started = time.monotonic()
    attempt = job.attempts
    item = await session.get(CaseImport, int(job.payload["import_id"]), populate_existing=True)
    if item is None or item.state in (ImportState.done, ImportState.failed):
        return
    data = await file_of(session, item, keyring)
    try:
        scans = reader.scan(item.format, data)
        if item.rows_total is None:
            item.rows_total = reader.count(item.format, data, scans)
        rows = reader.rows(item.format, data, scans)
        refused = set(
            (
                await session.scalars(
                    select(ImportRefusal.row_number).where(ImportRefusal.import_id == item.id)
                )
            ).all()
        )
        seen = _skip(rows, item.rows_done, refused)
        item.state = ImportState.running
        item.started_at = item.started_at or utcnow()
        centre = await session.get(ServiceCentre, item.service_centre_id)
        assert centre is not None  # an import goes with its centre (ON DELETE CASCADE)
        actor = _actor(item)
        known = await cases.known_regions(session)

        async def next_chunk() -> Checked | None:
            """The next chunk of rows, read and checked with the push's rules."""
            chunk = [row async for row in in_turns(islice(rows, CHUNK_ROWS), READ_TURN)]
            if not chunk:
                return None
            valid = [row for row in chunk if not row.errors]
            found = await cases.check_items(
                [row.body for row in valid], centre, known, clock.now(), keyring, seen
            )
            return chunk, valid, found

        # Each chunk is read and checked (CPU) while the one before is written (the
        # database's work): a task of its own, taking turns with the writes' awaits.
        ahead = asyncio.ensure_future(next_chunk())
        try:
            while (current := await ahead) is not None:
                ahead = asyncio.ensure_future(next_chunk())
                await _store_chunk(session, job, attempt, item, centre, actor, current, keyring)
                if time.monotonic() - started > budget:
                    follow = await enqueue(session, RUN, {"import_id": item.id})
                    item.job_id = follow.id
                    return
        finally:
            ahead.cancel()
    except FileProblem as problem:
        # The file cannot be read as a whole: nothing of it is stored (its rows are all
        # checked before the first chunk: a count first, then the header, then the rows).
        item.problem = str(problem)
        await _finish(session, item, ImportState.failed)
        return
    await _finish(session, item, ImportState.done)


async def _finish(session: AsyncSession, item: CaseImport, state: ImportState) -> None:
    """The import's end, told to the webhook subscriptions of its centre and the regions
    above it (``import.finished``) in the same transaction."""
    item.state = state
    item.finished_at = utcnow()
    region_code = await session.scalar(
        select(ServiceCentre.region_code).where(ServiceCentre.id == item.service_centre_id)
    )
    if region_code is not None:
        await webhooks.emit(
            session,
            webhooks.IMPORT_FINISHED,
            region_code=region_code,
            service_centre_id=item.service_centre_id,
            data={
                "import_id": item.id,
                "service_centre_id": item.service_centre_id,
                "status": state.value,
                "link": f"/api/v1/imports/{item.id}",
            },
        )


def _skip(rows: Iterator[Row], done: int, refused: set[int]) -> set[str]:
    """Pass over the rows the runs before stored or refused; the references they stored."""
    seen: set[str] = set()
    for _ in range(done):
        row = next(rows, None)
        if row is None:
            break
        if row.number not in refused and row.external_ref:
            seen.add(row.external_ref)
    return seen


async def _store_chunk(
    session: AsyncSession,
    job: Job,
    attempt: int,
    item: CaseImport,
    centre: ServiceCentre,
    actor: Caller,
    checked: Checked,
    keyring: Keyring,
) -> None:
    """Store one chunk and its progress in one transaction, while the job is still ours."""
    chunk, valid, found = checked
    result = await cases.store_items(
        session, actor, centre, [row.body for row in valid], keyring, checked=found
    )
    refusals: list[dict[str, Any]] = [
        {
            "import_id": item.id,
            "row_number": row.number,
            "external_ref": (row.external_ref or "")[:100] or None,
            "errors": messages.with_indonesian(row.errors),
        }
        for row in chunk
        if row.errors
    ]
    for row, outcome in zip(valid, result.results, strict=True):
        if outcome.outcome == "invalid":
            refusals.append(
                {
                    "import_id": item.id,
                    "row_number": row.number,
                    "external_ref": (row.external_ref or "")[:100] or None,
                    "errors": messages.with_indonesian(outcome.errors or []),
                }
            )
    if refusals:
        await session.execute(insert(ImportRefusal), refusals)
    before = item.rows_done
    moved = await session.execute(
        update(CaseImport)
        .where(CaseImport.id == item.id, CaseImport.rows_done == before)
        .values(
            state=ImportState.running,
            rows_total=item.rows_total,
            started_at=item.started_at,
            rows_done=before + len(chunk),
            created=CaseImport.created + result.created,
            updated=CaseImport.updated + result.updated,
            unchanged=CaseImport.unchanged + result.unchanged,
            refused=CaseImport.refused + len(refusals),
        )
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1 or not await still_ours(session, job.id, attempt):  # type: ignore[attr-defined]
        raise LeaseLost(f"import {item.id}: another run moved it on")
    await session.commit()
    await session.refresh(item)


async def refused_rows(session: AsyncSession, item: CaseImport, keyring: Keyring) -> export.Refused:
    """The file's columns and each refused row's cells, with its problems, in file order."""
    problems = {
        r.row_number: r.errors
        for r in (
            await session.scalars(
                select(ImportRefusal)
                .where(ImportRefusal.import_id == item.id)
                .order_by(ImportRefusal.row_number)
            )
        ).all()
    }
    data = await file_of(session, item, keyring)
    return export.refused_cells(item.format, data, problems)
