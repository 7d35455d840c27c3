from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from gtpptppo_api.auth.deps import RegionReader
from gtpptppo_api.db.session import SessionDep
from gtpptppo_api.errors import NotFound
from gtpptppo_api.kit.pagination import CursorPage, paginate
from gtpptppo_api.regions import service
from gtpptppo_api.regions.models import RegionLevel
from gtpptppo_api.regions.schemas import RegionRead

router = APIRouter(prefix="/regions", tags=["regions"])


@router.get("", response_model=CursorPage[RegionRead])
async def list_regions(
    session: SessionDep,
    _caller: RegionReader,
    level: RegionLevel | None = None,
    parent_code: Annotated[str | None, Query(max_length=8)] = None,
    within: Annotated[
        str | None, Query(max_length=8, description="Only this region and those under it.")
    ] = None,
) -> CursorPage[RegionRead]:
    """The reference regions (Kepmendagri 300.2.2-2138/2025), ordered by code."""
    query = service.list_query(level=level, parent_code=parent_code, within=within)
    page: CursorPage[RegionRead] = await paginate(session, query)
    return page


@router.get("/{code}")
async def get_region(code: str, session: SessionDep, _caller: RegionReader) -> RegionRead:
    region = await service.get(session, code)
    if region is None:
        raise NotFound(f"No region has the code {code!r}.")
    return RegionRead.model_validate(region)
