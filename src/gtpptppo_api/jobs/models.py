"""The job table: one row per background job, written in the transaction that causes it."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gtpptppo_api.db.base import Base, JSONType, utcnow


class JobStatus(enum.StrEnum):
    """Where a job is in its life."""

    pending = "pending"  # written; waiting for a worker (first run or a retry)
    running = "running"  # claimed by a worker until ``lease_until``
    done = "done"  # the handler's work and this status were committed together
    failed = "failed"  # the last attempt failed; ``last_error`` says why


class Job(Base):
    """A background job (the outbox row); its message carries only ``id``."""

    __tablename__ = "job"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The handler's name, "domain.verb" (e.g. "reports.generate"); also the actor's name.
    kind: Mapped[str] = mapped_column(String(100), index=True)
    # Ids only (Dramatiq's best practice): the handler reloads what it needs.
    payload: Mapped[dict[str, int]] = mapped_column(JSONType)
    status: Mapped[JobStatus] = mapped_column(
        Enum(JobStatus, native_enum=False, length=10), default=JobStatus.pending, index=True
    )
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column()
    # While running: the worker owns the job until then; afterwards it may be claimed again.
    lease_until: Mapped[datetime | None] = mapped_column()
    # The exception of the last failed attempt: its type and message, truncated.
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # When a message for the job was last sent (or due: the enqueuing commit sends it).
    sent_at: Mapped[datetime | None] = mapped_column()
    # Not to run before then (a retry later, as a webhook's next attempt): no message is sent
    # at commit; the reconciler sends it once the time has come.
    not_before: Mapped[datetime | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()
