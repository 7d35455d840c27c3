from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field

from gtpptppo_api.kit.schemas import Day, Schema
from gtpptppo_api.members.models import Element, MemberRole


class MemberCreate(Schema):
    """An appointment (pengangkatan) by a decree of the right authority."""

    person_name: Annotated[str, Field(min_length=1, max_length=200)]
    element: Element
    role: MemberRole
    institution: Annotated[str, Field(min_length=1, max_length=300)]
    position: Annotated[
        str | None, Field(max_length=300, description="Ex officio position (jabatan).")
    ] = None
    sub_task_force_id: int | None = Field(
        default=None, description="Required for a coordinator; optional for a member."
    )
    appointed_on: Day
    appointment_decree_id: int


class MemberDismissal(Schema):
    """A dismissal (pemberhentian) by a decree of the right authority."""

    dismissed_on: Day = Field(description="First day no longer served.")
    dismissal_decree_id: int
    reason: Annotated[str | None, Field(max_length=1000)] = None


class MemberRead(Schema):
    id: int
    task_force_id: int
    sub_task_force_id: int | None
    person_name: str
    element: Element
    role: MemberRole
    institution: str
    position: str | None
    appointed_on: date
    appointment_decree_id: int
    dismissed_on: date | None
    dismissal_decree_id: int | None
    dismissal_reason: str | None
    created_at: datetime
    updated_at: datetime
    version: int
