"""Task forces, sub-task-forces and decrees (Permen PPPA 10/2012, BAB II)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Enum, ForeignKey, Index, String, UniqueConstraint, and_, select, text
from sqlalchemy.orm import Mapped, aliased, column_property, mapped_column, relationship

from gtpptppo_api.db.base import Base, utcnow
from gtpptppo_api.regions.models import Region, RegionLevel


class TaskForceStatus(enum.StrEnum):
    active = "active"  # aktif
    dissolved = "dissolved"  # dibubarkan: kept for history


class SubTaskForceKind(enum.StrEnum):
    """The six Sub GT of 2.1.3 / 2.2.3 / 2.3.3."""

    prevention_child_participation = (
        "prevention_child_participation"  # Pencegahan dan Partisipasi Anak
    )
    health_rehabilitation = "health_rehabilitation"  # Rehabilitasi Kesehatan
    # Rehabilitasi Sosial, Pemulangan dan Reintegrasi
    social_rehabilitation_repatriation_reintegration = (
        "social_rehabilitation_repatriation_reintegration"
    )
    legal_norm_development = "legal_norm_development"  # Pengembangan Norma Hukum
    law_enforcement = "law_enforcement"  # Penegakan Hukum
    cooperation_coordination = "cooperation_coordination"  # Kerjasama dan Koordinasi


class DecreeAuthority(enum.StrEnum):
    """Who issued a decree (2.1.5, 2.2.5, 2.3.5)."""

    president = "president"  # Keputusan Presiden
    minister = "minister"  # Menteri PP-PA as national daily chair (2.1.5 b)
    governor = "governor"  # Keputusan/Peraturan Gubernur
    bupati = "bupati"  # Keputusan/Peraturan Bupati
    walikota = "walikota"  # Keputusan/Peraturan Walikota
    agency_head = "agency_head"  # Kepala SKPD PP-PA: forms the regional secretariat (2.2.5, 2.3.5)


class TaskForce(Base):
    """A Gugus Tugas PP-TPPO bound to one region; at most one active per region."""

    __tablename__ = "task_force"
    __table_args__ = (
        Index(
            "uq_task_force_active_region",
            "region_code",
            unique=True,
            postgresql_where=text("status = 'active'"),
            sqlite_where=text("status = 'active'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    level: Mapped[RegionLevel] = mapped_column(Enum(RegionLevel, native_enum=False, length=16))
    status: Mapped[TaskForceStatus] = mapped_column(
        Enum(TaskForceStatus, native_enum=False, length=16), default=TaskForceStatus.active
    )
    chair_position: Mapped[str] = mapped_column(String(300))
    daily_chair_position: Mapped[str] = mapped_column(String(300))
    secretariat_host_agency: Mapped[str] = mapped_column(String(300))
    secretariat_head: Mapped[str | None] = mapped_column(String(300))
    dissolved_on: Mapped[date | None] = mapped_column()
    dissolution_reason: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    if TYPE_CHECKING:
        parent_id: Mapped[int | None]  # mapped below the class

    region: Mapped[Region] = relationship(lazy="joined", innerjoin=True)
    established_decree: Mapped[Decree | None] = relationship(
        primaryjoin="and_(Decree.task_force_id == TaskForce.id, Decree.purpose == 'establishment')",
        viewonly=True,
        lazy="joined",
    )
    dissolution_decree: Mapped[Decree | None] = relationship(
        primaryjoin="and_(Decree.task_force_id == TaskForce.id, Decree.purpose == 'dissolution')",
        viewonly=True,
        lazy="joined",
    )

    @property
    def region_name(self) -> str:
        return self.region.name

    @property
    def secretariat(self) -> dict[str, str | None]:
        return {"host_agency": self.secretariat_host_agency, "head": self.secretariat_head}


class SubTaskForce(Base):
    """A Sub GT; at regency level legal-norm and law-enforcement may be one unit (2.3.1 f)."""

    __tablename__ = "sub_task_force"
    __table_args__ = (UniqueConstraint("task_force_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_force_id: Mapped[int] = mapped_column(ForeignKey("task_force.id"), index=True)
    kind: Mapped[SubTaskForceKind] = mapped_column(
        Enum(SubTaskForceKind, native_enum=False, length=64)
    )
    also_covers: Mapped[SubTaskForceKind | None] = mapped_column(
        Enum(SubTaskForceKind, native_enum=False, length=64)
    )
    name: Mapped[str] = mapped_column(String(300))
    coordinating_agency: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def covers(self) -> list[SubTaskForceKind]:
        return [self.kind] if self.also_covers is None else [self.kind, self.also_covers]


class DecreePurpose(enum.StrEnum):
    establishment = "establishment"  # pembentukan gugus tugas
    membership = "membership"  # pengangkatan dan pemberhentian anggota
    dissolution = "dissolution"  # pembubaran, by the authority that formed it (2.x.5)


class Decree(Base):
    """A decree (Keputusan) establishing or dissolving the task force, or appointing or
    dismissing members."""

    __tablename__ = "decree"
    __table_args__ = (UniqueConstraint("task_force_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_force_id: Mapped[int] = mapped_column(ForeignKey("task_force.id"), index=True)
    number: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(1000))
    issued_on: Mapped[date] = mapped_column()
    authority: Mapped[DecreeAuthority] = mapped_column(
        Enum(DecreeAuthority, native_enum=False, length=16)
    )
    purpose: Mapped[DecreePurpose] = mapped_column(
        Enum(DecreePurpose, native_enum=False, length=16), default=DecreePurpose.membership
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# The parent task force is the active task force of the parent region (Permen PPPA 10/2012
# BAB II). It is computed, never stored, so it stays right when a parent is formed or
# dissolved later.
_parent = aliased(TaskForce)
_region = aliased(Region)
TaskForce.parent_id = column_property(
    select(_parent.id)
    .join(_region, and_(_region.parent_code == _parent.region_code))
    .where(_region.code == TaskForce.region_code, _parent.status == TaskForceStatus.active)
    .correlate_except(_parent, _region)
    .limit(1)
    .scalar_subquery()
)
