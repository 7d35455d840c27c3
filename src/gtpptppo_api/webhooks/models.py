"""Webhook subscriptions, the events emitted, and one delivery per subscription and event."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from gtpptppo_api.db.base import Base, JSONType, utcnow


class WebhookSubscription(Base):
    """An app's URL, told of the events of ``event_types`` in its owner's jurisdiction."""

    __tablename__ = "webhook_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The token (or the person signed in through the provider) that subscribed: the owner.
    owner_token_id: Mapped[int] = mapped_column(ForeignKey("api_token.id"), index=True)
    # The jurisdiction, taken from the owner: a region and below (None: the nation), or a
    # service centre's own events only.
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"), index=True)
    service_centre_id: Mapped[int | None] = mapped_column(ForeignKey("service_centre.id"))
    url: Mapped[str] = mapped_column(String(2000))
    event_types: Mapped[list[str]] = mapped_column(JSONType)
    description: Mapped[str | None] = mapped_column(String(500))
    # Standard Webhooks secrets (whsec_...): they sign, so they are kept as they are.
    secret: Mapped[str] = mapped_column(String(100))
    previous_secret: Mapped[str | None] = mapped_column(String(100))
    previous_secret_until: Mapped[datetime | None] = mapped_column()
    enabled: Mapped[bool] = mapped_column(default=True)
    disabled_reason: Mapped[str | None] = mapped_column(String(500))
    # The first failed attempt since the last success; past GTPPTPPO_WEBHOOK_RETRY_HOURS of
    # failures the subscription is disabled.
    failing_since: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class WebhookEvent(Base):
    """Something that happened, as told to subscribers: ids, states and links only."""

    __tablename__ = "webhook_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(100))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))
    service_centre_id: Mapped[int | None] = mapped_column(ForeignKey("service_centre.id"))
    data: Mapped[dict[str, Any]] = mapped_column(JSONType)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)


class DeliveryStatus(enum.StrEnum):
    pending = "pending"  # waiting for its (next) attempt
    delivered = "delivered"  # the receiver answered 2xx
    failed = "failed"  # retried for GTPPTPPO_WEBHOOK_RETRY_HOURS, or its subscription disabled


class WebhookDelivery(Base):
    """One event for one subscription, and how its attempts went (the delivery log)."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (Index("ix_webhook_delivery_subscription", "subscription_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("webhook_subscription.id"))
    event_id: Mapped[int] = mapped_column(ForeignKey("webhook_event.id"))
    status: Mapped[DeliveryStatus] = mapped_column(
        Enum(DeliveryStatus, native_enum=False, length=16), default=DeliveryStatus.pending
    )
    attempts: Mapped[int] = mapped_column(default=0)
    last_attempt_at: Mapped[datetime | None] = mapped_column()
    next_attempt_at: Mapped[datetime | None] = mapped_column()
    response_status: Mapped[int | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(String(500))
    delivered_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
