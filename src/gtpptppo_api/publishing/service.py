"""Publishing a report to the community, and what the public site reads.

The chair reports to the head of the region *and the community* (2.1.4 a.5, 2.2.4 a.6,
2.3.4 a.6); the public information system (5.4) carries it. Only a forwarded (or received)
report can be published, by its task force's own secretariat naming the serving chair; the
public sees its frozen version through :mod:`gtpptppo_api.publishing.figures`.

Services flush, never commit; the request's session commits.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.audit import service as audit
from gtpptppo_api.auth.service import Caller
from gtpptppo_api.db.base import utcnow
from gtpptppo_api.disclosure.control import Control
from gtpptppo_api.errors import Conflict, NotFound
from gtpptppo_api.members.models import MemberRole
from gtpptppo_api.partners import service as partners
from gtpptppo_api.publishing import render
from gtpptppo_api.publishing.figures import perturbed_tables, public_figures
from gtpptppo_api.publishing.models import ReportPublication
from gtpptppo_api.publishing.schemas import PublicationCreate, PublicationRead
from gtpptppo_api.regions import service as regions
from gtpptppo_api.regions.models import Region, RegionLevel
from gtpptppo_api.reports import service as reports
from gtpptppo_api.reports.models import Report, ReportVersion, SubTaskForceReport
from gtpptppo_api.reports.rules import FROZEN, Level
from gtpptppo_api.task_forces.models import TaskForce, TaskForceStatus
from gtpptppo_api.webhooks import events as webhooks

RULE = "2.1.4 a.5, 2.2.4 a.6, 2.3.4 a.6: Ketua melaporkan kepada masyarakat"
PUBLIC_PREFIX = "/public"


def report_url(report_id: int) -> str:
    return f"{PUBLIC_PREFIX}/reports/{report_id}"


def feed_url(region_code: str) -> str:
    return f"{PUBLIC_PREFIX}/feeds/{region_code}.atom"


def read(publication: ReportPublication, region_code: str) -> PublicationRead:
    return PublicationRead(
        report_id=publication.report_id,
        task_force_id=publication.task_force_id,
        acting_member_id=publication.acting_member_id,
        published_by_name=publication.published_by_name,
        published_at=publication.published_at,
        url=report_url(publication.report_id),
        pdf_url=report_url(publication.report_id) + ".pdf",
        feed_url=feed_url(region_code),
    )


async def _publication(session: AsyncSession, report_id: int) -> ReportPublication | None:
    found: ReportPublication | None = await session.scalar(
        select(ReportPublication).where(ReportPublication.report_id == report_id)
    )
    return found


async def _task_force(session: AsyncSession, report: Report) -> TaskForce:
    task_force = await session.get(TaskForce, report.task_force_id)
    assert task_force is not None
    return task_force


async def get(session: AsyncSession, caller: Caller, report_id: int) -> PublicationRead:
    report = await reports.get_visible(session, caller, report_id)
    publication = await _publication(session, report.id)
    if publication is None:
        raise NotFound(f"Report {report_id} is not published.")
    return read(publication, (await _task_force(session, report)).region_code)


async def publish(
    session: AsyncSession,
    caller: Caller,
    report_id: int,
    body: PublicationCreate,
    control: Control,
) -> PublicationRead:
    """The chair publishes the forwarded report's version to the community.

    The publication names that version and keeps its tables perturbed as published. A
    later version (the report returned, regenerated and forwarded again) becomes public
    only when the chair publishes again; publishing the version already public is a 409.
    """
    report = await reports.get_visible(session, caller, report_id)
    task_force = await _task_force(session, report)
    if report.state not in FROZEN or report.frozen_version is None:
        raise Conflict(
            f"Only a forwarded report is published; this one is {report.state.value}.",
            rule=RULE,
        )
    reports.check_level(caller, task_force, Level.own, RULE)
    await reports.check_serving(session, task_force, body.acting_member_id, MemberRole.chair, RULE)
    publication = await _publication(session, report.id)
    if publication is not None and publication.version == report.frozen_version:
        raise Conflict(f"Version {publication.version} of report {report.id} is already published.")
    before = read(publication, task_force.region_code) if publication is not None else None
    version = await reports.version(session, report, report.frozen_version)
    tables = perturbed_tables(
        version.figures, report.years, (task_force.region_code, task_force.region_name), control
    )
    if publication is None:
        publication = ReportPublication(report_id=report.id, task_force_id=task_force.id)
        session.add(publication)
    publication.acting_member_id = body.acting_member_id
    publication.published_by_token_id = caller.token_id
    publication.published_by_name = caller.name
    publication.published_at = utcnow()
    publication.version = version.number
    publication.figures = tables
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict(f"Report {report.id} was just published by another request.") from exc
    await _store_pages(session, publication, report, control)
    result = read(publication, task_force.region_code)
    await audit.record(
        session,
        caller,
        action="publish",
        entity_type="report",
        entity_id=report.id,
        before=before,
        after=result,
    )
    await webhooks.emit(
        session,
        webhooks.REPORT_PUBLISHED,
        region_code=task_force.region_code,
        data={
            "report_id": report.id,
            "task_force_id": task_force.id,
            "version": publication.version,
            "link": f"/api/v1/reports/{report.id}/publication",
            "public_link": f"/public/reports/{report.id}",
        },
    )
    return result


async def withdraw(session: AsyncSession, caller: Caller, report_id: int) -> None:
    """Take the report off the public site (its URL answers 404 again)."""
    report = await reports.get_visible(session, caller, report_id)
    task_force = await _task_force(session, report)
    reports.check_level(caller, task_force, Level.own, RULE)
    publication = await _publication(session, report.id)
    if publication is None:
        raise NotFound(f"Report {report_id} is not published.")
    before = read(publication, task_force.region_code)
    await session.delete(publication)
    await session.flush()
    await audit.record(
        session,
        caller,
        action="withdraw_publication",
        entity_type="report",
        entity_id=report.id,
        before=before,
    )


# --- the public site ----------------------------------------------------------------------


@dataclass(frozen=True)
class Published:
    report: Report
    publication: ReportPublication
    task_force: TaskForce
    version: ReportVersion


async def published(session: AsyncSession, report_id: int) -> Published:
    """A published report, in the version its chair published; 404 for anything else
    (unknown, unpublished, or sent back for revision since)."""
    report = await session.get(Report, report_id)
    publication = await _publication(session, report_id) if report else None
    if (
        report is None
        or publication is None
        or report.state not in FROZEN
        or report.frozen_version is None
    ):
        raise NotFound(f"No published report {report_id}.")
    number = publication.version or report.frozen_version
    version = await reports.version(session, report, number)
    return Published(report, publication, await _task_force(session, report), version)


async def _internal_marks(session: AsyncSession, report: Report) -> dict[int, set[str]]:
    return await _marks_of(session, report.task_force_id, report.kind, report.year)


async def _marks_of(
    session: AsyncSession, task_force_id: int, kind: Any, year: int
) -> dict[int, set[str]]:
    """Per sub-task-force of the report's period: the narrative fields it marked internal."""
    rows = await session.execute(
        select(SubTaskForceReport.sub_task_force_id, SubTaskForceReport.internal_fields).where(
            SubTaskForceReport.task_force_id == task_force_id,
            SubTaskForceReport.kind == kind,
            SubTaskForceReport.year == year,
        )
    )
    return {unit: set(fields or []) for unit, fields in rows}


def _marks_digest(marks: dict[int, set[str]]) -> str:
    canonical = json.dumps(sorted((unit, sorted(fields)) for unit, fields in marks.items()))
    return hashlib.sha256(canonical.encode()).hexdigest()


def etag(content: bytes) -> str:
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


async def _store_pages(
    session: AsyncSession, publication: ReportPublication, report: Report, control: Control
) -> None:
    """Render the published version's public page and PDF, and keep them with the
    publication (the only place the public site renders a report)."""
    marks = await _internal_marks(session, report)
    document = await public_document(session, report.id, control)
    html = render.report_page(document)
    pdf = await asyncio.to_thread(render.report_pdf, html)
    publication.html, publication.pdf = html.encode(), pdf
    publication.html_etag, publication.pdf_etag = etag(publication.html), etag(pdf)
    publication.marks = _marks_digest(marks)
    await session.flush()


@dataclass(frozen=True)
class Page:
    """A stored public page: its ETag, and its bytes (``None`` when the client has them)."""

    etag: str
    content: bytes | None


async def public_page(
    session: AsyncSession, report_id: int, pdf: bool, control: Control, if_none_match: str
) -> Page:
    """The stored page (or PDF) of a published report; 404 as for ``published``.

    Two small reads decide: the publication with its ETags, and the narratives' internal
    marks. A client that has the page gets only the ETag; the bytes are read only to be
    sent. Rendered again (and stored) only when a field was marked internal since.
    """
    column = ReportPublication.pdf_etag if pdf else ReportPublication.html_etag
    row = (
        await session.execute(
            select(
                ReportPublication.id,
                column.label("etag"),
                ReportPublication.marks,
                Report.state,
                Report.frozen_version,
                Report.task_force_id,
                Report.kind,
                Report.year,
            )
            .join(Report, Report.id == ReportPublication.report_id)
            .where(ReportPublication.report_id == report_id)
        )
    ).one_or_none()
    if row is None or row.state not in FROZEN or row.frozen_version is None:
        raise NotFound(f"No published report {report_id}.")
    marks = await _marks_of(session, row.task_force_id, row.kind, row.year)
    if row.etag is None or row.marks != _marks_digest(marks):
        publication = await session.get(ReportPublication, row.id)
        report = await session.get(Report, report_id)
        assert publication is not None
        assert report is not None
        await _store_pages(session, publication, report, control)
        stored = publication.pdf_etag if pdf else publication.html_etag
        assert stored is not None
        return Page(stored, publication.pdf if pdf else publication.html)
    if row.etag in [tag.strip() for tag in if_none_match.split(",")]:
        return Page(row.etag, None)
    content = await session.scalar(
        select(ReportPublication.pdf if pdf else ReportPublication.html).where(
            ReportPublication.id == row.id
        )
    )
    return Page(row.etag, content)


async def public_document(
    session: AsyncSession, report_id: int, control: Control
) -> dict[str, Any]:
    """What the public report page shows: identity, and the de-identified figures (the
    tables stored when it was published; computed now for a publication that has none)."""
    found = await published(session, report_id)
    report, task_force = found.report, found.task_force
    tables = found.publication.figures or perturbed_tables(
        found.version.figures,
        report.years,
        (task_force.region_code, task_force.region_name),
        control,
    )
    return {
        "report": {
            "id": report.id,
            "kind": report.kind.value,
            "year": report.year,
            "years": report.years,
            "state": report.state.value,
            "task_force_id": task_force.id,
            "task_force_name": task_force.name,
            "region_code": task_force.region_code,
            "region_name": task_force.region_name,
            "level": task_force.level.value,
            "version": found.version.number,
            "content_hash": found.version.content_hash,
            "published_at": found.publication.published_at.isoformat(),
        },
        "figures": public_figures(
            found.version.figures, tables, await _internal_marks(session, report)
        ),
    }


async def _publications(session: AsyncSession, root: str) -> list[dict[str, Any]]:
    """Published reports of the task forces in ``root``'s subtree, newest first."""
    rows = await session.execute(
        select(ReportPublication, Report, TaskForce)
        .join(Report, Report.id == ReportPublication.report_id)
        .join(TaskForce, TaskForce.id == Report.task_force_id)
        .where(
            Report.state.in_(list(FROZEN)),
            regions.subtree_clause(TaskForce.region_code, root),
        )
        .order_by(ReportPublication.published_at.desc(), ReportPublication.id.desc())
    )
    return [
        {
            "report_id": report.id,
            "kind": report.kind.value,
            "year": report.year,
            "years": report.years,
            "task_force_name": task_force.name,
            "region_code": task_force.region_code,
            "region_name": task_force.region_name,
            "published_at": publication.published_at,
            "url": report_url(report.id),
        }
        for publication, report, task_force in rows
    ]


async def feed_entries(session: AsyncSession, region_code: str) -> tuple[Region, list[Any]]:
    region = await session.get(Region, region_code)
    if region is None:
        raise NotFound(f"No region {region_code}.")
    return region, (await _publications(session, region_code))[:50]


async def _active_task_forces(session: AsyncSession) -> dict[str, TaskForce]:
    rows = await session.scalars(
        select(TaskForce).where(TaskForce.status == TaskForceStatus.active)
    )
    return {tf.region_code: tf for tf in rows}


def _top(code: str) -> str:
    return code.split(".")[0]


async def index(session: AsyncSession) -> dict[str, Any]:
    """Per province: its task force, how many of its regencies/cities have one, and the
    published reports of the province and the regions under it."""
    task_forces = await _active_task_forces(session)
    provinces = (
        await session.scalars(
            select(Region).where(Region.level == RegionLevel.province).order_by(Region.code)
        )
    ).all()
    regencies: dict[str, int] = defaultdict(int)
    for code in await session.scalars(
        select(Region.code).where(Region.level == RegionLevel.regency)
    ):
        regencies[_top(code)] += 1
    covered: dict[str, int] = defaultdict(int)
    for code in task_forces:
        if code.count(".") == 1:
            covered[_top(code)] += 1
    published_in: dict[str, list[dict[str, Any]]] = defaultdict(list)
    everything = await _publications(session, regions.NATIONAL)
    for item in everything:
        published_in[_top(item["region_code"])].append(item)
    national = task_forces.get(regions.NATIONAL)
    return {
        "national": {
            "task_force": national.name if national else None,
            "reports": published_in.get(regions.NATIONAL, []),
        },
        "provinces": [
            {
                "code": p.code,
                "name": p.name,
                "task_force": task_forces[p.code].name if p.code in task_forces else None,
                "regencies": regencies[p.code],
                "regencies_with_task_force": covered[p.code],
                "reports": published_in.get(p.code, []),
            }
            for p in provinces
        ],
        "latest": everything[:10],
    }


async def region_page(session: AsyncSession, code: str) -> dict[str, Any]:
    """A region: its task force (structure, listed partners, published reports) and the
    regions under it with theirs."""
    region = await session.get(Region, code)
    if region is None:
        raise NotFound(f"No region {code}.")
    task_forces = await _active_task_forces(session)
    own = task_forces.get(code)
    items = await _publications(session, code)
    children = (
        await session.scalars(
            select(Region).where(Region.parent_code == code).order_by(Region.code)
        )
    ).all()
    by_region: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        by_region[item["region_code"]].append(item)
    return {
        "region": {"code": region.code, "name": region.name, "level": region.level.value},
        "task_force": own,
        "partners": await partners.listed(session, own.id) if own else [],
        "reports": by_region.get(code, []),
        "children": [
            {
                "code": child.code,
                "name": child.name,
                "level": child.level.value,
                "task_force": task_forces[child.code].name if child.code in task_forces else None,
                "reports": [i for i in items if regions.in_subtree(i["region_code"], child.code)],
            }
            for child in children
        ],
        "feed_url": feed_url(code),
    }


async def public_task_force(session: AsyncSession, task_force_id: int) -> TaskForce:
    task_force = await session.get(TaskForce, task_force_id)
    if task_force is None or task_force.status is not TaskForceStatus.active:
        raise NotFound(f"No active task force {task_force_id}.")
    return task_force
