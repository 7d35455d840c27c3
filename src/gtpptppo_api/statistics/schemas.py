from __future__ import annotations

from typing import Any

from pydantic import Field

from gtpptppo_api.kit.schemas import Schema


class VictimStatistics(Schema):
    """``cells``: one per combination present, e.g. ``{"year": 2007, "age_group": "adult",
    "sex": "female", "count": 809}``; ``count`` is null where suppressed."""

    region_code: str
    group_by: list[str]
    cells: list[dict[str, Any]]
    suppressed_cells: int = Field(
        description="Cells hidden (analysts only): small or complementary."
    )
    merged_records: int | None = Field(
        description="Records counted together as one victim (same NIK, same year)."
    )
