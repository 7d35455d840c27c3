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
            "sections": {
                "agreements": {
                    "task_force_id": 3,
                    "year": 2011,
                    "in_force": 1250,
                    "international": False,
                    "by_kind": {"mou": 2, "pks": 1},
                },
                "action_plans": {
                    "from_year": 2007,
                    "to_year": 2011,
                    "action_plans": [
                        {"action_plan_id": 7, "from_year": 2007, "achievement_bp": 8250},
                    ],
                },
                "meetings": {},
            },
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
    assert "Jumlah korban seluruhnya: 2.233." in page.visible


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
    assert cells(page, "tabel-3")[1:] == [["Pengaduan", "1.500"], ["Pemulangan", "1.200"]]
    assert cells(page, "tabel-4")[1:] == [
        ["Kerja paksa", "1.400"],
        ["Eksploitasi seksual", "833"],
    ]
    assert cells(page, "tabel-2")[1:] == [["33.02", "Kabupaten Banyumas", "2.233"]]
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
        (("figures", "narratives", 0), "obstacles"),
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

    annual = svg_of(html_of(annual_document()))
    assert [g.get("data-year") for g in annual.iter(f"{SVG}g") if g.get("class") == "bar-group"]
    assert len([g for g in annual.iter(f"{SVG}g") if g.get("class") == "bar-group"]) == 1


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
        "33.01",
        "Kabupaten Cilacap",
        "Sudah masuk",
        "Disampaikan ke tingkat di atasnya",
        "abcdef012345",
        "Pemulangan 10 korban dari Malaysia.",
    ]
    assert rows[2][1][2:] == ["Belum masuk", "–", "–", "–"]
    assert rows[3][1][2] == "Belum ada gugus tugas"
    assert "Laporan yang masuk: 2 dari 35 (5,7%)." in page.visible
    assert page.tables["rekonsiliasi"][1][1] == ["33.01", "Kabupaten Cilacap", "10", "12", "2"]

    document = five_year_document()
    document["figures"]["reconciliation"] = []
    assert "rekonsiliasi" not in Tables(html_of(document)).tables
    del document["figures"]["reconciliation"]
    assert "rekonsiliasi" not in Tables(html_of(document)).tables


def test_sections_are_rendered_generically() -> None:
    document = five_year_document()
    document["figures"]["sections"]["capacity"] = {
        "participants_by_role_and_sex": [
            {"role": "police", "sex": "female", "count": 1200},
            {"role": "prosecutor", "sex": "male", "count": 3, "extra": {"note": "x"}},
        ],
        "topics": ["identifikasi korban", "restitusi"],
    }
    document["figures"]["sections"]["budget_notes"] = {"planned_amount": 150000000}
    html = html_of(document)
    text = Tables(html).visible
    headings = re.findall(r"<h2>(.*?)</h2>", html)
    assert headings[3:] == [
        "4. Rencana Aksi",
        "5. Koordinasi dan Pemantauan",
        "6. Kerjasama",
        "7. Peningkatan Kapasitas",
        "8. Sarana dan Prasarana",
        "9. Budget notes",
        "10. Riwayat status",
    ]
    assert "Berlaku 1.250" in text  # integers get thousands dots
    assert "Tahun 2011" in text  # years do not
    assert "Internasional Tidak" in text
    assert "Nota Kesepahaman (MoU) 2" in text  # enum keys of a section get their label
    assert "Capaian" in text
    assert "82,50%" in text  # basis points as a percentage
    assert "Direncanakan (Rp) 150.000.000" in text
    assert "identifikasi korban" in text
    assert "Perempuan" in text
    assert "2.011" not in text
    assert text.count("Tidak ada data.") >= 2  # the empty meetings and the absent facilities


def test_transition_history() -> None:
    """Every step on the chain shows who took it and when (Permen PPPA 10/2012 Lampiran V)."""
    rows = Tables(html_of(five_year_document())).tables["riwayat-status"]
    assert rows[1][1] == [
        "29 November 2026 20.05 UTC",
        "Menyampaikan kepada Ketua Harian",
        "Draf → Disampaikan kepada Ketua Harian",
        "Sekretariat GT Banyumas (Admin gugus tugas)",
        "–",
    ]
    assert rows[2][1][-1] == "Dibahas pada rapat pleno 1 Desember."


def test_an_empty_report_renders() -> None:
    document = empty_document()
    page = Tables(html_of(document))
    assert page.tables["tabel-1"][-1][1] == ["Total", "0"]
    assert [cells[-1] for _, cells in page.tables["tabel-1"][2:]] == ["0"] * 5
    assert "Belum ada laporan Sub Gugus Tugas yang disampaikan." in page.visible
    assert "Tidak ada wilayah di bawah tingkat ini." in page.visible
    assert "Belum ada perubahan status." in page.visible
    assert "Laporan yang masuk" not in page.visible
    svg = svg_of(html_of(document))
    assert len([g for g in svg.iter(f"{SVG}g") if g.get("class") == "bar-group"]) == 1
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
    return {
        "task_force_id": 3,
        "year": year,
        "meetings": {"held": {"plenary": plenaries, "special": 0}, "total": plenaries},
        "monitoring": {"made": [], "checklist": []},
        "compliance": {
            "task_force_id": 3,
            "region_code": "33.02",
            "met_all": status == "met",
            "rules": [
                {
                    "rule": "plenary",
                    "section": "3.1.3 a 2",
                    "description": "A plenary at least once in every 121 consecutive days.",
                    "status": status,
                    "met": status == "met",
                    "dates": [],
                    "missed_windows": (
                        [] if status == "met" else [{"start": f"{year}-01-01", "days": 365}]
                    ),
                }
            ],
        },
        "subtree_compliance": [
            {"rule": "plenary", "section": "3.1.3 a 2", "met": 1, "total": 2, "share": 0.5},
            {"rule": None, "section": None, "met": 0, "total": 2, "share": 0.0},
        ],
    }


def test_five_year_sections_are_one_table_of_years() -> None:
    """A five-year report lays each section out as one table, a column per year of the
    report, instead of the full section once per year (3.3.3: "laporan lima tahunan")."""
    document = five_year_document()
    document["figures"]["sections"]["meetings"] = {
        str(year): _meetings_of(
            year, plenaries=year - 2005, status="met" if year > 2009 else "missed"
        )
        for year in YEARS
    }
    html = html_of(document)
    page = Tables(html)
    rows = {row[0]: row[1:] for row in cells(page, "tahunan-meetings")}
    assert rows["Butir"] == [str(year) for year in YEARS]
    assert rows["Rapat › Diselenggarakan › Pleno"] == ["2", "3", "4", "5", "6"]
    assert rows["Rapat › Diselenggarakan › Khusus"] == ["0"] * 5
    plenary = "Kepatuhan › Ketentuan › Pleno / 3.1.3 a 2"
    assert rows[f"{plenary} › Status"] == ["Tidak terpenuhi"] * 3 + ["Terpenuhi"] * 2
    assert rows[f"{plenary} › Jangka waktu tanpa kegiatan"][0] == "2007-01-01 365"
    assert rows[f"{plenary} › Jangka waktu tanpa kegiatan"][-1] == "–"
    # the same text in every year once across the years; nothing empty in every year
    shares = "Kepatuhan wilayah di bawahnya"
    assert rows[f"{shares} › Pleno / 3.1.3 a 2 › Terpenuhi"] == ["1"] * 5
    assert rows[f"{shares} › Semua ketentuan › Jumlah"] == ["2"] * 5
    assert "Kepatuhan › Semua ketentuan terpenuhi" in rows
    assert not any(label.endswith("› Tanggal") for label in rows)  # no dates in any year
    assert not any("ID gugus tugas" in label or label == "Tahun" for label in rows)
    assert html.count('id="tahunan-meetings"') == 1
    assert "<h4>2007</h4>" not in html
    assert "Uraian" not in page.visible


def test_five_year_report_keeps_table_1_chart_completeness_and_history_in_pdf() -> None:
    """The lighter five-year layout still prints Table 1, the chart, the completeness table
    and the history (3.3.3, Lampiran V)."""
    document = five_year_document()
    document["figures"]["sections"]["meetings"] = {
        str(year): _meetings_of(year, plenaries=1, status="met") for year in YEARS
    }
    html = html_of(document)
    for table_id in ("tabel-1", "kelengkapan-laporan", "riwayat-status", "tahunan-meetings"):
        assert f'id="{table_id}"' in html
    assert svg_of(html).get("id") == "gambar-1"
    content, _ = render(document, "pdf")
    text = pdf_text(content)
    assert "Tabel 1" in text
    assert "Riwayat status" in text
    assert "Kelengkapan laporan" in text
