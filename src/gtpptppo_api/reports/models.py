"""Reports (Laporan), their immutable versions, their transitions, and sub-task-force
narratives (Permen PPPA 10/2012 §3.3.3, Lampiran V)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gtpptppo_api.db.base import Base, JSONType, utcnow


class ReportKind(enum.StrEnum):
    annual = "annual"  # laporan tahunan
    five_year = "five_year"  # laporan lima tahunan


class ReportState(enum.StrEnum):
    """Where a report stands on the chain of Lampiran V."""

    draft = "draft"
    submitted = "submitted"  # disampaikan kepada Ketua Harian
    discussed = "discussed"  # dibahas dalam rapat pleno
    consolidated = "consolidated"  # dikonsolidasikan oleh Ketua Harian
    forwarded = "forwarded"  # disampaikan oleh Ketua ke tingkat di atasnya
    received = "received"  # diterima oleh tingkat di atasnya
    returned = "returned"  # dikembalikan untuk perbaikan


class NarrativeState(enum.StrEnum):
    draft = "draft"
    submitted = "submitted"


class Report(Base):
    """The report of one task force for one period (an annual year, or five years)."""

    __tablename__ = "report"
    __table_args__ = (UniqueConstraint("task_force_id", "kind", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_force_id: Mapped[int] = mapped_column(ForeignKey("task_force.id"))
    kind: Mapped[ReportKind] = mapped_column(Enum(ReportKind, native_enum=False, length=16))
    year: Mapped[int] = mapped_column()  # the (first) year covered
    state: Mapped[ReportState] = mapped_column(
        Enum(ReportState, native_enum=False, length=16), default=ReportState.draft
    )
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id"))
    frozen_version: Mapped[int | None] = mapped_column()  # the version forwarded up
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    @property
    def years(self) -> list[int]:
        span = 5 if self.kind is ReportKind.five_year else 1
        return list(range(self.year, self.year + span))


class ReportVersion(Base):
    """One generation's figures, never changed once written, with their content hash."""

    __tablename__ = "report_version"
    __table_args__ = (UniqueConstraint("report_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"))
    number: Mapped[int] = mapped_column()
    content_hash: Mapped[str] = mapped_column(String(64))
    figures: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReportTransition(Base):
    """A step of the report on the chain, or a comment: who, when, why. Only inserted."""

    __tablename__ = "report_transition"
    __table_args__ = (Index("ix_report_transition_report", "report_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"))
    action: Mapped[str] = mapped_column(String(16))
    from_state: Mapped[str] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    version_number: Mapped[int | None] = mapped_column()
    actor_token_id: Mapped[int | None] = mapped_column(ForeignKey("api_token.id"))
    actor_name: Mapped[str] = mapped_column(String(200))
    actor_role: Mapped[str] = mapped_column(String(32))
    acting_member_id: Mapped[int | None] = mapped_column(ForeignKey("membership.id"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"))
    comment: Mapped[str | None] = mapped_column(Text)
    # who sent the report at this step and who received it (3.3.3 a-c, Lampiran V), and
    # for a head of region's step, the letter's number and date
    sender: Mapped[str | None] = mapped_column(String(200))
    receiver: Mapped[str | None] = mapped_column(String(200))
    letter_number: Mapped[str | None] = mapped_column(String(100))
    letter_date: Mapped[date | None] = mapped_column()
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)


class SubTaskForceReport(Base):
    """A sub-task-force's narrative for a period, reported to the daily chair (Lampiran V)."""

    __tablename__ = "sub_task_force_report"
    __table_args__ = (UniqueConstraint("sub_task_force_id", "kind", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sub_task_force_id: Mapped[int] = mapped_column(ForeignKey("sub_task_force.id"))
    task_force_id: Mapped[int] = mapped_column(ForeignKey("task_force.id"), index=True)
    kind: Mapped[ReportKind] = mapped_column(Enum(ReportKind, native_enum=False, length=16))
    year: Mapped[int] = mapped_column()
    activities: Mapped[str] = mapped_column(Text)  # kegiatan yang dilaksanakan
    obstacles: Mapped[str] = mapped_column(Text)  # hambatan
    recommendations: Mapped[str] = mapped_column(Text)  # rekomendasi
    # Narrative fields kept off the public version of the report (bersifat internal).
    internal_fields: Mapped[list[str]] = mapped_column(JSONType, default=list)
    state: Mapped[NarrativeState] = mapped_column(
        Enum(NarrativeState, native_enum=False, length=16), default=NarrativeState.draft
    )
    submitted_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
