from __future__ import annotations

from datetime import datetime

from pydantic import Field

from gtpptppo_api.auth.models import Role
from gtpptppo_api.kit.schemas import Schema


class IdentityMappingCreate(Schema):
    """Holders of ``value`` in ``claim`` of ``issuer``'s tokens act as ``role`` there."""

    issuer: str = Field(min_length=1, max_length=500, examples=["https://sso.example.go.id"])
    claim: str = Field(
        default="groups", min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.:-]+$"
    )
    value: str = Field(min_length=1, max_length=200, examples=["dinas-ppa-banyumas"])
    role: Role
    region_code: str | None = Field(
        default=None,
        max_length=20,
        description="Required for task_force_admin and reporter; none for national roles.",
    )
    service_centre_id: int | None = Field(
        default=None, description="Required for service_centre (its region is the centre's)."
    )


class IdentityMappingRead(Schema):
    id: int
    issuer: str
    claim: str
    value: str
    role: Role
    region_code: str | None
    service_centre_id: int | None
    created_at: datetime
