"""Data subject requests and personal data breaches (UU 27/2022)."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from gtpptppo_api.db.base import Base, JSONType, utcnow


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, length=16)


class RequestKind(enum.StrEnum):
    access = "access"  # akses: a copy of everything held about the person
    rectification = "rectification"  # pembetulan
    restriction = "restriction"  # pembatasan pemrosesan
    erasure = "erasure"  # penghapusan


class RequestState(enum.StrEnum):
    received = "received"  # diterima: the clock runs
    completed = "completed"  # selesai
    refused = "refused"  # ditolak, with the reason
    lifted = "lifted"  # a restriction no longer in force


class DataSubjectRequest(Base):
    """A victim's (or their guardian's) request about their personal data, received by the
    centre that holds their case, answered within the law's clock (``due_at``)."""

    __tablename__ = "data_subject_request"
    __table_args__ = (Index("ix_data_subject_request_open", "state", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[RequestKind] = mapped_column(_enum(RequestKind))
    state: Mapped[RequestState] = mapped_column(_enum(RequestState), default=RequestState.received)
    # The centre that received the request and receives the answer.
    service_centre_id: Mapped[int] = mapped_column(ForeignKey("service_centre.id"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))  # the centre's
    # The case the person was identified by (null once an erasure removed its record).
    case_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("victim_case.id", ondelete="SET NULL")
    )
    note: Mapped[str | None] = mapped_column(String(1000))
    # An erasure: keep the de-identified record for the counts (true) or remove it whole.
    keep_counts: Mapped[bool] = mapped_column(default=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime] = mapped_column()
    received_by: Mapped[str] = mapped_column(String(200))
    handled_by: Mapped[str | None] = mapped_column(String(200))
    handled_at: Mapped[datetime | None] = mapped_column()
    resolution: Mapped[str | None] = mapped_column(String(1000))
    cases_affected: Mapped[int | None] = mapped_column()


class Breach(Base):
    """A personal data breach (kegagalan pelindungan data pribadi): when it was discovered,
    what was exposed, whose data (found by a query: centre, period, fields), and the notices
    due within 3 x 24 hours of discovery (UU 27/2022 art. 46) with when they were sent."""

    __tablename__ = "data_breach"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(4000))
    discovered_at: Mapped[datetime] = mapped_column()
    notify_due_at: Mapped[datetime] = mapped_column()
    # The query of the affected subjects: the centre (none: every centre), the period of the
    # cases' identification, and the fields exposed.
    service_centre_id: Mapped[int | None] = mapped_column(ForeignKey("service_centre.id"))
    period_from: Mapped[date] = mapped_column()
    period_to: Mapped[date] = mapped_column()
    fields: Mapped[list[str]] = mapped_column(JSONType)
    affected_cases: Mapped[int] = mapped_column(default=0)
    authority_notified_at: Mapped[datetime | None] = mapped_column()
    subjects_notified_at: Mapped[datetime | None] = mapped_column()
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class RetentionRun(Base):
    """One run of the retention schedule (``privacy.retention``): what outlived its period,
    erased, or with ``dry_run`` only reported."""

    __tablename__ = "retention_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    dry_run: Mapped[bool] = mapped_column()
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending, done
    requested_by: Mapped[str] = mapped_column(String(200))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    # the schedule (years by record kind) as the API had it when the run was asked for
    schedule: Mapped[dict[str, int]] = mapped_column(JSONType)
    finished_at: Mapped[datetime | None] = mapped_column()
    # per record kind: its period in years, the closure day before which a case outlived
    # it, and the number of cases (erased, or that would be)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    erased: Mapped[int] = mapped_column(default=0)


class KeyDeletion(Base):
    """An erased case's data key still to be deleted from the key store (an outbox row).

    Written in the erasure's own transaction, so it exists exactly when the erasure
    committed; the job ``privacy.forget_keys`` deletes the keys it names from the key store
    (a database of its own, out of that transaction) and then the rows. The erasure also
    deletes its keys right after its commit: this row is what makes that happen after a
    crash in between, without a sweep of the whole key store.
    """

    __tablename__ = "key_deletion"

    case_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    erased_at: Mapped[datetime] = mapped_column(default=utcnow)
