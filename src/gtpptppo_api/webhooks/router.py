from __future__ import annotations

from fastapi import APIRouter, Request

from gtpptppo_api.auth.deps import WebhookManager
from gtpptppo_api.db.session import SessionDep
from gtpptppo_api.kit.openapi import ID, links, path
from gtpptppo_api.kit.pagination import CursorPage, paginate
from gtpptppo_api.settings import Settings
from gtpptppo_api.webhooks import service
from gtpptppo_api.webhooks.events import CATALOGUE
from gtpptppo_api.webhooks.schemas import (
    WebhookDeliveryRead,
    WebhookEventTypeRead,
    WebhookSecretRotated,
    WebhookSubscriptionCreate,
    WebhookSubscriptionCreated,
    WebhookSubscriptionRead,
    WebhookSubscriptionUpdate,
)

router = APIRouter(tags=["webhooks"])


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


@router.get("/webhook-event-types")
async def list_webhook_event_types(caller: WebhookManager) -> list[WebhookEventTypeRead]:
    """The events a subscription may ask for, and the fields each carries (no personal data)."""
    return [
        WebhookEventTypeRead(name=e.name, description=e.description, fields=sorted(e.fields))
        for e in CATALOGUE.values()
    ]


@router.post(
    "/webhook-subscriptions",
    status_code=201,
    responses={
        201: links(
            get_webhook_subscription={"subscription_id": ID},
            list_webhook_deliveries={"subscription_id": ID},
        )
    },
)
async def create_webhook_subscription(
    body: WebhookSubscriptionCreate, request: Request, session: SessionDep, caller: WebhookManager
) -> WebhookSubscriptionCreated:
    """Subscribe a URL to events in your own jurisdiction; the answer holds its secret, once."""
    subscription = await service.create(session, caller, body, _settings(request))
    return WebhookSubscriptionCreated.model_validate(subscription)


@router.get("/webhook-subscriptions", response_model=CursorPage[WebhookSubscriptionRead])
async def list_webhook_subscriptions(
    session: SessionDep, caller: WebhookManager
) -> CursorPage[WebhookSubscriptionRead]:
    page: CursorPage[WebhookSubscriptionRead] = await paginate(session, service.list_query(caller))
    return page


@router.get("/webhook-subscriptions/{subscription_id}")
async def get_webhook_subscription(
    subscription_id: int, session: SessionDep, caller: WebhookManager
) -> WebhookSubscriptionRead:
    subscription = await service.get_visible(session, caller, subscription_id)
    return WebhookSubscriptionRead.model_validate(subscription)


@router.patch("/webhook-subscriptions/{subscription_id}")
async def update_webhook_subscription(
    subscription_id: int,
    body: WebhookSubscriptionUpdate,
    request: Request,
    session: SessionDep,
    caller: WebhookManager,
) -> WebhookSubscriptionRead:
    """Change the URL or events, or enable again a subscription disabled after failures."""
    subscription = await service.update(session, caller, subscription_id, body, _settings(request))
    return WebhookSubscriptionRead.model_validate(subscription)


@router.delete("/webhook-subscriptions/{subscription_id}", status_code=204)
async def delete_webhook_subscription(
    subscription_id: int, session: SessionDep, caller: WebhookManager
) -> None:
    await service.remove(session, caller, subscription_id)


@router.post(
    "/webhook-subscriptions/{subscription_id}/secret-rotation",
    responses={200: links(get_webhook_subscription={"subscription_id": path("subscription_id")})},
)
async def rotate_webhook_secret(
    subscription_id: int, request: Request, session: SessionDep, caller: WebhookManager
) -> WebhookSecretRotated:
    """A new secret; deliveries are signed with the old one too for the overlap."""
    subscription, secret = await service.rotate_secret(
        session, caller, subscription_id, _settings(request)
    )
    return WebhookSecretRotated(
        secret=secret, previous_secret_until=subscription.previous_secret_until
    )


@router.get(
    "/webhook-subscriptions/{subscription_id}/deliveries",
    response_model=CursorPage[WebhookDeliveryRead],
)
async def list_webhook_deliveries(
    subscription_id: int, session: SessionDep, caller: WebhookManager
) -> CursorPage[WebhookDeliveryRead]:
    """The delivery log: each event sent, its status, attempts and the receiver's answer."""
    subscription = await service.get_visible(session, caller, subscription_id)
    page: CursorPage[WebhookDeliveryRead] = await paginate(
        session, service.deliveries_query(subscription)
    )
    return page
