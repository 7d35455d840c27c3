from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from gtpptppo_api.auth.deps import NarrativeWriter, ReportReader, ReportWriter
from gtpptppo_api.db.session import SessionDep
from gtpptppo_api.kit.openapi import ID, body, links
from gtpptppo_api.kit.pagination import CursorPage, paginate
from gtpptppo_api.reports import render, service
from gtpptppo_api.reports.models import ReportKind, ReportState
from gtpptppo_api.reports.schemas import (
    NarrativeCreate,
    NarrativeRead,
    NarrativeUpdate,
    ReportCreate,
    ReportRead,
    ReportSummary,
    TransitionCreate,
    TransitionRead,
    VersionDiff,
    VersionRead,
)

router = APIRouter(tags=["reports"])

ACCEPTED: dict[int | str, dict[str, Any]] = {
    202: {"model": ReportRead, "description": "Figures being generated"}
}


def _status(result: ReportRead) -> int:
    return 202 if result.generation in ("pending", "running") else 200


@router.post(
    "/reports",
    status_code=202,
    responses={
        202: links(
            get_report={"report_id": ID},
            list_report_versions={"report_id": ID},
            list_report_transitions={"report_id": ID},
        )
    },
)
async def create_report(
    body: ReportCreate, session: SessionDep, caller: ReportWriter, response: Response
) -> ReportRead:
    """Open an annual or five-year report (five-year: ``year`` is the first of five); the
    worker assembles its figures (``generation``)."""
    report = await service.create(session, caller, body)
    response.headers["Location"] = f"/api/v1/reports/{report.id}"
    return await service.read(session, report)


@router.get("/reports", response_model=CursorPage[ReportSummary])
async def list_reports(
    session: SessionDep,
    caller: ReportReader,
    task_force_id: int | None = None,
    kind: ReportKind | None = None,
    year: Annotated[int | None, Query(ge=2000, le=2200)] = None,
    state: ReportState | None = None,
) -> CursorPage[ReportSummary]:
    """Reports in the caller's jurisdiction (figures left out: read one report for them)."""
    query = service.list_query(
        caller, task_force_id=task_force_id, kind=kind, year=year, state=state
    )
    page: CursorPage[ReportSummary] = await paginate(session, query)
    return page


@router.get("/reports/{report_id}", responses=ACCEPTED)
async def get_report(
    report_id: int, session: SessionDep, caller: ReportReader, response: Response
) -> ReportRead:
    """The report with its current figures; 202 while the worker generates them."""
    report = await service.get_visible(session, caller, report_id)
    result = await service.read(session, report)
    response.status_code = _status(result)
    return result


@router.post(
    "/reports/{report_id}/generations",
    status_code=202,
    responses={202: links(get_report={"report_id": ID})},
)
async def regenerate_report(
    report_id: int, session: SessionDep, caller: ReportWriter
) -> ReportRead:
    """Generate again after late or corrected data: a new version if the figures changed."""
    report = await service.regenerate(session, caller, report_id)
    return await service.read(session, report)


@router.post("/reports/{report_id}/transitions")
async def transition_report(
    report_id: int, body: TransitionCreate, session: SessionDep, caller: ReportReader
) -> ReportRead:
    """One step on the chain of Lampiran V: submit, discuss (in a plenary meeting),
    consolidate (the daily chair), forward (the chair; freezes the version), receive or
    return (the level above), or comment."""
    report = await service.transition(session, caller, report_id, body)
    return await service.read(session, report)


@router.get("/reports/{report_id}/transitions", response_model=CursorPage[TransitionRead])
async def list_report_transitions(
    report_id: int, session: SessionDep, caller: ReportReader
) -> CursorPage[TransitionRead]:
    report = await service.get_visible(session, caller, report_id)
    page: CursorPage[TransitionRead] = await paginate(session, service.transitions_query(report))
    return page


@router.get("/reports/{report_id}/versions", response_model=CursorPage[VersionRead])
async def list_report_versions(
    report_id: int, session: SessionDep, caller: ReportReader
) -> CursorPage[VersionRead]:
    report = await service.get_visible(session, caller, report_id)
    page: CursorPage[VersionRead] = await paginate(session, service.versions_query(report))
    return page


@router.get("/reports/{report_id}/versions/{a}/diff/{b}")
async def diff_report_versions(
    report_id: int, a: int, b: int, session: SessionDep, caller: ReportReader
) -> VersionDiff:
    """What changed between two versions of the figures."""
    return await service.diff(session, caller, report_id, a, b)


@router.get(
    "/reports/{report_id}/document",
    response_class=Response,
    responses={
        200: {
            "content": {
                "text/html": {},
                "application/pdf": {},
                "application/json": {},
                "text/csv": {},
            },
            "description": (
                "The rendered report (Indonesian, or English with lang=en), never with a "
                "personal field."
            ),
        }
    },
)
async def get_report_document(
    report_id: int,
    session: SessionDep,
    caller: ReportReader,
    format: Literal["html", "pdf", "json", "csv"] = "html",
    version: Annotated[int | None, Query(ge=1, description="Default: the current one.")] = None,
    lang: Annotated[
        Literal["id", "en"],
        Query(description="The language of the HTML and PDF: Indonesian (default) or English."),
    ] = "id",
) -> Response:
    document = await service.document(session, caller, report_id, version)
    content, media_type = await asyncio.to_thread(render.render, document, format, lang)
    headers: dict[str, str] = {"Content-Language": lang} if format in ("html", "pdf") else {}
    if format in ("pdf", "csv"):
        headers["Content-Disposition"] = f'attachment; filename="report-{report_id}.{format}"'
    return Response(content, media_type=media_type, headers=headers)


@router.post(
    "/sub-task-force-reports",
    status_code=201,
    responses={
        201: links(
            list_sub_task_force_reports={
                "task_force_id": body("task_force_id"),
                "kind": body("kind"),
                "year": body("year"),
            }
        )
    },
)
async def create_sub_task_force_report(
    body: NarrativeCreate, session: SessionDep, caller: NarrativeWriter
) -> NarrativeRead:
    """A sub-task-force's report for a period: activities, obstacles, recommendations."""
    return service.narrative_read(await service.create_narrative(session, caller, body))


@router.get("/sub-task-force-reports", response_model=CursorPage[NarrativeRead])
async def list_sub_task_force_reports(
    session: SessionDep,
    caller: ReportReader,
    task_force_id: int | None = None,
    kind: ReportKind | None = None,
    year: Annotated[int | None, Query(ge=2000, le=2200)] = None,
) -> CursorPage[NarrativeRead]:
    query = service.narratives_query(caller, task_force_id=task_force_id, kind=kind, year=year)
    page: CursorPage[NarrativeRead] = await paginate(session, query)
    return page


@router.patch("/sub-task-force-reports/{narrative_id}")
async def update_sub_task_force_report(
    narrative_id: int, body: NarrativeUpdate, session: SessionDep, caller: NarrativeWriter
) -> NarrativeRead:
    return service.narrative_read(
        await service.update_narrative(session, caller, narrative_id, body)
    )


@router.post("/sub-task-force-reports/{narrative_id}/submit")
async def submit_sub_task_force_report(
    narrative_id: int, session: SessionDep, caller: NarrativeWriter
) -> NarrativeRead:
    """Submit to the daily chair (Lampiran V); it then enters the task force's report."""
    return service.narrative_read(await service.submit_narrative(session, caller, narrative_id))
