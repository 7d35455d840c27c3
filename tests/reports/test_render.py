"""Rendering of report documents to HTML, PDF, JSON and CSV (Permen PPPA
10/2012 §3.3.3, Lampiran V).

The victims are laid out as Table 1 of Permen PPPA 10/2012 (BAB I, Latar Belakang; a victim
counted once), and the tests use that table's own figures, 2007-2011, as the document to render.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from typing import Any

import jinja2
import pytest
from pypdf import PdfReader

from gtpptppo_api.kit.indonesian import number, percent
from gtpptppo_api.reports.render import render

YEARS = [2007, 2008, 2009, 2010, 2011]
# Tabel 1: Korban Tindak Pidana Perdagangan Orang Menurut Jenis Kelamin dan Tahun Kejadian.
TABLE_1 = {
    ("adult", "female"): [809, 279, 291, 121, 96],
    ("adult", "male"): [86, 2, 7, 8, 111],
    ("child", "female"): [198, 70, 42, 14, 20],
    ("child", "male"): [63, 8, 5, 3, 0],
}
TABLE_1_TOTALS = ["1.156", "359", "345", "146", "227"]
TABLE_1_LABELS = [
    ("Dewasa", "Perempuan"),
    ("Dewasa", "Laki-laki"),
    ("Anak", "Perempuan"),
    ("Anak", "Laki-laki"),
]
HASH = "9f2c4e1b7a5d3c8e6f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a"


def agreements_of(year: int, in_force: int) -> dict[str, Any]:
    """A year of the cooperation section, in the shape its domain reports it."""
    return {
        "task_force_id": 3,
        "region_code": "33.02",
        "year": year,
        "in_force": in_force,
        "signed": in_force // 2,
        "ending": 0,
        "international": 0,
        "by_kind": {"mou": in_force} if in_force else {},
        "by_party_kind": {"ngo": in_force} if in_force else {},
        "by_scope": {"advocacy": in_force} if in_force else {},
    }


def capacity_of(year: int) -> dict[str, Any]:
    """A year without capacity building."""
    return {
        "task_force_id": 3,
        "region_code": "33.02",
        "year": year,
        "activities": 0,
        "by_kind": {},
        "by_topic": {},
        "participants": 0,
        "participants_by_sex": {},
        "participants_by_role_and_sex": [],
    }


def sections_of(years: list[int]) -> dict[str, Any]:
    """The other domains' sections of a report over ``years``: each year's own for a
    five-year report, the year's for an annual one (no action plan, no meetings)."""
    plans = {"task_force_id": 3, "from_year": years[0], "to_year": years[-1], "action_plans": []}
    if len(years) == 1:
        return {
            "action_plans": plans,
            "agreements": agreements_of(years[0], 1250),
            "capacity": capacity_of(years[0]),
        }
    return {
        "action_plans": plans,
        "agreements": {str(y): agreements_of(y, y - 2005) for y in years},
        "capacity": {str(y): capacity_of(y) for y in years},
    }


def five_year_document() -> dict[str, Any]:
    """A five-year report of a regency whose victims are the regulation's Table 1."""
    cells = [
        {"year": year, "age_group": age, "sex": sex, "count": count}
        for (age, sex), counts in TABLE_1.items()
        for year, count in zip(YEARS, counts, strict=True)
        if count  # the aggregation has no row for an empty cell
    ]
    return {
        "report": {
            "id": 12,
            "task_force_id": 3,
            "task_force_name": "GT-PPTPPO Kabupaten Banyumas",
            "region_code": "33.02",
            "region_name": "Kabupaten Banyumas",
            "level": "regency",
            "kind": "five_year",
            "year": 2007,
            "years": YEARS,
            "state": "consolidated",
            "version": 3,
            "content_hash": HASH,
            "generated_at": "2026-11-29T20:00:00+00:00",
        },
        "figures": {
            "victims": {
                "cells": cells,
                "by_region": [
                    {"region_code": "33.02", "region_name": "Kabupaten Banyumas", "count": 2233}
                ],
                "by_service": [
                    {"service": "complaint", "count": 1500},
                    {"service": "repatriation", "count": 1200},
                ],
                "by_exploitation_type": [
                    {"exploitation_type": "forced_labour", "count": 1400},
                    {"exploitation_type": "sexual_exploitation", "count": 833},
                ],
                "total": 2233,
                "merged_records": 4,
            },
            "narratives": [
                {
                    "sub_task_force_id": 4,
                    "sub_task_force_name": "Sub GT Rehabilitasi Kesehatan",
                    "kind": "health_rehabilitation",
                    "activities": "Pemeriksaan kesehatan korban di RSUD.",
                    "obstacles": "Anggaran visum terbatas.",
                    "recommendations": "Menambah anggaran visum.",
                    "submitted_at": "2026-11-20T08:00:00+00:00",
                }
            ],
            "completeness": {
                "expected": 35,
                "received": 2,
                "rate": 2 / 35,
                "rows": [
                    {
                        "region_code": "33.01",
                        "region_name": "Kabupaten Cilacap",
                        "task_force_id": 9,
                        "report_id": 15,
                        "state": "forwarded",
                        "version_hash": "abcdef0123456789" * 4,
                        "highlights": "Pemulangan 10 korban dari Malaysia.",
                        "status": "in",
                    },
                    {
                        "region_code": "33.03",
                        "region_name": "Kabupaten Purbalingga",
                        "task_force_id": 10,
                        "report_id": None,
                        "state": None,
                        "version_hash": None,
                        "highlights": None,
                        "status": "missing",
                    },
                    {
                        "region_code": "33.04",
                        "region_name": "Kabupaten Banjarnegara",
                        "task_force_id": None,
                        "report_id": None,
                        "state": None,
                        "version_hash": None,
                        "highlights": None,
                        "status": "no_task_force",
                    },
                ],
            },
            "reconciliation": [
                {
                    "region_code": "33.01",
                    "region_name": "Kabupaten Cilacap",
                    "forwarded_total": 10,
                    "live_total": 12,
                    "difference": 2,
                }
            ],
            "sections": sections_of(YEARS),
        },
        "transitions": [
            {
                "action": "submit",
                "from_state": "draft",
                "to_state": "submitted",
                "actor_name": "Sekretariat GT Banyumas",
                "actor_role": "task_force_admin",
                "comment": None,
                "occurred_at": "2026-11-29T20:05:00+00:00",
            },
            {
                "action": "discuss",
                "from_state": "submitted",
                "to_state": "discussed",
                "actor_name": "Ketua Harian GT Banyumas",
                "actor_role": "task_force_admin",
                "comment": "Dibahas pada rapat pleno 1 Desember.",
                "occurred_at": "2026-12-01T03:00:00+00:00",
            },
        ],
    }


def annual_document() -> dict[str, Any]:
    """The same task force's annual report for 2011: the regulation's last column."""
    document = five_year_document()
    document["report"].update(kind="annual", year=2011, years=[2011], state="draft")
    document["figures"]["sections"] = sections_of([2011])
    victims = document["figures"]["victims"]
    victims["cells"] = [c for c in victims["cells"] if c["year"] == 2011]
    victims["total"] = 227
    return document


def empty_document() -> dict[str, Any]:
    """An annual report with nothing in it: no cases, narratives, children or sections."""
    document = annual_document()
    figures = document["figures"]
    figures["victims"].update(
        cells=[], by_region=[], by_service=[], by_exploitation_type=[], total=0, merged_records=0
    )
    figures["narratives"] = []
    figures["completeness"] = {"expected": 0, "received": 0, "rate": 0.0, "rows": []}
    figures["reconciliation"] = []
    figures["sections"] = {}
    document["transitions"] = []
    return document


class Tables(HTMLParser):
    """The cells of every ``<table id=...>`` of a page: ``{id: [(tr attrs, [cell text])]}``,
    and the page's visible text (no attributes, no style)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tables: dict[str, list[tuple[dict[str, str | None], list[str]]]] = {}
        self.text: list[str] = []
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._skip = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in ("style", "title"):
            self._skip += 1
        elif tag == "table" and found.get("id"):
            self._table = found["id"]
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append((found, []))
        elif tag in ("td", "th") and self._table:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "title"):
            self._skip -= 1
        elif tag == "table":
            self._table = None
        elif tag in ("td", "th") and self._table and self._cell is not None:
            self.tables[self._table][-1][1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)

    @property
    def visible(self) -> str:
        return " ".join(" ".join(self.text).split())


def cells(page: Tables, table_id: str) -> list[list[str]]:
    return [row for _, row in page.tables[table_id]]


def html_of(document: dict[str, Any]) -> str:
    content, media_type = render(document, "html")
    assert media_type == "text/html; charset=utf-8"
    return content.decode()


def svg_of(html: str) -> ET.Element:
    match = re.search(r'<svg xmlns="http://www.w3.org/2000/svg".*?</svg>', html, re.S)
    assert match, "no inline SVG"
    return ET.fromstring(match.group(0))  # noqa: S314 (our own output)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


SVG = "{http://www.w3.org/2000/svg}"


def test_table_1_gives_back_the_regulation_figures() -> None:
    """The victims table is the regulation's Table 1: Dewasa/Anak x Perempuan/Laki-laki by year,
    0 for an empty cell, totals per year, thousands with a dot (Table 1; a victim counted once)."""
    page = Tables(html_of(five_year_document()))
    rows = page.tables["tabel-1"]
    assert rows[0][1] == ["Korban", "Tahun"]
    assert rows[1][1] == [str(year) for year in YEARS]
    body = rows[2:]
    assert len(body) == 5
    age = ""
    for (attrs, cells), (age_label, sex_label), ((age_group, sex), counts) in zip(
        body[:4], TABLE_1_LABELS, TABLE_1.items(), strict=True
    ):
        assert (attrs["data-age-group"], attrs["data-sex"]) == (age_group, sex)
        labels, numbers = cells[:-5], cells[-5:]
        age = labels[0] if len(labels) == 2 else age  # "Dewasa"/"Anak" span two rows
        assert (age, labels[-1]) == (age_label, sex_label)
        assert numbers == [number(c) for c in counts]
        assert [int(n.replace(".", "")) for n in numbers] == counts
    assert body[4][1] == ["Total", *TABLE_1_TOTALS]
    assert "Tabel 1" in page.visible
    assert (
        "Korban Tindak Pidana Perdagangan Orang Menurut Jenis Kelamin dan Tahun Kejadian"
        in page.visible
    )
    assert (
        "Pada tahun 2007–2011 tercatat 2.233 korban tindak pidana perdagangan orang: 1.940 "
        "perempuan dan 293 laki-laki; 423 di antaranya anak." in page.visible
    )
    assert "4 catatan kasus digabung" in page.visible


def test_numbers_are_formatted_the_indonesian_way() -> None:
    assert number(1156) == "1.156"
    assert number(1234567) == "1.234.567"
    assert number(0) == "0"
    assert number(-2) == "-2"
    assert percent(2 / 35) == "5,7%"
    assert percent(1.0) == "100,0%"


def test_title_block_names_kind_period_state_version_and_hash() -> None:
    """Five-year and annual reports are both rendered, each titled by kind and period (3.3.3)."""
    five = Tables(html_of(five_year_document())).visible
    assert "Laporan Lima Tahunan" in five
    assert "GT-PPTPPO Kabupaten Banyumas" in five
    assert "Tahun 2007–2011" in five
    assert "Dikonsolidasikan oleh Ketua Harian" in five
    assert "Versi 3" in five
    assert HASH in five
    assert "29 November 2026 20.00 UTC" in five

    annual_html = html_of(annual_document())
    annual = Tables(annual_html)
    assert "Laporan Tahunan" in annual.visible
    assert "Tahun 2011" in annual.visible
    assert "Tahun 2007" not in annual.visible
    assert annual.tables["tabel-1"][1][1] == ["2011"]
    assert annual.tables["tabel-1"][-1][1] == ["Total", "227"]
    assert render(annual_document(), "pdf")[0].startswith(b"%PDF")


def test_enum_values_are_shown_in_indonesian() -> None:
    page = Tables(html_of(five_year_document()))
    assert cells(page, "tabel-layanan")[1:] == [["Pengaduan", "1.500"], ["Pemulangan", "1.200"]]
    assert cells(page, "tabel-eksploitasi")[1:] == [
        ["Kerja paksa", "1.400"],
        ["Eksploitasi seksual", "833"],
    ]
    assert cells(page, "tabel-wilayah")[1:] == [["Kabupaten Banyumas", "2.233", "100,0%"]]
    for raw in ("forced_labour", "complaint", "health_rehabilitation", "task_force_admin"):
        assert raw not in page.visible


def test_narratives_show_activities_obstacles_and_recommendations() -> None:
    """Each sub-task-force's narrative appears as reported to the daily chair (3.3.3 c 1)."""
    text = Tables(html_of(five_year_document())).visible
    assert "Sub GT Rehabilitasi Kesehatan" in text
    assert "Kegiatan Pemeriksaan kesehatan korban di RSUD." in text
    assert "Hambatan Anggaran visum terbatas." in text
    assert "Rekomendasi Menambah anggaran visum." in text
    assert "Rehabilitasi Kesehatan" in text


def test_text_is_escaped() -> None:
    document = five_year_document()
    document["figures"]["narratives"][0]["activities"] = "<script>alert(1)</script> & co"
    document["report"]["task_force_name"] = "GT <b>Banyumas</b>"
    html = html_of(document)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html
    assert "<b>Banyumas</b>" not in html
    assert "GT &lt;b&gt;Banyumas&lt;/b&gt;" in html


@pytest.mark.parametrize(
    ("path", "key"),
    [
        (("report",), "content_hash"),
        (("figures", "narratives", 0), "sub_task_force_name"),
        (("figures", "completeness"), "rows"),
        (("transitions", 0), "actor_name"),
    ],
)
def test_a_missing_key_raises(path: tuple[str | int, ...], key: str) -> None:
    document = five_year_document()
    container: Any = document
    for step in path:
        container = container[step]
    del container[key]
    with pytest.raises(jinja2.UndefinedError):
        render(document, "html")


def test_chart_has_one_bar_group_per_year() -> None:
    svg = svg_of(html_of(five_year_document()))
    groups = [g for g in svg.iter(f"{SVG}g") if g.get("class") == "bar-group"]
    assert [int(g.get("data-year", "")) for g in groups] == YEARS
    heights = []
    for group, total in zip(groups, TABLE_1_TOTALS, strict=True):
        labels = [t.text for t in group.iter(f"{SVG}text")]
        assert labels[0] == total
        heights.append(sum(float(r.get("height", "0")) for r in group.iter(f"{SVG}rect")))
    # Bars are proportional to the yearly totals: 2007 is the tallest, 2010 the shortest.
    assert heights.index(max(heights)) == 0
    assert heights.index(min(heights)) == 3
    assert heights[0] / heights[1] == pytest.approx(1156 / 359, rel=0.01)
    texts = {t.text for t in svg.iter(f"{SVG}text")}
    assert {"Tahun kejadian", "Jumlah korban", "Dewasa Perempuan", "Anak Laki-laki"} <= texts

    # one year is no trend: the annual report has no chart
    assert "<svg" not in html_of(annual_document())


def test_pdf_holds_table_1() -> None:
    content, media_type = render(five_year_document(), "pdf")
    assert media_type == "application/pdf"
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert "Tabel 1" in text
    assert "1.156" in text
    assert "Laporan Lima Tahunan" in text
    assert "Jumlah korban" in text  # the chart's axis label, drawn in the PDF


def test_completeness_and_reconciliation() -> None:
    """The chair sees which regions below have reported, with each report's version, and the
    totals' differences since they were forwarded (3.3.3 b, Lampiran V)."""
    page = Tables(html_of(five_year_document()))
    rows = page.tables["kelengkapan-laporan"]
    assert rows[1][0]["data-status"] == "in"
    assert rows[1][1] == [
        "Kabupaten Cilacap",
        "Sudah masuk",
        "Disampaikan ke tingkat di atasnya",
        "Pemulangan 10 korban dari Malaysia.",
    ]
    assert rows[2][1] == ["Kabupaten Purbalingga", "Belum masuk", "–", "–"]
    assert len(rows) == 3  # a region without a task force is named in a sentence instead
    assert "1 wilayah belum memiliki gugus tugas: Kabupaten Banjarnegara." in page.visible
    assert (
        "2 dari 35 laporan yang diharapkan dari tingkat di bawahnya sudah masuk (5,7%)."
        in page.visible
    )
    assert page.tables["rekonsiliasi"][1][1] == ["Kabupaten Cilacap", "10", "12", "2"]

    document = five_year_document()
    document["figures"]["reconciliation"] = []
    assert "rekonsiliasi" not in Tables(html_of(document)).tables
    del document["figures"]["reconciliation"]
    assert "rekonsiliasi" not in Tables(html_of(document)).tables


def test_sections_open_with_their_figures_and_say_one_line_when_empty() -> None:
    """Each section tells what happened in a sentence with its key figures, its tables only
    where they hold something, one line where nothing was recorded, and no identifiers
    (ids, region codes, the report's own years) a reader has no use for (3.3.3)."""
    html = html_of(annual_document())
    text = Tables(html).visible
    headings = re.findall(r"<h2>(.*?)</h2>", html)
    assert headings == [
        "1. Korban tindak pidana perdagangan orang",
        "2. Penegakan hukum dan rute perdagangan orang",
        "3. Laporan Sub Gugus Tugas",
        "4. Laporan dari tingkat di bawahnya",
        "5. Rencana aksi",
        "6. Koordinasi, pemantauan dan evaluasi",
        "7. Kerjasama",
        "8. Peningkatan kapasitas",
        "9. Sarana dan prasarana",
        "10. Riwayat laporan",
    ]
    assert "1.250 perjanjian kerjasama berlaku, 0 di antaranya internasional" in text
    assert cells(Tables(html), "kerjasama-berlaku")[1:] == [
        ["Menurut jenis perjanjian"],
        ["Nota Kesepahaman (MoU)", "1.250"],
        ["Menurut jenis pihak"],
        ["Organisasi non-pemerintah", "1.250"],
        ["Menurut ruang lingkup kerjasama"],
        ["Advokasi", "1.250"],
    ]
    assert "Tidak ada rencana aksi yang ditetapkan untuk periode ini." in text
    assert "Tidak ada kegiatan yang dicatat." in text  # capacity building: one line
    assert "Menurut materi" not in text  # and no empty sub-table
    assert "Tidak ada inventaris sarana dan prasarana yang dicatat." in text
    for identifier in ("ID gugus tugas", "Kode wilayah", "Dari tahun", "33.02", "Tidak ada data"):
        assert identifier not in text


def test_transition_history() -> None:
    """Every step on the chain shows who took it and when (Permen PPPA 10/2012 Lampiran V)."""
    rows = Tables(html_of(five_year_document())).tables["riwayat-status"]
    assert rows[1][1] == [
        "29 November 2026 20.05 UTC",
        "Disampaikan kepada Ketua Harian",
        "Sekretariat GT Banyumas · Admin gugus tugas",
        "–",
    ]
    assert rows[2][1][-1] == "Dibahas pada rapat pleno 1 Desember."


def test_an_empty_report_renders() -> None:
    document = empty_document()
    page = Tables(html_of(document))
    assert page.tables["tabel-1"][-1][1] == ["Total", "0"]
    assert [cells[-1] for _, cells in page.tables["tabel-1"][2:]] == ["0"] * 5
    assert "Pada tahun 2011 tidak ada korban tindak pidana perdagangan orang yang tercatat." in (
        page.visible
    )
    assert "Belum ada laporan Sub Gugus Tugas yang disampaikan untuk periode ini." in page.visible
    assert "Tidak ada wilayah di bawah tingkat ini." in page.visible
    assert "Laporan belum beranjak dari drafnya." in page.visible
    assert "Tidak ada proses hukum atau rute yang dicatat" in page.visible
    del document["figures"]["sections"]
    assert render(document, "pdf")[0].startswith(b"%PDF")
    assert render(document, "csv")[0]
    assert json.loads(render(document, "json")[0]) == document


def test_json_round_trips() -> None:
    document = five_year_document()
    document["figures"]["narratives"][0]["activities"] = "Sosialisasi – Desa Karanglewas"
    content, media_type = render(document, "json")
    assert media_type == "application/json"
    assert json.loads(content.decode("utf-8")) == document
    assert "Sosialisasi – Desa Karanglewas".encode() in content  # UTF-8, not \\u escapes


def test_csv_holds_the_victims_tables() -> None:
    document = five_year_document()
    content, media_type = render(document, "csv")
    assert media_type == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8"))))
    assert list(rows[0]) == [
        "table",
        "year",
        "age_group",
        "sex",
        "region_code",
        "service",
        "exploitation_type",
        "value",
        "count",
    ]
    victims = [r for r in rows if r["table"] == "victims"]
    assert len(victims) == 4 * 5  # the whole grid, zeros included
    for (age, sex), counts in TABLE_1.items():
        got = [int(r["count"]) for r in victims if (r["age_group"], r["sex"]) == (age, sex)]
        assert got == counts
    for year, total in zip(YEARS, TABLE_1_TOTALS, strict=True):
        assert sum(int(r["count"]) for r in victims if r["year"] == str(year)) == int(
            total.replace(".", "")
        )
    assert sum(int(r["count"]) for r in victims) == document["figures"]["victims"]["total"]
    assert [(r["region_code"], r["count"]) for r in rows if r["table"] == "by_region"] == [
        ("33.02", "2233")
    ]
    assert [(r["service"], r["count"]) for r in rows if r["table"] == "by_service"] == [
        ("complaint", "1500"),
        ("repatriation", "1200"),
    ]
    assert [
        (r["exploitation_type"], r["count"]) for r in rows if r["table"] == "by_exploitation_type"
    ] == [("forced_labour", "1400"), ("sexual_exploitation", "833")]


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown report format"):
        render(five_year_document(), "docx")  # type: ignore[arg-type]


def test_rendering_does_not_change_the_document() -> None:
    document = five_year_document()
    before = copy.deepcopy(document)
    for fmt in ("html", "json", "csv"):
        render(document, fmt)  # type: ignore[arg-type]
    assert document == before


def _meetings_of(year: int, plenaries: int, status: str) -> dict[str, Any]:
    """A year of the meetings section, in the shape the report worker stores it."""
    units = [
        {
            "sub_task_force_id": 4 + n,
            "kind": "health_rehabilitation",
            "name": f"Sub GT Rehabilitasi Kesehatan {n}",
            "status": status,
            "met": status == "met",
            "dates": [f"{year}-02-0{1 + n}"],
            "missed_windows": []
            if status == "met"
            else [{"start": f"{year}-03-01", "end": f"{year}-04-30", "days": 61}],
        }
        for n in range(2)
    ]
    return {
        "task_force_id": 3,
        "year": year,
        "meetings": {
            "held": {"plenary": plenaries, "sub_task_force": 2, "special": 0},
            "total": plenaries + 2,
            "follow_up_actions": {"total": 0, "done": 0, "open_past_due": 0},
        },
        "monitoring": {
            "made": [],
            "received": {"monitoring": 0, "evaluation": 0},
            "checklist": [],
        },
        "compliance": {
            "task_force_id": 3,
            "region_code": "33.02",
            "level": "regency",
            "year": year,
            "period": {"start": f"{year}-01-01", "end": f"{year}-12-31", "complete": True},
            "met_all": status == "met",
            "rules": [
                {
                    "rule": "plenary",
                    "section": "3.1.3 a 2",
                    "description": "A plenary at least once in every 121 consecutive days.",
                    "status": status,
                    "met": status == "met",
                    "dates": [f"{year}-02-12", f"{year}-06-18"],
                    "missed_windows": []
                    if status == "met"
                    else [{"start": f"{year}-09-01", "end": f"{year}-12-31", "days": 122}],
                    "sub_task_forces": None,
                },
                {
                    "rule": "sub_task_forces",
                    "section": "3.1.3 b 1",
                    "description": "Each sub-task-force meets at least once in every 60 days.",
                    "status": status,
                    "met": status == "met",
                    "dates": [f"{year}-02-01", f"{year}-02-02"],
                    "missed_windows": [],
                    "sub_task_forces": units,
                },
            ],
        },
        "subtree_compliance": [
            {"rule": "plenary", "section": "3.1.3 a 2", "met": 1, "total": 2, "share": 0.5},
            {"rule": None, "section": None, "met": 0, "total": 2, "share": 0.0},
        ],
    }


def test_compliance_is_a_list_of_rules_with_their_sub_task_forces_as_rows() -> None:
    """Permen PPPA 10/2012 §3.1.3 a 2, b 1: each rule in Indonesian with its state and the
    dates that decided it; each sub-task-force a row of its own under its rule, never a
    table in a cell; the English descriptions of the data are not shown."""
    document = annual_document()
    document["figures"]["sections"]["meetings"] = _meetings_of(2011, 2, "missed")
    html = html_of(document)
    page = Tables(html)
    rows = cells(page, "kepatuhan")
    assert rows[0] == ["Ketentuan", "Keadaan", "Tanggal yang menentukan"]
    assert rows[1][0].startswith("Rapat pleno Rapat pleno paling sedikit 1 kali dalam 4 bulan")
    assert rows[1][0].endswith("Permen PPPA 10/2012 §3.1.3 a 2")
    assert rows[1][1:] == [
        "Tidak terpenuhi",
        "12 Feb 2011, 18 Jun 2011 Tidak ada: 1 Sep 2011 – 31 Des 2011",
    ]
    assert rows[2][1:] == ["Tidak terpenuhi", "Lihat tiap Sub Gugus Tugas di bawah."]
    assert rows[3] == [
        "Sub GT Rehabilitasi Kesehatan 0",
        "Tidak terpenuhi",
        "1 Feb 2011 Tidak ada: 1 Mar 2011 – 30 Apr 2011",
    ]
    assert len(rows) == 5
    assert "<table" not in html.split('id="kepatuhan"')[1].split("</table>")[0]
    assert "every 121 consecutive days" not in html
    assert "Dinilai atas 1 Januari 2011 sampai 31 Desember 2011: 0 dari 2 ketentuan terpenuhi." in (
        page.visible
    )


def test_five_year_sections_are_one_table_of_years() -> None:
    """A five-year report lays each section out as one table, a column per year of the
    report, instead of the full section once per year (3.3.3: "laporan lima tahunan");
    a figure nil in every year is left out."""
    document = five_year_document()
    document["figures"]["sections"]["meetings"] = {
        str(year): _meetings_of(
            year, plenaries=year - 2005, status="met" if year > 2009 else "missed"
        )
        for year in YEARS
    }
    page = Tables(html_of(document))
    rows = {row[0]: row[1:] for row in cells(page, "rapat-tahunan")}
    assert rows["Butir"] == [str(year) for year in YEARS]
    assert rows["Rapat pleno"] == ["2", "3", "4", "5", "6"]
    assert rows["Rapat Sub Gugus Tugas"] == ["2"] * 5
    assert "Rapat khusus" not in rows  # none in any year
    statuses = {row[0]: row[1:] for row in cells(page, "kepatuhan-tahunan")}
    assert statuses["Rapat pleno"] == ["Tidak terpenuhi"] * 3 + ["Terpenuhi"] * 2
    agreements = {row[0]: row[1:] for row in cells(page, "kerjasama-tahunan")}
    assert agreements["Berlaku"] == ["2", "3", "4", "5", "6"]
    assert "kapasitas-tahunan" not in page.tables  # nothing in any year: one line


def test_five_year_report_keeps_table_1_chart_completeness_and_history_in_pdf() -> None:
    """The five-year layout prints Table 1, the chart of victims per year, the completeness
    table and the history (3.3.3, Lampiran V)."""
    document = five_year_document()
    document["figures"]["sections"]["meetings"] = {
        str(year): _meetings_of(year, plenaries=1, status="met") for year in YEARS
    }
    html = html_of(document)
    for table_id in ("tabel-1", "kelengkapan-laporan", "riwayat-status", "rapat-tahunan"):
        assert f'id="{table_id}"' in html
    assert svg_of(html).get("id") == "gambar-1"
    content, _ = render(document, "pdf")
    text = pdf_text(content)
    assert "Tabel 1" in text
    assert "Riwayat laporan" in text
    assert "Laporan dari tingkat di bawahnya" in text


def test_a_report_can_be_asked_for_in_english() -> None:
    """The same templates through the English catalogue: words, numbers and dates in
    English, the figures unchanged."""
    document = five_year_document()
    english = Tables(render(document, "html", "en")[0].decode()).visible
    assert "Five-Year Report" in english
    assert "Table 1" in english
    assert "Tabel 1" not in english
    assert "Victims of the crime of trafficking in persons by sex and year of the incident" in (
        english
    )
    assert "2,233 victims of trafficking in persons were recorded" in english
    assert "29 November 2026 20:00 UTC" in english
    assert "Laporan" not in english
