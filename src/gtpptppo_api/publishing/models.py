"""A report published to the community (Permen PPPA 10/2012 §2.1.4 a.5, §2.2.4 a.6,
§2.3.4 a.6)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from gtpptppo_api.db.base import Base, JSONType, utcnow


class ReportPublication(Base):
    """A forwarded report made public by its chair. Withdrawing it deletes the row (the
    audit log keeps both steps); the public pages show only reports that have one.

    It names the version it publishes (``version``): a later version of the report becomes
    public only when the chair publishes again. ``figures``: the version's victims' tables
    as published, perturbed (``publishing.figures``), kept as the public saw them."""

    __tablename__ = "report_publication"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), unique=True)
    task_force_id: Mapped[int] = mapped_column(ForeignKey("task_force.id"), index=True)
    acting_member_id: Mapped[int] = mapped_column(ForeignKey("membership.id"))
    published_by_token_id: Mapped[int | None] = mapped_column(ForeignKey("api_token.id"))
    published_by_name: Mapped[str] = mapped_column(String(200))
    published_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    version: Mapped[int | None] = mapped_column()
    figures: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    # The public page and PDF, rendered once when published (and again only if a narrative
    # field is marked internal since: ``marks`` is a digest of the marks they were rendered
    # with), served as stored, each with its ETag.
    html: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    html_etag: Mapped[str | None] = mapped_column(String(40))
    pdf_etag: Mapped[str | None] = mapped_column(String(40))
    marks: Mapped[str | None] = mapped_column(String(64))
