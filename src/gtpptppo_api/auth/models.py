"""API tokens: only a SHA-256 hash of each token is stored."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from gtpptppo_api.db.base import Base, utcnow


class Role(enum.StrEnum):
    """Who a caller is; see docs/architecture.md, "Access and disclosure"."""

    national_admin = "national_admin"
    task_force_admin = "task_force_admin"
    reporter = "reporter"
    service_centre = "service_centre"
    analyst = "analyst"


class ApiToken(Base):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=32))
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"))
    service_centre_id: Mapped[int | None] = mapped_column(ForeignKey("service_centre.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column()
