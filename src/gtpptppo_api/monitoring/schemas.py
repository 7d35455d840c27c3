from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field

from gtpptppo_api.kit.schemas import Day, Schema
from gtpptppo_api.monitoring.models import (
    ChecklistArea,
    Method,
    MonitorKind,
    SubjectKind,
    VisitKind,
)

SCORE_SCALE = (
    "0 absent (tidak ada), 1 begun, 2 partly in place, 3 largely in place, "
    "4 fully in place; null when the indicator does not apply."
)
LongText = Annotated[str, Field(min_length=1, max_length=8000)]


class ChecklistIndicatorIn(Schema):
    """One indicator of the checklist instrument (3.3.1 b), scored."""

    area: ChecklistArea
    indicator: Annotated[
        str, Field(min_length=1, max_length=500, examples=["Perda on TPPO adopted"])
    ]
    score: Annotated[int | None, Field(ge=0, le=4, description=SCORE_SCALE)]
    note: Annotated[str | None, Field(max_length=1000)] = None


class ChecklistIndicatorRead(Schema):
    id: int
    area: ChecklistArea
    indicator: str
    score: int | None
    note: str | None


class SubjectRef(Schema):
    """What is monitored: a sub-task-force, a task force, a centre, or a head of region
    (``head_of_region``: the Bupati/Walikota of the regency whose task force is ``id``)."""

    kind: SubjectKind
    id: int


class SubjectRead(Schema):
    kind: SubjectKind
    id: int
    region_code: str


Indicators = Annotated[
    list[ChecklistIndicatorIn],
    Field(
        min_length=6,
        max_length=300,
        description="At least one indicator in each of the six areas (3.3.1 b).",
    ),
]
Methods = Annotated[list[Method], Field(min_length=1, max_length=7)]


class MonitoringVisitCreate(Schema):
    kind: VisitKind
    monitor_task_force_id: int = Field(description="The task force that monitors (pelaksana).")
    monitor_kind: MonitorKind = Field(
        default=MonitorKind.task_force,
        description="head_of_region: the head of that task force's region monitored (the "
        "Governor, the Bupati/Walikota, 3.3.1 e), recorded by its secretariat.",
    )
    subject: SubjectRef
    visited_on: Day
    methods: Methods = Field(description="Methods used (3.3.1 a).")
    findings: LongText
    recommendations: LongText
    indicators: Indicators


class MonitoringVisitUpdate(Schema):
    """Every field optional; ``indicators`` replaces the whole checklist."""

    visited_on: Day | None = None
    methods: Methods | None = None
    findings: LongText | None = None
    recommendations: LongText | None = None
    indicators: Indicators | None = None


class MonitoringVisitRead(Schema):
    id: int
    kind: VisitKind
    monitor_task_force_id: int
    monitor_kind: MonitorKind
    subject: SubjectRead
    visited_on: date
    methods: list[Method]
    findings: str
    recommendations: str
    indicators: list[ChecklistIndicatorRead]
    created_at: datetime
    updated_at: datetime
    version: int
