from __future__ import annotations

from datetime import datetime

from pydantic import Field

from gtpptppo_api.imports.models import ImportFormat, ImportState
from gtpptppo_api.kit.schemas import Schema


class RowProblem(Schema):
    """A refused row: its number in the file and what is wrong (``pesan``: Indonesian)."""

    row_number: int
    external_ref: str | None = None
    errors: list[dict[str, str]]


class ImportRead(Schema):
    """An import and how far it went; poll it until ``state`` is ``done`` or ``failed``."""

    id: int
    service_centre_id: int
    format: ImportFormat
    filename: str | None
    size_bytes: int
    state: ImportState
    rows_total: int | None = Field(description="Data rows of the file, once a worker read it.")
    rows_done: int = Field(description="Rows stored or refused so far, in file order.")
    stored: int = Field(description="Rows now in the register: created, updated or unchanged.")
    created: int
    updated: int
    unchanged: int
    refused: int = Field(description="Rows refused; every one is in the error sheet.")
    problem: str | None = Field(
        default=None, description="Why the file as a whole was refused (state failed)."
    )
    first_errors: list[RowProblem] = Field(description="The first refused rows, in file order.")
    errors_xlsx: str = Field(description="The refused rows as a spreadsheet, to fix and re-import.")
    errors_csv: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
