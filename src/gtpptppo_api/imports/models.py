"""An import: the uploaded file (in the database, so every API and worker process of every
machine reads the same one), its progress, and the rows it refused."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gtpptppo_api.db.base import Base, JSONType, utcnow


class ImportFormat(enum.StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    ndjson = "ndjson"


class ImportState(enum.StrEnum):
    """Where an import is in its life."""

    queued = "queued"  # uploaded; waiting for a worker
    running = "running"  # a worker is storing its rows, chunk by chunk
    done = "done"  # every row was stored or refused
    failed = "failed"  # the file as a whole could not be read (``problem`` says why)


class CaseImport(Base):
    """One uploaded file of case records for a service centre, and how far its rows went."""

    __tablename__ = "case_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_centre_id: Mapped[int] = mapped_column(
        ForeignKey("service_centre.id", ondelete="CASCADE"), index=True
    )
    format: Mapped[ImportFormat] = mapped_column(Enum(ImportFormat, native_enum=False, length=10))
    filename: Mapped[str | None] = mapped_column(String(200))
    size_bytes: Mapped[int] = mapped_column(default=0)
    state: Mapped[ImportState] = mapped_column(
        Enum(ImportState, native_enum=False, length=10), default=ImportState.queued
    )
    # Who uploaded it: the audit events of the cases it stores name them.
    actor_token_id: Mapped[int | None] = mapped_column()
    actor_name: Mapped[str] = mapped_column(String(200))
    actor_role: Mapped[str] = mapped_column(String(40))
    # Data rows of the file (empty rows not counted); known once a worker has read it.
    rows_total: Mapped[int | None] = mapped_column()
    # Rows handled so far, in file order: committed with the rows they stored, so a run
    # that dies resumes after the last committed chunk.
    rows_done: Mapped[int] = mapped_column(default=0)
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    refused: Mapped[int] = mapped_column(default=0)
    # Why the file as a whole was refused (state ``failed``): Indonesian, then English.
    problem: Mapped[str | None] = mapped_column(Text)
    job_id: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()


class ImportPart(Base):
    """A piece of an uploaded file, in order; encrypted (the file holds personal data)."""

    __tablename__ = "case_import_part"

    import_id: Mapped[int] = mapped_column(
        ForeignKey("case_import.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    key_id: Mapped[str] = mapped_column(String(50))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class ImportRefusal(Base):
    """A row an import refused, with its problems; the row's cells stay in the file."""

    __tablename__ = "case_import_refusal"

    import_id: Mapped[int] = mapped_column(
        ForeignKey("case_import.id", ondelete="CASCADE"), primary_key=True
    )
    # The row's number in the file as a spreadsheet shows it (the header rows counted).
    row_number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    external_ref: Mapped[str | None] = mapped_column(String(100))
    errors: Mapped[list[dict[str, str]]] = mapped_column(JSONType)
