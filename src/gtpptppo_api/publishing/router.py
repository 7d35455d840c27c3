from __future__ import annotations

from fastapi import APIRouter, Request, Response

from gtpptppo_api.auth.deps import ReportReader, ReportWriter
from gtpptppo_api.db.session import SessionDep
from gtpptppo_api.kit.openapi import body, links
from gtpptppo_api.publishing import service
from gtpptppo_api.publishing.schemas import PublicationCreate, PublicationRead

router = APIRouter(prefix="/reports", tags=["reports"])


@router.post(
    "/{report_id}/publication",
    status_code=201,
    responses={
        201: links(
            get_report_publication={"report_id": body("report_id")},
            get_public_report={"report_id": body("report_id")},
        )
    },
)
async def publish_report(
    report_id: int,
    body: PublicationCreate,
    session: SessionDep,
    caller: ReportWriter,
    request: Request,
    response: Response,
) -> PublicationRead:
    """The chair reports to the community (2.1.4 a.5, 2.2.4 a.6, 2.3.4 a.6): the forwarded
    version of the report is published, de-identified and its counts perturbed by cell key,
    at ``url`` (no token needed), and announced in its region's Atom feed. Taken by the task
    force's own secretariat naming the serving chair; 409 unless forwarded or received, or
    when that version is already published. A later version (returned, regenerated and
    forwarded again) is public only once published again."""
    result = await service.publish(session, caller, report_id, body, request.app.state.disclosure)
    response.headers["Location"] = f"/api/v1/reports/{report_id}/publication"
    return result


@router.get("/{report_id}/publication")
async def get_report_publication(
    report_id: int, session: SessionDep, caller: ReportReader
) -> PublicationRead:
    """Where the report is published; 404 if it is not."""
    return await service.get(session, caller, report_id)


@router.delete("/{report_id}/publication", status_code=204)
async def withdraw_report_publication(
    report_id: int, session: SessionDep, caller: ReportWriter
) -> None:
    """Take the report off the public site."""
    await service.withdraw(session, caller, report_id)
