from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field

from gtpptppo_api.kit.schemas import Day, Schema
from gtpptppo_api.meetings.models import CentreTopic, FollowUpStatus, MeetingKind, RequestStatus

Ids = Annotated[list[int], Field(max_length=500)]


class FollowUpActionIn(Schema):
    """A follow-up action (tindak lanjut): what, who, by when."""

    description: Annotated[str, Field(min_length=1, max_length=1000)]
    owner: Annotated[
        str,
        Field(min_length=1, max_length=300, description="The person or agency responsible."),
    ]
    due_on: Day
    status: FollowUpStatus = FollowUpStatus.open
    completed_on: Day | None = Field(default=None, description="Given when status is done.")
    action_plan_activity_id: int | None = Field(
        default=None, description="An activity of one of this task force's action plans."
    )


class FollowUpActionRead(Schema):
    id: int
    description: str
    owner: str
    due_on: date
    status: FollowUpStatus
    completed_on: date | None
    action_plan_activity_id: int | None


class MeetingCreate(Schema):
    task_force_id: int
    kind: MeetingKind
    sub_task_force_id: int | None = Field(
        default=None, description="The sub-task-force meeting; only with kind sub_task_force."
    )
    service_centre_id: int | None = Field(
        default=None, description="The service centre met; only with kind service_centre (3.2)."
    )
    held_on: Day
    chaired_by_member_id: int | None = Field(
        default=None,
        description=(
            "The membership of who chaired: the daily chair for plenary and special meetings, "
            "the chair for the yearly coordination, the coordinator of the sub-task-force for "
            "its own (3.1). Optional only for a meeting with a service centre."
        ),
    )
    attendee_member_ids: Ids = Field(
        default_factory=list, description="Members of the task force present."
    )
    attending_task_force_ids: Ids = Field(
        default_factory=list,
        description="Task forces of the levels below taking part: coordination and special only.",
    )
    agenda: Annotated[str, Field(min_length=1, max_length=4000)]
    decisions: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=2000)]], Field(max_length=200)
    ] = Field(default_factory=list)
    centre_topics: Annotated[list[CentreTopic], Field(max_length=3)] = Field(
        default_factory=list,
        description="Planning, case conference, problem solving (3.2 3); service_centre only.",
    )
    follow_up_actions: Annotated[list[FollowUpActionIn], Field(max_length=200)] = Field(
        default_factory=list
    )
    coordination_request_id: int | None = Field(
        default=None,
        description="The centre's request this meeting answers (3.2); service_centre only.",
    )


class MeetingUpdate(Schema):
    """Every field optional; the whole meeting is checked again. Lists replace the old ones."""

    kind: MeetingKind | None = None
    sub_task_force_id: int | None = None
    service_centre_id: int | None = None
    held_on: Day | None = None
    chaired_by_member_id: int | None = None
    attendee_member_ids: Ids | None = None
    attending_task_force_ids: Ids | None = None
    agenda: Annotated[str | None, Field(min_length=1, max_length=4000)] = None
    decisions: (
        Annotated[list[Annotated[str, Field(min_length=1, max_length=2000)]], Field(max_length=200)]
        | None
    ) = None
    centre_topics: Annotated[list[CentreTopic] | None, Field(max_length=3)] = None
    follow_up_actions: Annotated[list[FollowUpActionIn] | None, Field(max_length=200)] = None


class MeetingRead(Schema):
    id: int
    task_force_id: int
    kind: MeetingKind
    title: str
    sub_task_force_id: int | None
    service_centre_id: int | None
    held_on: date
    chaired_by_member_id: int | None
    attendee_member_ids: list[int]
    attending_task_force_ids: list[int]
    agenda: str
    decisions: list[str]
    centre_topics: list[CentreTopic]
    follow_up_actions: list[FollowUpActionRead]
    created_at: datetime
    updated_at: datetime
    version: int


class CoordinationRequestCreate(Schema):
    """A centre asks its task force for a coordination (3.2)."""

    topics: Annotated[list[CentreTopic], Field(min_length=1, max_length=3)]
    subject: Annotated[str, Field(min_length=1, max_length=2000)]
    proposed_on: date | None = None


class CoordinationRequestRead(Schema):
    id: int
    service_centre_id: int
    task_force_id: int
    topics: list[CentreTopic]
    subject: str
    proposed_on: date | None
    status: RequestStatus
    meeting_id: int | None
    requested_by: str
    created_at: datetime
