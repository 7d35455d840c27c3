"""``GET /api/v1/statistics/victims`` on the lean path (``kit.lean``): byte for byte what the
route answers, at a fraction of its Python.

The same service (``read_victim_statistics``: the scope, the groups, the statements, the
disclosure control), read in one snapshot as ``one_snapshot`` reads it, but on the pool's
driver connection: on PostgreSQL one read-only REPEATABLE READ transaction of asyncpg
(``db.raw``: each statement compiled once per shape, prepared once per connection); on
SQLite (where the lean layer is not installed; its tests call the handler) a connection of
the engine in one transaction. The body is encoded by orjson in the fields'
order of ``VictimStatistics``.

What the route would refuse or could not answer (a parameter it would not take, a role
without ``statistics:read``, a region outside the jurisdiction, the database away) is
handed on (``None``): the full stack answers it, with its own problem+json.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from starlette.datastructures import QueryParams
from starlette.requests import Request

from gtpptppo_api.auth.deps import PERMISSIONS
from gtpptppo_api.auth.service import Caller
from gtpptppo_api.db.planner import SEQSCAN_DEFAULT, SEQSCAN_OFF
from gtpptppo_api.db.raw import RawConnection, RawReader
from gtpptppo_api.disclosure.control import Control
from gtpptppo_api.errors import DATABASE_ERRORS, AppError
from gtpptppo_api.kit.lean import LeanAnswer, LeanRoute
from gtpptppo_api.statistics import service
from gtpptppo_api.statistics.schemas import VictimStatistics

ROLES = PERMISSIONS["statistics:read"]
# The route's bounds of a year (``Query(ge=1900, le=2200)``); a year written otherwise
# (a sign, spaces, leading zeros) is the route's to read or refuse.
FIRST_YEAR, LAST_YEAR = 1900, 2200
_YEAR = re.compile(r"[12][0-9]{3}")
REGION_CODE_MAX = 8  # the route's ``max_length``
FIELDS = tuple(VictimStatistics.model_fields)


class DriverReader:
    """A ``service.Reader`` on a pooled connection's driver (``db.raw``), inside a
    transaction it does not outlive: a planner setting (``by_index``) is undone only when a
    statement that did not ask for it follows; the end of the transaction undoes it anyway."""

    def __init__(self, connection: RawConnection) -> None:
        self.connection = connection
        self.by_index = False

    async def rows(self, statement: Any, *, by_index: bool = False) -> Sequence[Sequence[Any]]:
        if by_index != self.by_index:
            await self.connection.execute(SEQSCAN_OFF if by_index else SEQSCAN_DEFAULT)
            self.by_index = by_index
        rows: Sequence[Sequence[Any]] = await self.connection.fetch_statement(statement)
        return rows


class ConnectionReader:
    """A ``service.Reader`` on a connection of the engine (SQLite: its planner takes the
    partial index on its own)."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def rows(self, statement: Any, *, by_index: bool = False) -> Sequence[Sequence[Any]]:
        return service.plain_rows(await self.connection.execute(statement))


def _single(query: QueryParams, name: str) -> tuple[bool, str | None]:
    """(taken, value) of a parameter given at most once."""
    found = query.getlist(name)
    if len(found) > 1:
        return False, None
    return True, found[0] if found else None


def _year(query: QueryParams, name: str) -> tuple[bool, int | None]:
    taken, text = _single(query, name)
    if not taken or text is None:
        return taken, None
    if not _YEAR.fullmatch(text) or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        return False, None
    return True, int(text)


def parameters(query: QueryParams) -> dict[str, Any] | None:
    """The route's parameters as it reads them, or ``None`` where this is not sure to read
    them the same (the route then reads them, and refuses what it refuses)."""
    taken_from, from_year = _year(query, "from_year")
    taken_to, to_year = _year(query, "to_year")
    taken_region, region_code = _single(query, "region_code")
    taken_basis, year_basis = _single(query, "year_basis")
    if not (taken_from and taken_to and taken_region and taken_basis):
        return None
    if region_code is not None and not 0 < len(region_code) <= REGION_CODE_MAX:
        return None
    return {
        "from_year": from_year,
        "to_year": to_year,
        "region_code": region_code,
        "group_by": query.getlist("group_by"),
        "year_basis": service.DEFAULT_YEAR_BASIS if year_basis is None else year_basis,
    }


async def victims(request: Request, caller: Caller) -> LeanAnswer | None:
    """The statistics as the route answers them, or ``None`` to hand the request on."""
    if caller.role not in ROLES:
        return None
    asked = parameters(request.query_params)
    if asked is None:
        return None
    engine: AsyncEngine = request.app.state.engine
    control: Control = request.app.state.disclosure
    raw: RawReader | None = getattr(request.app.state, "raw_reader", None)
    try:
        if raw is not None:
            async with raw.snapshot() as pooled:
                result = await service.read_victim_statistics(
                    DriverReader(pooled), caller, control=control, **asked
                )
        else:
            async with engine.connect() as connection, connection.begin():
                result = await service.read_victim_statistics(
                    ConnectionReader(connection), caller, control=control, **asked
                )
    except AppError:
        return None  # a refusal: the route's, with its problem+json
    except DATABASE_ERRORS:
        return None  # the database away or refusing: the route's 503 (or 422)
    return LeanAnswer(orjson.dumps({field: result[field] for field in FIELDS}))


API_PREFIX = "/api/v1"
ROUTES = (LeanRoute(API_PREFIX + "/statistics/victims", "statistics:read", victims),)
