from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import Field

from gtpptppo_api.kit.schemas import Schema
from gtpptppo_api.reports.models import NarrativeState, ReportKind, ReportState
from gtpptppo_api.reports.rules import Action

Generation = Literal["pending", "running", "ready", "failed"]


class ReportCreate(Schema):
    task_force_id: int
    kind: ReportKind
    year: Annotated[int, Field(ge=2000, le=2200, description="The year; five-year: the first.")]


class ReportRead(Schema):
    id: int
    task_force_id: int
    kind: ReportKind
    year: int
    years: list[int]
    state: ReportState
    generation: Generation
    generation_error: str | None = None
    version: int | None = Field(description="The current figures' version number.")
    content_hash: str | None
    frozen_version: int | None = Field(description="The version forwarded up, once forwarded.")
    figures: dict[str, Any] | None
    created_at: datetime
    updated_at: datetime


class ReportSummary(Schema):
    id: int
    task_force_id: int
    kind: ReportKind
    year: int
    years: list[int]
    state: ReportState
    frozen_version: int | None
    created_at: datetime
    updated_at: datetime


class TransitionCreate(Schema):
    action: Action
    comment: Annotated[str | None, Field(max_length=4000)] = None
    acting_member_id: int | None = Field(
        default=None,
        description="consolidate: the daily chair; forward: the chair (serving members).",
    )
    meeting_id: int | None = Field(default=None, description="discuss: the plenary meeting.")
    letter_number: Annotated[str | None, Field(max_length=100)] = Field(
        default=None,
        description="head_receive, head_forward: the number of the letter (surat) of the step.",
    )
    letter_date: date | None = Field(
        default=None, description="head_receive, head_forward: the letter's date."
    )


class TransitionRead(Schema):
    id: int
    action: str
    from_state: str
    to_state: str
    version_number: int | None
    actor_name: str
    actor_role: str
    acting_member_id: int | None
    meeting_id: int | None
    comment: str | None
    sender: str | None = None
    receiver: str | None = None
    letter_number: str | None = None
    letter_date: date | None = None
    occurred_at: datetime


class VersionRead(Schema):
    number: int
    content_hash: str
    created_at: datetime


class VersionDiff(Schema):
    report_id: int
    from_version: int
    to_version: int
    changes: list[dict[str, Any]] = Field(
        description="Each changed value: {path, before, after}; absent values are null."
    )


Text = Annotated[str, Field(max_length=20_000)]
NarrativeField = Literal["activities", "obstacles", "recommendations"]
InternalFields = Annotated[
    list[NarrativeField],
    Field(
        max_length=3,
        description="Fields kept off the published (public) report; may change after submission.",
    ),
]


class NarrativeCreate(Schema):
    sub_task_force_id: int
    kind: ReportKind
    year: Annotated[int, Field(ge=2000, le=2200)]
    activities: Text = ""
    obstacles: Text = ""
    recommendations: Text = ""
    internal_fields: InternalFields = []


class NarrativeUpdate(Schema):
    activities: Text | None = None
    obstacles: Text | None = None
    recommendations: Text | None = None
    internal_fields: InternalFields | None = None


class NarrativeRead(Schema):
    id: int
    sub_task_force_id: int
    task_force_id: int
    kind: ReportKind
    year: int
    activities: str
    obstacles: str
    recommendations: str
    internal_fields: list[str]
    state: NarrativeState
    submitted_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int
