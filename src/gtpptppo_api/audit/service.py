"""Recording audit events, in the same transaction as the change they describe."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.audit.models import AuditEvent
from gtpptppo_api.auth.service import Caller


def snapshot(model: BaseModel | None) -> dict[str, Any] | None:
    """A JSON-ready copy of a read schema, for ``before`` and ``after``."""
    return None if model is None else model.model_dump(mode="json")


async def record(
    session: AsyncSession,
    caller: Caller,
    *,
    action: str,
    entity_type: str,
    entity_id: object,
    before: BaseModel | None = None,
    after: BaseModel | None = None,
    reason: str | None = None,
) -> AuditEvent:
    event = AuditEvent(
        actor_token_id=caller.token_id,
        actor_name=caller.name,
        actor_role=caller.role.value,
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id),
        before=snapshot(before),
        after=snapshot(after),
        reason=reason,
    )
    session.add(event)
    await session.flush()
    return event


def list_query(
    *,
    entity_type: str | None = None,
    entity_id: str | None = None,
    actor_token_id: int | None = None,
) -> Select[AuditEvent]:
    query = select(AuditEvent)
    if entity_type is not None:
        query = query.where(AuditEvent.entity_type == entity_type)
    if entity_id is not None:
        query = query.where(AuditEvent.entity_id == entity_id)
    if actor_token_id is not None:
        query = query.where(AuditEvent.actor_token_id == actor_token_id)
    return query.order_by(AuditEvent.id)
