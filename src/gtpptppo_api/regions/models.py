"""Regions (wilayah administrasi pemerintahan), loaded by migration from package data."""

from __future__ import annotations

import enum

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from gtpptppo_api.db.base import Base


class RegionLevel(enum.StrEnum):
    """Level of government, and so of the task force bound to the region (BAB II)."""

    national = "national"  # Pusat
    province = "province"  # Provinsi
    regency = "regency"  # Kabupaten/Kota


class RegionKind(enum.StrEnum):
    nation = "nation"
    province = "province"
    kabupaten = "kabupaten"  # regency, headed by a Bupati
    kota = "kota"  # city, headed by a Walikota


class Region(Base):
    __tablename__ = "region"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    level: Mapped[RegionLevel] = mapped_column(Enum(RegionLevel, native_enum=False, length=16))
    kind: Mapped[RegionKind] = mapped_column(Enum(RegionKind, native_enum=False, length=16))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"), index=True)
