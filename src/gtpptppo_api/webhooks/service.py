"""Webhook subscriptions (kept by their owner) and the delivery of one event to one of them.

A subscription takes its owner's jurisdiction (a region and below, the nation, or a centre's
own events) when it is made; ``events.emit`` writes a delivery and a job per subscription an
event concerns. ``attempt`` is the job: one signed POST (Standard Webhooks), then, on a
failure, the next attempt as a job deferred by an exponential backoff
(``GTPPTPPO_WEBHOOK_RETRY_BASE_SECONDS``, doubling, at most an hour apart), until
``GTPPTPPO_WEBHOOK_RETRY_HOURS`` after the event; a subscription whose every attempt failed
for that long is disabled, until its owner enables it again.
"""

from __future__ import annotations

import base64
import json
import secrets
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import Select, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from standardwebhooks.webhooks import Webhook

from gtpptppo_api import jobs
from gtpptppo_api.audit import service as audit
from gtpptppo_api.auth.models import Role
from gtpptppo_api.auth.service import Caller
from gtpptppo_api.db.base import utcnow
from gtpptppo_api.errors import FieldErrors, NotFound
from gtpptppo_api.kit.region_codes import NATIONAL
from gtpptppo_api.regions import service as regions
from gtpptppo_api.settings import Settings
from gtpptppo_api.task_forces import service as task_forces
from gtpptppo_api.webhooks import urls
from gtpptppo_api.webhooks.events import CATALOGUE, DELIVER
from gtpptppo_api.webhooks.models import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from gtpptppo_api.webhooks.schemas import (
    WebhookSubscriptionCreate,
    WebhookSubscriptionRead,
    WebhookSubscriptionUpdate,
)

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's marker, not a secret
MAX_DELAY_SECONDS = 3600.0
USER_AGENT = "gtpptppo-webhooks/1"


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


async def _check(
    body: WebhookSubscriptionCreate | WebhookSubscriptionUpdate, settings: Settings
) -> None:
    errors = FieldErrors()
    if body.event_types is not None:
        for index, name in enumerate(body.event_types):
            if name not in CATALOGUE:
                errors.add(
                    f"event_types.{index}",
                    f"no event type {name!r}; one of {', '.join(sorted(CATALOGUE))}",
                )
    if body.url is not None:
        try:
            await urls.resolve(body.url, settings)
        except urls.RefusedUrl as exc:
            errors.add("url", str(exc))
    errors.raise_if_any("The webhook subscription is not valid.")


def _read(subscription: WebhookSubscription) -> WebhookSubscriptionRead:
    return WebhookSubscriptionRead.model_validate(subscription)


async def create(
    session: AsyncSession, caller: Caller, body: WebhookSubscriptionCreate, settings: Settings
) -> WebhookSubscription:
    """Subscribe a URL to events in the caller's own jurisdiction."""
    await _check(body, settings)
    subscription = WebhookSubscription(
        owner_token_id=caller.token_id,
        region_code=caller.region_code,
        service_centre_id=caller.service_centre_id,
        url=body.url,
        event_types=sorted(set(body.event_types)),
        description=body.description,
        secret=new_secret(),
        enabled=True,
    )
    session.add(subscription)
    await session.flush()
    await audit.record(
        session,
        caller,
        action="create",
        entity_type="webhook_subscription",
        entity_id=subscription.id,
        after=_read(subscription),
    )
    return subscription


def visible_clause(caller: Caller) -> Any:
    """A centre's callers see its own subscriptions; the chain sees those of its region and
    below (a centre's too); the national administrator sees all."""
    if caller.role is Role.national_admin:
        return WebhookSubscription.id.is_not(None)
    if caller.service_centre_id is not None:
        return WebhookSubscription.service_centre_id == caller.service_centre_id
    return regions.subtree_clause(WebhookSubscription.region_code, caller.scope_code)


async def get_visible(
    session: AsyncSession, caller: Caller, subscription_id: int
) -> WebhookSubscription:
    subscription = await session.scalar(
        select(WebhookSubscription).where(
            WebhookSubscription.id == subscription_id, visible_clause(caller)
        )
    )
    if subscription is None:
        raise NotFound(f"No webhook subscription {subscription_id} in your jurisdiction.")
    return subscription


async def get_own(
    session: AsyncSession, caller: Caller, subscription_id: int
) -> WebhookSubscription:
    """A subscription its owner's level changes (403 to the level above, which reads it)."""
    subscription = await get_visible(session, caller, subscription_id)
    task_forces.ensure_own_level(
        caller, subscription.region_code or NATIONAL, "Changing a webhook subscription"
    )
    return subscription


def list_query(caller: Caller) -> Select[WebhookSubscription]:
    return (
        select(WebhookSubscription).where(visible_clause(caller)).order_by(WebhookSubscription.id)
    )


async def update(
    session: AsyncSession,
    caller: Caller,
    subscription_id: int,
    body: WebhookSubscriptionUpdate,
    settings: Settings,
) -> WebhookSubscription:
    """Change a subscription; ``enabled: true`` takes a disabled one up again."""
    subscription = await get_own(session, caller, subscription_id)
    await _check(body, settings)
    before = _read(subscription)
    if body.url is not None:
        subscription.url = body.url
    if body.event_types is not None:
        subscription.event_types = sorted(set(body.event_types))
    if "description" in body.model_fields_set:
        subscription.description = body.description
    if body.enabled is True and not subscription.enabled:
        subscription.enabled = True
        subscription.disabled_reason = None
        subscription.failing_since = None
    elif body.enabled is False and subscription.enabled:
        subscription.enabled = False
        subscription.disabled_reason = "disabled by its owner"
    await session.flush()
    await audit.record(
        session,
        caller,
        action="update",
        entity_type="webhook_subscription",
        entity_id=subscription.id,
        before=before,
        after=_read(subscription),
    )
    return subscription


async def remove(session: AsyncSession, caller: Caller, subscription_id: int) -> None:
    """Delete a subscription and its delivery log; its pending deliveries are dropped."""
    subscription = await get_own(session, caller, subscription_id)
    await audit.record(
        session,
        caller,
        action="delete",
        entity_type="webhook_subscription",
        entity_id=subscription.id,
        before=_read(subscription),
    )
    await session.execute(
        delete(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription.id)
    )
    await session.delete(subscription)
    await session.flush()


async def rotate_secret(
    session: AsyncSession, caller: Caller, subscription_id: int, settings: Settings
) -> tuple[WebhookSubscription, str]:
    """A new secret; the current one keeps signing too for the overlap, then retires."""
    subscription = await get_own(session, caller, subscription_id)
    overlap = timedelta(hours=settings.webhook_secret_overlap_hours)
    subscription.previous_secret = subscription.secret if overlap else None
    subscription.previous_secret_until = utcnow() + overlap if overlap else None
    subscription.secret = new_secret()
    await session.flush()
    await audit.record(
        session,
        caller,
        action="rotate_secret",
        entity_type="webhook_subscription",
        entity_id=subscription.id,
    )
    return subscription, subscription.secret


def deliveries_query(subscription: WebhookSubscription) -> Select[*tuple[Any, ...]]:
    """The subscription's deliveries, newest first, with their event's type."""
    return (
        select(
            WebhookDelivery.id,
            WebhookDelivery.event_id,
            WebhookEvent.type.label("event_type"),
            WebhookDelivery.status,
            WebhookDelivery.attempts,
            WebhookDelivery.last_attempt_at,
            WebhookDelivery.next_attempt_at,
            WebhookDelivery.response_status,
            WebhookDelivery.last_error,
            WebhookDelivery.delivered_at,
            WebhookDelivery.created_at,
        )
        .join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
        .where(WebhookDelivery.subscription_id == subscription.id)
        .order_by(WebhookDelivery.id.desc())
    )


def payload(event: WebhookEvent) -> str:
    """The delivery's body, as signed: Standard Webhooks' ``type``, ``timestamp``, ``data``."""
    return json.dumps(
        {"type": event.type, "timestamp": event.occurred_at.isoformat(), "data": event.data},
        separators=(",", ":"),
        sort_keys=True,
    )


def signed_headers(
    subscription: WebhookSubscription, message_id: str, body: str, now: datetime
) -> dict[str, str]:
    """``webhook-id``, ``webhook-timestamp`` and ``webhook-signature`` (by each valid secret)."""
    keys = [subscription.secret]
    until = subscription.previous_secret_until
    if subscription.previous_secret and until is not None and until > now:
        keys.append(subscription.previous_secret)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": " ".join(Webhook(key).sign(message_id, now, body) for key in keys),
    }


async def _post(
    subscription: WebhookSubscription, event: WebhookEvent, message_id: str, settings: Settings
) -> tuple[int | None, str | None]:
    """One attempt: (the receiver's status, the error or None when it took the event)."""
    try:
        target = await urls.resolve(subscription.url, settings)
    except urls.RefusedUrl as exc:
        return None, f"URL refused: {exc}"
    body = payload(event)
    headers = {
        **signed_headers(subscription, message_id, body, utcnow()),
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Host": target.host,
    }
    try:
        async with httpx.AsyncClient(
            timeout=settings.webhook_timeout_seconds, follow_redirects=False
        ) as client:
            response = await client.post(
                target.pinned,
                content=body,
                headers=headers,
                extensions={"sni_hostname": target.hostname},
            )
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}"[:500] if str(exc) else type(exc).__name__
    if 200 <= response.status_code < 300:
        return response.status_code, None
    return response.status_code, f"the receiver answered {response.status_code}"


async def attempt(session: AsyncSession, delivery_id: int, settings: Settings) -> None:
    """Deliver once; on a failure, defer the next attempt or give up (see the module)."""
    delivery = await session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.status is not DeliveryStatus.pending:
        return  # delivered, given up, or its subscription deleted: a repeated job does nothing
    subscription = await session.get(WebhookSubscription, delivery.subscription_id)
    event = await session.get(WebhookEvent, delivery.event_id)
    assert subscription is not None
    assert event is not None
    now = utcnow()
    if not subscription.enabled:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.failed, None
        delivery.last_error = "not sent: the subscription is disabled"
        return
    status, error = await _post(subscription, event, f"msg_{delivery.id}", settings)
    delivery.attempts += 1
    delivery.last_attempt_at, delivery.response_status, delivery.last_error = now, status, error
    delivery.next_attempt_at = None
    if error is None:
        delivery.status, delivery.delivered_at = DeliveryStatus.delivered, now
        subscription.failing_since = None
        return
    window = timedelta(hours=settings.webhook_retry_hours)
    subscription.failing_since = subscription.failing_since or now
    if now - subscription.failing_since >= window:
        subscription.enabled = False
        subscription.disabled_reason = (
            f"every delivery failed for {settings.webhook_retry_hours:g} h; last: {error}"
        )[:500]
        delivery.status = DeliveryStatus.failed
        return
    if now - delivery.created_at >= window:
        delivery.status = DeliveryStatus.failed
        return
    delay = min(
        settings.webhook_retry_base_seconds * 2 ** (delivery.attempts - 1), MAX_DELAY_SECONDS
    )
    delivery.next_attempt_at = now + timedelta(seconds=delay)
    await jobs.enqueue(
        session, DELIVER, {"delivery_id": delivery.id}, not_before=delivery.next_attempt_at
    )
