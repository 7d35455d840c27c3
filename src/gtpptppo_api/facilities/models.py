"""Facilities inventories (Sarana dan Prasarana), Permen PPPA 10/2012 5.2."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gtpptppo_api.db.base import Base, utcnow


class OwnerKind(enum.StrEnum):
    secretariat = "secretariat"  # Sekretariat GT-PPTPPO
    service_centre = "service_centre"  # Pusat Pelayanan Terpadu (PPT)


class ItemStatus(enum.StrEnum):
    present = "present"  # ada, memadai
    partial = "partial"  # ada sebagian / belum memadai
    missing = "missing"  # tidak ada


class FacilityItem(enum.StrEnum):
    """Checklist items of 5.2; labels and sections in ``facilities.checklist``."""

    # For every secretariat and centre: 5.2 a-g (and the secretariat list a-d).
    office_room = "office_room"
    complaint_room = "complaint_room"
    counselling_room = "counselling_room"
    safe_house = "safe_house"  # Rumah/Kamar Aman (5.2 a; the centre's list c)
    bathroom = "bathroom"
    furniture = "furniture"
    computer = "computer"
    telephone_fax = "telephone_fax"
    internet = "internet"
    registers_guidelines = "registers_guidelines"
    iec_media = "iec_media"
    office_supplies = "office_supplies"
    medical_equipment = "medical_equipment"
    transport = "transport"
    # For service centres only: 5.2, Pusat Pelayanan Terpadu a-e.
    reception_registration_room = "reception_registration_room"
    legal_consultation_room = "legal_consultation_room"
    medical_examination_room = "medical_examination_room"
    victim_bedroom = "victim_bedroom"
    hotline = "hotline"
    hospital_special_room = "hospital_special_room"
    police_special_room = "police_special_room"


class FacilityInventory(Base):
    """The facilities of one secretariat (of a task force) or one service centre.

    One inventory per owner, kept current; every applicable checklist item has a row.
    ``region_code`` is the owner's region, kept here so roll-ups over a region subtree need
    no join.
    """

    __tablename__ = "facility_inventory"
    __table_args__ = (
        UniqueConstraint("task_force_id"),
        UniqueConstraint("service_centre_id"),
        CheckConstraint(
            "(task_force_id IS NOT NULL AND service_centre_id IS NULL)"
            " OR (task_force_id IS NULL AND service_centre_id IS NOT NULL)",
            name="one_owner",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_kind: Mapped[OwnerKind] = mapped_column(Enum(OwnerKind, native_enum=False, length=16))
    task_force_id: Mapped[int | None] = mapped_column(ForeignKey("task_force.id"))
    service_centre_id: Mapped[int | None] = mapped_column(ForeignKey("service_centre.id"))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    assessed_on: Mapped[date] = mapped_column()
    notes: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    items: Mapped[list[FacilityItemStatus]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="FacilityItemStatus.id"
    )


class FacilityItemStatus(Base):
    """Whether one checklist item is present, partial or missing in an inventory."""

    __tablename__ = "facility_item"
    __table_args__ = (UniqueConstraint("inventory_id", "item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inventory_id: Mapped[int] = mapped_column(
        ForeignKey("facility_inventory.id", ondelete="CASCADE")
    )
    item: Mapped[FacilityItem] = mapped_column(Enum(FacilityItem, native_enum=False, length=64))
    status: Mapped[ItemStatus] = mapped_column(Enum(ItemStatus, native_enum=False, length=16))
    note: Mapped[str | None] = mapped_column(String(500))
