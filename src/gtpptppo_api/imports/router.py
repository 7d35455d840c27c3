from __future__ import annotations

from pathlib import PurePath
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import select

from gtpptppo_api.auth.deps import CaseWriter
from gtpptppo_api.cases.router import keyring
from gtpptppo_api.db.session import SessionDep
from gtpptppo_api.errors import BadRequest
from gtpptppo_api.imports import export, reader, service, template
from gtpptppo_api.imports.schemas import ImportRead
from gtpptppo_api.kit.openapi import ID, links
from gtpptppo_api.regions.models import Region

router = APIRouter(tags=["imports"])

XLSX = reader.XLSX_TYPE
OCTET_STREAM = "application/octet-stream"
FORMATS = ", ".join(sorted(reader.CONTENT_TYPES))


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


@router.get(
    "/imports/template.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}, "description": "The import template."}},
)
async def get_import_template(session: SessionDep, caller: CaseWriter) -> Response:
    """The import template: a column per field of a case (Indonesian label above the API
    name), drop-downs for every closed list, an example row and a sheet explaining each
    column. A filled ``Kasus`` sheet imports as it is."""
    codes = (await session.scalars(select(Region.code).order_by(Region.code))).all()
    return Response(
        template.build(codes), media_type=XLSX, headers=_attachment("templat-impor-kasus.xlsx")
    )


@router.post(
    "/service-centres/{centre_id}/imports",
    status_code=202,
    responses={
        202: links(
            get_import={"import_id": ID},
            get_import_errors_xlsx={"import_id": ID},
            get_import_errors_csv={"import_id": ID},
        )
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": (
                "The file itself as the body: CSV (text/csv), XLSX (the template's sheet) or "
                "NDJSON (one case per line, as in cases:batch); at most "
                "GTPPTPPO_IMPORT_MAX_BYTES (32 MiB by default)."
            ),
            "content": {
                content_type: {"schema": {"type": "string", "format": "binary"}}
                for content_type in [*sorted(reader.CONTENT_TYPES), OCTET_STREAM]
            },
        }
    },
)
async def create_import(
    centre_id: int,
    request: Request,
    session: SessionDep,
    caller: CaseWriter,
    response: Response,
    filename: Annotated[str | None, Query(max_length=200)] = None,
) -> ImportRead:
    """Import a file of the centre's cases: 202 at once, and the worker stores its rows.

    Every row goes through the same checks as a push; valid rows are stored even when
    others are refused, and importing the same file again changes nothing (cases are keyed
    by ``external_ref``). Poll the import (``Location``) for its progress and problems.
    """
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    fmt = reader.CONTENT_TYPES.get(content_type)
    if fmt is None and content_type == OCTET_STREAM and filename:
        fmt = reader.SUFFIXES.get(PurePath(filename).suffix.lower())
    if fmt is None:
        raise BadRequest(
            f"Send the file with its Content-Type: one of {FORMATS}; or {OCTET_STREAM} with a "
            "filename ending in .csv, .xlsx or .ndjson."
        )
    settings = request.app.state.settings
    item = await service.accept(
        session,
        caller,
        centre_id,
        fmt,
        filename,
        request.stream(),
        keyring(request),
        settings.import_max_bytes,
    )
    response.headers["Location"] = f"/api/v1/imports/{item.id}"
    return await service.read(session, item)


@router.get("/imports/{import_id}")
async def get_import(import_id: int, session: SessionDep, caller: CaseWriter) -> ImportRead:
    """An import's state, rows done of rows total, rows stored and refused, the first
    refused rows with their problems (Indonesian ``pesan``, English ``message``)."""
    item = await service.get_visible(session, caller, import_id)
    return await service.read(session, item)


@router.get(
    "/imports/{import_id}/errors.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}, "description": "The refused rows."}},
)
async def get_import_errors_xlsx(
    import_id: int, request: Request, session: SessionDep, caller: CaseWriter
) -> Response:
    """Every refused row as it was sent, with columns saying what is wrong (``masalah``,
    ``problem``): fix the rows in this sheet and import it again as it is."""
    item = await service.get_visible(session, caller, import_id)
    refused = await service.refused_rows(session, item, keyring(request))
    return Response(
        export.as_xlsx(refused),
        media_type=XLSX,
        headers=_attachment(f"impor-{import_id}-kesalahan.xlsx"),
    )


@router.get(
    "/imports/{import_id}/errors.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "The refused rows."}},
)
async def get_import_errors_csv(
    import_id: int, request: Request, session: SessionDep, caller: CaseWriter
) -> Response:
    """The refused rows as CSV UTF-8, with the ``masalah`` and ``problem`` columns."""
    item = await service.get_visible(session, caller, import_id)
    refused = await service.refused_rows(session, item, keyring(request))
    return Response(
        export.as_csv(refused),
        media_type="text/csv; charset=utf-8",
        headers=_attachment(f"impor-{import_id}-kesalahan.csv"),
    )
