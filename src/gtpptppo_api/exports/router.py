from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import Select

from gtpptppo_api.auth.deps import ExportReader
from gtpptppo_api.db.session import StreamSessionDep
from gtpptppo_api.exports import service

router = APIRouter(prefix="/exports", tags=["exports"])

ROW_SCHEMA = {
    "type": "object",
    "properties": {
        "identification_month": {"type": "string", "example": "2024-03"},
        "registered_region_code": {"type": "string", "example": "33.02"},
        "province_code": {"type": "string", "example": "33"},
        "age_group": {"type": "string", "enum": ["child", "adult"]},
        "sex": {"type": "string", "enum": ["female", "male"]},
        "foreign_national": {"type": "boolean"},
        "origin_region_code": {"type": "string"},
        "destination": {"type": "string", "description": "ISO country, or region:CODE"},
        "exploitation_types": {"type": "array", "items": {"type": "string"}},
        "services": {"type": "array", "items": {"type": "string"}},
        "legal_stage": {"type": "string"},
        "status": {"type": "string"},
    },
}
DESCRIPTION = (
    "De-identified case rows (no personal field, no exact date), streamed. Rows whose "
    "identification month, region, age group and sex are shared by fewer cases than the "
    "suppression threshold are withheld; `X-Suppressed-Rows` says how many."
)
HEADERS = {"X-Suppressed-Rows": {"description": "Rows withheld", "schema": {"type": "integer"}}}


async def _prepare(
    request: Request,
    session: StreamSessionDep,
    caller: ExportReader,
    region_code: str | None,
    from_year: int | None,
    to_year: int | None,
) -> tuple[Select[Any], int]:
    return await service.prepare(
        session,
        caller,
        region_code=region_code,
        from_year=from_year,
        to_year=to_year,
        threshold=request.app.state.settings.suppression_threshold,
    )


@router.get(
    "/cases.csv",
    response_class=StreamingResponse,
    description=DESCRIPTION,
    responses={
        200: {
            "content": {"text/csv": {"schema": {"type": "string"}}},
            "headers": HEADERS,
            "description": "CSV with a header row; lists joined with ';'.",
        }
    },
)
async def export_cases_csv(
    request: Request,
    session: StreamSessionDep,
    caller: ExportReader,
    region_code: Annotated[str | None, Query(max_length=8)] = None,
    from_year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    to_year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
) -> StreamingResponse:
    query, withheld = await _prepare(request, session, caller, region_code, from_year, to_year)
    return StreamingResponse(
        service.stream_csv(session, query),
        media_type="text/csv; charset=utf-8",
        headers={
            "X-Suppressed-Rows": str(withheld),
            "Content-Disposition": 'attachment; filename="cases.csv"',
        },
    )


@router.get(
    "/cases.ndjson",
    response_class=StreamingResponse,
    description=DESCRIPTION,
    responses={
        200: {
            "content": {"application/x-ndjson": {"schema": ROW_SCHEMA}},
            "headers": HEADERS,
            "description": "One JSON object per line.",
        }
    },
)
async def export_cases_ndjson(
    request: Request,
    session: StreamSessionDep,
    caller: ExportReader,
    region_code: Annotated[str | None, Query(max_length=8)] = None,
    from_year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    to_year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
) -> StreamingResponse:
    query, withheld = await _prepare(request, session, caller, region_code, from_year, to_year)
    return StreamingResponse(
        service.stream_ndjson(session, query),
        media_type="application/x-ndjson",
        headers={"X-Suppressed-Rows": str(withheld)},
    )
