from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import PlainTextResponse
from sqlalchemy import select

from gtpptppo_api.auth.deps import NationalAdmin, PrivacyHandler, PrivacyReader
from gtpptppo_api.db.session import SessionDep
from gtpptppo_api.kit.crypto import Keyring
from gtpptppo_api.kit.openapi import ID, links
from gtpptppo_api.kit.pagination import CursorPage, paginate
from gtpptppo_api.privacy import breaches, retention, service
from gtpptppo_api.privacy.models import Breach, RequestState
from gtpptppo_api.privacy.schemas import (
    BreachCreate,
    BreachRead,
    BreachUpdate,
    DataRequestCreate,
    DataRequestDecision,
    DataRequestRead,
    RetentionRunCreate,
    RetentionRunRead,
    SubjectCopy,
)

router = APIRouter(tags=["personal data"])


def _keyring(request: Request) -> Keyring:
    ring: Keyring = request.app.state.keyring()
    return ring


@router.post(
    "/service-centres/{centre_id}/data-requests",
    status_code=201,
    responses={201: links(get_data_request={"request_id": ID})},
)
async def create_data_request(
    centre_id: int,
    body: DataRequestCreate,
    session: SessionDep,
    caller: PrivacyHandler,
    response: Response,
) -> DataRequestRead:
    """Record a data subject's request (access, rectification, restriction, erasure)
    received by the centre, against one of its cases; due 3 x 24 hours after receipt
    (UU 27/2022). Audited."""
    request = await service.create(session, caller, centre_id, body)
    response.headers["Location"] = f"/api/v1/data-requests/{request.id}"
    return service.read(request)


@router.get("/data-requests", response_model=CursorPage[DataRequestRead])
async def list_data_requests(
    session: SessionDep,
    caller: PrivacyReader,
    state: RequestState | None = None,
    overdue: Annotated[
        bool | None, Query(description="Only those still open after (or within) their due time.")
    ] = None,
) -> CursorPage[DataRequestRead]:
    """The requests the caller's centres received, oldest first."""
    page: CursorPage[DataRequestRead] = await paginate(
        session,
        service.list_query(caller, state=state, overdue=overdue),
        transformer=lambda rows: [service.read(row) for row in rows],
    )
    return page


@router.get("/data-requests/{request_id}")
async def get_data_request(
    request_id: int, session: SessionDep, caller: PrivacyReader
) -> DataRequestRead:
    """One request, with its state, its clock and who handled it."""
    return service.read(await service.get_visible(session, caller, request_id))


@router.get("/data-requests/{request_id}/copy")
async def get_subject_copy(
    request_id: int, request: Request, session: SessionDep, caller: PrivacyHandler
) -> SubjectCopy:
    """An access request's copy of everything held about the person, at every centre their
    NIK links, for the centre that received the request to hand over. Audited."""
    return await service.subject_copy(session, caller, request_id, _keyring(request))


@router.post("/data-requests/{request_id}/completion")
async def complete_data_request(
    request_id: int,
    body: DataRequestDecision,
    session: SessionDep,
    caller: PrivacyHandler,
    request: Request,
) -> DataRequestRead:
    """Carry the request out and close it: an erasure shreds the person's cases, a
    restriction restricts them, a rectification needs the corrected case pushed first."""
    keys = _keyring(request).key_store
    return service.read(await service.complete(session, caller, request_id, body, keys))


@router.post("/data-requests/{request_id}/refusal")
async def refuse_data_request(
    request_id: int, body: DataRequestDecision, session: SessionDep, caller: PrivacyHandler
) -> DataRequestRead:
    """Refuse the request, with the reason the person is given."""
    return service.read(await service.refuse(session, caller, request_id, body))


@router.post("/data-requests/{request_id}/lifting")
async def lift_restriction(
    request_id: int, body: DataRequestDecision, session: SessionDep, caller: PrivacyHandler
) -> DataRequestRead:
    """Lift a restriction in force: the person's cases are processed again."""
    return service.read(await service.lift(session, caller, request_id, body))


@router.post(
    "/breaches",
    status_code=201,
    responses={201: links(get_breach={"breach_id": ID}, export_breach_affected={"breach_id": ID})},
)
async def record_breach(
    body: BreachCreate, session: SessionDep, caller: NationalAdmin, response: Response
) -> BreachRead:
    """Record a personal data breach: its affected subjects are found by the query (centre,
    period, fields) and its notices are due 3 x 24 hours after discovery (UU 27/2022
    art. 46). Audited."""
    breach = await breaches.create(session, caller, body)
    response.headers["Location"] = f"/api/v1/breaches/{breach.id}"
    return breaches.read(breach)


@router.get("/breaches", response_model=CursorPage[BreachRead])
async def list_breaches(session: SessionDep, caller: NationalAdmin) -> CursorPage[BreachRead]:
    """The breach register, oldest first."""
    page: CursorPage[BreachRead] = await paginate(
        session,
        select(Breach).order_by(Breach.id),
        transformer=lambda rows: [breaches.read(row) for row in rows],
    )
    return page


@router.get("/breaches/{breach_id}")
async def get_breach(breach_id: int, session: SessionDep, caller: NationalAdmin) -> BreachRead:
    return breaches.read(await breaches.get(session, breach_id))


@router.patch("/breaches/{breach_id}")
async def update_breach(
    breach_id: int, body: BreachUpdate, session: SessionDep, caller: NationalAdmin
) -> BreachRead:
    """Record when the authority and the subjects were notified."""
    return breaches.read(await breaches.update(session, caller, breach_id, body))


@router.get(
    "/breaches/{breach_id}/affected.csv",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
async def export_breach_affected(
    breach_id: int, session: SessionDep, caller: NationalAdmin
) -> PlainTextResponse:
    """The affected cases (id, centre, reference) for the centres to notify each person.
    Audited."""
    text = await breaches.affected_csv(session, caller, breach_id)
    return PlainTextResponse(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="breach-{breach_id}.csv"'},
    )


@router.post(
    "/retention-runs",
    status_code=202,
    responses={202: links(get_retention_run={"run_id": ID})},
)
async def start_retention_run(
    body: RetentionRunCreate,
    request: Request,
    session: SessionDep,
    caller: NationalAdmin,
    response: Response,
) -> RetentionRunRead:
    """Run the retention schedule (`GTPPTPPO_RETENTION_YEARS`) in the worker: erase the
    personal data of the cases that outlived it, or with `dry_run` (the default) report
    what it would erase and erase nothing. Poll the run for its report."""
    schedule = request.app.state.settings.retention_years
    run = await retention.start(session, caller, schedule, dry_run=body.dry_run)
    response.headers["Location"] = f"/api/v1/retention-runs/{run.id}"
    return RetentionRunRead.model_validate(run)


@router.get("/retention-runs/{run_id}")
async def get_retention_run(
    run_id: int, session: SessionDep, caller: NationalAdmin
) -> RetentionRunRead:
    """A retention run: `pending` until the worker is done, then its report."""
    return RetentionRunRead.model_validate(await retention.get(session, run_id))
