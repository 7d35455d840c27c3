"""The public site under ``/public`` (seed 5.4 "Sistem Informasi"): no token, read-only,
published data only. Pages carry a strong ETag of their content and a short public cache
lifetime; ``If-None-Match`` answers 304."""

from __future__ import annotations

import asyncio
import hashlib

from fastapi import APIRouter, Request, Response

from gtpptppo_api.charts import render as charts
from gtpptppo_api.charts import service as structures
from gtpptppo_api.db.session import SessionDep
from gtpptppo_api.disclosure.control import Control
from gtpptppo_api.publishing import feeds, render, service

router = APIRouter(prefix="/public", tags=["public site"])

MAX_AGE = 300
HTML = "text/html; charset=utf-8"


def cached(request: Request, content: bytes, media_type: str, **headers: str) -> Response:
    tag = '"' + hashlib.sha256(content).hexdigest()[:32] + '"'
    common = {"ETag": tag, "Cache-Control": f"public, max-age={MAX_AGE}", **headers}
    if tag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=common)
    return Response(content, media_type=media_type, headers=common)


def _control(request: Request) -> Control:
    control: Control = request.app.state.disclosure
    return control


def _html(description: str) -> dict[int | str, dict[str, object]]:
    return {200: {"content": {"text/html": {}}, "description": description}}


@router.get("/", response_class=Response, responses=_html("The index: task forces and reports."))
async def public_index(request: Request, session: SessionDep) -> Response:
    """Per province: its task force, its regencies/cities with one, and the published reports."""
    page = render.page("index.html.j2", **(await service.index(session)))
    return cached(request, page.encode(), HTML)


@router.get(
    "/regions/{region_code}",
    response_class=Response,
    responses=_html("A region: its task force, chart, partners and published reports."),
)
async def public_region(region_code: str, request: Request, session: SessionDep) -> Response:
    data = await service.region_page(session, region_code)
    chart = ""
    if data["task_force"] is not None:
        structure = await structures.structure(session, data["task_force"], None)
        chart = charts.render_svg(structure, standalone=False)
    page = render.page("region.html.j2", chart=chart, **data)
    return cached(request, page.encode(), HTML)


@router.get(
    "/reports/{report_id}.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "The public report."}},
)
async def public_report_pdf(report_id: int, request: Request, session: SessionDep) -> Response:
    document = await service.public_document(session, report_id, _control(request))
    html = render.page("report.html.j2", **document)
    content = await asyncio.to_thread(render.report_pdf, html)
    return cached(
        request,
        content,
        "application/pdf",
        **{"Content-Disposition": f'inline; filename="laporan-{report_id}.pdf"'},
    )


@router.get(
    "/reports/{report_id}",
    response_class=Response,
    responses=_html("A published report: de-identified, counts perturbed by cell key."),
)
async def public_report(report_id: int, request: Request, session: SessionDep) -> Response:
    """The published report; 404 unless forwarded and published by its chair."""
    document = await service.public_document(session, report_id, _control(request))
    return cached(request, render.page("report.html.j2", **document).encode(), HTML)


@router.get(
    "/task-forces/{task_force_id}/chart.svg",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}, "description": "Organisation chart."}},
)
async def public_chart(task_force_id: int, request: Request, session: SessionDep) -> Response:
    task_force = await service.public_task_force(session, task_force_id)
    structure = await structures.structure(session, task_force, None)
    return cached(request, charts.render_svg(structure).encode(), "image/svg+xml")


@router.get(
    "/feeds/{region_code}.atom",
    response_class=Response,
    responses={200: {"content": {"application/atom+xml": {}}, "description": "Atom feed."}},
)
async def public_feed(region_code: str, request: Request, session: SessionDep) -> Response:
    """Newly published reports of the region and the regions under it (``ID``: all)."""
    region, entries = await service.feed_entries(session, region_code)
    base = (request.app.state.settings.public_base_url or "").rstrip("/")
    return cached(request, feeds.atom(base, region, entries), "application/atom+xml")
