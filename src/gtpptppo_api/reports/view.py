"""What the report's templates show, computed from the document's figures.

The figures are read by field name only (a dict or a typed model alike: ``field`` of
:func:`field`), and nothing here changes them. These are the few things a reader needs that
the figures hold only in parts: the victims' totals by sex and age group for the opening
sentence, the rows of the compliance list (a rule, then a row per sub-task-force), the
rows of the five-year tables (one figure a row, one year a column), and the bars of the
charts drawn in HTML (a bar is a box whose width is its share of the longest).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any


def field(item: Any, name: str, default: Any = None) -> Any:
    """``item[name]`` of a dict, ``item.name`` of a model; ``default`` when absent."""
    if isinstance(item, Mapping):
        return item.get(name, default)
    return getattr(item, name, default)


@dataclass(frozen=True)
class VictimSummary:
    """The victims of the period for the section's opening sentence."""

    total: int
    female: int
    male: int
    children: int


def victim_summary(rows: Sequence[Any]) -> VictimSummary:
    """Totals over the years from the rows of Table 1 (``age_group``, ``sex``, ``counts``)."""

    def over(keep: Any) -> int:
        return sum(sum(c or 0 for c in row.counts) for row in rows if keep(row))

    return VictimSummary(
        total=over(lambda row: True),
        female=over(lambda row: row.sex == "female"),
        male=over(lambda row: row.sex == "male"),
        children=over(lambda row: row.age_group == "child"),
    )


@dataclass(frozen=True)
class Bar:
    """One bar of a chart drawn in HTML: its label, value and width in percent of the track."""

    label: str
    value: int
    width: float
    text: str


def bars(items: Sequence[tuple[str, int, str]]) -> list[Bar]:
    """Bars scaled to the largest value (``(label, value, text shown)`` each)."""
    top = max((value for _, value, _ in items), default=0)
    return [
        Bar(label, value, round(100 * value / top, 1) if top else 0.0, text)
        for label, value, text in items
    ]


@dataclass(frozen=True)
class ComplianceRow:
    """A line of the compliance list: a rule of the regulation, or one sub-task-force under
    the rule "each sub-task-force meets" (``unit`` its name)."""

    rule: str
    section: str
    status: str
    dates: list[str]
    missed_windows: list[Any]
    unit: str | None = None


def compliance_rows(compliance: Any) -> list[ComplianceRow]:
    """The rules of a task force's compliance in order, each sub-task-force as a row of its
    own under its rule (never a table in a cell)."""
    rows = []
    for rule in field(compliance, "rules") or []:
        name = field(rule, "rule")
        units = field(rule, "sub_task_forces") or []
        # a rule judged per sub-task-force shows its dates on the sub-task-forces' rows
        rows.append(
            ComplianceRow(
                rule=name,
                section=field(rule, "section") or "",
                status=field(rule, "status"),
                dates=[] if units else list(field(rule, "dates") or []),
                missed_windows=[] if units else list(field(rule, "missed_windows") or []),
            )
        )
        for unit in units:
            rows.append(
                ComplianceRow(
                    rule=name,
                    section="",
                    status=field(unit, "status"),
                    dates=list(field(unit, "dates") or []),
                    missed_windows=list(field(unit, "missed_windows") or []),
                    unit=field(unit, "name"),
                )
            )
    return rows


@dataclass(frozen=True)
class YearRow:
    """A line of a five-year table: a figure and its value in each year (``None``: the
    year has no figure). ``kind`` says how a value is written: ``number``, ``status`` (a
    compliance state) or ``share`` (a rate)."""

    label: str
    values: list[Any]
    kind: str = "number"
    level: int = 0
    extra: dict[str, Any] = dataclass_field(default_factory=dict)


def by_year(section: Any, years: Sequence[int]) -> list[Any]:
    """The section's value for each year of a five-year report (``None`` where missing)."""
    return [field(section, str(year)) for year in years]


def path(item: Any, *names: str) -> Any:
    """``item.a.b.c`` of nested dicts or models; ``None`` where a step is missing."""
    for name in names:
        if item is None:
            return None
        item = field(item, name)
    return item


def total(value: Any) -> int | None:
    """A count, or the sum of a ``{value: count}`` figure (inventories by owner kind)."""
    if isinstance(value, Mapping):
        return sum(int(v or 0) for v in value.values())
    return None if value is None else int(value)


def year_row(per_year: Sequence[Any], label: str, *names: str) -> YearRow:
    """A figure (found by its path of field names) in each year."""
    return YearRow(label, [total(path(value, *names)) for value in per_year])


def made_row(per_year: Sequence[Any], label: str) -> YearRow:
    """The monitoring and evaluation a task force made in each year (all kinds and subjects)."""
    values = [
        None
        if section is None
        else sum(int(field(row, "count") or 0) for row in path(section, "monitoring", "made") or [])
        for section in per_year
    ]
    return YearRow(label, values)


def count_of(mapping: Any, key: str) -> int:
    """A count in a ``{value: count}`` figure (0 where the value has none)."""
    return int(field(mapping, key, 0) or 0) if mapping is not None else 0


def yearly_rule_statuses(per_year: Sequence[Any]) -> list[tuple[str, list[str | None]]]:
    """Each compliance rule with its status in each year (``None`` where not judged)."""
    names: dict[str, dict[int, str]] = {}
    for index, section in enumerate(per_year):
        for rule in field(field(section, "compliance") or {}, "rules") or []:
            names.setdefault(field(rule, "rule"), {})[index] = field(rule, "status")
    return [
        (name, [statuses.get(i) for i in range(len(per_year))]) for name, statuses in names.items()
    ]


def nonzero(mapping: Any) -> list[tuple[str, int]]:
    """The ``{value: count}`` pairs of a figure with a count, largest first."""
    items = mapping.items() if isinstance(mapping, Mapping) else []
    return sorted(((str(k), int(v)) for k, v in items if v), key=lambda kv: (-kv[1], kv[0]))


def role_sex_rows(cells: Sequence[Any]) -> list[tuple[str, int, int]]:
    """Participants per role as ``(role, female, male)``, in the order first met."""
    table: dict[str, list[int]] = {}
    for cell in cells or []:
        row = table.setdefault(field(cell, "role"), [0, 0])
        row[0 if field(cell, "sex") == "female" else 1] += int(field(cell, "count") or 0)
    return [(role, female, male) for role, (female, male) in table.items()]
