"""Cooperation agreements (Kerjasama GT-PPTPPO), Permen PPPA 10/2012 BAB IV."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gtpptppo_api.db.base import Base, utcnow
from gtpptppo_api.task_forces.models import TaskForce


class AgreementKind(enum.StrEnum):
    """Forms of cooperation instrument named by BAB IV."""

    mou = "mou"  # Nota Kesepahaman (Memorandum of Understanding, MoU), 4.2.1, 4.3.2 c
    joint_agreement = "joint_agreement"  # Kesepakatan Bersama, 4.2.3, 4.4.1 c
    cooperation_contract = "cooperation_contract"  # Perjanjian Kerjasama, 4.4.1 c


class PartyKind(enum.StrEnum):
    """Who a task force cooperates with (4.2, 4.3, 4.4)."""

    task_force = "task_force"  # Gugus Tugas PP-TPPO daerah lain, 4.4
    ministry_agency = "ministry_agency"  # Kementerian/Lembaga, 4.2.1, 4.4.1 a 3)
    company = "company"  # pihak swasta, perusahaan berbadan hukum, BUMN/BUMD, 4.2.3
    ngo = "ngo"  # organisasi non-pemerintah, LSM, yayasan, LKS, 4.2.2, 4.3.3
    international_organisation = "international_organisation"  # organisasi internasional, 4.3.3
    foreign_government = "foreign_government"  # pemerintah negara lain, 4.3.1


# Party kinds that make an agreement international (Kerjasama Internasional, 4.3).
INTERNATIONAL_PARTIES = frozenset(
    {PartyKind.international_organisation, PartyKind.foreign_government}
)


class ScopeItem(enum.StrEnum):
    """The closed scope list of regional cooperation (Ruang Lingkup Kerjasama, 4.4.1 d)."""

    advocacy = "advocacy"  # 1) advokasi
    coordination = "coordination"  # 2) koordinasi
    complaint_handling = "complaint_handling"  # 3) penanganan pengaduan
    information_exchange = "information_exchange"  # 4) pertukaran informasi
    temporary_protection = "temporary_protection"  # 5) perlindungan sementara
    health_recovery = "health_recovery"  # 6) pelayanan pemulihan kesehatan
    # 7) pelayanan pemulihan psikologis dan rehabilitasi sosial
    psychological_recovery_social_rehabilitation = "psychological_recovery_social_rehabilitation"
    legal_aid = "legal_aid"  # 8) bantuan hukum
    repatriation = "repatriation"  # 9) pemulangan ke daerah asal
    financing = "financing"  # 10) pembiayaan
    reporting = "reporting"  # 11) pelaporan


class SigningAuthority(enum.StrEnum):
    """Who signs for the task force's government (4.2.1, 4.4, 4.4.1 c)."""

    president = "president"  # Presiden
    minister = "minister"  # Menteri
    agency_head = "agency_head"  # Kepala Lembaga / Kepala SKPD (perjanjian kerjasama)
    governor = "governor"  # Gubernur
    bupati = "bupati"  # Bupati
    walikota = "walikota"  # Walikota


class Agreement(Base):
    """A cooperation agreement of one task force with one or more parties."""

    __tablename__ = "agreement"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_force_id: Mapped[int] = mapped_column(ForeignKey("task_force.id"), index=True)
    kind: Mapped[AgreementKind] = mapped_column(Enum(AgreementKind, native_enum=False, length=32))
    title: Mapped[str] = mapped_column(String(500))
    signed_on: Mapped[date] = mapped_column()
    valid_from: Mapped[date] = mapped_column()
    # Last day the agreement is in force; None: no end date.
    valid_until: Mapped[date | None] = mapped_column(index=True)
    signing_authority: Mapped[SigningAuthority] = mapped_column(
        Enum(SigningAuthority, native_enum=False, length=16)
    )
    signatory_position: Mapped[str | None] = mapped_column(String(300))
    international: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    task_force: Mapped[TaskForce] = relationship(lazy="joined", innerjoin=True)
    parties: Mapped[list[AgreementParty]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="AgreementParty.id"
    )
    scope_items: Mapped[list[AgreementScopeItem]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="AgreementScopeItem.id"
    )
    documents: Mapped[list[AgreementDocument]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="AgreementDocument.id"
    )

    @property
    def region_code(self) -> str:
        return self.task_force.region_code

    @property
    def scope(self) -> list[ScopeItem]:
        return [row.item for row in self.scope_items]


class AgreementParty(Base):
    """A party to an agreement; a company carries the screening attestations of 4.2.3."""

    __tablename__ = "agreement_party"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[PartyKind] = mapped_column(Enum(PartyKind, native_enum=False, length=32))
    name: Mapped[str] = mapped_column(String(300))
    partner_task_force_id: Mapped[int | None] = mapped_column(
        ForeignKey("task_force.id"), index=True
    )
    country: Mapped[str | None] = mapped_column(String(2))  # ISO 3166-1 alpha-2; None: Indonesia
    # 4.2.3 "hal-hal yang perlu diperhatikan" a-c, as attested by the company.
    attests_no_harmful_products: Mapped[bool] = mapped_column(Boolean, default=False)
    attests_no_child_labour: Mapped[bool] = mapped_column(Boolean, default=False)
    attests_no_sexual_exploitation: Mapped[bool] = mapped_column(Boolean, default=False)
    screening_attested_on: Mapped[date | None] = mapped_column()
    screening_attested_by: Mapped[str | None] = mapped_column(String(300))

    @property
    def screening(self) -> dict[str, object] | None:
        if self.screening_attested_on is None:
            return None
        return {
            "no_harmful_products": self.attests_no_harmful_products,
            "no_child_labour": self.attests_no_child_labour,
            "no_sexual_exploitation": self.attests_no_sexual_exploitation,
            "attested_on": self.screening_attested_on,
            "attested_by": self.screening_attested_by,
        }


class AgreementScopeItem(Base):
    """One item of the agreement's scope, from the closed list of 4.4.1 d."""

    __tablename__ = "agreement_scope_item"
    __table_args__ = (UniqueConstraint("agreement_id", "item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"))
    item: Mapped[ScopeItem] = mapped_column(Enum(ScopeItem, native_enum=False, length=64))


class AgreementDocument(Base):
    """A reference to a document of the agreement (the signed text, an annex); no file."""

    __tablename__ = "agreement_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(500))
    reference: Mapped[str] = mapped_column(String(200))  # nomor surat / register number
    dated_on: Mapped[date] = mapped_column()
    locator: Mapped[str | None] = mapped_column(String(1000))  # where the original is kept
