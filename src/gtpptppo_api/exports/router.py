from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse

from gtpptppo_api.auth.deps import ExportReader, HtcdsExportReader
from gtpptppo_api.db.session import StreamSessionDep
from gtpptppo_api.exports import htcds, service, simfoni

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


HTCDS_DESCRIPTION = (
    "The cases in the field and value names of HTCDS 2.0 (the Human Trafficking Case Data "
    "Standard). National administrators (any region) and a service centre (its own cases): "
    "one record per case, the JSON with its perpetrators (`perpetrators`) and trafficking "
    "events (`hte`); the personal fields (`prs_FirstName`, `prs_IdentityNumber`, "
    "`prs_MobilePhone`, `prs_Birthdate`, the perpetrators' names) only with "
    "`?include=personal` and an `X-Access-Reason`, audited. Analysts: the k-anonymous "
    "release of `/exports/cases.csv` under the standard's names. See docs/htcds.md."
)
HTCDS_ROW = {
    "type": "object",
    "description": "A case: `cas_*`, `prs_*`, `vic_*` fields; `perpetrators` (`per_*`), "
    "`hte` (`hte_*`). Multi-select picklists are lists of the standard's value names.",
    "additionalProperties": True,
}


async def _htcds(
    request: Request,
    session: StreamSessionDep,
    caller: HtcdsExportReader,
    region_code: str | None,
    from_year: int | None,
    to_year: int | None,
    include: str | None,
    reason: str | None,
) -> htcds.Export:
    return await htcds.prepare(
        session,
        caller,
        region_code=region_code,
        from_year=from_year,
        to_year=to_year,
        k=request.app.state.disclosure.k,
        reason=reason,
        keyring=request.app.state.keyring() if include == "personal" else None,
    )


Include = Annotated[
    str | None, Query(pattern="^personal$", description="`personal` to add personal fields.")
]
AccessReason = Annotated[
    str | None,
    Header(max_length=500, description="Why personal fields are exported; required with them."),
]


@router.get(
    "/htcds.csv",
    response_class=StreamingResponse,
    description=HTCDS_DESCRIPTION,
    responses={
        200: {
            "content": {"text/csv": {"schema": {"type": "string"}}},
            "description": "CSV, a row per case with the case-level fields; lists joined with ';'.",
        }
    },
)
async def export_htcds_csv(
    request: Request,
    session: StreamSessionDep,
    caller: HtcdsExportReader,
    region_code: Annotated[str | None, Query(max_length=8)] = None,
    from_year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    to_year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    include: Include = None,
    x_access_reason: AccessReason = None,
) -> StreamingResponse:
    export = await _htcds(
        request, session, caller, region_code, from_year, to_year, include, x_access_reason
    )
    return StreamingResponse(
        htcds.stream_csv(session, export),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="htcds.csv"'},
    )


@router.get(
    "/htcds.json",
    response_class=StreamingResponse,
    description=HTCDS_DESCRIPTION,
    responses={
        200: {
            "content": {"application/json": {"schema": {"type": "array", "items": HTCDS_ROW}}},
            "description": "A JSON array, a record per case.",
        }
    },
)
async def export_htcds_json(
    request: Request,
    session: StreamSessionDep,
    caller: HtcdsExportReader,
    region_code: Annotated[str | None, Query(max_length=8)] = None,
    from_year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    to_year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    include: Include = None,
    x_access_reason: AccessReason = None,
) -> StreamingResponse:
    export = await _htcds(
        request, session, caller, region_code, from_year, to_year, include, x_access_reason
    )
    return StreamingResponse(htcds.stream_json(session, export), media_type="application/json")


SIMFONI_DESCRIPTION = (
    "The cases in the categories of SIMFONI-PPA (the ministry's Sistem Informasi Online "
    "Perlindungan Perempuan dan Anak), with its Indonesian column headers and labels: a row "
    "per case, for national administrators (any region) and a service centre (its own "
    "cases); analysts 403. What the case already holds gives the age band, the forms of "
    "violence, the perpetrators' sex and relationship; the case's `simfoni` object the "
    "rest. The victim's personal fields (`Nama Korban`, `NIK Korban`, `Nomor Telepon "
    "Korban`, `Tanggal Lahir Korban`) only with `?include=personal` and an "
    '`X-Access-Reason`, audited. See docs/htcds.md, "SIMFONI-PPA".'
)
SIMFONI_ROW = {
    "type": "object",
    "description": "A case under SIMFONI-PPA's column headers; multi-valued categories "
    "(`Bentuk Kekerasan`, `Jenis Kelamin Pelaku`, `Hubungan Pelaku dengan Korban`) are "
    "lists of labels.",
    "additionalProperties": True,
}


async def _simfoni(
    request: Request,
    session: StreamSessionDep,
    caller: HtcdsExportReader,
    region_code: str | None,
    from_year: int | None,
    to_year: int | None,
    include: str | None,
    reason: str | None,
) -> simfoni.Export:
    return await simfoni.prepare(
        session,
        caller,
        region_code=region_code,
        from_year=from_year,
        to_year=to_year,
        reason=reason,
        keyring=request.app.state.keyring() if include == "personal" else None,
    )


@router.get(
    "/simfoni.csv",
    response_class=StreamingResponse,
    description=SIMFONI_DESCRIPTION,
    responses={
        200: {
            "content": {"text/csv": {"schema": {"type": "string"}}},
            "description": "CSV, a row per case; lists joined with ';'.",
        }
    },
)
async def export_simfoni_csv(
    request: Request,
    session: StreamSessionDep,
    caller: HtcdsExportReader,
    region_code: Annotated[str | None, Query(max_length=8)] = None,
    from_year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    to_year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    include: Include = None,
    x_access_reason: AccessReason = None,
) -> StreamingResponse:
    export = await _simfoni(
        request, session, caller, region_code, from_year, to_year, include, x_access_reason
    )
    return StreamingResponse(
        simfoni.stream_csv(session, export),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="simfoni.csv"'},
    )


@router.get(
    "/simfoni.json",
    response_class=StreamingResponse,
    description=SIMFONI_DESCRIPTION,
    responses={
        200: {
            "content": {"application/json": {"schema": {"type": "array", "items": SIMFONI_ROW}}},
            "description": "A JSON array, a record per case.",
        }
    },
)
async def export_simfoni_json(
    request: Request,
    session: StreamSessionDep,
    caller: HtcdsExportReader,
    region_code: Annotated[str | None, Query(max_length=8)] = None,
    from_year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    to_year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    include: Include = None,
    x_access_reason: AccessReason = None,
) -> StreamingResponse:
    export = await _simfoni(
        request, session, caller, region_code, from_year, to_year, include, x_access_reason
    )
    return StreamingResponse(
        simfoni.stream_json(session, export), media_type="application/json; charset=utf-8"
    )
