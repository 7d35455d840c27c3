from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from gtpptppo_api.kit.schemas import Schema
from gtpptppo_api.webhooks.models import DeliveryStatus


class WebhookSubscriptionCreate(Schema):
    url: str = Field(min_length=1, max_length=2000, examples=["https://app.example.go.id/hooks"])
    event_types: list[str] = Field(min_length=1, max_length=20, examples=[["report.state_changed"]])
    description: str | None = Field(default=None, max_length=500)


class WebhookSubscriptionUpdate(Schema):
    """Change the URL or the events; ``enabled: true`` takes a disabled subscription up
    again (its failures forgotten)."""

    url: str | None = Field(default=None, min_length=1, max_length=2000)
    event_types: list[str] | None = Field(default=None, min_length=1, max_length=20)
    description: str | None = Field(default=None, max_length=500)
    enabled: bool | None = None


class WebhookSubscriptionRead(Schema):
    id: int
    url: str
    event_types: list[str]
    description: str | None
    region_code: str | None
    service_centre_id: int | None
    enabled: bool
    disabled_reason: str | None
    failing_since: datetime | None
    previous_secret_until: datetime | None
    created_at: datetime


class WebhookSubscriptionCreated(WebhookSubscriptionRead):
    secret: str = Field(description="Verifies the signatures (Standard Webhooks); shown once.")


class WebhookSecretRotated(Schema):
    secret: str = Field(description="The new secret; shown once.")
    previous_secret_until: datetime | None = Field(
        description="Until then deliveries carry a signature by the previous secret too."
    )


class WebhookDeliveryRead(Schema):
    id: int
    event_id: int
    event_type: str
    status: DeliveryStatus
    attempts: int
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None
    response_status: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime


class WebhookEventTypeRead(Schema):
    name: str
    description: str
    fields: list[str]


class WebhookPayload(Schema):
    """The body of a delivery (Standard Webhooks): the event's type, time and data."""

    type: str
    timestamp: datetime
    data: dict[str, Any]
