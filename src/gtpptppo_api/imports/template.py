"""The import template (templat impor): a column per field of the push, generated from it.

Sheet ``Kasus``: the Indonesian label of each column above its path (what the import reads),
a drop-down for every closed list (the schema's choices, the country codes, the region
codes), dates as dates and text as text (a NIK keeps its 16 digits). Sheet ``Contoh``: the
same header and an example row. Sheet ``Petunjuk``: what each column takes. A filled
``Kasus`` sheet imports as it is.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from gtpptppo_api.cases.schemas import COUNTRIES
from gtpptppo_api.imports import columns, reader

# The example row, as a push body would have it.
EXAMPLE: dict[str, Any] = {
    "external_ref": "PPT-2024-0001",
    "registered_region_code": "33.02",
    "origin_region_code": "33.02",
    "destination.country": "MY",
    "identified_on": "2024-03-05",
    "incident_year": 2023,
    "victim.sex": "female",
    "victim.age_at_identification": 24,
    "victim.nationality": "ID",
    "exploitation_types.0": "forced_labour",
    "services.0.type": "complaint",
    "services.0.started_on": "2024-03-05",
    "services.0.ended_on": "2024-03-05",
    "legal_stage": "police_report",
    "status": "open",
    "personal.name": "Siti Aminah",
    "personal.nik": "3302014501990001",
}

COUNTRY_FIELDS = ("country", "nationality")
REGION_FIELDS = ("region_code", "registered_region_code", "origin_region_code")
ROWS = reader.MAX_ROWS + 2  # the rows the drop-downs cover


def _choices(column: columns.Column, regions: Sequence[str]) -> tuple[str, ...]:
    last = column.path.rsplit(".", 1)[-1]
    if column.choices:
        return column.choices
    if last in COUNTRY_FIELDS:
        return tuple(sorted(COUNTRIES))
    if last in REGION_FIELDS:
        return tuple(regions)
    return ()


def _kind(column: columns.Column) -> str:
    if column.kind == "date":
        return "tanggal (TTTT-BB-HH)"
    return "bilangan bulat" if column.kind == "integer" else "teks"


def build(regions: Sequence[str]) -> bytes:
    """The template, with ``regions`` (the region codes that exist) for its drop-downs."""
    output = io.BytesIO()
    cols = columns.columns()
    with xlsxwriter.Workbook(output, {"in_memory": True}) as book:
        label = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        needed = book.add_format(
            {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#FFF2CC"}
        )
        api = book.add_format({"italic": True, "font_color": "#666666"})
        text = book.add_format({"num_format": "@"})
        day = book.add_format({"num_format": "yyyy-mm-dd"})
        whole = book.add_format({"num_format": "0"})
        wrap = book.add_format({"text_wrap": True, "valign": "top"})

        data = book.add_worksheet(reader.SHEET)
        example = book.add_worksheet("Contoh")
        guide = book.add_worksheet("Petunjuk")
        lists = book.add_worksheet("Pilihan")
        lists.hide()

        sources: dict[tuple[str, ...], str] = {}
        for c, column in enumerate(cols):
            for sheet in (data, example):
                sheet.write_string(0, c, column.label, needed if column.required else label)
                sheet.write_string(1, c, column.path, api)
                style = {"date": day, "integer": whole}.get(column.kind, text)
                sheet.set_column(c, c, 20 if column.kind != "date" else 14, style)
            choices = _choices(column, regions)
            if choices:
                if choices not in sources:
                    at = len(sources)
                    lists.write_column(0, at, choices, text)
                    letter = xl_col_to_name(at)
                    sources[choices] = f"=Pilihan!${letter}$1:${letter}${len(choices)}"
                data.data_validation(
                    2,
                    c,
                    ROWS,
                    c,
                    {
                        "validate": "list",
                        "source": sources[choices],
                        "error_title": "Isian tidak sah",
                        "error_message": "Pilih salah satu isian dari daftar.",
                    },
                )
            elif column.kind == "date":
                data.data_validation(
                    2,
                    c,
                    ROWS,
                    c,
                    {
                        "validate": "date",
                        "criteria": ">=",
                        "value": "1900-01-01",
                        "error_title": "Tanggal tidak sah",
                        "error_message": "Tulis tanggal, misalnya 2024-03-05.",
                    },
                )
            value = EXAMPLE.get(column.path)
            if value is not None:
                example.write(2, c, value)
        for sheet in (data, example):
            sheet.freeze_panes(2, 1)
            sheet.set_row(0, 45)

        headings = ["Kolom", "Nama kolom (API)", "Wajib", "Jenis isian", "Pilihan", "Keterangan"]
        guide.write_row(0, 0, headings, label)
        guide.set_column(0, 1, 32)
        guide.set_column(2, 3, 14)
        guide.set_column(4, 5, 60, wrap)
        for r, column in enumerate(cols, start=1):
            choices = _choices(column, regions)
            shown = ", ".join(choices) if len(choices) <= 20 else f"{len(choices)} kode (daftar)"
            guide.write_row(
                r,
                0,
                [
                    column.label,
                    column.path,
                    "ya" if column.required else "",
                    _kind(column),
                    shown,
                    column.description,
                ],
            )
        end = len(cols) + 2
        notes = [
            "Isi lembar Kasus mulai baris ke-3; baris 1 (judul) dan baris 2 (nama API) "
            "jangan diubah. Lembar Contoh menunjukkan satu baris yang sah.",
            "Satu baris satu kasus. Nomor registrasi kasus (external_ref) adalah kunci: "
            "mengimpor baris yang sama lagi tidak mengubah apa pun; baris yang berubah "
            "memperbarui kasusnya.",
            "Baris yang ditolak dikembalikan dalam lembar kesalahan (errors.xlsx) dengan "
            "kolom masalah; perbaiki di sana lalu impor lagi berkas itu.",
        ]
        for i, note in enumerate(notes):
            guide.write_string(end + i, 0, note)
    return output.getvalue()
