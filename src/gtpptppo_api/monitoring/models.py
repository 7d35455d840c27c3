"""Monitoring and evaluation visits with the checklist instrument (3.3.1, Lampiran VI)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, Index, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gtpptppo_api.db.base import Base, JSONType, utcnow
from gtpptppo_api.task_forces.models import TaskForce


class VisitKind(enum.StrEnum):
    """3.3.1 d: monitoring every six months, evaluation once a year."""

    monitoring = "monitoring"  # Pemantauan
    evaluation = "evaluation"  # Evaluasi


class MonitorKind(enum.StrEnum):
    """Who monitors (3.3.1 c, e): the task force itself, or the head of its region (the
    Governor for a province, the Bupati/Walikota for a regency/city), whose monitoring its
    secretariat records: heads of region are not users."""

    task_force = "task_force"  # GT-PPTPPO (pelaksana, 3.3.1 c)
    head_of_region = "head_of_region"  # Gubernur, Bupati/Walikota (3.3.1 e 2 a-b, e 3 a)


class SubjectKind(enum.StrEnum):
    """What is monitored, along the lines of Lampiran VI."""

    sub_task_force = "sub_task_force"  # Sub GT-PPTPPO
    task_force = "task_force"  # GT-PPTPPO of the level below
    service_centre = "service_centre"  # Pelayanan Terpadu (PPT)
    # the Bupati/Walikota of a regency/city, monitored by the Governor (3.3.1 e 2 b); its id
    # is the regency's task force
    head_of_region = "head_of_region"


class Method(enum.StrEnum):
    """Methods of monitoring and evaluation (3.3.1 a)."""

    coordination_meeting = "coordination_meeting"  # rapat koordinasi
    focus_group = "focus_group"  # FGD
    field_visit = "field_visit"  # kunjungan lapangan
    written_report = "written_report"  # laporan tertulis
    document_review = "document_review"  # mempelajari dokumen/informasi sekunder
    research = "research"  # hasil penelitian
    media = "media"  # media


class ChecklistArea(enum.StrEnum):
    """The six areas of the checklist instrument (3.3.1 b)."""

    policy = "policy"  # kebijakan (peraturan perundang-undangan, dokumen perencanaan)
    institution = "institution"  # kelembagaan GT-PPTPPO
    action_plan = "action_plan"  # Rencana Aksi
    victim_recording_reporting = "victim_recording_reporting"  # Sistem Pencatatan dan Pelaporan
    case_handling = "case_handling"  # Penanganan Kasus oleh PPT
    facilities = "facilities"  # Ketersediaan Sarana dan Prasarana


class MonitoringVisit(Base):
    """One monitoring or evaluation of a subject by a task force (pelaksana, 3.3.1 c)."""

    __tablename__ = "monitoring_visit"
    __table_args__ = (
        Index("ix_monitoring_visit_monitor_kind_on", "monitor_task_force_id", "kind", "visited_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[VisitKind] = mapped_column(Enum(VisitKind, native_enum=False, length=16))
    monitor_task_force_id: Mapped[int] = mapped_column(ForeignKey("task_force.id"))
    # the task force itself, or the head of its region (recorded by its secretariat)
    monitor_kind: Mapped[MonitorKind] = mapped_column(
        Enum(MonitorKind, native_enum=False, length=16),
        default=MonitorKind.task_force,
        server_default=MonitorKind.task_force.value,
    )
    subject_kind: Mapped[SubjectKind] = mapped_column(
        Enum(SubjectKind, native_enum=False, length=32)
    )
    subject_sub_task_force_id: Mapped[int | None] = mapped_column(
        ForeignKey("sub_task_force.id"), index=True
    )
    subject_task_force_id: Mapped[int | None] = mapped_column(
        ForeignKey("task_force.id"), index=True
    )
    subject_service_centre_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_centre.id"), index=True
    )
    # The region of the subject, so that its own jurisdiction sees the visit too.
    subject_region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    visited_on: Mapped[date] = mapped_column()
    methods: Mapped[list[str]] = mapped_column(JSONType, default=list)
    findings: Mapped[str] = mapped_column(String(8000))
    recommendations: Mapped[str] = mapped_column(String(8000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    monitor: Mapped[TaskForce] = relationship(
        foreign_keys=[monitor_task_force_id], lazy="joined", innerjoin=True
    )
    indicators: Mapped[list[ChecklistIndicator]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ChecklistIndicator.id"
    )

    @property
    def subject_id(self) -> int:
        ids = {
            SubjectKind.sub_task_force: self.subject_sub_task_force_id,
            SubjectKind.task_force: self.subject_task_force_id,
            SubjectKind.head_of_region: self.subject_task_force_id,
            SubjectKind.service_centre: self.subject_service_centre_id,
        }
        subject_id = ids[self.subject_kind]
        assert subject_id is not None
        return subject_id

    @property
    def subject(self) -> dict[str, object]:
        return {
            "kind": self.subject_kind,
            "id": self.subject_id,
            "region_code": self.subject_region_code,
        }


class ChecklistIndicator(Base):
    """One scored indicator of the checklist (format ceklist, 3.3.1 b)."""

    __tablename__ = "monitoring_indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("monitoring_visit.id"), index=True)
    area: Mapped[ChecklistArea] = mapped_column(Enum(ChecklistArea, native_enum=False, length=32))
    indicator: Mapped[str] = mapped_column(String(500))
    score: Mapped[int | None] = mapped_column(SmallInteger)
    note: Mapped[str | None] = mapped_column(String(1000))
