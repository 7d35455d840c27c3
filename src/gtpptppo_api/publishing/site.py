"""The public site under ``/public`` (Permen PPPA 10/2012 §5.4 "Sistem Informasi"): no
token, read-only, published data only. Pages carry a strong ETag of their content and a
short public cache lifetime; ``If-None-Match`` answers 304."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Depends, Request, Response

from gtpptppo_api.auth.rate_limit import limit_public
from gtpptppo_api.charts import render as charts
from gtpptppo_api.charts import service as structures
from gtpptppo_api.db.session import SessionDep
from gtpptppo_api.disclosure.control import Control
from gtpptppo_api.publishing import feeds, render, service

# Every public route counts against the client address's own limit (no token here).
router = APIRouter(prefix="/public", tags=["public site"], dependencies=[Depends(limit_public)])

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
async def get_public_index(request: Request, session: SessionDep) -> Response:
    """Per province: its task force, its regencies/cities with one, and the published reports."""
    dpo = request.app.state.settings.dpo
    page = render.page("index.html.j2", dpo=dpo, **(await service.index(session)))
    return cached(request, page.encode(), HTML)


@router.get(
    "/regions/{region_code}",
    response_class=Response,
    responses=_html("A region: its task force, chart, partners and published reports."),
)
async def get_public_region(region_code: str, request: Request, session: SessionDep) -> Response:
    data = await service.region_page(session, region_code)
    chart = ""
    if data["task_force"] is not None:
        structure = await structures.structure(session, data["task_force"], None)
        chart = charts.render_svg(structure, standalone=False)
    page = render.page("region.html.j2", dpo=request.app.state.settings.dpo, chart=chart, **data)
    return cached(request, page.encode(), HTML)


def _stored(page: service.Page, media_type: str, **headers: str) -> Response:
    common = {"ETag": page.etag, "Cache-Control": f"public, max-age={MAX_AGE}", **headers}
    if page.content is None:
        return Response(status_code=304, headers=common)
    return Response(page.content, media_type=media_type, headers=common)


class RecentPages:
    """The stored public pages this process served in the last ``seconds``, by report and
    format: a read within that time asks nothing of the database.

    Public pages are cached by everyone for ``MAX_AGE`` already, so a withdrawal or a new
    publication reaches readers within that anyway; this process-local memory is much
    shorter (``GTPPTPPO_PUBLIC_CACHE_SECONDS``), needs nothing shared between processes or
    machines, and holds at most ``LIMIT`` pages. When a page's time is up, one request reads
    it again while the others are still served the page they had (and, for a page not held
    yet, wait for that one read): a crowd of readers never reads it all at once.
    """

    LIMIT = 256
    Key = tuple[int, bool]

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.pages: OrderedDict[RecentPages.Key, tuple[float, service.Page]] = OrderedDict()
        self.reading: dict[RecentPages.Key, asyncio.Future[service.Page]] = {}

    async def get(self, key: Key, read: Callable[[], Awaitable[service.Page]]) -> service.Page:
        """The page of ``key``: held, or read once by ``read`` for every request waiting."""
        held = self.pages.get(key)
        if held is not None and (held[0] >= time.monotonic() or key in self.reading):
            return held[1]
        if key in self.reading:
            waited = self.reading[key]
            try:
                return await asyncio.shield(waited)
            except (Exception, asyncio.CancelledError):
                if not waited.done() or not (waited.cancelled() or waited.exception()):
                    raise  # this request itself was cancelled
            return await read()  # the one read failed: this request reads for itself
        future: asyncio.Future[service.Page] = asyncio.get_running_loop().create_future()
        self.reading[key] = future
        try:
            page = await read()
        except BaseException:
            future.cancel()
            raise
        else:
            future.set_result(page)
            self._put(key, page)
        finally:
            del self.reading[key]
        return page

    def _put(self, key: Key, page: service.Page) -> None:
        if self.seconds <= 0 or page.content is None:
            self.pages.pop(key, None)
            return
        self.pages[key] = (time.monotonic() + self.seconds, page)
        self.pages.move_to_end(key)
        while len(self.pages) > self.LIMIT:
            self.pages.popitem(last=False)


async def _page(request: Request, session: SessionDep, report_id: int, pdf: bool) -> service.Page:
    recent: RecentPages = request.app.state.recent_public_pages
    tags = request.headers.get("if-none-match", "")
    if recent.seconds > 0:
        # read whole, so that the next readers get the bytes from here
        page = await recent.get(
            (report_id, pdf),
            lambda: service.public_page(session, report_id, pdf, _control(request), ""),
        )
    else:
        page = await service.public_page(session, report_id, pdf, _control(request), tags)
    if page.etag in [tag.strip() for tag in tags.split(",")]:
        return service.Page(page.etag, None)
    return page


@router.get(
    "/reports/{report_id}.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "The public report."}},
)
async def get_public_report_pdf(report_id: int, request: Request, session: SessionDep) -> Response:
    """The PDF rendered when the report was published, as stored."""
    page = await _page(request, session, report_id, pdf=True)
    disposition = f'inline; filename="laporan-{report_id}.pdf"'
    return _stored(page, "application/pdf", **{"Content-Disposition": disposition})


@router.get(
    "/reports/{report_id}",
    response_class=Response,
    responses=_html("A published report: de-identified, counts perturbed by cell key."),
)
async def get_public_report(report_id: int, request: Request, session: SessionDep) -> Response:
    """The published report as rendered when published; 404 unless forwarded and published
    by its chair."""
    return _stored(await _page(request, session, report_id, pdf=False), HTML)


@router.get(
    "/task-forces/{task_force_id}/chart.svg",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}, "description": "Organisation chart."}},
)
async def get_public_chart(task_force_id: int, request: Request, session: SessionDep) -> Response:
    task_force = await service.public_task_force(session, task_force_id)
    structure = await structures.structure(session, task_force, None)
    return cached(request, charts.render_svg(structure).encode(), "image/svg+xml")


@router.get(
    "/feeds/{region_code}.atom",
    response_class=Response,
    responses={200: {"content": {"application/atom+xml": {}}, "description": "Atom feed."}},
)
async def get_public_feed(region_code: str, request: Request, session: SessionDep) -> Response:
    """Newly published reports of the region and the regions under it (``ID``: all)."""
    region, entries = await service.feed_entries(session, region_code)
    base = (request.app.state.settings.public_base_url or "").rstrip("/")
    return cached(request, feeds.atom(base, region, entries), "application/atom+xml")
