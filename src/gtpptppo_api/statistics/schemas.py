from __future__ import annotations

from typing import Any

from pydantic import Field

from gtpptppo_api.kit.schemas import Schema


class VictimStatistics(Schema):
    """``cells``: one per combination, e.g. ``{"year": 2007, "age_group": "adult",
    "sex": "female", "count": 810}``. For analysts every combination of the groups is listed
    and ``count`` is perturbed (``null`` under the threshold, zeros included); for the task
    forces' chain and national administrators, the combinations present, counted exactly."""

    region_code: str
    group_by: list[str]
    year_basis: str = Field(
        description="The year the cases count in: identified (of the identification) or "
        "incident (of the incident; of the identification where that is unknown)."
    )
    cells: list[dict[str, Any]]
    total: int | None = Field(
        description="Victims of the whole scope: a cell of its own (for analysts perturbed "
        "as such, not a sum of the perturbed cells; null under the threshold)."
    )
    suppressed_cells: int = Field(
        description="Cells shown as null (analysts only): under the threshold after "
        "perturbation, or empty."
    )
    merged_records: int | None = Field(
        description="Records counted together as one victim (same NIK, same year); null "
        "for analysts."
    )
    disclosure_control: dict[str, Any] = Field(
        description='How the counts were protected: {"method": "cell_key", "ptable": ..., '
        '"threshold": ..., "key_range": ...} for analysts, {"method": "none"} otherwise.'
    )
