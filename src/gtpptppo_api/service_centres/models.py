from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Enum, ForeignKey, String, select
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from gtpptppo_api.db.base import Base, utcnow
from gtpptppo_api.regions.models import Region
from gtpptppo_api.task_forces.models import TaskForce, TaskForceStatus


class ServiceCentreKind(enum.StrEnum):
    """Forms of integrated service centre named by 5.1.2."""

    p2tp2a = "p2tp2a"  # Pusat Pelayanan Terpadu Pemberdayaan Perempuan dan Anak
    community_based = "community_based"  # Pelayanan Terpadu Berbasis Komunitas
    hospital_based = "hospital_based"  # Pelayanan Terpadu Berbasis Rumah Sakit
    trauma_centre = "trauma_centre"  # Pusat Trauma Centre
    other = "other"  # dan lain-lain


class ServiceCentre(Base):
    __tablename__ = "service_centre"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[ServiceCentreKind] = mapped_column(
        Enum(ServiceCentreKind, native_enum=False, length=32)
    )
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    address: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    region: Mapped[Region] = relationship(lazy="joined", innerjoin=True)

    if TYPE_CHECKING:
        task_force_id: Mapped[int | None]  # mapped below the class

    @property
    def region_name(self) -> str:
        return self.region.name


# The task force of the centre's region: the active one, whenever it was formed.
ServiceCentre.task_force_id = column_property(
    select(TaskForce.id)
    .where(
        TaskForce.region_code == ServiceCentre.region_code,
        TaskForce.status == TaskForceStatus.active,
    )
    .correlate_except(TaskForce)
    .limit(1)
    .scalar_subquery()
)
