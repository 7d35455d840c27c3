"""Identity mappings (issuer + claim value -> role, region, centre) and federated identities."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gtpptppo_api.auth.models import Role
from gtpptppo_api.db.base import Base, utcnow


class IdentityMapping(Base):
    """A value of a provider's claim (a group) that makes its holder a role in a region.

    Kept by the national administrator: a provider's group "dinas-ppa-banyumas" becomes a
    regency's ``task_force_admin`` of 33.02. Nothing else of a token gives a role.
    """

    __tablename__ = "identity_mapping"
    __table_args__ = (UniqueConstraint("issuer", "claim", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(500))
    claim: Mapped[str] = mapped_column(String(100))
    value: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=32))
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"))
    service_centre_id: Mapped[int | None] = mapped_column(ForeignKey("service_centre.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FederatedIdentity(Base):
    """A subject of a provider seen signing in, anchored to an ``api_token`` row.

    The anchor is what audit events, publications and rate limits name (``actor_token_id``),
    so a person signed in through the provider is traced like a token holder. Its hash is of
    random bytes never shown: the anchor cannot be used as a bearer token.
    """

    __tablename__ = "federated_identity"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(500))
    subject: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(200))
    token_id: Mapped[int] = mapped_column(ForeignKey("api_token.id"), unique=True)
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
