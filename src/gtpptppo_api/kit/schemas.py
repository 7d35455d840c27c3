"""The shared pydantic base of every request and response schema."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Schema(BaseModel):
    """Requests refuse unknown fields; responses read ORM attributes."""

    model_config = ConfigDict(extra="forbid", from_attributes=True, str_strip_whitespace=True)
