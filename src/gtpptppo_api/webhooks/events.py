"""The catalogue of webhook events, and ``emit``, which every domain calls.

An event tells *that* something happened, never *to whom*: its data are ids, states,
dates and links back into the API, where the receiver reads the rest with its own token (and
its own jurisdiction). ``emit`` refuses a field the catalogue does not list for the type, so
no personal field slips into a payload.

Calling it, in the transaction of the change (the deliveries are written in it, through the
job outbox, so an event is told exactly when the change commits)::

    from gtpptppo_api.webhooks import events

    await events.emit(
        session,
        events.IMPORT_FINISHED,
        region_code=centre.region_code,        # whose jurisdiction it falls in
        service_centre_id=centre.id,           # a centre's own event (else None)
        data={"import_id": 12, "service_centre_id": centre.id, "status": "done",
              "link": "/api/v1/imports/12"},
    )

Subscriptions covering ``region_code`` (the region itself, a region above it, the nation)
receive it; a centre's subscription receives only the events of its own centre.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api import jobs
from gtpptppo_api.webhooks.models import WebhookDelivery, WebhookEvent, WebhookSubscription

DELIVER = "webhooks.deliver"

REPORT_STATE_CHANGED = "report.state_changed"
REPORT_PUBLISHED = "report.published"
SUB_TASK_FORCE_REPORT_SUBMITTED = "sub_task_force_report.submitted"
IMPORT_FINISHED = "import.finished"
DATA_SUBJECT_REQUEST_DUE = "data_subject_request.due"

MAX_TEXT = 500


@dataclass(frozen=True)
class EventType:
    name: str
    description: str
    fields: frozenset[str]  # the data fields it may carry (ids, states, dates, links)


CATALOGUE: dict[str, EventType] = {
    e.name: e
    for e in (
        EventType(
            REPORT_STATE_CHANGED,
            "A report moved along the chain of Lampiran V: forwarded up, received or "
            "returned for revision (with the reason) by the level above.",
            frozenset(
                {"report_id", "task_force_id", "action", "from_state", "to_state", "reason"}
                | {"link"}
            ),
        ),
        EventType(
            REPORT_PUBLISHED,
            "A forwarded report was published to the community (5.4).",
            frozenset({"report_id", "task_force_id", "version", "link", "public_link"}),
        ),
        EventType(
            SUB_TASK_FORCE_REPORT_SUBMITTED,
            "A sub-task-force submitted its report to the daily chair (Lampiran V).",
            frozenset({"sub_task_force_report_id", "sub_task_force_id", "task_force_id"})
            | frozenset({"report_id", "link"}),
        ),
        EventType(
            IMPORT_FINISHED,
            "A bulk import finished (done or failed); read its result at the link.",
            frozenset({"import_id", "service_centre_id", "status", "link"}),
        ),
        EventType(
            DATA_SUBJECT_REQUEST_DUE,
            "A data subject's request is due for an answer (its date in `due_on`).",
            frozenset({"data_subject_request_id", "service_centre_id", "due_on", "link"}),
        ),
    )
}

Value = int | str | date | datetime | None


def _ancestors(region_code: str) -> list[str]:
    """``33.02.01`` -> ``33``, ``33.02``, ``33.02.01``: the regions whose subtree holds it."""
    parts = region_code.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


async def emit(
    session: AsyncSession,
    event_type: str,
    *,
    region_code: str,
    data: dict[str, Value],
    service_centre_id: int | None = None,
) -> WebhookEvent | None:
    """Record an event and a delivery (a job) for each subscription it concerns.

    Nothing is written when no subscription wants it. Raises ``ValueError`` on a type not in
    the catalogue or a field the type does not carry.
    """
    kind = CATALOGUE.get(event_type)
    if kind is None:
        raise ValueError(f"no webhook event type {event_type!r}")
    extra = set(data) - kind.fields
    if extra:
        raise ValueError(f"{event_type} carries no {sorted(extra)} (ids, states, links only)")
    clean = {key: _plain(value) for key, value in data.items()}
    jurisdiction = [
        or_(
            WebhookSubscription.region_code.is_(None),
            WebhookSubscription.region_code.in_(_ancestors(region_code)),
        ),
        or_(
            WebhookSubscription.service_centre_id.is_(None),
            WebhookSubscription.service_centre_id == service_centre_id,
        ),
    ]
    candidates = (
        await session.execute(
            select(WebhookSubscription.id, WebhookSubscription.event_types).where(
                WebhookSubscription.enabled.is_(True), *jurisdiction
            )
        )
    ).all()
    wanted = [sub_id for sub_id, types in candidates if event_type in types]
    if not wanted:
        return None
    event = WebhookEvent(
        type=event_type, region_code=region_code, service_centre_id=service_centre_id, data=clean
    )
    session.add(event)
    await session.flush()
    for subscription_id in sorted(wanted):
        delivery = WebhookDelivery(subscription_id=subscription_id, event_id=event.id)
        session.add(delivery)
        await session.flush()
        await jobs.enqueue(session, DELIVER, {"delivery_id": delivery.id})
    return event


def _plain(value: Value) -> int | str | None:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str):
        return value[:MAX_TEXT]
    return value


# What the reports domain tells: the steps between levels, not each step within a level.
TOLD_ACTIONS = frozenset({"forward", "receive", "return"})


async def report_step(
    session: AsyncSession,
    *,
    report_id: int,
    task_force_id: int,
    region_code: str,
    action: str,
    from_state: str,
    to_state: str,
    reason: str | None,
) -> None:
    """A report forwarded, received or returned (with the reason): ``report.state_changed``."""
    if action not in TOLD_ACTIONS:
        return
    await emit(
        session,
        REPORT_STATE_CHANGED,
        region_code=region_code,
        data={
            "report_id": report_id,
            "task_force_id": task_force_id,
            "action": action,
            "from_state": from_state,
            "to_state": to_state,
            "reason": reason if action == "return" else None,
            "link": f"/api/v1/reports/{report_id}",
        },
    )
