from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from gtpptppo_api.auth.deps import MonitoringReader, MonitoringWriter
from gtpptppo_api.db.session import SessionDep
from gtpptppo_api.kit.etag import IfMatch, etag
from gtpptppo_api.kit.openapi import ID, links
from gtpptppo_api.kit.pagination import CursorPage, paginate
from gtpptppo_api.monitoring import service
from gtpptppo_api.monitoring.models import SubjectKind, VisitKind
from gtpptppo_api.monitoring.schemas import (
    MonitoringVisitCreate,
    MonitoringVisitRead,
    MonitoringVisitUpdate,
)

router = APIRouter(prefix="/monitoring-visits", tags=["monitoring and evaluation"])


@router.post("", status_code=201, responses={201: links(get_monitoring_visit={"visit_id": ID})})
async def create_monitoring_visit(
    body: MonitoringVisitCreate, session: SessionDep, caller: MonitoringWriter, response: Response
) -> MonitoringVisitRead:
    """Record a monitoring or evaluation with its checklist (Permen PPPA 10/2012, 3.3.1).

    Who may monitor whom follows Lampiran VI: the national task force its sub-task-forces and
    the provinces; a province its sub-task-forces, its service centres and its regencies; a
    regency its sub-task-forces and its service centres. Anything else is refused (422).
    """
    visit = await service.create(session, caller, body)
    response.headers["ETag"] = etag(visit.version)
    response.headers["Location"] = f"/api/v1/monitoring-visits/{visit.id}"
    return service.read(visit)


@router.get("", response_model=CursorPage[MonitoringVisitRead])
async def list_monitoring_visits(
    session: SessionDep,
    caller: MonitoringReader,
    monitor_task_force_id: int | None = None,
    kind: VisitKind | None = None,
    subject_kind: SubjectKind | None = None,
    subject_id: Annotated[int | None, Query(description="With subject_kind.")] = None,
    year: Annotated[int | None, Query(ge=1900, le=2999)] = None,
) -> CursorPage[MonitoringVisitRead]:
    """Visits made by or to task forces, centres and sub-task-forces in your jurisdiction."""
    query = service.list_query(
        caller,
        monitor_task_force_id=monitor_task_force_id,
        kind=kind,
        subject_kind=subject_kind,
        subject_id=subject_id,
        year=year,
    )
    page: CursorPage[MonitoringVisitRead] = await paginate(session, query)
    return page


@router.get("/{visit_id}")
async def get_monitoring_visit(
    visit_id: int, session: SessionDep, caller: MonitoringReader, response: Response
) -> MonitoringVisitRead:
    visit = await service.get_visible(session, caller, visit_id)
    response.headers["ETag"] = etag(visit.version)
    return service.read(visit)


@router.patch("/{visit_id}")
async def update_monitoring_visit(
    visit_id: int,
    body: MonitoringVisitUpdate,
    session: SessionDep,
    caller: MonitoringWriter,
    response: Response,
    if_match: IfMatch = None,
) -> MonitoringVisitRead:
    """Correct a visit's date, methods, findings, recommendations or checklist."""
    visit = await service.update(session, caller, visit_id, body, if_match)
    response.headers["ETag"] = etag(visit.version)
    return service.read(visit)
