"""The refused rows of an import, given back as the centre sent them, with what is wrong.

The sheet has the file's own columns (a template's labels above their paths) and two more,
``masalah`` (Indonesian) and ``problem`` (English), which a re-import passes over: the centre
fixes the rows in this sheet and imports it as it is.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

import xlsxwriter

from gtpptppo_api.imports import columns, messages, reader
from gtpptppo_api.imports.models import ImportFormat

Refused = tuple[list[str], list[str], list[tuple[list[Any], list[dict[str, str]]]]]


def refused_cells(
    fmt: ImportFormat, data: bytes, problems: dict[int, list[dict[str, str]]]
) -> Refused:
    """``(labels, paths, rows)``: the file's columns and each refused row's cells with its
    problems, in file order."""
    if fmt is ImportFormat.ndjson:
        lines = data.splitlines()
        rows = [
            ([number, lines[number - 1].decode("utf-8", "replace")], errors)
            for number, errors in sorted(problems.items())
            if number <= len(lines)
        ]
        return ["Baris", "Isi"], ["line", "body"], rows
    source = reader._sheet_rows(fmt, data)
    head: list[tuple[int, list[Any]]] = []
    for item in source:
        head.append(item)
        if len(head) == reader.HEADER_SCAN:
            break
    header = reader.header_of(head)
    keep = [i for i, path in enumerate(header.paths) if path and path not in columns.IGNORED]
    paths = [str(header.paths[i]) for i in keep]
    labels = [columns.by_path()[p].label if p in columns.by_path() else p for p in paths]
    found: list[tuple[list[Any], list[dict[str, str]]]] = []
    for number, cells in [*head, *source]:
        if number in problems:
            found.append(([cells[i] if i < len(cells) else "" for i in keep], problems[number]))
    return labels, paths, found


def as_xlsx(refused: Refused) -> bytes:
    labels, paths, rows = refused
    output = io.BytesIO()
    with xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_numbers": False}) as book:
        sheet = book.add_worksheet(reader.SHEET)
        bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        api = book.add_format({"italic": True, "font_color": "#666666"})
        day = book.add_format({"num_format": "yyyy-mm-dd"})
        alert = book.add_format({"font_color": "#9C0006", "bg_color": "#FFC7CE"})
        sheet.write_row(0, 0, [*labels, "Masalah", "Problem"], bold)
        sheet.write_row(1, 0, [*paths, columns.PROBLEM_ID, columns.PROBLEM_EN], api)
        for r, (cells, errors) in enumerate(rows, start=2):
            for c, value in enumerate(cells):
                if isinstance(value, datetime | date):
                    sheet.write_datetime(r, c, value, day)
                elif isinstance(value, str):
                    sheet.write_string(r, c, value)
                elif value is not None:
                    sheet.write(r, c, value)
            sheet.write_string(r, len(cells), messages.summary(errors, "id"), alert)
            sheet.write_string(r, len(cells) + 1, messages.summary(errors, "en"), alert)
        sheet.freeze_panes(2, 0)
        sheet.set_column(0, len(labels) - 1, 18)
        sheet.set_column(len(labels), len(labels) + 1, 60)
    return output.getvalue()


def as_csv(refused: Refused) -> bytes:
    """CSV UTF-8 (with the byte-order mark Excel looks for); the paths as the header."""
    _labels, paths, rows = refused
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow([*paths, columns.PROBLEM_ID, columns.PROBLEM_EN])
    for cells, errors in rows:
        writer.writerow(
            [
                *(v.isoformat() if isinstance(v, datetime | date) else v for v in cells),
                messages.summary(errors, "id"),
                messages.summary(errors, "en"),
            ]
        )
    return ("\ufeff" + text.getvalue()).encode()
