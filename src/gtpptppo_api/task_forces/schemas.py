from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field

from gtpptppo_api.kit.schemas import Day, Schema
from gtpptppo_api.regions.models import RegionLevel
from gtpptppo_api.task_forces.models import (
    DecreeAuthority,
    DecreePurpose,
    SubTaskForceKind,
    TaskForceStatus,
)

Text = Annotated[str, Field(min_length=1, max_length=300)]


class DecreeCreate(Schema):
    number: Annotated[str, Field(min_length=1, max_length=200, examples=["188/123/2026"])]
    title: Annotated[str, Field(min_length=1, max_length=1000)]
    issued_on: Day
    authority: DecreeAuthority


class DecreeRead(Schema):
    id: int
    task_force_id: int
    number: str
    title: str
    issued_on: date
    authority: DecreeAuthority
    purpose: DecreePurpose
    created_at: datetime


class Secretariat(Schema):
    """Sekretariat: technical and administrative support, clearing house of victim records."""

    host_agency: Text
    head: Annotated[str | None, Field(max_length=300)] = None


class SubTaskForceCreate(Schema):
    kind: SubTaskForceKind
    coordinating_agency: Annotated[str | None, Field(min_length=1, max_length=300)] = None
    also_covers: SubTaskForceKind | None = Field(
        default=None,
        description="Only law_enforcement, on a regency's legal_norm_development unit (2.3.1 f).",
    )


class SubTaskForceUpdate(Schema):
    coordinating_agency: Annotated[str | None, Field(min_length=1, max_length=300)] = None
    name: Annotated[str | None, Field(min_length=1, max_length=300)] = None


class SubTaskForceRead(Schema):
    id: int
    task_force_id: int
    kind: SubTaskForceKind
    also_covers: SubTaskForceKind | None
    covers: list[SubTaskForceKind]
    name: str
    coordinating_agency: str


class TaskForceCreate(Schema):
    name: Text
    region_code: Annotated[str, Field(min_length=2, max_length=8, examples=["33.02"])]
    established_decree: DecreeCreate
    chair_position: Text | None = None
    daily_chair_position: Text | None = None
    secretariat: Secretariat | None = None
    merge_legal_sub_task_forces: bool = Field(
        default=False,
        description=(
            "Regency/city only (2.3.1 f): one Sub GT for legal-norm development and law "
            "enforcement."
        ),
    )
    sub_task_forces: list[SubTaskForceCreate] | None = Field(
        default=None,
        description="Coordinating agencies to use; every kind not listed gets the default.",
        max_length=6,
    )


class TaskForceUpdate(Schema):
    """Every field optional; ``status: dissolved`` needs ``dissolved_on`` and the
    ``dissolution_decree`` of the authority that formed the task force (2.x.5)."""

    name: Text | None = None
    chair_position: Text | None = None
    daily_chair_position: Text | None = None
    secretariat: Secretariat | None = None
    status: Literal[TaskForceStatus.dissolved] | None = None
    dissolved_on: Day | None = None
    dissolution_reason: Annotated[str | None, Field(max_length=1000)] = None
    dissolution_decree: DecreeCreate | None = Field(
        default=None,
        description=(
            "Required to dissolve: the decree of the authority that formed the task force "
            "(President, Governor, Bupati/Walikota; 2.1.5, 2.2.5, 2.3.5), issued on or before "
            "dissolved_on."
        ),
    )


class TaskForceRead(Schema):
    id: int
    name: str
    region_code: str
    region_name: str
    level: RegionLevel
    parent_id: int | None
    status: TaskForceStatus
    chair_position: str
    daily_chair_position: str
    secretariat: Secretariat
    established_decree: DecreeRead | None
    dissolved_on: date | None
    dissolution_reason: str | None
    dissolution_decree: DecreeRead | None
    created_at: datetime
    updated_at: datetime
    version: int
