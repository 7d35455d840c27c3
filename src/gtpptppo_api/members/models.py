"""Membership records: one row per appointment, closed by a dismissal, never overwritten."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from gtpptppo_api.db.base import Base, utcnow


class Element(enum.StrEnum):
    """The six elements (unsur) members come from (2.1.1)."""

    government = "government"  # Pemerintah
    law_enforcement = "law_enforcement"  # Penegak Hukum
    community_organisation = "community_organisation"  # Organisasi Masyarakat
    ngo = "ngo"  # Lembaga Swadaya Masyarakat
    professional_organisation = "professional_organisation"  # Organisasi Profesi
    researcher_academic = "researcher_academic"  # Peneliti/Akademisi


class MemberRole(enum.StrEnum):
    chair = "chair"  # Ketua
    daily_chair = "daily_chair"  # Ketua Harian
    member = "member"  # Anggota
    sub_task_force_coordinator = "sub_task_force_coordinator"  # Penanggung jawab Sub GT
    head_of_secretariat = "head_of_secretariat"  # Kepala Sekretariat


class Membership(Base):
    """A person serving on a task force from ``appointed_on`` until ``dismissed_on``.

    ``dismissed_on`` is the first day no longer served. A change of role is a dismissal and a
    new appointment, so the history of who served when is kept whole.
    """

    __tablename__ = "membership"
    __table_args__ = (Index("ix_membership_task_force_period", "task_force_id", "appointed_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_force_id: Mapped[int] = mapped_column(ForeignKey("task_force.id"))
    sub_task_force_id: Mapped[int | None] = mapped_column(
        ForeignKey("sub_task_force.id"), index=True
    )
    person_name: Mapped[str] = mapped_column(String(200))
    element: Mapped[Element] = mapped_column(Enum(Element, native_enum=False, length=32))
    role: Mapped[MemberRole] = mapped_column(Enum(MemberRole, native_enum=False, length=32))
    institution: Mapped[str] = mapped_column(String(300))
    position: Mapped[str | None] = mapped_column(String(300))
    appointed_on: Mapped[date] = mapped_column()
    appointment_decree_id: Mapped[int] = mapped_column(ForeignKey("decree.id"))
    dismissed_on: Mapped[date | None] = mapped_column()
    dismissal_decree_id: Mapped[int | None] = mapped_column(ForeignKey("decree.id"))
    dismissal_reason: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    def serves_on(self, on: date) -> bool:
        """Whether the member serves on day ``on`` (see :func:`members.service.serving_on`)."""
        return self.appointed_on <= on and (self.dismissed_on is None or self.dismissed_on > on)
