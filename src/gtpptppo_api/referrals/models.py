"""Referrals (rujukan) and transfers (pengalihan) of cases between service centres and to
other agencies, as Primero's: the sender asks, the receiver accepts or declines with a
reason. An agency outside the system is named by kind and name, and the sending centre
records its answer."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from gtpptppo_api.cases.models import ServiceType
from gtpptppo_api.consent.models import AgencyKind
from gtpptppo_api.db.base import Base, utcnow


class ReferralKind(enum.StrEnum):
    referral = "referral"  # rujukan: for one service; the case stays with its centre
    transfer = "transfer"  # pengalihan: the whole case goes to the receiving centre


class ReferralState(enum.StrEnum):
    pending = "pending"
    accepted = "accepted"
    declined = "declined"


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, length=32)


class Referral(Base):
    __tablename__ = "referral"
    __table_args__ = (
        Index("ix_referral_case", "case_id", "id"),
        # a centre's referrals, and those of one of its references
        Index("ix_referral_from_centre", "from_centre_id", "external_ref"),
        Index("ix_referral_to_centre", "to_centre_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("victim_case.id", ondelete="CASCADE"))
    kind: Mapped[ReferralKind] = mapped_column(_enum(ReferralKind))
    from_centre_id: Mapped[int] = mapped_column(ForeignKey("service_centre.id"))
    # the case's reference at the sending centre when it was referred
    external_ref: Mapped[str] = mapped_column(String(100))
    agency_kind: Mapped[AgencyKind] = mapped_column(_enum(AgencyKind))
    to_centre_id: Mapped[int | None] = mapped_column(ForeignKey("service_centre.id"))
    agency_name: Mapped[str | None] = mapped_column(String(300))
    service: Mapped[ServiceType | None] = mapped_column(_enum(ServiceType))
    note: Mapped[str | None] = mapped_column(String(2000))
    state: Mapped[ReferralState] = mapped_column(_enum(ReferralState))
    decision_reason: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column()
