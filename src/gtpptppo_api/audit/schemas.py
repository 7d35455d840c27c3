from __future__ import annotations

from datetime import datetime
from typing import Any

from gtpptppo_api.kit.schemas import Schema


class AuditEventRead(Schema):
    id: int
    occurred_at: datetime
    actor_token_id: int | None
    actor_name: str
    actor_role: str
    action: str
    entity_type: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str | None
