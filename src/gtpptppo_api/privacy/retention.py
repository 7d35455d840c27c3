"""The retention schedule: erasing the personal data of cases closed longer ago than their
record kind's period (``GTPPTPPO_RETENTION_YEARS``; UU 27/2022 art. 43 (1) a: data whose
purpose is fulfilled is erased).

A case is closed when its status is ``closed``; its closure is the time of that version
(``updated_at``: a closed case changes no more, or its newer version counts from then). The
de-identified record stays, counted as before. A run is asked for through the API (a job in
the outbox, ``privacy.retention``) or ``gtpptppo retention``; with ``dry_run`` it erases
nothing and reports what it would erase.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api import jobs
from gtpptppo_api.audit import service as audit
from gtpptppo_api.auth.service import Caller
from gtpptppo_api.cases.models import AgeGroup, Case, CaseStatus
from gtpptppo_api.db.base import table_of, utcnow
from gtpptppo_api.db.keystore import KeyStore
from gtpptppo_api.errors import NotFound
from gtpptppo_api.kit import clock
from gtpptppo_api.privacy import erasure
from gtpptppo_api.privacy.models import RetentionRun
from gtpptppo_api.settings import RecordKind

_CASE = table_of(Case)
KIND_GROUPS: dict[RecordKind, AgeGroup] = {
    "adult_case": AgeGroup.adult,
    "child_case": AgeGroup.child,
}
PAGE = 2000


def _years_before(now: datetime, years: int) -> datetime:
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


def _outlived(kind: RecordKind, before: datetime) -> list[Any]:
    return [
        _CASE.c.status == CaseStatus.closed,
        _CASE.c.age_group == KIND_GROUPS[kind],
        _CASE.c.updated_at < before,
        _CASE.c.erased_at.is_(None),
    ]


async def run(
    session: AsyncSession, schedule: dict[RecordKind, int], *, dry_run: bool, keys: KeyStore
) -> tuple[dict[str, Any], int]:
    """``(report, erased)``: per kind its years, the closure time before which a case
    outlived them, and its cases (erased, or that would be; their data keys leave ``keys``
    once the session commits)."""
    now = clock.now()
    report: dict[str, Any] = {}
    erased = 0
    for kind, years in sorted(schedule.items()):
        before = _years_before(now, years)
        clauses = _outlived(kind, before)
        count = int(await session.scalar(select(func.count()).where(*clauses)) or 0)
        report[kind] = {"years": years, "closed_before": before.isoformat(), "cases": count}
        while not dry_run:
            ids = (
                await session.scalars(
                    select(_CASE.c.id).where(*clauses).order_by(_CASE.c.id).limit(PAGE)
                )
            ).all()
            if not ids:
                break
            erased += await erasure.erase(session, ids, keep_counts=True, keys=keys)
    report["as_of"] = now.isoformat()
    return report, erased


async def finish(session: AsyncSession, run_id: int, keys: KeyStore) -> None:
    """The job's work: the run's report (and erasure) under the schedule it was asked with;
    safe to run twice (a run done is left as it is; erased cases are not erased again)."""
    found = await session.get(RetentionRun, run_id)
    if found is None or found.state == "done":
        return
    schedule: dict[Any, int] = found.schedule
    found.report, found.erased = await run(session, schedule, dry_run=found.dry_run, keys=keys)
    found.state, found.finished_at = "done", utcnow()


async def start(
    session: AsyncSession, caller: Caller, schedule: dict[RecordKind, int], *, dry_run: bool
) -> RetentionRun:
    """A run, and its job in the outbox (``privacy.retention``), in the caller's transaction."""
    found = RetentionRun(
        dry_run=dry_run, state="pending", requested_by=caller.name, schedule=dict(schedule)
    )
    session.add(found)
    await session.flush()
    await jobs.enqueue(session, "privacy.retention", {"run_id": found.id})
    await audit.record(
        session,
        caller,
        action="requested",
        entity_type="retention_run",
        entity_id=found.id,
        reason="dry run" if dry_run else "erase",
    )
    return found


async def get(session: AsyncSession, run_id: int) -> RetentionRun:
    found = await session.get(RetentionRun, run_id)
    if found is None:
        raise NotFound(f"No retention run {run_id}.")
    return found
