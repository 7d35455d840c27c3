"""Community groups working with a task force, their activities, and the awards it gives them
(Peran Serta Masyarakat, Permen PPPA 10/2012 §5.7 a-d)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gtpptppo_api.db.base import Base, utcnow


class PartnerKind(enum.StrEnum):
    """The kinds of community group (kelompok masyarakat) a task force works with."""

    womens_organisation = "womens_organisation"  # organisasi perempuan
    religious = "religious"  # organisasi keagamaan
    youth = "youth"  # organisasi pemuda
    village = "village"  # kelompok desa/kelurahan
    ngo = "ngo"  # lembaga swadaya masyarakat
    media = "media"  # media massa
    business = "business"  # dunia usaha
    academic = "academic"  # perguruan tinggi/akademisi


class CommunityPartner(Base):
    """A community group identified by the task force (5.7 a). Its contact person is personal
    data: stored encrypted, the partner's id bound in as associated data."""

    __tablename__ = "community_partner"
    __table_args__ = (Index("ix_community_partner_task_force", "task_force_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_force_id: Mapped[int] = mapped_column(ForeignKey("task_force.id"))
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[PartnerKind] = mapped_column(Enum(PartnerKind, native_enum=False, length=32))
    contribution: Mapped[str] = mapped_column(Text)  # bidang kontribusi
    listing_consent: Mapped[bool] = mapped_column(default=False)  # setuju dicantumkan publik
    contact_key_id: Mapped[str | None] = mapped_column(String(32))
    contact_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class PartnerActivityKind(enum.StrEnum):
    """What the task force does with its community groups (5.7 b, c)."""

    capacity_building = "capacity_building"  # pembinaan
    coordination = "coordination"  # koordinasi
    prevention = "prevention"  # pencegahan: sosialisasi, kampanye
    victim_support = "victim_support"  # pendampingan korban
    other = "other"


class PartnerActivity(Base):
    """An activity of a community group with the task force."""

    __tablename__ = "partner_activity"
    __table_args__ = (Index("ix_partner_activity_partner", "partner_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("community_partner.id"))
    kind: Mapped[PartnerActivityKind] = mapped_column(
        Enum(PartnerActivityKind, native_enum=False, length=32)
    )
    title: Mapped[str] = mapped_column(String(300))
    held_on: Mapped[date] = mapped_column()
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PartnerAward(Base):
    """An award (penghargaan) given by the task force to a community group (5.7 d)."""

    __tablename__ = "partner_award"
    __table_args__ = (Index("ix_partner_award_partner", "partner_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("community_partner.id"))
    title: Mapped[str] = mapped_column(String(300))
    awarded_on: Mapped[date] = mapped_column()
    reason: Mapped[str] = mapped_column(Text)
    decree_number: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
