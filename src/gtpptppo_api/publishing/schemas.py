from __future__ import annotations

from datetime import datetime

from pydantic import Field

from gtpptppo_api.kit.schemas import Schema


class PublicationCreate(Schema):
    acting_member_id: int = Field(description="The serving chair who publishes the report.")


class PublicationRead(Schema):
    report_id: int
    task_force_id: int
    acting_member_id: int
    published_by_name: str
    published_at: datetime
    url: str = Field(description="The public page (HTML), stable for as long as it is published.")
    pdf_url: str
    feed_url: str = Field(description="The Atom feed of the task force's region.")
