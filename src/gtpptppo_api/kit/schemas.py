"""The shared pydantic base of every request and response schema."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict

# The earliest day an input may name: the service records the task forces' work (since
# 2008) and the cases of living victims; a date before the Republic (1945) is a typing error
# (0202 for 2020) or a probe, never a fact to store.
EARLIEST_DAY = date(1945, 1, 1)


def _not_before_earliest(value: date) -> date:
    if value < EARLIEST_DAY:
        raise ValueError(f"is before {EARLIEST_DAY.isoformat()}, the earliest date recorded")
    return value


# Every date of a request (bodies and query parameters) is a Day.
Day = Annotated[date, AfterValidator(_not_before_earliest)]


class Schema(BaseModel):
    """Requests refuse unknown fields; responses read ORM attributes."""

    model_config = ConfigDict(extra="forbid", from_attributes=True, str_strip_whitespace=True)
