from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field

from gtpptppo_api.capacity.models import ActivityKind, OrganiserKind, ParticipantRole, Sex, Topic
from gtpptppo_api.kit.schemas import Day, Schema

Text = Annotated[str, Field(min_length=1, max_length=300)]


class Participants(Schema):
    """Participants of one role and sex: a count, never names."""

    role: ParticipantRole
    sex: Sex
    count: Annotated[int, Field(ge=0, le=100_000)]


ParticipantList = Annotated[
    list[Participants],
    Field(max_length=len(ParticipantRole) * len(Sex), description="Each role and sex once."),
]


class CapacityActivityCreate(Schema):
    task_force_id: int
    kind: ActivityKind
    title: Annotated[str, Field(min_length=1, max_length=500)]
    topic: Topic
    other_topic: Annotated[
        str | None,
        Field(min_length=1, max_length=300, description="Required when topic is other."),
    ] = None
    started_on: Day
    ended_on: Annotated[Day | None, Field(description="Defaults to started_on.")] = None
    location: Annotated[str | None, Field(max_length=300)] = None
    organiser_kind: OrganiserKind
    organiser_name: Text
    participants: ParticipantList = []


class CapacityActivityUpdate(Schema):
    """Fields given replace the stored ones; ``participants`` whole."""

    kind: ActivityKind | None = None
    title: Annotated[str | None, Field(min_length=1, max_length=500)] = None
    topic: Topic | None = None
    other_topic: Annotated[str | None, Field(min_length=1, max_length=300)] = None
    started_on: Day | None = None
    ended_on: Day | None = None
    location: Annotated[str | None, Field(max_length=300)] = None
    organiser_kind: OrganiserKind | None = None
    organiser_name: Annotated[str | None, Field(min_length=1, max_length=300)] = None
    participants: ParticipantList | None = None


class CapacityActivityRead(Schema):
    id: int
    task_force_id: int
    region_code: str
    kind: ActivityKind
    title: str
    topic: Topic
    other_topic: str | None
    started_on: date
    ended_on: date
    location: str | None
    organiser_kind: OrganiserKind
    organiser_name: str
    participants: list[Participants]
    participants_total: int
    participants_by_sex: dict[str, int]
    created_at: datetime
    updated_at: datetime
    version: int
