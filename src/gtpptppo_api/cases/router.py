from __future__ import annotations

import uuid
from typing import Annotated, Any

import pydantic_core
from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import JSONResponse

from gtpptppo_api.auth.deps import CaseLinker, CaseReader, CaseWriter
from gtpptppo_api.cases import idempotency, service
from gtpptppo_api.cases import links as victim_links
from gtpptppo_api.cases.models import AgeGroup, CaseStatus, ExploitationType, ServiceType, Sex
from gtpptppo_api.cases.schemas import (
    BatchResult,
    CaseIn,
    CasePut,
    CaseRead,
    ItemResult,
    VictimLinkCreate,
    VictimLinkRead,
)
from gtpptppo_api.db.session import SessionDep, without_transaction
from gtpptppo_api.errors import BadRequest, ContentTooLarge, ValidationFailed
from gtpptppo_api.imports import service as imports
from gtpptppo_api.imports.schemas import ImportRead
from gtpptppo_api.kit.crypto import Keyring
from gtpptppo_api.kit.openapi import ID, links, path, schema_ref
from gtpptppo_api.kit.pagination import CursorPage, paginate

router = APIRouter(tags=["cases"])

NDJSON_TYPES = ("application/x-ndjson", "application/jsonl", "application/ndjson")

# The batch body is read raw (JSON array or NDJSON), so its item's schema is written out
# here and added to the components (app.py); the models it refers to (Victim, Destination,
# ...) are the PUT body's, in the components already.
CASE_SCHEMA = CaseIn.model_json_schema(ref_template="#/components/schemas/{model}")
CASE_SCHEMA.pop("$defs", None)
SCHEMAS = {"CaseIn": CASE_SCHEMA}


def keyring(request: Request) -> Keyring:
    ring: Keyring = request.app.state.keyring()
    return ring


@router.put(
    "/service-centres/{centre_id}/cases/{external_ref}",
    responses={
        200: links(get_case={"case_id": ID}),
        201: {"model": ItemResult, "description": "Created", **links(get_case={"case_id": ID})},
    },
)
async def push_case(
    centre_id: int,
    external_ref: str,
    body: CasePut,
    request: Request,
    session: SessionDep,
    caller: CaseWriter,
    response: Response,
) -> ItemResult:
    """Create or update one case; the same body twice is one case, unchanged (no new version).

    201 when created, 200 when updated or unchanged (see ``outcome``).
    """
    result = await service.upsert_one(
        session, caller, centre_id, external_ref, body, keyring(request)
    )
    response.status_code = 201 if result.outcome == "created" else 200
    response.headers["ETag"] = f'"{result.version}"'
    return result


def _parse(raw: bytes) -> Any:
    """Strict JSON (I-JSON, RFC 7493): UTF-8, no lone surrogate, no NaN, nesting bounded.

    The standard library's parser takes ``"\\ud800"`` (then a case's reference cannot be
    stored or answered) and recurses until the interpreter's limit on a deeply nested body.
    """
    return pydantic_core.from_json(raw, allow_inf_nan=False)


async def _read_items(request: Request) -> tuple[list[Any], bytes]:
    # The body's size is capped for every request (GTPPTPPO_MAX_BODY_BYTES, 413) as it arrives.
    raw = await request.body()
    content_type = request.headers.get("content-type", "application/json").split(";")[0].strip()
    if content_type in NDJSON_TYPES:
        items = []
        for number, line in enumerate(raw.splitlines(), start=1):
            if line.strip():
                try:
                    items.append(_parse(line))
                except ValueError as exc:
                    message = f"line {number} is not valid JSON: {exc}"
                    raise ValidationFailed.field("body", message) from exc
    elif content_type == "application/json":
        try:
            items = _parse(raw)
        except ValueError as exc:
            raise ValidationFailed.field("body", f"not valid JSON: {exc}") from exc
    else:
        raise BadRequest("Send a JSON array (application/json) or NDJSON (application/x-ndjson).")
    if not isinstance(items, list):
        raise ValidationFailed.field("body", "a batch is a JSON array of cases")
    if len(items) > service.MAX_BATCH_ITEMS:
        raise ContentTooLarge(
            f"A batch holds at most {service.MAX_BATCH_ITEMS} items; got {len(items)}.",
            max_items=service.MAX_BATCH_ITEMS,
        )
    return items, raw


@router.post(
    "/service-centres/{centre_id}/cases:batch",
    responses={
        202: {
            "model": ImportRead,
            "description": (
                "A batch of more than GTPPTPPO_BATCH_INLINE_ITEMS items (1,000 by default): "
                "accepted as an import, which the worker stores; poll its Location."
            ),
            **links(get_import={"import_id": ID}),
        }
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": (
                f"Up to {service.MAX_BATCH_ITEMS} cases (and GTPPTPPO_MAX_BODY_BYTES, 32 MiB by "
                "default), as a JSON array or as NDJSON (one case per line); more: 413."
            ),
            "content": {
                "application/json": {"schema": {"type": "array", "items": schema_ref("CaseIn")}},
                "application/x-ndjson": {"schema": schema_ref("CaseIn")},
            },
        }
    },
)
async def push_cases(
    centre_id: int,
    request: Request,
    session: SessionDep,
    caller: CaseWriter,
    idempotency_key: Annotated[
        str | None,
        Header(max_length=200, description="Replays the first answer to a retried batch."),
    ] = None,
) -> BatchResult:
    """Push many cases: a result per item (created, updated, unchanged, or its problems).

    Valid items are stored even when others are invalid; invalid ones store nothing. A batch
    of more than GTPPTPPO_BATCH_INLINE_ITEMS items is not checked here: it is answered 202
    with an import (``GET /imports/{id}``; its row ``n`` is the item ``n - 1``), which the
    worker stores with the same checks, so the API processes only check small requests.
    """
    items, raw = await _read_items(request)
    scope = f"centre:{centre_id}:cases:batch:{caller.token_id}"
    # Keyed: the body holds NIKs, and a bare hash of it is guessed offline (the case row and
    # the stored answer give away everything but the NIK's few unknown digits).
    digest = keyring(request).request_mac(raw)
    if idempotency_key:
        replay = await idempotency.find(session, scope, idempotency_key, digest)
        if replay is not None:
            return JSONResponse(  # type: ignore[return-value]
                replay.response,
                status_code=replay.status_code,
                headers=_replayed(replay.status_code, replay.response),
            )
    if len(items) > request.app.state.settings.batch_inline_items:
        accepted = await imports.accept_items(session, caller, centre_id, items, keyring(request))
        read = (await imports.read(session, accepted)).model_dump(mode="json")
        if idempotency_key:
            await idempotency.save(session, scope, idempotency_key, digest, 202, read)
        return JSONResponse(  # type: ignore[return-value]
            read, status_code=202, headers={"Location": f"/api/v1/imports/{accepted.id}"}
        )
    result = await service.upsert_batch(session, caller, centre_id, items, keyring(request))
    if idempotency_key:
        await idempotency.save(
            session, scope, idempotency_key, digest, 200, result.model_dump(mode="json")
        )
    return result


def _replayed(status_code: int, response: dict[str, Any]) -> dict[str, str]:
    headers = {"Idempotent-Replayed": "true"}
    if status_code == 202:  # a batch taken as an import: where to follow it
        headers["Location"] = f"/api/v1/imports/{response['id']}"
    return headers


@router.get("/cases", response_model=CursorPage[CaseRead])
@without_transaction
async def list_cases(
    session: SessionDep,
    caller: CaseReader,
    region_code: Annotated[str | None, Query(max_length=8)] = None,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    sex: Sex | None = None,
    age_group: AgeGroup | None = None,
    exploitation_type: ExploitationType | None = None,
    service_type: Annotated[ServiceType | None, Query(alias="service")] = None,
    status: CaseStatus | None = None,
    service_centre_id: int | None = None,
) -> CursorPage[CaseRead]:
    """Cases in the caller's jurisdiction (a centre: its own), without personal fields."""
    query = service.list_query(
        caller,
        region_code=region_code,
        year=year,
        sex=sex,
        age_group=age_group,
        exploitation_type=exploitation_type,
        service=service_type,
        status=status,
        service_centre_id=service_centre_id,
    )
    # Rows of columns, distinct by their id already: no uniqueness pass (JSON is unhashable).
    page: CursorPage[CaseRead] = await paginate(
        session, query, transformer=_transform, unique=False
    )
    return page


def _transform(items: Any) -> list[CaseRead]:
    return [service.read_row(row) for row in items]


@router.get("/cases/{case_id}")
@without_transaction
async def get_case(
    case_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    caller: CaseReader,
    include: Annotated[
        str | None, Query(pattern="^personal$", description="`personal` to add personal fields.")
    ] = None,
    x_access_reason: Annotated[
        str | None,
        Header(max_length=500, description="Why personal fields are read; required with them."),
    ] = None,
) -> CaseRead:
    """One case; personal fields only with ``?include=personal`` and an ``X-Access-Reason``,
    for the owning centre and national admins, and every such read is audit-logged."""
    return await service.read_case(
        session,
        caller,
        case_id,
        include_personal=include == "personal",
        reason=x_access_reason,
        keyring=keyring(request),
    )


@router.post(
    "/cases/{case_id}/links",
    status_code=201,
    responses={
        201: links(
            list_case_links={"case_id": path("case_id")},
            get_case={"case_id": path("case_id")},
        )
    },
)
async def link_case(
    case_id: uuid.UUID, body: VictimLinkCreate, session: SessionDep, caller: CaseLinker
) -> VictimLinkRead:
    """Link two cases of the caller's region as one victim (a likely duplicate resolved by
    the secretariat, Permen PPPA 10/2012 §2.1.4 C, §2.2.4 d, §2.3.4 (7)); audited.

    From then on the statistics count the two cases' victims once, as they count the cases
    of one NIK in one year; 409 when they are one victim already.
    """
    return await victim_links.link(session, caller, case_id, body.other_case_id, body.reason)


@router.get("/cases/{case_id}/links")
async def list_case_links(
    case_id: uuid.UUID, session: SessionDep, caller: CaseLinker
) -> list[VictimLinkRead]:
    """The links the case is part of, made or undone, oldest first."""
    case = await service.get_visible(session, caller, case_id)
    return await victim_links.links_of(session, case)


@router.delete("/cases/{case_id}/links/{other_case_id}")
async def unlink_case(
    case_id: uuid.UUID,
    other_case_id: uuid.UUID,
    session: SessionDep,
    caller: CaseLinker,
    reason: Annotated[str, Query(min_length=1, max_length=500, description="Why: audited.")],
) -> VictimLinkRead:
    """Undo a link: the victim splits again along the links that remain; the link is kept,
    with who undid it and why. 409 when the two cases are not linked."""
    return await victim_links.unlink(session, caller, case_id, other_case_id, reason)
