from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from gtpptppo_api.audit import service
from gtpptppo_api.audit.schemas import AuditEventRead
from gtpptppo_api.auth.deps import NationalAdmin
from gtpptppo_api.db.session import SessionDep
from gtpptppo_api.kit.pagination import CursorPage, paginate

router = APIRouter(prefix="/audit-events", tags=["audit"])


@router.get("", response_model=CursorPage[AuditEventRead])
async def list_audit_events(
    session: SessionDep,
    _caller: NationalAdmin,
    entity_type: Annotated[str | None, Query(max_length=64)] = None,
    entity_id: Annotated[str | None, Query(max_length=64)] = None,
    actor_token_id: int | None = None,
) -> CursorPage[AuditEventRead]:
    """Every write, oldest first (national admins only)."""
    query = service.list_query(
        entity_type=entity_type, entity_id=entity_id, actor_token_id=actor_token_id
    )
    page: CursorPage[AuditEventRead] = await paginate(session, query)
    return page
