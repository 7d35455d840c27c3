"""The organisation chart drawn in the layout of Lampiran I-III: the leadership (chair, then
daily chair) on the axis, the secretariat beside the daily chair, and the sub-task-forces in
one row under the daily chair, each with its coordinating agency and serving members.

SVG from a Jinja2 template (autoescaped, StrictUndefined); PDF through WeasyPrint.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from gtpptppo_api.charts.service import Structure
from gtpptppo_api.kit.indonesian import long_date
from gtpptppo_api.kit.pdf import html_to_pdf
from gtpptppo_api.kit.templates import environment

BOX_W = 200
GAP = 20
MARGIN = 40
LINE_H = 16
CHARS = 27  # characters per line in a sub-task-force box at 12px


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float
    heading: str
    lines: list[str]
    kind: str = ""
    note: str = ""

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def bottom(self) -> float:
        return self.y + self.h


def _wrap(text: str, width: int = CHARS) -> list[str]:
    return textwrap.wrap(text, width=width) or [""]


def layout(structure: Structure) -> dict[str, object]:
    count = max(len(structure.units), 1)
    width = max(2 * MARGIN + count * BOX_W + (count - 1) * GAP, 900)
    centre = width / 2
    lead_w = 320
    chair_lines = _wrap(structure.chair_position, 44)
    chair = Box(
        centre - lead_w / 2, 110, lead_w, 34 + LINE_H * len(chair_lines), "KETUA", chair_lines
    )
    daily_lines = _wrap(structure.daily_chair_position, 44)
    daily = Box(
        centre - lead_w / 2,
        chair.bottom + 40,
        lead_w,
        34 + LINE_H * len(daily_lines),
        "KETUA HARIAN",
        daily_lines,
    )
    secretariat_lines = _wrap(structure.secretariat_host_agency, 30)
    secretariat_w = 230.0
    secretariat = Box(
        min(daily.x + daily.w + 60, width - MARGIN - secretariat_w),
        daily.y,
        secretariat_w,
        34 + LINE_H * len(secretariat_lines),
        "SEKRETARIAT",
        secretariat_lines,
    )
    bus_y = max(daily.bottom, secretariat.bottom) + 30
    top = bus_y + 30
    wrapped = [(_wrap(u.name), _wrap(u.coordinating_agency)) for u in structure.units]
    tallest = max((len(n) + len(a) for n, a in wrapped), default=2)
    unit_h = 30 + LINE_H * (tallest + 2)
    row_w = count * BOX_W + (count - 1) * GAP
    left = (width - row_w) / 2
    units = [
        Box(
            left + i * (BOX_W + GAP),
            top,
            BOX_W,
            unit_h,
            "SUB GUGUS TUGAS",
            names,
            kind=unit.kind,
            note=f"{unit.members} anggota",
        )
        for i, (unit, (names, _)) in enumerate(zip(structure.units, wrapped, strict=True))
    ]
    agencies = [agency for _, agency in wrapped]
    height = top + unit_h + 60
    return {
        "width": width,
        "height": height,
        "centre": centre,
        "chair": chair,
        "daily": daily,
        "secretariat": secretariat,
        "bus_y": bus_y,
        "units": list(zip(units, agencies, structure.units, strict=True)),
        "footer_y": height - 24,
    }


ENVIRONMENT = environment("gtpptppo_api.charts")


def render_svg(structure: Structure, *, standalone: bool = True) -> str:
    """The chart as SVG (``standalone``: with the XML declaration, for an .svg file)."""
    return ENVIRONMENT.get_template("chart.svg.j2").render(
        s=structure, g=layout(structure), on=long_date(structure.on), standalone=standalone
    )


def render_pdf(structure: Structure) -> bytes:
    """The chart on one landscape A4 page."""
    html = ENVIRONMENT.get_template("chart.html.j2").render(
        s=structure, svg=render_svg(structure, standalone=False), on=long_date(structure.on)
    )
    return html_to_pdf(html)
