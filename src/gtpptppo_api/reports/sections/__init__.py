"""The sections a report gathers from the other domains, each a typed model.

Each module computes one domain's figures for a task force's report in SQL and returns a
pydantic model (``ActionPlansSection``, ``MeetingsSection``, ...); the report stores
``model_dump(mode="json")`` of it, so the stored document and its templates read the same
field names as ever. The sections live here, in the reports package, so that a domain does
not import the reports that gather it, nor the compliance rules that judge it.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    """The base of a section's models: figures, as computed (no input to clean)."""

    model_config = ConfigDict(extra="forbid")
