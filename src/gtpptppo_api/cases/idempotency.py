"""``Idempotency-Key``: the first answer is stored with the writes and replayed on retries."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.cases.models import IdempotencyRecord
from gtpptppo_api.errors import ValidationFailed


async def find(
    session: AsyncSession, scope: str, key: str, request_hash: str
) -> IdempotencyRecord | None:
    record = await session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.scope == scope, IdempotencyRecord.key == key
        )
    )
    if record is not None and record.request_hash != request_hash:
        raise ValidationFailed.field(
            "Idempotency-Key", "was already used for a different request body"
        )
    return record


async def save(
    session: AsyncSession,
    scope: str,
    key: str,
    request_hash: str,
    status_code: int,
    response: dict[str, Any],
) -> None:
    """Stored in the same transaction as the batch: both land, or neither does."""
    session.add(
        IdempotencyRecord(
            scope=scope,
            key=key,
            request_hash=request_hash,
            status_code=status_code,
            response=response,
        )
    )
    await session.flush()
