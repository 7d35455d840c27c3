from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from gtpptppo_api.auth.deps import ExportReader
from gtpptppo_api.db.session import StreamSessionDep
from gtpptppo_api.exports import service

router = APIRouter(prefix="/exports", tags=["exports"])

ROW_SCHEMA = {
    "type": "object",
    "properties": {
        "year": {"type": "integer", "example": 2024, "description": "Year of identification"},
        "region_code": {
            "type": "string",
            "example": "33.02",
            "description": "Region of registration, or its province, or * (generalised)",
        },
        "age_group": {"type": "string", "enum": ["child", "adult", "*"]},
        "sex": {"type": "string", "enum": ["female", "male", "*"]},
        "nationality": {
            "type": "string",
            "description": "ISO country, or ID / foreign, or * (generalised)",
        },
        "destination": {
            "type": "string",
            "description": "ISO country (ID: inside Indonesia), or ID / abroad, or *; empty: "
            "none recorded",
        },
        "exploitation_types": {
            "type": "string",
            "description": "Sorted, joined with ';'; * where generalised",
        },
        "services": {
            "type": "string",
            "description": "Sorted, joined with ';'; * where generalised",
        },
        "legal_stage": {"type": "string"},
        "status": {"type": "string"},
    },
}
DESCRIPTION = (
    "De-identified case rows (no personal field, no exact date), streamed. For analysts a "
    "k-anonymous release: the quasi-identifiers (year, region, age group, sex, nationality, "
    "exploitation types, destination, services) are generalised (`*` where dropped) until "
    "every combination of them is shared by at least `GTPPTPPO_EXPORT_K` records (11 by "
    "default); the rest is withheld, and nothing says how much. National administrators "
    "get every row at its finest. See docs/disclosure-control.md."
)


async def _prepare(
    request: Request,
    session: StreamSessionDep,
    caller: ExportReader,
    region_code: str | None,
    from_year: int | None,
    to_year: int | None,
) -> service.Release:
    return await service.prepare(
        session,
        caller,
        region_code=region_code,
        from_year=from_year,
        to_year=to_year,
        k=request.app.state.disclosure.k,
    )


@router.get(
    "/cases.csv",
    response_class=StreamingResponse,
    description=DESCRIPTION,
    responses={
        200: {
            "content": {"text/csv": {"schema": {"type": "string"}}},
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
    release = await _prepare(request, session, caller, region_code, from_year, to_year)
    return StreamingResponse(
        service.stream_csv(session, release),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="cases.csv"'},
    )


@router.get(
    "/cases.ndjson",
    response_class=StreamingResponse,
    description=DESCRIPTION,
    responses={
        200: {
            "content": {"application/x-ndjson": {"schema": ROW_SCHEMA}},
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
    release = await _prepare(request, session, caller, region_code, from_year, to_year)
    return StreamingResponse(
        service.stream_ndjson(session, release), media_type="application/x-ndjson"
    )
