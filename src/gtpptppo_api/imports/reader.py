"""Reading an import file into push bodies, row by row, with the file's limits checked first.

CSV (UTF-8, or Excel's Windows-1252; comma, semicolon or tab), XLSX (``python-calamine``,
the first sheet named ``Kasus`` or else the first sheet) and NDJSON (one push body a line).
A spreadsheet's header row names each column by its field's path (``victim.sex``) or its
Indonesian label (``imports.columns``); the template has both, labels above paths.

A file that cannot be read as a whole (not what it says, too large once unpacked, a header
missing or a column unknown) is a ``FileProblem``; a row that cannot be a case is refused
by the push validation, with the rest of the file stored.
"""

from __future__ import annotations

import csv
import html
import io
import pickle
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pydantic_core

from gtpptppo_api.imports import columns
from gtpptppo_api.imports.models import ImportFormat

MAX_ROWS = 200_000  # data rows of one import; empty rows are not counted
MAX_COLUMNS = 200
# Cells a sheet may span (rows x columns, empty ones inside included): the reader holds the
# sheet's range in memory, about 32 bytes a cell.
MAX_CELLS = 6_000_000
MAX_UNPACKED = 256 * 1024 * 1024  # an XLSX's parts, unpacked, all together
MAX_PART = 128 * 1024 * 1024  # one part (a sheet, the shared strings), unpacked
MAX_RATIO = 200  # unpacked / packed, for a part over 1 MiB
MAX_MERGED = 10_000  # merged ranges of a sheet
HEADER_SCAN = 5  # rows searched for the header
SHEET = "Kasus"

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {
    "text/csv": ImportFormat.csv,
    "application/csv": ImportFormat.csv,
    XLSX_TYPE: ImportFormat.xlsx,
    "application/x-ndjson": ImportFormat.ndjson,
    "application/ndjson": ImportFormat.ndjson,
    "application/jsonl": ImportFormat.ndjson,
}


SUFFIXES = {
    ".csv": ImportFormat.csv,
    ".xlsx": ImportFormat.xlsx,
    ".ndjson": ImportFormat.ndjson,
    ".jsonl": ImportFormat.ndjson,
}


class FileProblem(Exception):
    """The file as a whole cannot be imported: why, in Indonesian and in English."""

    def __init__(self, indonesian: str, english: str) -> None:
        super().__init__(english)
        self.indonesian = indonesian
        self.english = english

    def __str__(self) -> str:
        return f"{self.indonesian} / {self.english}"


@dataclass
class Row:
    """A data row: its number as a spreadsheet shows it (line, for NDJSON), and either the
    push body made of it or the problems that kept it from being one."""

    number: int
    body: Any
    errors: list[dict[str, str]] = field(default_factory=list)

    @property
    def external_ref(self) -> str | None:
        ref = self.body.get("external_ref") if isinstance(self.body, dict) else None
        return ref if isinstance(ref, str) else None


def sniff(fmt: ImportFormat, head: bytes) -> None:
    """Refuse a file whose first bytes say it is not what its type says."""
    is_zip = head.startswith(b"PK\x03\x04")
    if fmt is ImportFormat.xlsx:
        if not is_zip:
            raise FileProblem(
                "Berkas ini bukan XLSX (buku kerja Excel).",
                "The file is not an XLSX workbook.",
            )
        return
    if is_zip or b"\x00" in head or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileProblem(
            f"Berkas ini bukan teks {fmt.value.upper()} (mungkin lembar kerja Excel: "
            "kirim sebagai XLSX).",
            f"The file is not {fmt.value.upper()} text (an Excel workbook? send it as XLSX).",
        )


# --- the raw rows of each format ----------------------------------------------------------


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's "CSV" on Windows: Windows-1252. Bytes it has no character for are not
        # text at all.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise FileProblem(
                "Berkas CSV tidak terbaca: simpan sebagai CSV UTF-8.",
                "The CSV file cannot be decoded: save it as CSV UTF-8.",
            ) from exc


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    text = _text(data)
    first = text[: text.find("\n")] if "\n" in text else text
    delimiter = max(",;\t", key=first.count)
    csv.field_size_limit(1_000_000)
    lines = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        for row in lines:
            if not any(row):  # an empty row (a sheet's tail of them): passed over first
                continue
            if len(row) > MAX_COLUMNS:
                raise _too_wide(len(row))
            yield lines.line_num, row
    except csv.Error as exc:
        raise FileProblem(f"Berkas CSV rusak: {exc}", f"The CSV file is malformed: {exc}") from exc


def _too_wide(width: int) -> FileProblem:
    return FileProblem(
        f"Lembar terlalu lebar: {width} kolom (paling banyak {MAX_COLUMNS}).",
        f"The sheet is too wide: {width} columns (at most {MAX_COLUMNS}).",
    )


_CELL = re.compile(rb"<(?:\w+:)?c\b[^>]*?\br=\"([A-Z]{1,3})([0-9]{1,7})\"[^>]*?(/?)>")
_ANY_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


@dataclass
class _Scan:
    """What reading a part to its end found: its real unpacked size (a zip's directory may
    lie) and, for a sheet, the last row and column holding a value, its cells, whether
    every cell names its address, and its merged ranges (0-based, corners included)."""

    size: int = 0
    rows: int = 0
    cols: int = 0
    cells: int = 0
    addressed: int = 0
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)


@dataclass
class Scans:
    """What the limits' read of an XLSX found of each sheet (by part name); and the chosen
    sheet's rows as the first pass over them read them (blocks pickled and compressed, in
    memory), so that a second pass need not unpack and parse the sheet again."""

    sheets: dict[str, _Scan]
    blocks: list[bytes] = field(default_factory=list)
    complete: bool = False


def _unpacked(archive: zipfile.ZipFile, name: str, scan: bool) -> _Scan:
    found = _Scan()
    carry = b""
    with archive.open(name) as part:
        while chunk := part.read(1024 * 1024):
            found.size += len(chunk)
            if found.size > MAX_PART:
                raise _too_large()
            if not scan:
                continue
            text = carry + chunk
            cut = text.rfind(b"<")
            text, carry = (text[:cut], text[cut:]) if cut > 0 else (text, b"")
            found.cells += len(_ANY_CELL.findall(text))
            addressed = _CELL.findall(text)
            found.addressed += len(addressed)
            full = [(letters, number) for letters, number, empty in addressed if not empty]
            if full:  # each distinct row number and column once
                found.rows = max(found.rows, *map(int, {number for _, number in full}))
                found.cols = max(found.cols, *map(_column_number, {c for c, _ in full}))
            if len(found.merged) <= MAX_MERGED:
                found.merged += [_corners(ref) for ref in _MERGE.findall(text)]
    found.cols = max(found.cols, found.cells and 1)
    return found


_MERGE = re.compile(
    rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Z]{1,3}[0-9]{1,7}(?::[A-Z]{1,3}[0-9]{1,7})?)\""
)
_ADDRESS = re.compile(rb"([A-Z]{1,3})([0-9]{1,7})")


def _corners(ref: bytes) -> tuple[int, int, int, int]:
    """``B2:C4`` as 0-based (first row, first column, last row, last column)."""
    (c0, r0), (c1, r1) = (
        (_column_number(letters) - 1, int(number) - 1)
        for letters, number in _ADDRESS.findall(ref) * (1 if b":" in ref else 2)
    )
    return r0, c0, r1, c1


def _too_large() -> FileProblem:
    return FileProblem(
        "Isi buku kerja terlalu besar setelah dibuka (kemungkinan bom ZIP); simpan ulang "
        "tanpa data berlebih atau bagi menjadi beberapa berkas.",
        "The workbook is too large once unpacked (a zip bomb?); save it again without the "
        "excess or split it into several files.",
    )


def check_workbook(data: bytes) -> Scans:
    """An XLSX's limits, before the reader unpacks it: a zip, parts of bounded size (read,
    not taken from the directory), and sheets that span a bounded range; what was found of
    each sheet, by part name."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileProblem(
            "Berkas ini bukan XLSX yang utuh (arsip ZIP rusak).",
            "The file is not a whole XLSX workbook (a broken zip archive).",
        ) from exc
    with archive:
        names = archive.namelist()
        if "xl/workbook.xml" not in names:
            raise FileProblem(
                "Berkas ZIP ini bukan buku kerja Excel (tidak ada xl/workbook.xml).",
                "The zip archive is not an Excel workbook (no xl/workbook.xml).",
            )
        total = 0
        sheets = Scans({})
        for info in archive.infolist():
            packed = max(info.compress_size, 1)
            if info.file_size > 1024 * 1024 and info.file_size / packed > MAX_RATIO:
                raise _too_large()
            sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
            try:
                found = _unpacked(archive, info.filename, sheet)
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as exc:
                raise FileProblem(
                    "Buku kerja rusak atau terkunci sandi.",
                    "The workbook is damaged or password-protected.",
                ) from exc
            if sheet:
                sheets.sheets[info.filename] = found
            rows, cols = found.rows, found.cols
            total += found.size
            if total > MAX_UNPACKED:
                raise _too_large()
            if cols > MAX_COLUMNS:
                raise _too_wide(cols)
            if rows > MAX_ROWS + HEADER_SCAN:
                raise FileProblem(
                    f"Lembar mencakup {rows:,} baris x {cols} kolom (paling banyak "
                    f"{MAX_ROWS:,} baris data): hapus baris kosong atau isian di bawah data, "
                    "atau bagi menjadi beberapa berkas.",
                    f"A sheet spans {rows:,} rows x {cols} columns (at most {MAX_ROWS:,} data "
                    "rows): delete the empty or stray rows below the data, or split the file.",
                )
    return sheets


def _too_many_cells(scan: _Scan) -> FileProblem:
    return FileProblem(
        f"Lembar mencakup {scan.rows:,} baris x {scan.cols} kolom (paling banyak "
        f"{MAX_CELLS:,} sel): hapus baris kosong atau isian di bawah data, atau bagi menjadi "
        "beberapa berkas.",
        f"A sheet spans {scan.rows:,} rows x {scan.cols} columns (at most {MAX_CELLS:,} "
        "cells): delete the empty or stray rows below the data, or split the file.",
    )


_ELEMENT = {
    "sheet": re.compile(r"<(?:\w+:)?sheet\s([^>]*)>"),
    "rel": re.compile(r"<(?:\w+:)?Relationship\s([^>]*)>"),
}
_ATTRIBUTE = re.compile(r"([\w:]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")


def _elements(kind: str, xml: str) -> list[dict[str, str]]:
    """The attributes of each ``kind`` element of a small part, prefixes dropped."""
    return [
        {
            key.rsplit(":", 1)[-1]: html.unescape(double or single)
            for key, double, single in _ATTRIBUTE.findall(attributes)
        }
        for attributes in _ELEMENT[kind].findall(xml)
    ]


def _chosen_sheet(archive: zipfile.ZipFile) -> tuple[str, str, list[str]] | None:
    """The sheet the import reads (``Kasus``, else the first): its name, its part, and the
    parts of the other worksheets; None when the workbook's parts do not say."""
    try:
        workbook = archive.read("xl/workbook.xml").decode()
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    except (KeyError, UnicodeDecodeError, zipfile.BadZipFile, OSError):
        return None
    targets = {rel.get("Id"): rel.get("Target", "") for rel in _elements("rel", rels)}
    sheets: list[tuple[str, str]] = []
    for element in _elements("sheet", workbook):
        target = targets.get(element.get("id"))
        if not target:
            return None
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        sheets.append((element.get("name", ""), part))
    names = [name for name, _ in sheets]
    if not sheets:
        return None
    name, part = sheets[names.index(SHEET)] if SHEET in names else sheets[0]
    return name, part, [p for _, p in sheets if p != part]


_SHEET_DATA = re.compile(rb"<((?:\w+:)?)sheetData\b[^>]*?(/?)>")
_ROOT = re.compile(rb"<((?:\w+:)?worksheet)\b")
_ROW_END = re.compile(rb"</(?:\w+:)?row>|<(?:\w+:)?row\b[^>]*?/>")
_EMPTY_SHEET = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<sheetData/></worksheet>"
)
BLOCK_ROWS = 5000  # sheet rows read at once: their range is what the reader holds
BLOCK_BYTES = 8 * 1024 * 1024  # and at most about this much of the sheet's XML


def _row_blocks(archive: zipfile.ZipFile, part: str) -> Iterator[tuple[bytes, bytes, bytes]]:
    """The sheet's XML in blocks of whole rows: ``(opening, rows, closing)``, the opening
    being everything up to ``<sheetData>`` and the closing what ends the sheet there."""
    with archive.open(part) as source:
        text = b""
        opening = None
        while opening is None:
            chunk = source.read(1024 * 1024)
            text += chunk
            found = _SHEET_DATA.search(text)
            if found is not None:
                root = _ROOT.search(text)
                if root is None or found.group(2):  # no root, or <sheetData/>: no rows
                    return
                opening = text[: found.end()]
                closing = b"</" + found.group(1) + b"sheetData></" + root.group(1) + b">"
                text = text[found.end() :]
            elif not chunk:
                return
        done = False
        while not done:
            chunk = source.read(1024 * 1024)
            done = not chunk
            text += chunk
            # as many blocks as the text holds: of BLOCK_ROWS rows, or fewer past
            # BLOCK_BYTES, or the rest at the end
            while ends := [end.end() for end in _ROW_END.finditer(text)]:
                if len(ends) >= BLOCK_ROWS:
                    cut = ends[BLOCK_ROWS - 1]
                elif done or len(text) >= BLOCK_BYTES:
                    cut = ends[-1]
                else:
                    break
                yield opening, text[:cut], closing
                text = text[cut:]


def _block_workbook(common: list[tuple[str, bytes]], part: str, sheet: bytes) -> bytes:
    """A workbook of the parts the reader needs (``common``: the other worksheets empty),
    with ``sheet`` as the chosen sheet's part: what the reader unpacks for one block."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_STORED) as block:
        for name, content in common:
            block.writestr(name, content)
        block.writestr(part, sheet)
    return output.getvalue()


# Parts the reader does not read for a sheet's cells (pictures, charts, the other sheets'
# relations): left out of a block's workbook.
_NOT_READ = (
    "xl/media/",
    "xl/drawings/",
    "xl/charts/",
    "xl/worksheets/_rels/",
    "xl/printerSettings/",
    "xl/pivot",
    "xl/externalLinks/",
    "docProps/",
    "customXml/",
)


def _xlsx_rows(data: bytes, scans: Scans | None = None) -> Iterator[tuple[int, list[Any]]]:
    """The chosen sheet's rows, numbered as the sheet shows them, read a block of rows at a
    time (the reader holds one block's range, not the sheet's); a merged range's top-left
    value given to each of its cells."""
    from python_calamine import CalamineError, CalamineWorkbook

    scans = check_workbook(data) if scans is None else scans
    if scans.complete:  # read by a pass before: kept
        for block in scans.blocks:
            yield from pickle.loads(zlib.decompress(block))  # noqa: S301 (made below, in memory)
        return
    archive = zipfile.ZipFile(io.BytesIO(data))
    chosen = _chosen_sheet(archive)
    scan = scans.sheets.get(chosen[1]) if chosen is not None else None
    if chosen is None or scan is None or scan.addressed != scan.cells:
        yield from _whole_sheet_rows(data, scan)
        return
    name, part, others = chosen
    if len(scan.merged) > MAX_MERGED:
        raise FileProblem(
            f"Terlalu banyak sel gabungan ({len(scan.merged)}).",
            f"Too many merged cells ({len(scan.merged)}).",
        )
    ranges = sorted(scan.merged, key=lambda r: r[0])
    tops: dict[int, Any] = {}
    # the parts every block's workbook holds besides its rows (the shared strings, the
    # styles), unpacked once
    common = [
        (n, _EMPTY_SHEET if n in others else archive.read(n))
        for n in archive.namelist()
        if n != part and not n.startswith(_NOT_READ)
    ]
    scans.blocks.clear()
    with archive:
        for opening, rows, closing in _row_blocks(archive, part):
            content = _block_workbook(common, part, opening + rows + closing)
            try:
                sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name(name)
                start = sheet.start
                cells_of = sheet.to_python(skip_empty_area=True) if start else []
            except (CalamineError, IndexError, ValueError) as exc:
                raise FileProblem(
                    f"Buku kerja tidak terbaca: {exc}", f"The workbook cannot be read: {exc}"
                ) from exc
            del content
            if not start:
                continue
            first, left = start
            read: list[tuple[int, list[Any]]] = []
            for index, cells in enumerate(cells_of):
                number = first + index  # 0-based row of the sheet
                if left:
                    cells = [""] * left + cells
                if ranges:
                    if len(cells) < scan.cols:
                        cells += [""] * (scan.cols - len(cells))
                    _spread(ranges, tops, number, cells)
                read.append((number + 1, cells))
            del cells_of
            scans.blocks.append(zlib.compress(pickle.dumps(read, pickle.HIGHEST_PROTOCOL), 1))
            yield from read
    scans.complete = True


def _spread(
    ranges: list[tuple[int, int, int, int]], tops: dict[int, Any], number: int, cells: list[Any]
) -> None:
    """A merged range shows its top-left value in every cell: the reader gives it to each."""
    for i, (r0, c0, r1, c1) in enumerate(ranges):
        if r0 > number:
            break
        if number > r1:
            continue
        if number == r0:
            tops[i] = cells[c0] if c0 < len(cells) else ""
        for c in range(c0, min(c1 + 1, len(cells))):
            if (number, c) != (r0, c0):
                cells[c] = tops.get(i, "")


def _whole_sheet_rows(data: bytes, scan: _Scan | None) -> Iterator[tuple[int, list[Any]]]:
    """A sheet read whole (one whose rows do not all name their addresses): its range in
    memory, hence bounded by ``MAX_CELLS``."""
    from python_calamine import CalamineError, CalamineWorkbook

    if scan is not None and scan.rows * scan.cols > MAX_CELLS:
        raise _too_many_cells(scan)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = workbook.sheet_names
        sheet = workbook.get_sheet_by_name(SHEET if SHEET in names else names[0])
        merged = sheet.merged_cell_ranges or []
        rows = sheet.iter_rows()
        first = sheet.start[0] if sheet.start else 0
    except (CalamineError, IndexError, ValueError) as exc:
        raise FileProblem(
            f"Buku kerja tidak terbaca: {exc}", f"The workbook cannot be read: {exc}"
        ) from exc
    if len(merged) > MAX_MERGED:
        raise FileProblem(
            f"Terlalu banyak sel gabungan ({len(merged)}).",
            f"Too many merged cells ({len(merged)}).",
        )
    # A merged range shows its top-left value in every cell: the reader gives it to each.
    ranges = sorted(((r0, c0, r1, c1) for (r0, c0), (r1, c1) in merged), key=lambda r: r[0])
    tops: dict[int, Any] = {}
    for index, cells in enumerate(rows):
        number = first + index  # 0-based row of the sheet
        if ranges:
            cells = list(cells)
            _spread(ranges, tops, number, cells)
        yield number + 1, cells


def _ndjson_rows(data: bytes) -> Iterator[Row]:
    for number, line in enumerate(data.splitlines(), 1):
        if not line.strip():
            continue
        try:
            yield Row(number, pydantic_core.from_json(line, allow_inf_nan=False))
        except ValueError as exc:
            yield Row(
                number, None, [_error("line", "is not valid JSON", "bukan JSON yang sah", exc)]
            )


def _error(field_name: str, english: str, indonesian: str, exc: Exception) -> dict[str, str]:
    return {
        "field": field_name,
        "message": f"{english}: {exc}",
        "type": "value",
        "pesan": indonesian,
    }


# --- header and rows ---------------------------------------------------------------------


@dataclass
class Header:
    """The columns of a sheet: each one's path (None: passed over), and the data's start."""

    paths: list[str | None]
    data_from: int  # the row number the data starts after


def _name(cell: Any) -> str:
    return str(cell).strip() if cell is not None else ""


def _as_paths(cells: list[Any]) -> list[str | None] | None:
    """The row as column paths, if it is a header row (it names ``external_ref``)."""
    labels = columns.label_paths()
    paths: list[str | None] = []
    for cell in cells:
        name = _name(cell)
        if columns.known(name) or name in ("exploitation_types",) or name in columns.IGNORED:
            paths.append(name)
        elif name.lower() in labels:
            paths.append(labels[name.lower()])
        else:
            paths.append(None if not name else f"?{name}")
    return paths if "external_ref" in paths else None


def header_of(rows: list[tuple[int, list[Any]]]) -> Header:
    """The header among the first rows: paths under labels (the template) win."""
    for i, (number, cells) in enumerate(rows):
        paths = _as_paths(cells)
        if paths is None:
            continue
        if i + 1 < len(rows):
            below = _as_paths(rows[i + 1][1])
            if below is not None and all(
                p is None or columns.known(p) or p in columns.IGNORED for p in below
            ):
                paths, number = below, rows[i + 1][0]
        _check_header(paths)
        return Header([p if p and not p.startswith("?") else None for p in paths], number)
    raise FileProblem(
        f"Baris judul kolom tidak ditemukan dalam {HEADER_SCAN} baris pertama (harus ada "
        "kolom external_ref / Nomor registrasi kasus). Gunakan templat impor.",
        f"No header row in the first {HEADER_SCAN} rows (it needs an external_ref column). "
        "Use the import template.",
    )


def _check_header(paths: list[str | None]) -> None:
    unknown = [p[1:] for p in paths if p and p.startswith("?")]
    if unknown:
        names = ", ".join(unknown[:10])
        raise FileProblem(
            f"Kolom tidak dikenal: {names}. Nama kolom harus sama dengan templat impor.",
            f"Unknown columns: {names}. Column names must be those of the import template.",
        )
    given = [p for p in paths if p]
    repeated = sorted({p for p in given if given.count(p) > 1} - columns.IGNORED)
    if repeated:
        names = ", ".join(repeated)
        raise FileProblem(f"Kolom ganda: {names}.", f"Repeated columns: {names}.")
    present = set(given)
    if "exploitation_types" in present:
        present.add("exploitation_types.0")
    missing = [p for p in columns.required_paths() if p not in present]
    if missing:
        names = ", ".join(f"{p} ({columns.by_path()[p].label})" for p in missing)
        raise FileProblem(f"Kolom wajib tidak ada: {names}.", f"Required columns missing: {names}.")


def _sheet_rows(
    fmt: ImportFormat, data: bytes, scans: Scans | None = None
) -> Iterator[tuple[int, list[Any]]]:
    return _xlsx_rows(data, scans) if fmt is ImportFormat.xlsx else _csv_rows(data)


def scan(fmt: ImportFormat, data: bytes) -> Scans | None:
    """The file's limits checked (an XLSX's parts read through once): what ``rows`` and
    ``count`` of the same file may be given, so as not to read them again."""
    sniff(fmt, data[:8192])
    return check_workbook(data) if fmt is ImportFormat.xlsx else None


def _data_rows(
    fmt: ImportFormat, data: bytes, scans: Scans | None
) -> Iterator[tuple[int, list[Any], Header]]:
    """A sheet's data rows after its header, with the header; empty rows passed over."""
    source = _sheet_rows(fmt, data, scans)
    head: list[tuple[int, list[Any]]] = []
    for item in source:
        head.append(item)
        if len(head) == HEADER_SCAN:
            break
    header = header_of(head)
    for number, cells in head:
        if number > header.data_from and any(cells):
            yield number, cells, header
    for number, cells in source:
        if any(cells):  # an empty row, the commonest kind in a sheet's tail: passed over
            yield number, cells, header


def rows(fmt: ImportFormat, data: bytes, scans: Scans | None = None) -> Iterator[Row]:
    """The file's data rows, in order, empty ones passed over."""
    sniff(fmt, data[:8192])
    if fmt is ImportFormat.ndjson:
        yield from _ndjson_rows(data)
        return
    make = None
    for number, cells, header in _data_rows(fmt, data, scans):
        if make is None:
            make = columns.body_maker(header.paths)
        body = make(cells)
        if body is not None:
            yield Row(number, body)


def _counted(fmt: ImportFormat, data: bytes, scans: Scans | None) -> Iterator[int]:
    """The numbers of the rows ``rows`` gives, without making their bodies."""
    sniff(fmt, data[:8192])
    if fmt is ImportFormat.ndjson:
        for number, line in enumerate(data.splitlines(), 1):
            if line.strip():
                yield number
        return
    used: list[int] | None = None
    for number, cells, header in _data_rows(fmt, data, scans):
        if used is None:
            used = [i for i, p in enumerate(header.paths) if p and p not in columns.IGNORED]
        width = len(cells)
        for i in used:
            if i < width:
                cell = cells[i]
                if cell is not None and cell != "" and _name(cell):
                    yield number
                    break


def count(fmt: ImportFormat, data: bytes, scans: Scans | None = None) -> int:
    """The data rows of a file (a first pass; refuses one past ``MAX_ROWS``)."""
    total = 0
    for _number in _counted(fmt, data, scans):
        total += 1
        if total > MAX_ROWS:
            raise FileProblem(
                f"Lebih dari {MAX_ROWS:,} baris data: bagi menjadi beberapa berkas.",
                f"More than {MAX_ROWS:,} data rows: split the file.",
            )
    return total
