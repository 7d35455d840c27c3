"""Rendering of a task force's report, Laporan tahunan / lima tahunan (Permen PPPA
10/2012 §3.3.3, Lampiran V).

:func:`render` turns a report document (the stored figures of one report version, with the
report's identity and its transitions; see :func:`render`) into HTML, PDF, JSON or CSV. The
HTML and PDF are written for a reader, a template per section (``templates/sections``): an
opening sentence with the key figures, the victims in the layout of Table 1 of Permen PPPA
10/2012 (year x adult/child x female/male; a victim counted once), charts where a trend or
a comparison is the point, the compliance with the regulation's rules as a list, and one
line where a section has nothing to tell. Every word comes from the message catalogue
(``kit.i18n``): Indonesian by default, English on request; numbers, dates and rupiah are
written by babel for the language.

The public version of a report (``public=True``, see ``publishing``) goes through the same
templates and leaves out what publishing withholds.

Rendering is synchronous CPU work (the PDF takes a fraction of a second to a second or two);
callers on the event loop run it in a thread. The document holds no personal field and this
module adds none.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from babel import Locale
from jinja2 import Environment

from gtpptppo_api.kit.i18n import DEFAULT_LANGUAGE, Language, language
from gtpptppo_api.kit.pdf import html_to_pdf
from gtpptppo_api.kit.templates import environment
from gtpptppo_api.reports import view
from gtpptppo_api.reports.labels import LABELS as LABEL_MESSAGES

Format = Literal["html", "pdf", "json", "csv"]

MEDIA_TYPES: dict[str, str] = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
}

CSV_COLUMNS = (
    "table",
    "year",
    "age_group",
    "sex",
    "region_code",
    "service",
    "exploitation_type",
    "value",
    "count",
)

UNKNOWN = "Unknown"
HIDDEN = "×"  # a count publishing withholds


def label(value: Any, table: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The label of an enum value from the table ``table`` of ``reports.labels`` in the
    language ``lang`` (the value itself when the table has none; "Tidak diketahui" for none)."""
    words = language(lang)
    if value is None:
        return words.gettext(UNKNOWN)
    message = LABEL_MESSAGES[table].get(str(value))
    return str(value) if message is None else words.gettext(message)


# The Indonesian labels, by table (for the public site and its feeds).
LABELS: dict[str, dict[str, str]] = {
    table: {value: label(value, table) for value in values}
    for table, values in LABEL_MESSAGES.items()
}


# Table 1 of the regulation, in its order: adult female, adult male, child female, child male.
TABLE_1_ROWS = (("adult", "female"), ("adult", "male"), ("child", "female"), ("child", "male"))
BAR_COLOURS = ("#1f4e79", "#7fa7d1", "#a0471b", "#f0a86a")
EXTRA_COLOUR = "#9a9a9a"


@dataclass(frozen=True)
class VictimRow:
    age_group: str | None
    sex: str | None
    counts: list[int]


@dataclass(frozen=True)
class VictimsTable:
    """Table 1: one row per (age group, sex), one column per year, and the yearly totals."""

    years: list[int]
    rows: list[VictimRow]
    totals: list[int]

    @property
    def groups(self) -> list[tuple[str | None, list[VictimRow]]]:
        """The rows under each age group, in order (for the "Dewasa"/"Anak" row spans)."""
        groups: dict[str | None, list[VictimRow]] = {}
        for row in self.rows:
            groups.setdefault(row.age_group, []).append(row)
        return list(groups.items())


def victims_table(document: Mapping[str, Any]) -> VictimsTable:
    """Table 1 of the regulation from the victims' cells: 0 where a year has no cell.

    A cell outside the four rows of the regulation's table (an unknown age group or sex) gets
    a row of its own after them, so the total row always adds up the rows above it.
    """
    years = [int(year) for year in document["report"]["years"]]
    counts: dict[tuple[str | None, str | None], dict[int, int]] = {k: {} for k in TABLE_1_ROWS}
    extras: dict[tuple[str | None, str | None], dict[int, int]] = {}
    for cell in document["figures"]["victims"]["cells"]:
        key = (cell["age_group"], cell["sex"])
        row = counts[key] if key in counts else extras.setdefault(key, {})
        year = int(cell["year"])
        row[year] = row.get(year, 0) + int(cell["count"])
    for key in sorted(extras, key=lambda k: (str(k[0]), str(k[1]))):
        counts[key] = extras[key]
    rows = [
        VictimRow(age, sex, [by_year.get(year, 0) for year in years])
        for (age, sex), by_year in counts.items()
    ]
    totals = [sum(row.counts[i] for row in rows) for i in range(len(years))]
    return VictimsTable(years, rows, totals)


def _nice_step(top: int, ticks: int = 5) -> int:
    """A step of 1, 2 or 5 times a power of ten giving about ``ticks`` ticks up to ``top``."""
    raw = max(top, 1) / ticks
    if raw <= 1:
        return 1
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 5, 10):
        if multiple * magnitude >= raw:
            return int(multiple * magnitude)
    return int(10 * magnitude)  # pragma: no cover


def chart(table: VictimsTable, words: Language | None = None) -> dict[str, Any]:
    """Geometry of the stacked bar chart of Table 1 (one bar per year), in SVG user units,
    its labels in ``words``' language (Indonesian by default)."""
    words = words or language()
    number = words.number
    width, height = 680, 320
    left, right, top, bottom = 70, 190, 24, 56
    plot_w, plot_h = width - left - right, height - top - bottom
    biggest = max(table.totals, default=0)
    step = _nice_step(biggest)
    axis_top = max(step, math.ceil(biggest / step) * step)

    def y(value: float) -> float:
        return round(top + plot_h - value / axis_top * plot_h, 1)

    series = [
        {
            "label": (
                f"{label(row.age_group, 'age_group', words.code)} "
                f"{label(row.sex, 'sex', words.code)}"
            ),
            "colour": BAR_COLOURS[i] if i < len(BAR_COLOURS) else EXTRA_COLOUR,
        }
        for i, row in enumerate(table.rows)
    ]
    slot = plot_w / max(len(table.years), 1)
    bar_w = round(min(slot * 0.6, 64), 1)
    bars = []
    for i, year in enumerate(table.years):
        x = round(left + slot * i + (slot - bar_w) / 2, 1)
        base = 0
        segments = []
        for row, serie in zip(table.rows, series, strict=True):
            count = row.counts[i]
            if count:
                segments.append(
                    {
                        "x": x,
                        "y": y(base + count),
                        "height": round(y(base) - y(base + count), 1),
                        "colour": serie["colour"],
                        "title": f"{serie['label']} {year}: {number(count)}",
                    }
                )
            base += count
        bars.append(
            {
                "year": year,
                "x": x,
                "centre": round(x + bar_w / 2, 1),
                "total": number(table.totals[i]),
                "total_y": y(table.totals[i]) - 4,
                "segments": segments,
            }
        )
    ticks = [{"value": number(value), "y": y(value)} for value in range(0, axis_top + 1, step)]
    return {
        "width": width,
        "height": height,
        "left": left,
        "right_edge": left + plot_w,
        "top": top,
        "baseline": top + plot_h,
        "middle": top + plot_h / 2,
        "bar_width": bar_w,
        "bars": bars,
        "ticks": ticks,
        "series": series,
        "legend_x": left + plot_w + 20,
    }


# The tables of the case standard's details (HTCDS 2.0) in the figures, with the field
# naming their rows, which is also their table of labels (``reports.labels``).
DETAIL_TABLES = (
    ("by_control_method", "control_method"),
    ("by_recruitment_method", "recruitment_method"),
    ("by_perpetrator_relationship", "perpetrator_relationship"),
    ("by_sector", "sector"),
    ("by_transit", "transit"),
)


def details_view(source: Mapping[str, Any]) -> dict[str, list[tuple[Any, Any]] | None]:
    """Each detail table as ``(value, count)`` pairs in the standard's order; ``None`` for
    a report version made before the table existed (it shows nothing of it). The public
    version's pairs list every value, a count withheld as ``None``."""
    return {
        key: ordered(source[table], key) if table in source else None
        for table, key in DETAIL_TABLES
    }


def victims_view(document: Mapping[str, Any], public: bool) -> dict[str, Any]:
    """The victims' figures as the victims section shows them: Table 1 (the counts of the
    public version may be ``None``, withheld), the one-way tables as ``(value, count)``
    pairs, and the totals of the opening sentence."""
    figures = document["figures"]
    if public:
        t1 = figures["table_1"]
        rows = [VictimRow(r["age_group"], r["sex"], r["counts"]) for r in t1["rows"]]
        table = VictimsTable([int(y) for y in t1["years"]], rows, [])
        totals: list[int] | None = None
        total = t1["total"]
        by_region = [
            {"name": r.get("region_name") or r["region_code"], "count": r["count"]}
            for r in figures["by_region"]
        ]
        source: Mapping[str, Any] = {**figures, **t1}
    else:
        table = victims_table(document)
        totals = table.totals
        victims = figures["victims"]
        total = victims["total"]
        by_region = [
            {"name": r.get("region_name") or r["region_code"], "count": r["count"]}
            for r in victims["by_region"]
        ]
        source = victims
    return {
        "years": table.years,
        "groups": table.groups,
        "totals": totals,
        "total": total,
        "summary": view.victim_summary(table.rows),
        "by_region": by_region,
        "by_service": ordered(source["by_service"], "service"),
        "by_exploitation_type": ordered(source["by_exploitation_type"], "exploitation_type"),
        "details": details_view(source),
        "year_basis": source.get("year_basis", "identified"),
        "incident_year_unknown": source.get("incident_year_unknown", 0),
        "merged_records": 0 if public else source.get("merged_records", 0),
        "threshold": source.get("threshold"),
    }


def ordered(items: Sequence[Mapping[str, Any]], key: str) -> list[tuple[Any, Any]]:
    """A one-way table as ``(value, count)`` pairs in the order of the regulation's list
    (the order of ``reports.labels``), values outside it last."""
    order = {value: n for n, value in enumerate(LABEL_MESSAGES[key])}
    pairs = [(item[key], item["count"]) for item in items]
    return sorted(pairs, key=lambda pair: (order.get(str(pair[0]), len(order)), str(pair[0])))


def completeness_bars(completeness: Mapping[str, Any], words: Language) -> list[view.Bar]:
    """The regions below by the state of their report, as bars."""
    rows = completeness.get("rows") or []
    items = []
    for status in ("in", "missing", "no_task_force"):
        n = sum(1 for row in rows if row["status"] == status)
        items.append((label(status, "completeness", words.code), n, words.number(n)))
    return view.bars(items)


def budget_bars(words: Language) -> Any:
    """The bars of the chart "budget planned and realised by program" of a plan's programs:
    ``(label, planned bar, realised bar)``, both scaled to the largest planned amount."""

    def bars(programs: Sequence[Any]) -> list[tuple[str, view.Bar, view.Bar]]:
        items = [
            (
                p,
                int(view.path(p, "budget", "planned") or 0),
                int(view.path(p, "budget", "realised") or 0),
            )
            for p in programs
        ]
        if not any(planned or realised for _, planned, realised in items):
            return []
        scaled = view.bars(
            [
                (str(i), v, words.rupiah(v))
                for i, (_, planned, realised) in enumerate(items)
                for v in (planned, realised)
            ]
        )
        names = [
            f"{view.field(p, 'letter')}. {label(view.field(p, 'program'), 'program', words.code)}"
            for p, _, _ in items
        ]
        return [(names[i], scaled[2 * i], scaled[2 * i + 1]) for i in range(len(items))]

    return bars


def country_name(words: Language) -> Any:
    """An ISO 3166 alpha-2 code as the country's name in the language (CLDR)."""
    territories = Locale.parse(words.locale).territories

    def name(code: Any) -> str:
        if code is None:
            return words.gettext(UNKNOWN)
        return str(territories.get(str(code).upper(), code))

    return name


@cache
def document_environment(lang: str = DEFAULT_LANGUAGE) -> Environment:
    """The Jinja environment of the report's templates in the language ``lang``: the
    catalogue installed for ``_()`` and ``{% trans %}``, and filters writing numbers, dates
    and labels for the language."""
    words = language(lang)
    env = environment(
        "gtpptppo_api.reports",
        filters={
            "label": lambda value, table: label(value, table, lang),
            "number": words.number,
            "decimal": words.decimal,
            "percent": words.percent,
            "bp": words.basis_points,
            "rupiah": words.rupiah,
            "thousands": words.thousands,
            "day": words.day,
            "short_day": words.short_day,
            "when": words.when,
            "count": lambda value: HIDDEN if value is None else words.number(value),
            "country": country_name(words),
        },
        globals={
            "HIDDEN": HIDDEN,
            "ordered": ordered,
            "by_year": view.by_year,
            "year_row": view.year_row,
            "made_row": view.made_row,
            "count_of": view.count_of,
            "total": view.total,
            "nonzero": view.nonzero,
            "role_sex_rows": view.role_sex_rows,
            "compliance_rows": view.compliance_rows,
            "yearly_rule_statuses": view.yearly_rule_statuses,
            "budget_bars": budget_bars(words),
        },
        tests={"any_value": lambda values: any(values)},
        translations=words.translations,
    )
    return env


def render_html(
    document: Mapping[str, Any], lang: str = DEFAULT_LANGUAGE, *, public: bool = False
) -> str:
    """The report as a standalone HTML page (inline CSS for A4 print, no scripts) in the
    language ``lang``; ``public``: the public version (``publishing``'s document: perturbed
    tables, no section of the other domains, no history).

    A key the templates need that the document lacks raises ``jinja2.UndefinedError``
    (StrictUndefined); a victims cell lacking a key raises ``KeyError``.
    """
    words = language(lang)
    victims = victims_view(document, public)
    table = VictimsTable(
        victims["years"],
        [r for _, rows in victims["groups"] for r in rows],
        victims["totals"] or [],
    )
    template = document_environment(lang).get_template("report.html.j2")
    return template.render(
        language=lang,
        public=public,
        report=document["report"],
        figures=document["figures"],
        transitions=[] if public else document["transitions"],
        victims=victims,
        chart=chart(table, words) if not public else {},
        completeness_bars=completeness_bars(document["figures"].get("completeness") or {}, words),
    )


def render_csv(document: Mapping[str, Any]) -> str:
    """The victims' figures as one long table, ``CSV_COLUMNS``, empty where not applicable.

    ``table`` is ``victims`` (the Table 1 grid: every year of the report x the Table 1 rows,
    0 where there is no cell, so it sums to the yearly totals), ``by_region``, ``by_service``
    or ``by_exploitation_type``, or one of the case standard's details (``DETAIL_TABLES``:
    ``by_control_method``, ``by_recruitment_method``, ``by_perpetrator_relationship``,
    ``by_sector``, ``by_transit``), whose rows name their value in ``value``. Each table sums
    on its own: a victim who received several services or suffered several kinds of
    exploitation counts once under each. A report version made before the details were
    counted has no rows of theirs.
    """
    victims = document["figures"]["victims"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, restval="")
    writer.writeheader()
    table = victims_table(document)
    for row in table.rows:
        for year, count in zip(table.years, row.counts, strict=True):
            writer.writerow(
                {
                    "table": "victims",
                    "year": year,
                    "age_group": row.age_group or "",
                    "sex": row.sex or "",
                    "count": count,
                }
            )
    for item in victims["by_region"]:
        writer.writerow(
            {"table": "by_region", "region_code": item["region_code"], "count": item["count"]}
        )
    for item in victims["by_service"]:
        writer.writerow(
            {"table": "by_service", "service": item["service"] or "", "count": item["count"]}
        )
    for item in victims["by_exploitation_type"]:
        writer.writerow(
            {
                "table": "by_exploitation_type",
                "exploitation_type": item["exploitation_type"] or "",
                "count": item["count"],
            }
        )
    for table_name, key in DETAIL_TABLES:
        for item in victims.get(table_name, ()):
            writer.writerow({"table": table_name, "value": item[key], "count": item["count"]})
    return out.getvalue()


def render_pdf(html: str) -> bytes:
    """The HTML printed to PDF by WeasyPrint, fetching no URL (``kit.pdf``)."""
    return html_to_pdf(html)


def render(
    document: dict[str, Any], fmt: Format, lang: str = DEFAULT_LANGUAGE
) -> tuple[bytes, str]:
    """The report document in the given format: (content, media type).

    ``document`` is ``{"report": {...}, "figures": {...}, "transitions": [...]}`` as the
    report worker builds it (``figures.sections`` and ``figures.reconciliation`` may be
    absent). ``html`` and ``pdf`` are the printable report in the language ``lang`` (``id``,
    Indonesian, by default; ``en``); ``json`` is the
    document itself (UTF-8, indented); ``csv`` is the victims' figures as a long table (see
    :func:`render_csv`). An unknown format raises ``ValueError``.
    """
    if fmt == "html":
        content = render_html(document, lang).encode()
    elif fmt == "pdf":
        content = render_pdf(render_html(document, lang))
    elif fmt == "json":
        content = (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()
    elif fmt == "csv":
        content = render_csv(document).encode()
    else:
        raise ValueError(f"unknown report format {fmt!r}")
    return content, MEDIA_TYPES[fmt]
