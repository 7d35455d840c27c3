"""Coordination meetings (koordinasi), their attendees and follow-up actions (3.1, 3.2)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gtpptppo_api.db.base import Base, JSONType, utcnow
from gtpptppo_api.regions.models import RegionLevel
from gtpptppo_api.task_forces.models import TaskForce


class MeetingKind(enum.StrEnum):
    """The kinds of coordination of 3.1.1–3.1.3 and 3.2."""

    plenary = "plenary"  # Koordinasi Pleno (3.1.x a)
    sub_task_force = "sub_task_force"  # Koordinasi Sub GT (3.1.x b)
    # Koordinasi Nasional / Provinsi / Kabupaten-Kota, by the task force's level (3.1.x c)
    coordination = "coordination"
    special = "special"  # Koordinasi Khusus (3.1.1 d, 3.1.2 d, 3.1.3 c 5)
    service_centre = "service_centre"  # Koordinasi GT-PPTPPO dengan PPT (3.2)


class CentreTopic(enum.StrEnum):
    """What a coordination with a service centre covers (3.2 3)."""

    planning = "planning"  # perencanaan
    case_conference = "case_conference"  # gelar kasus
    problem_solving = "problem_solving"  # pemecahan masalah


COORDINATION_TITLES = {
    RegionLevel.national: "Koordinasi Nasional",
    RegionLevel.province: "Koordinasi Provinsi",
    RegionLevel.regency: "Koordinasi Kabupaten/Kota",
}
TITLES = {
    MeetingKind.plenary: "Koordinasi Pleno",
    MeetingKind.sub_task_force: "Koordinasi Sub GT",
    MeetingKind.special: "Koordinasi Khusus",
    MeetingKind.service_centre: "Koordinasi dengan Pusat Pelayanan Terpadu",
}


class FollowUpStatus(enum.StrEnum):
    open = "open"  # belum ditindaklanjuti
    done = "done"  # selesai


class Meeting(Base):
    """One coordination meeting held by a task force."""

    __tablename__ = "meeting"
    __table_args__ = (Index("ix_meeting_task_force_kind_held", "task_force_id", "kind", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_force_id: Mapped[int] = mapped_column(ForeignKey("task_force.id"))
    kind: Mapped[MeetingKind] = mapped_column(Enum(MeetingKind, native_enum=False, length=32))
    sub_task_force_id: Mapped[int | None] = mapped_column(
        ForeignKey("sub_task_force.id"), index=True
    )
    service_centre_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_centre.id"), index=True
    )
    held_on: Mapped[date] = mapped_column()
    chaired_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("membership.id"))
    agenda: Mapped[str] = mapped_column(String(4000))
    decisions: Mapped[list[str]] = mapped_column(JSONType, default=list)
    centre_topics: Mapped[list[str]] = mapped_column(JSONType, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    task_force: Mapped[TaskForce] = relationship(lazy="joined", innerjoin=True)
    attendees: Mapped[list[MeetingAttendee]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="MeetingAttendee.membership_id"
    )
    attending_task_forces: Mapped[list[MeetingTaskForce]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="MeetingTaskForce.task_force_id"
    )
    follow_up_actions: Mapped[list[FollowUpAction]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="FollowUpAction.id"
    )

    @property
    def title(self) -> str:
        if self.kind is MeetingKind.coordination:
            return COORDINATION_TITLES[self.task_force.level]
        return TITLES[self.kind]

    @property
    def attendee_member_ids(self) -> list[int]:
        return [a.membership_id for a in self.attendees]

    @property
    def attending_task_force_ids(self) -> list[int]:
        return [a.task_force_id for a in self.attending_task_forces]


class MeetingAttendee(Base):
    """A member of the task force present at the meeting."""

    __tablename__ = "meeting_attendee"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), primary_key=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id"), primary_key=True)


class MeetingTaskForce(Base):
    """A task force of a lower level taking part in a coordination or special meeting."""

    __tablename__ = "meeting_task_force"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), primary_key=True)
    task_force_id: Mapped[int] = mapped_column(ForeignKey("task_force.id"), primary_key=True)


class FollowUpAction(Base):
    """A follow-up action (tindak lanjut) decided at a meeting, with an owner and a due date."""

    __tablename__ = "meeting_follow_up"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    description: Mapped[str] = mapped_column(String(1000))
    owner: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date] = mapped_column()
    status: Mapped[FollowUpStatus] = mapped_column(
        Enum(FollowUpStatus, native_enum=False, length=16), default=FollowUpStatus.open
    )
    completed_on: Mapped[date | None] = mapped_column()
    # The action-plan activity this action serves, if any (RAD/RAN, 5.3).
    action_plan_activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("action_plan_activity.id"), index=True
    )


class RequestStatus(enum.StrEnum):
    requested = "requested"  # diajukan
    held = "held"  # koordinasi telah dilaksanakan (its meeting recorded)


class CoordinationRequest(Base):
    """A service centre asking its task force for a coordination: planning, a case
    conference (gelar kasus) or problem solving (Permen PPPA 10/2012 §3.2: "atas inisiatif
    masing-masing pihak"). Answered by the meeting the task force records for it."""

    __tablename__ = "coordination_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_centre_id: Mapped[int] = mapped_column(ForeignKey("service_centre.id"), index=True)
    task_force_id: Mapped[int] = mapped_column(ForeignKey("task_force.id"), index=True)
    topics: Mapped[list[str]] = mapped_column(JSONType)
    subject: Mapped[str] = mapped_column(String(2000))
    proposed_on: Mapped[date | None] = mapped_column()
    status: Mapped[RequestStatus] = mapped_column(
        Enum(RequestStatus, native_enum=False, length=16), default=RequestStatus.requested
    )
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"))
    requested_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
