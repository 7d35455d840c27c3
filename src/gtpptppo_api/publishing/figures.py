"""The public version of a report's figures: de-identified aggregates only, every count
published by cell key perturbation (``disclosure``), and no narrative field the
sub-task-force marked internal.

What is shown: Table 1 (year x age group x sex), the tables by region, by service, by
exploitation type and by the case standard's details (means of control, recruitment method,
perpetrator relationship, sector, transit), and the grand total, each count perturbed from
its own cell key (the total as a cell of its own). Every row of each table is listed, so a
hidden count (under the threshold, or none at all) looks the same either way. The same
cell gets the same value in every report and in the analysts' statistics: a province's
table by region and its regencies' own reports agree, so subtracting them gives nothing.
Per-year totals, the merged-record count, the reconciliation against live data, the
transitions (names of officials) and the other domains' sections stay internal.

The perturbed tables are computed once, when the report is published, and stored with the
publication: what the public saw is what is kept.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from gtpptppo_api.cases.htcds import ControlMethod, Industry, RecruitmentMethod, Relationship
from gtpptppo_api.cases.models import ExploitationType, ServiceType
from gtpptppo_api.disclosure.control import Control

# Table 1 of Permen PPPA 10/2012, in its order: adult female, adult male, child female,
# child male.
TABLE_1_ROWS: tuple[tuple[str | None, str | None], ...] = (
    ("adult", "female"),
    ("adult", "male"),
    ("child", "female"),
    ("child", "male"),
)
NARRATIVE_FIELDS = ("activities", "obstacles", "recommendations")
# The case standard's details (HTCDS 2.0): each table, the field naming its rows, and every
# value it lists (as the analysts' statistics list them: ``statistics.service._domain``).
DETAIL_TABLES: tuple[tuple[str, str, list[str]], ...] = (
    ("by_control_method", "control_method", sorted(m.value for m in ControlMethod)),
    ("by_recruitment_method", "recruitment_method", sorted(m.value for m in RecruitmentMethod)),
    (
        "by_perpetrator_relationship",
        "perpetrator_relationship",
        sorted(m.value for m in Relationship),
    ),
    ("by_sector", "sector", sorted(m.value for m in Industry)),
    ("by_transit", "transit", ["with_transit", "without_transit"]),
)


def table_1(victims: Mapping[str, Any], years: list[int], control: Control) -> dict[str, Any]:
    """Table 1 with every count perturbed (``None``: under the threshold, or none)."""
    found = {
        (c["year"], c["age_group"], c["sex"]): (int(c["count"]), int(c.get("key", 0)))
        for c in victims["cells"]
    }
    rows = list(TABLE_1_ROWS) + sorted(
        {(age, sex) for _, age, sex in found} - set(TABLE_1_ROWS),
        key=lambda key: (str(key[0]), str(key[1])),
    )
    counts = [
        [control.value(*found.get((year, age_group, sex), (0, 0))) for year in years]
        for age_group, sex in rows
    ]
    total = control.value(int(victims["total"]), int(victims.get("total_key", 0)))
    return {
        "years": years,
        # the year the cases count in (reports before the incident basis: identification)
        "year_basis": victims.get("year_basis", "identified"),
        "rows": [
            {"age_group": age_group, "sex": sex, "counts": row}
            for (age_group, sex), row in zip(rows, counts, strict=True)
        ],
        "total": total,
        "hidden": sum(value is None for row in counts for value in row) + (total is None),
    }


def one_way(
    items: list[Mapping[str, Any]], key: str, domain: list[Any], control: Control
) -> tuple[list[dict[str, Any]], int]:
    """A one-way table (by region, service or exploitation type) over every value of its
    ``domain``, each count perturbed."""
    found = {item[key]: item for item in items}
    cells = []
    for value in domain:
        item = found.get(value, {})
        cells.append(
            {key: value, "count": control.value(int(item.get("count", 0)), int(item.get("key", 0)))}
        )
    return cells, sum(cell["count"] is None for cell in cells)


def perturbed_tables(
    figures: Mapping[str, Any],
    years: list[int],
    region: tuple[str, str],
    control: Control,
) -> dict[str, Any]:
    """The victims' tables of a report version as the public sees them (``region``: the
    report's own region code and name)."""
    victims = figures["victims"]
    table = table_1(victims, years, control)
    names = dict([region])
    for row in (figures.get("completeness") or {}).get("rows", []):
        names[row["region_code"]] = row["region_name"]
    for item in victims["by_region"]:
        names.setdefault(item["region_code"], item.get("region_name", ""))
    # every region below, any other region holding cases, or the region itself alone
    below = sorted(
        set(names) - {region[0]} | {item["region_code"] for item in victims["by_region"]}
    )
    below = below or [region[0]]
    by_region, hidden_region = one_way(victims["by_region"], "region_code", below, control)
    services = sorted(member.value for member in ServiceType)
    types = sorted(member.value for member in ExploitationType)
    by_service, hidden_service = one_way(victims["by_service"], "service", services, control)
    by_type, hidden_type = one_way(
        victims["by_exploitation_type"], "exploitation_type", types, control
    )
    # the case details, each value perturbed from its own cell key (a version made before
    # them has none: nothing is shown of them)
    details: dict[str, list[dict[str, Any]]] = {}
    hidden_details = 0
    for name, field, domain in DETAIL_TABLES:
        if name in victims:
            details[name], hidden = one_way(victims[name], field, domain, control)
            hidden_details += hidden
    return {
        "table_1": table,
        "by_region": [
            {**cell, "region_name": names.get(cell["region_code"], "")} for cell in by_region
        ],
        "by_service": by_service,
        "by_exploitation_type": by_type,
        **details,
        "hidden_cells": table["hidden"]
        + hidden_region
        + hidden_service
        + hidden_type
        + hidden_details,
        "threshold": control.threshold,
        "disclosure_control": control.describe(),
    }


def public_figures(
    figures: Mapping[str, Any],
    tables: Mapping[str, Any],
    internal: Mapping[int, set[str]],
) -> dict[str, Any]:
    """The publishable figures of a report version: its stored perturbed ``tables``, the
    narratives less what is marked internal (``internal``: per sub-task-force id, the
    narrative fields marked so), and which reports of the level below are in."""
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
        **tables,
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
