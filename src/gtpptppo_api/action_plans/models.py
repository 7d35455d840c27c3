"""Action plans (Rencana Aksi Nasional / Daerah), their activities, budgets and realisation.

Permen PPPA 10/2012, BAB V "PROGRAM DAN KEGIATAN (RAN DAN RAD)" and "ANGGARAN" (3.3, 5.3).
Money is whole rupiah in ``BigInteger`` columns; indicator values are whole numbers in the
indicator's unit, so every sum and ratio is exact integer arithmetic on every backend.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Literal

from sqlalchemy import BigInteger, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gtpptppo_api.db.base import Base, utcnow
from gtpptppo_api.regions.models import RegionLevel
from gtpptppo_api.task_forces.models import SubTaskForceKind

Program = SubTaskForceKind
"""Programs a-f of an action plan mirror the six sub-task-forces one to one (BAB V)."""


class ActionPlanState(enum.StrEnum):
    draft = "draft"  # rancangan
    adopted = "adopted"  # ditetapkan
    closed = "closed"  # selesai


class FundingSource(enum.StrEnum):
    """Sources of funds of BAB V "ANGGARAN" a-d (closed list)."""

    apbn = "apbn"  # APBN
    apbd = "apbd"  # APBD provinsi / kabupaten-kota
    social_disaster_fund = "social_disaster_fund"  # Dana Bencana Sosial / Belanja Tidak Langsung
    csr = "csr"  # Dana Tidak Mengikat: Tanggung Jawab Sosial Perusahaan (CSR)
    national_donor = "national_donor"  # Lembaga Donor Nasional
    international_donor = "international_donor"  # Lembaga Donor Internasional


class ActionPlan(Base):
    """A RAN (national task force) or RAD (province, regency/city) over a period of years."""

    __tablename__ = "action_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_force_id: Mapped[int] = mapped_column(ForeignKey("task_force.id"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    level: Mapped[RegionLevel] = mapped_column(Enum(RegionLevel, native_enum=False, length=16))
    title: Mapped[str] = mapped_column(String(500))
    first_year: Mapped[int] = mapped_column()
    last_year: Mapped[int] = mapped_column()
    state: Mapped[ActionPlanState] = mapped_column(
        Enum(ActionPlanState, native_enum=False, length=16), default=ActionPlanState.draft
    )
    legal_basis_number: Mapped[str | None] = mapped_column(String(200))
    legal_basis_title: Mapped[str | None] = mapped_column(String(1000))
    legal_basis_issued_on: Mapped[date | None] = mapped_column()
    adopted_at: Mapped[datetime | None] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    exclusions: Mapped[list[ProgramExclusion]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="ProgramExclusion.id"
    )

    @property
    def out_of_scope(self) -> list[ProgramExclusion]:
        return self.exclusions

    @property
    def kind(self) -> Literal["RAN", "RAD"]:
        """``RAN`` for the national task force, ``RAD`` below it."""
        return "RAN" if self.level is RegionLevel.national else "RAD"

    @property
    def legal_basis(self) -> dict[str, object] | None:
        if self.legal_basis_number is None and self.legal_basis_issued_on is None:
            return None
        return {
            "number": self.legal_basis_number,
            "title": self.legal_basis_title,
            "issued_on": self.legal_basis_issued_on,
        }


class ProgramExclusion(Base):
    """A program recorded as out of scope for the region, with the reason."""

    __tablename__ = "action_plan_exclusion"
    __table_args__ = (UniqueConstraint("action_plan_id", "program"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_plan_id: Mapped[int] = mapped_column(ForeignKey("action_plan.id"), index=True)
    program: Mapped[Program] = mapped_column(Enum(Program, native_enum=False, length=64))
    reason: Mapped[str] = mapped_column(String(2000))


class Activity(Base):
    """One activity (kegiatan) under one program, with the six elements of BAB V a-f."""

    __tablename__ = "action_plan_activity"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_plan_id: Mapped[int] = mapped_column(ForeignKey("action_plan.id"), index=True)
    program: Mapped[Program] = mapped_column(Enum(Program, native_enum=False, length=64))
    catalogue_code: Mapped[str | None] = mapped_column(String(8))
    problem_identified: Mapped[str | None] = mapped_column(Text)  # a. identifikasi masalah
    activity: Mapped[str | None] = mapped_column(Text)  # b. rencana kegiatan
    start_year: Mapped[int | None] = mapped_column()  # d. kerangka waktu pelaksanaan
    end_year: Mapped[int | None] = mapped_column()
    responsible_sub_task_force_id: Mapped[int | None] = mapped_column(  # e. penanggung jawab
        ForeignKey("sub_task_force.id"), index=True
    )
    responsible_agency: Mapped[str | None] = mapped_column(String(300))
    implementing_team: Mapped[str | None] = mapped_column(String(2000))  # f. tim pelaksana
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    # c. indikator keberhasilan
    indicators: Mapped[list[Indicator]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="Indicator.id"
    )
    budget_lines: Mapped[list[BudgetLine]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="BudgetLine.id"
    )


class Indicator(Base):
    """A success indicator (indikator keberhasilan): a unit, a baseline, a target per year."""

    __tablename__ = "action_plan_indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("action_plan_activity.id"), index=True)
    name: Mapped[str] = mapped_column(String(500))
    unit: Mapped[str] = mapped_column(String(100))
    baseline: Mapped[int] = mapped_column(Integer)

    targets: Mapped[list[IndicatorTarget]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="IndicatorTarget.year"
    )


class IndicatorTarget(Base):
    __tablename__ = "action_plan_indicator_target"
    __table_args__ = (UniqueConstraint("indicator_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("action_plan_indicator.id"))
    year: Mapped[int] = mapped_column()
    value: Mapped[int] = mapped_column(Integer)


class BudgetLine(Base):
    """Planned funds of an activity for one year from one source (BAB V "ANGGARAN")."""

    __tablename__ = "action_plan_budget_line"
    __table_args__ = (UniqueConstraint("activity_id", "year", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("action_plan_activity.id"), index=True)
    year: Mapped[int] = mapped_column()
    source: Mapped[FundingSource] = mapped_column(Enum(FundingSource, native_enum=False, length=32))
    planned_amount: Mapped[int] = mapped_column(BigInteger)


class Realisation(Base):
    """What an activity achieved and spent in one year, with evidence notes."""

    __tablename__ = "action_plan_realisation"
    __table_args__ = (UniqueConstraint("activity_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_plan_id: Mapped[int] = mapped_column(ForeignKey("action_plan.id"), index=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("action_plan_activity.id"))
    year: Mapped[int] = mapped_column()
    evidence_notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    indicator_values: Mapped[list[IndicatorValue]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="IndicatorValue.indicator_id"
    )
    spending: Mapped[list[Spending]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="Spending.id"
    )


class IndicatorValue(Base):
    __tablename__ = "action_plan_indicator_value"
    __table_args__ = (UniqueConstraint("realisation_id", "indicator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    realisation_id: Mapped[int] = mapped_column(ForeignKey("action_plan_realisation.id"))
    indicator_id: Mapped[int] = mapped_column(ForeignKey("action_plan_indicator.id"), index=True)
    achieved: Mapped[int] = mapped_column(Integer)


class Spending(Base):
    """Funds spent in a realisation year from one source (realisasi anggaran)."""

    __tablename__ = "action_plan_spending"
    __table_args__ = (UniqueConstraint("realisation_id", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    realisation_id: Mapped[int] = mapped_column(ForeignKey("action_plan_realisation.id"))
    source: Mapped[FundingSource] = mapped_column(Enum(FundingSource, native_enum=False, length=32))
    amount: Mapped[int] = mapped_column(BigInteger)
