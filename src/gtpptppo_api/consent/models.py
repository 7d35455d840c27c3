"""A case's legal basis and consent under UU 27/2022 (Pelindungan Data Pribadi).

One record serves the law and HTCDS 2.0's "agreement to manage personal data": a case has a
history of records (``ConsentRecord``: the legal basis, who gave it, when; the newest is
the current one) and of grants per purpose (``ConsentGrant``), each withdrawn in its own
time. Nothing is deleted: a withdrawal stamps the grant, a new record supersedes the old.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from gtpptppo_api.db.base import Base, utcnow


class ProcessingBasis(enum.StrEnum):
    """The bases of processing of UU 27/2022 art. 20 that a centre holds a victim's data on."""

    consent = "consent"  # persetujuan
    legal_obligation = "legal_obligation"  # kewajiban hukum
    vital_interest = "vital_interest"  # kepentingan vital
    public_task = "public_task"  # tugas dalam rangka kepentingan umum


class ConsentGiver(enum.StrEnum):
    """Who consented: the victim, or for a child a parent or guardian (UU 27/2022 art. 25)."""

    victim = "victim"  # korban
    parent = "parent"  # orang tua
    guardian = "guardian"  # wali


class Purpose(enum.StrEnum):
    services = "services"  # layanan: the centre's own handling of the case
    referral = "referral"  # rujukan: referring or transferring the case to another provider
    statistics = "statistics"  # statistik: de-identified counts
    sharing = "sharing"  # berbagi: identifying data shared with a named agency


class AgencyKind(enum.StrEnum):
    """Agencies a case is referred to or its data shared with."""

    service_centre = "service_centre"  # a centre in this system (P2TP2A / UPTD PPA)
    p2tp2a = "p2tp2a"  # P2TP2A / UPTD PPA outside the system
    social_affairs = "social_affairs"  # Dinas Sosial
    lpsk = "lpsk"  # Lembaga Perlindungan Saksi dan Korban
    police = "police"  # Kepolisian
    health = "health"  # fasilitas kesehatan
    other = "other"


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, length=32)


class ConsentRecord(Base):
    """A legal basis recorded for a case; the newest (``superseded_at`` null) is current."""

    __tablename__ = "consent_record"
    __table_args__ = (Index("ix_consent_record_case", "case_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("victim_case.id", ondelete="CASCADE"))
    legal_basis: Mapped[ProcessingBasis] = mapped_column(_enum(ProcessingBasis))
    given_by: Mapped[ConsentGiver | None] = mapped_column(_enum(ConsentGiver))
    given_at: Mapped[datetime] = mapped_column()
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    superseded_at: Mapped[datetime | None] = mapped_column()


class ConsentGrant(Base):
    """One purpose granted for a case (with its agency, for ``sharing``), until withdrawn."""

    __tablename__ = "consent_grant"
    __table_args__ = (Index("ix_consent_grant_case", "case_id", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("victim_case.id", ondelete="CASCADE"))
    purpose: Mapped[Purpose] = mapped_column(_enum(Purpose))
    agency_kind: Mapped[AgencyKind | None] = mapped_column(_enum(AgencyKind))
    agency_name: Mapped[str | None] = mapped_column(String(300))
    agency_centre_id: Mapped[int | None] = mapped_column(ForeignKey("service_centre.id"))
    granted_at: Mapped[datetime] = mapped_column()
    granted_by: Mapped[str] = mapped_column(String(200))
    withdrawn_at: Mapped[datetime | None] = mapped_column()
    withdrawn_by: Mapped[str | None] = mapped_column(String(200))
    withdrawal_reason: Mapped[str | None] = mapped_column(String(500))
