"""Lean reads of cases (``kit.lean``): the case list and a case by id without its personal
fields, answered from the driver's rows (``db.raw``) encoded by orjson, byte for byte as
``GET /cases`` and ``GET /cases/{case_id}`` answer through FastAPI and ``CaseRead``.

The queries are the full path's own (``service.list_query`` and its keyset page,
``service.READ_BY_ID``, ``service.duplicates_query``), and so is the jurisdiction check
(``service.sees_case``). What the handlers do not reproduce exactly they hand on (None):
a parameter they do not know, one repeated, a value the full path would refuse (422), a
cursor it would refuse, personal fields (an audited read), a case outside the
jurisdiction or missing (its 404), conditional requests, a stored value that is not
plainly what ``CaseRead`` would show. ``tests/cases/test_lean_reads.py`` holds their
answers to the full stack's, byte for byte.

PostgreSQL only (``db.raw``): on SQLite, the embedded mode of one site, every read goes
through FastAPI.
"""

from __future__ import annotations

import enum
import re
import uuid
from collections.abc import Mapping
from typing import Any

import orjson
from fastapi_pagination.cursor import encode_cursor
from pydantic import TypeAdapter
from starlette.requests import Request

from gtpptppo_api.auth.service import Caller
from gtpptppo_api.cases import service
from gtpptppo_api.cases.models import AgeGroup, CaseStatus, ExploitationType, ServiceType, Sex
from gtpptppo_api.cases.schemas import CaseRead
from gtpptppo_api.db.raw import RawReader
from gtpptppo_api.errors import AppError
from gtpptppo_api.kit.lean import LeanAnswer, LeanRoute
from gtpptppo_api.kit.pagination import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    cursor_place,
    keyset_paging,
    keyset_select,
    page_cursors,
)


class _Decline(Exception):
    """A value the lean path does not show exactly as ``CaseRead`` does: hand on."""


def _by_name(cls: type[enum.Enum]) -> dict[str, str]:
    """An enum column's stored names (SQLAlchemy's ``Enum``) -> the values shown."""
    return {member.name: member.value for member in cls}


def _values(cls: type[enum.Enum]) -> dict[str, Any]:
    return {member.value: member.value for member in cls}


def _field_enum(name: str) -> type[enum.Enum]:
    annotation = CaseRead.model_fields[name].annotation
    for candidate in (annotation, *getattr(annotation, "__args__", ())):
        if isinstance(candidate, type) and issubclass(candidate, enum.Enum):
            return candidate
    raise TypeError(f"CaseRead.{name} is not an enum")


_SEX = _by_name(Sex)
_AGE_GROUP = _by_name(AgeGroup)
_LEGAL_STAGE = _by_name(_field_enum("legal_stage"))
_STATUS = _by_name(CaseStatus)
_MAJORITY = _values(_field_enum("majority_at_exploitation"))
_EXPLOITATION = _values(ExploitationType)


# The JSON columns shown through a model: each value (when not empty) validated and
# serialised by the type CaseRead gives it, so that it reads exactly as there.
def _adapter(name: str) -> TypeAdapter[Any]:
    annotation = CaseRead.model_fields[name].annotation
    assert annotation is not None
    return TypeAdapter(annotation)


_NESTED = {
    name: _adapter(name)
    for name in ("services", "transit", "victim_context", "perpetrators", "events", "simfoni")
}
_NULL_WHEN_EMPTY = frozenset({"victim_context", "simfoni"})  # ``service.read_row``
_I = {name: i for i, name in enumerate(service.READ_NAMES)}
# The order ``case_json`` unpacks a row in: the columns read, as ``service`` selects them.
_UNPACKED = (
    "id",
    "service_centre_id",
    "external_ref",
    "registered_region_code",
    "origin_region_code",
    "destination_region_code",
    "destination_country",
    "identified_on",
    "incident_on",
    "incident_year",
    "sex",
    "age_at_identification",
    "nationality",
    "age_group",
    "exploitation_types",
    "services",
    "transit",
    "legal_stage",
    "status",
    "closure_reason",
    "victim_context",
    "perpetrators",
    "events",
    "simfoni",
    "age_at_exploitation",
    "majority_at_exploitation",
    "version",
    "created_at",
    "updated_at",
)
if _UNPACKED != service.READ_NAMES:  # fails at import, not in an answer
    raise RuntimeError("cases.lean unpacks the columns of service.READ_NAMES in its order")
_COLUMNS = len(_UNPACKED)


def _text(value: str | None) -> str | None:
    """A text field: CaseRead strips surrounding whitespace, which a stored value has not."""
    if value and (value[0].isspace() or value[-1].isspace()):
        raise _Decline
    return value


def _enum(table: Mapping[str, Any], value: Any) -> Any:
    if value is None:
        return None
    found = table.get(value)
    if found is None:
        raise _Decline
    return found


def _nested(name: str, value: Any) -> Any:
    if not value:
        return None if name in _NULL_WHEN_EMPTY else []
    adapter = _NESTED[name]
    try:
        return orjson.Fragment(adapter.dump_json(adapter.validate_python(value)))
    except ValueError as exc:
        raise _Decline from exc


def case_json(row: Any, likely_duplicates: list[str] | None = None) -> dict[str, Any]:
    """A row of ``service.READ_COLUMNS`` as ``CaseRead`` shows it, for orjson (key order,
    values and nulls as pydantic writes them)."""
    (
        case_id,
        centre_id,
        external_ref,
        registered,
        origin,
        region_code,
        country,
        identified_on,
        incident_on,
        incident_year,
        sex,
        age,
        nationality,
        age_group,
        exploitation,
        services,
        transit,
        legal_stage,
        status,
        closure_reason,
        context,
        perpetrators,
        events,
        simfoni,
        age_at_exploitation,
        majority,
        version,
        created_at,
        updated_at,
    ) = row[:_COLUMNS]
    if not isinstance(exploitation, list) or not all(
        isinstance(value, str) and value in _EXPLOITATION for value in exploitation
    ):
        raise _Decline
    return {
        "id": str(case_id),
        "service_centre_id": centre_id,
        "external_ref": _text(external_ref),
        "registered_region_code": _text(registered),
        "origin_region_code": _text(origin),
        "destination": (
            {"region_code": _text(region_code), "country": _text(country)}
            if region_code or country
            else None
        ),
        "identified_on": identified_on,
        "incident_on": incident_on,
        "incident_year": incident_year,
        "victim": {
            "sex": _enum(_SEX, sex),
            "age_at_identification": age,
            "nationality": nationality,
        },
        "age_group": _enum(_AGE_GROUP, age_group),
        "exploitation_types": exploitation,
        "services": _nested("services", services) if services else [],
        "transit": _nested("transit", transit) if transit else [],
        "legal_stage": _enum(_LEGAL_STAGE, legal_stage),
        "status": _enum(_STATUS, status),
        "closure_reason": _text(closure_reason),
        "victim_context": _nested("victim_context", context) if context else None,
        "perpetrators": _nested("perpetrators", perpetrators) if perpetrators else [],
        "events": _nested("events", events) if events else [],
        "simfoni": _nested("simfoni", simfoni) if simfoni else None,
        "age_at_exploitation": age_at_exploitation,
        "majority_at_exploitation": _enum(_MAJORITY, majority),
        "version": version,
        "created_at": created_at,
        "updated_at": updated_at,
        "personal": None,
        "witnesses": None,
        "likely_duplicates": likely_duplicates,
    }


def _dumps(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_UTC_Z)


# Conditional requests go through the full stack (which answers them in full, as today).
_CONDITIONAL = ("if-none-match", "if-modified-since")


def _reader(request: Request) -> RawReader | None:
    """The app's raw reader (PostgreSQL, once started), unless the request is conditional."""
    if any(name in request.headers for name in _CONDITIONAL):
        return None
    reader: RawReader | None = getattr(request.app.state, "raw_reader", None)
    return reader


# --- the list -----------------------------------------------------------------------------

_ALLOWED = frozenset(
    {
        "region_code",
        "year",
        "sex",
        "age_group",
        "exploitation_type",
        "service",
        "status",
        "service_centre_id",
        "limit",
        "cursor",
    }
)
_INTEGER = re.compile(r"[0-9]{1,9}")
_FILTER_ENUMS: dict[str, tuple[str, type[enum.Enum]]] = {
    "sex": ("sex", Sex),
    "age_group": ("age_group", AgeGroup),
    "exploitation_type": ("exploitation_type", ExploitationType),
    "service": ("service", ServiceType),
    "status": ("status", CaseStatus),
}


def _integer(text: str, low: int, high: int) -> int:
    if not _INTEGER.fullmatch(text):
        raise _Decline
    value = int(text)
    if not low <= value <= high:
        raise _Decline
    return value


def _list_params(request: Request) -> tuple[dict[str, Any], int, str | None]:
    """The filters, the page size and the cursor, as the route would take them; _Decline
    for anything it would refuse or that is not plainly one of them."""
    items = request.query_params.multi_items()
    names = [name for name, _ in items]
    if len(set(names)) != len(names) or not _ALLOWED.issuperset(names):
        raise _Decline
    filters: dict[str, Any] = {}
    size, cursor = DEFAULT_LIMIT, None
    for name, text in items:
        if not text:
            raise _Decline
        if name == "limit":
            size = _integer(text, 1, MAX_LIMIT)
        elif name == "cursor":
            cursor = text
        elif name == "year":
            filters["year"] = _integer(text, 1900, 2200)
        elif name == "service_centre_id":
            filters["service_centre_id"] = _integer(text, 0, 999_999_999)
        elif name == "region_code":
            if len(text) > 8:
                raise _Decline
            filters["region_code"] = text
        else:
            keyword, cls = _FILTER_ENUMS[name]
            try:
                filters[keyword] = cls(text)
            except ValueError as exc:
                raise _Decline from exc
    return filters, size, cursor


# First pages by what makes them (the caller, the filters, the size): their SQL and
# values, as ``service.list_query`` and ``keyset_select`` give them (pure functions of
# these), so that a repeated first page builds and compiles nothing. Bounded.
_FIRST_PAGES: dict[Any, tuple[str, list[Any], list[int] | None]] = {}
MAX_FIRST_PAGES = 4096


def _page_statement(
    reader: RawReader, caller: Caller, filters: dict[str, Any], size: int, cursor: str | None
) -> tuple[str, list[Any], list[int] | None, Any, bool]:
    """The SQL and values of the page, where its keys are among its columns, and the
    cursor's place and direction."""
    key = (caller, tuple(filters.items()), size)
    if cursor is None and (found := _FIRST_PAGES.get(key)) is not None:
        return (*found, None, False)
    query = service.list_query(caller, **filters)
    place, backwards = cursor_place(query, cursor) if cursor else (None, False)
    paged, positions = keyset_select(query, place, backwards, size)
    sql, values = reader.driver_statement(paged)
    if cursor is None:
        if len(_FIRST_PAGES) >= MAX_FIRST_PAGES:
            _FIRST_PAGES.clear()
        _FIRST_PAGES[key] = (sql, values, positions)
    return sql, values, positions, place, backwards


async def case_list(request: Request, caller: Caller) -> LeanAnswer | None:
    """``GET /cases``: a page of the caller's visible cases, filtered."""
    reader = _reader(request)
    if reader is None:
        return None
    try:
        filters, size, cursor = _list_params(request)
        sql, values, positions, place, backwards = _page_statement(
            reader, caller, filters, size, cursor
        )
        async with reader.connect() as conn:
            rows = await conn.fetch(sql, values)
        paging, items = keyset_paging(rows, positions, size, backwards, place)
        cursors = page_cursors(paging)
        body = _dumps(
            {
                "items": [case_json(row) for row in items],
                "total": None,
                "current_page": encode_cursor(cursors["current"]),
                "current_page_backwards": encode_cursor(cursors["current_backwards"]),
                "previous_cursor": encode_cursor(cursors["previous"]),
                "next_cursor": encode_cursor(cursors["next_"]),
            }
        )
    except (_Decline, AppError):
        return None
    return LeanAnswer(body)


# --- one case -----------------------------------------------------------------------------

_ROW_NAMES = len(service.READ_NAMES)
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


async def case_by_id(request: Request, caller: Caller) -> LeanAnswer | None:
    """``GET /cases/{case_id}`` without personal fields, for a case the caller sees."""
    reader = _reader(request)
    if reader is None or request.query_params or "x-access-reason" in request.headers:
        return None
    text = request.path_params["case_id"]
    if not _UUID.fullmatch(text):
        return None
    case_id = uuid.UUID(text)
    async with reader.connect() as conn:
        rows = await conn.fetch_statement(service.READ_BY_ID, {"case_id": case_id})
        if not rows:
            return None
        row = rows[0]
        registered, centre = row[_I["registered_region_code"]], row[_I["service_centre_id"]]
        if not service.sees_case(caller, registered, centre):
            return None
        nik_index, year, shared = row[_ROW_NAMES], row[_ROW_NAMES + 1], row[_ROW_NAMES + 2]
        found = []
        if service.may_have_duplicates(nik_index, shared):
            params = service.duplicates_params(case_id, nik_index, year)
            found = await conn.fetch_statement(service.duplicates_query(caller), params)
    duplicates = [str(duplicate[0]) for duplicate in found]
    try:
        body = _dumps(case_json(row, duplicates))
    except _Decline:
        return None
    return LeanAnswer(body)


API_PREFIX = "/api/v1"
ROUTES = (
    LeanRoute(API_PREFIX + "/cases", "cases:read", case_list),
    LeanRoute(API_PREFIX + "/cases/{case_id}", "cases:read", case_by_id),
)
