"""Requests and answers of the personal data lifecycle."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, Field

from gtpptppo_api.cases.schemas import CaseRead
from gtpptppo_api.kit.schemas import Day, Schema
from gtpptppo_api.privacy.models import RequestKind, RequestState

Text = Annotated[str, Field(min_length=1, max_length=1000)]


class DataRequestCreate(Schema):
    """A data subject's request, received by the centre holding their case."""

    kind: RequestKind
    case_id: uuid.UUID = Field(
        description="A case of the person at this centre: it identifies them (and, through "
        "its NIK, their cases at every centre)."
    )
    note: Text | None = Field(
        default=None,
        description="What is asked (for a rectification, what is wrong); no personal values.",
    )
    keep_counts: bool = Field(
        default=True,
        description="Erasure: keep the de-identified record in the statistics (true) or "
        "remove the record whole (false).",
    )


class DataRequestDecision(Schema):
    """How a request was answered (completed) or why it was refused."""

    resolution: Text


class DataRequestRead(Schema):
    id: int
    kind: RequestKind
    state: RequestState
    service_centre_id: int
    case_id: uuid.UUID | None
    note: str | None
    keep_counts: bool
    received_at: datetime
    due_at: datetime = Field(description="When the answer is due: 3 x 24 hours after receipt.")
    overdue: bool = Field(description="Still open after its due time.")
    received_by: str
    handled_by: str | None
    handled_at: datetime | None
    resolution: str | None
    cases_affected: int | None


class SubjectCase(CaseRead):
    """One case of the person, with everything held about them in it."""

    restricted: bool
    erased: bool


class SubjectCopy(Schema):
    """A machine-readable copy of everything held about the person (UU 27/2022 art. 32),
    for the centre that received the request to hand over."""

    request_id: int
    generated_at: datetime
    cases: list[SubjectCase]
    requests: list[DataRequestRead] = Field(description="The person's requests, this one too.")


class BreachCreate(Schema):
    title: Annotated[str, Field(min_length=1, max_length=200)]
    description: Annotated[str, Field(min_length=1, max_length=4000)]
    discovered_at: AwareDatetime
    service_centre_id: int | None = Field(
        default=None, description="The centre whose records were exposed; none: every centre."
    )
    period_from: Day = Field(description="Cases identified on or after this day.")
    period_to: Day = Field(description="Cases identified on or before this day.")
    fields: list[Literal["name", "nik", "phone", "witnesses"]] = Field(
        min_length=1, description="The personal fields exposed."
    )


class BreachUpdate(Schema):
    """When the notices were sent."""

    authority_notified_at: AwareDatetime | None = None
    subjects_notified_at: AwareDatetime | None = None


class BreachRead(Schema):
    id: int
    title: str
    description: str
    discovered_at: datetime
    notify_due_at: datetime = Field(description="3 x 24 hours after discovery.")
    service_centre_id: int | None
    period_from: date
    period_to: date
    fields: list[str]
    affected_cases: int
    authority_notified_at: datetime | None
    subjects_notified_at: datetime | None
    overdue: bool = Field(description="A notice not sent by its due time.")
    recorded_by: str
    recorded_at: datetime


class RetentionRunCreate(Schema):
    dry_run: bool = Field(
        default=True, description="Only report what would be erased (the default)."
    )


class RetentionRunRead(Schema):
    id: int
    dry_run: bool
    state: str
    requested_by: str
    requested_at: datetime
    finished_at: datetime | None
    report: dict[str, Any] | None
    erased: int
