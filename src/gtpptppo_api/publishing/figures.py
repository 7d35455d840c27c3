"""The public version of a report's figures: de-identified aggregates only, small cells
suppressed with complementary suppression (the mechanism of the analysts' statistics), and
no narrative field the sub-task-force marked internal.

What is shown, and so what the suppression protects: Table 1 (year x age group x sex), the
tables by region, by service and by exploitation type, and the grand total. Per-year totals,
the merged-record count, the reconciliation against live data, the transitions (names of
officials) and the other domains' sections stay internal.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from gtpptppo_api.statistics.suppression import suppress

# Table 1 of the seed, in its order: adult female, adult male, child female, child male.
TABLE_1_ROWS: tuple[tuple[str | None, str | None], ...] = (
    ("adult", "female"),
    ("adult", "male"),
    ("child", "female"),
    ("child", "male"),
)
NARRATIVE_FIELDS = ("activities", "obstacles", "recommendations")


def _hide_small(value: int | None, threshold: int) -> int | None:
    return None if value is not None and 0 < value < threshold else value


def table_1(victims: Mapping[str, Any], years: list[int], threshold: int) -> dict[str, Any]:
    """Table 1 with small cells hidden (``None``); hidden cells are never alone on a line.

    The grand total is shown only if it cannot give a hidden cell away: with one hidden
    cell in the table it would, so it is hidden too (as it is when under the threshold).
    """
    cells = [dict(cell) for cell in victims["cells"] if cell["count"]]
    hidden = suppress(cells, ["year", "age_group", "sex"], threshold)
    found = {(c["year"], c["age_group"], c["sex"]): c["count"] for c in cells}
    rows = list(TABLE_1_ROWS) + sorted(
        {(c["age_group"], c["sex"]) for c in cells} - set(TABLE_1_ROWS),
        key=lambda key: (str(key[0]), str(key[1])),
    )
    total: int | None = int(victims["total"])
    if hidden == 1 or _hide_small(total, threshold) is None:
        total = None
    return {
        "years": years,
        "rows": [
            {
                "age_group": age_group,
                "sex": sex,
                "counts": [found.get((year, age_group, sex), 0) for year in years],
            }
            for age_group, sex in rows
        ],
        "total": total,
        "hidden": hidden + (1 if total is None and victims["total"] else 0),
    }


def one_way(items: list[Mapping[str, Any]], key: str, threshold: int) -> tuple[list[Any], int]:
    """A one-way table (by region, service or exploitation type) with small cells hidden;
    the table is one line, so a hidden cell always has company."""
    cells = [dict(item) for item in items if item["count"]]
    hidden = suppress(cells, [key], threshold)
    return cells, hidden


def public_figures(
    figures: Mapping[str, Any],
    years: list[int],
    internal: Mapping[int, set[str]],
    threshold: int,
) -> dict[str, Any]:
    """The publishable figures of a report version (``internal``: per sub-task-force id, the
    narrative fields marked internal)."""
    victims = figures["victims"]
    table = table_1(victims, years, threshold)
    by_region, hidden_region = one_way(victims["by_region"], "region_code", threshold)
    by_service, hidden_service = one_way(victims["by_service"], "service", threshold)
    by_type, hidden_type = one_way(victims["by_exploitation_type"], "exploitation_type", threshold)
    narratives = []
    for narrative in figures.get("narratives", []):
        kept = internal.get(narrative["sub_task_force_id"], set())
        narratives.append(
            {
                "sub_task_force_name": narrative["sub_task_force_name"],
                "kind": narrative["kind"],
                "submitted_at": narrative["submitted_at"],
                **{name: narrative[name] for name in NARRATIVE_FIELDS if name not in kept},
            }
        )
    completeness = copy.deepcopy(figures.get("completeness") or {"rows": []})
    return {
        "threshold": threshold,
        "table_1": table,
        "by_region": [
            {k: c[k] for k in ("region_code", "region_name", "count")} for c in by_region
        ],
        "by_service": by_service,
        "by_exploitation_type": by_type,
        "hidden_cells": table["hidden"] + hidden_region + hidden_service + hidden_type,
        "narratives": narratives,
        "completeness": {
            "expected": completeness.get("expected"),
            "received": completeness.get("received"),
            "rate": completeness.get("rate"),
            "rows": [
                {k: row[k] for k in ("region_code", "region_name", "status")}
                for row in completeness["rows"]
            ],
        },
    }
