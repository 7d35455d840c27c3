"""Files that are not what they say, or that try the reader: a clear problem or per-row
errors, never a 500, and never an import that stored part of a file without saying so."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from gtpptppo_api.imports import columns
from tests.cases.helpers import case_body
from tests.helpers import error_fields, problem
from tests.imports.helpers import (
    XLSX_TYPE,
    csv_file,
    flat,
    imported,
    sheet_rows,
    upload,
    xlsx_file,
)

REQUIRED = columns.required_paths()


def accounted(result):
    """Every data row is stored or refused, and counted once."""
    assert result["rows_done"] == result["rows_total"]
    assert result["stored"] + result["refused"] == result["rows_total"]


async def test_a_file_that_is_not_what_its_type_says_is_refused_at_once(
    client, centre, centre_auth
):
    """CSV sent as XLSX, a workbook sent as CSV: 422 naming the body; no import is made."""
    as_xlsx = await upload(client, centre_auth, centre["id"], csv_file([]), XLSX_TYPE)
    assert "body" in error_fields(problem(as_xlsx, 422))
    workbook = xlsx_file(sheet_rows([case_body("X-1")]))
    as_csv = await upload(client, centre_auth, centre["id"], workbook, "text/csv")
    assert "XLSX" in problem(as_csv, 422)["detail"]
    problem(await upload(client, centre_auth, centre["id"], b"", "text/csv"), 422)
    problem(await upload(client, centre_auth, centre["id"], b"x", "application/pdf"), 400)


async def test_a_zip_that_is_no_workbook_fails_with_its_problem(
    client, session, centre, centre_auth
):
    """An archive without a workbook in it: the import fails saying so; nothing stored."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    result = await imported(
        client, session, centre_auth, centre["id"], buffer.getvalue(), XLSX_TYPE
    )
    assert result["state"] == "failed"
    assert "xl/workbook.xml" in result["problem"]
    assert result["stored"] == 0


def _bomb(name: str, part: bytes) -> bytes:
    """A real workbook with one part swapped for ``part``."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_file(sheet_rows([case_body("B-1")]))))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, part if info.filename == name else source.read(info))
        if name not in source.namelist():
            archive.writestr(name, part)
    return buffer.getvalue()


async def test_an_xlsx_bomb_is_refused_before_it_is_unpacked(client, session, centre, centre_auth):
    """Shared strings that unpack a thousandfold, and a sheet nested 100,000 elements deep:
    each fails with a problem; nothing is stored."""
    strings = b'<sst xmlns="x"><si><t>' + b"A" * (40 * 1024 * 1024) + b"</t></si></sst>"
    deep = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + b"<sheetData>"
        + b"<x>" * 100_000
        + b"</x>" * 100_000
        + b"</sheetData></worksheet>"
    )
    for name, part in (("xl/sharedStrings.xml", strings), ("xl/worksheets/sheet1.xml", deep)):
        bomb = _bomb(name, part)
        result = await imported(client, session, centre_auth, centre["id"], bomb, XLSX_TYPE)
        assert result["state"] == "failed", name
        assert result["problem"]
        assert result["stored"] == 0


async def test_missing_or_renamed_columns_fail_naming_them(client, session, centre, centre_auth):
    """A required column missing, or renamed: the problem names it; nothing is stored."""
    paths = [p for p in REQUIRED if p != "victim.sex"]
    missing = await imported(
        client, session, centre_auth, centre["id"], csv_file([case_body("M-1")], paths)
    )
    assert missing["state"] == "failed"
    assert "victim.sex" in missing["problem"]
    renamed = csv_file([case_body("M-1")], REQUIRED).replace(b"victim.sex", b"victim.gender")
    result = await imported(client, session, centre_auth, centre["id"], renamed)
    assert result["state"] == "failed"
    assert "victim.gender" in result["problem"]
    assert (missing["stored"], result["stored"]) == (0, 0)


async def test_a_million_empty_rows_are_passed_over(client, session, centre, centre_auth):
    """A CSV with two rows and a million empty ones counts two; a sheet whose cells reach
    row 1,000,000 is refused before the reader would hold its whole range."""
    content = csv_file([case_body("E-1"), case_body("E-2")], REQUIRED)
    content += ("," * (len(REQUIRED) - 1) + "\n").encode() * 1_000_000
    result = await imported(client, session, centre_auth, centre["id"], content)
    assert (result["state"], result["rows_total"], result["created"]) == ("done", 2, 2)
    accounted(result)

    rows = sheet_rows([case_body("E-3")], REQUIRED)
    rows += [[] for _ in range(10)] + [[" "]]  # a stray cell below ...
    far = xlsx_file(rows, formulas={(999_999, 0): ('=""', "")})  # ... and one a million down
    result = await imported(client, session, centre_auth, centre["id"], far, XLSX_TYPE)
    assert result["state"] == "failed"
    assert "1,000,000" in result["problem"]
    assert result["stored"] == 0


async def test_formulas_dates_and_merged_cells_read_as_the_sheet_shows_them(
    client, session, centre, centre_auth
):
    """A formula's computed value, dates as dates, as text (ISO or DD/MM/YYYY) and as Excel
    serial numbers, a merged cell's value in each of its rows: stored as shown."""
    paths = REQUIRED
    rows = sheet_rows([case_body(f"F-{i}") for i in range(5)], paths)
    day = paths.index("identified_on")
    age = paths.index("victim.age_at_identification")
    rows[2][day] = dt.date(2024, 3, 5)
    rows[3][day] = "05/03/2024"
    rows[4][day] = 45356  # 2024-03-05 as Excel counts days
    rows[5][day] = "2024-03-05"
    formulas = {(2, age): ("=20+4", 24), (2, 0): ('="F-"&0', "F-0")}
    workbook = xlsx_file(rows, formulas=formulas)
    result = await imported(client, session, centre_auth, centre["id"], workbook, XLSX_TYPE)
    assert (result["state"], result["created"], result["refused"]) == ("done", 5, 0), result
    listed = (await client.get("/cases", headers=centre_auth)).json()["items"]
    assert {c["identified_on"] for c in listed} == {"2024-03-05"}
    ages = {c["external_ref"]: c["victim"]["age_at_identification"] for c in listed}
    assert ages["F-0"] == 24

    spread = sheet_rows([case_body("G-1"), case_body("G-2")], paths)
    ref = paths.index("external_ref")
    spread[2][day] = spread[3][day] = None
    # one date merged over both rows: each row takes it
    merged_rows = xlsx_file(spread, merged=[(2, day, 3, day, dt.date(2024, 3, 5))])
    result = await imported(client, session, centre_auth, centre["id"], merged_rows, XLSX_TYPE)
    assert (result["created"], result["refused"]) == (2, 0), result
    # a merged reference spans two rows: the second is a repeat, refused, and accounted for
    twice = sheet_rows([case_body("G-3"), case_body("G-4")], paths)
    refs = xlsx_file(twice, merged=[(2, ref, 3, ref, "G-3")])
    result = await imported(client, session, centre_auth, centre["id"], refs, XLSX_TYPE)
    assert (result["created"], result["refused"]) == (1, 1)
    accounted(result)


async def test_bad_cells_are_refused_row_by_row(client, session, centre, centre_auth):
    """A date that is no date, an age that is no number, an unknown choice: the row is
    refused naming the column, in Indonesian and English; the other rows are stored."""
    bad = [
        {**flat(case_body("R-1")), "identified_on": "kemarin"},
        {**flat(case_body("R-2")), "victim.age_at_identification": "dua puluh"},
        {**flat(case_body("R-3")), "exploitation_types.0": "pencurian"},
        flat(case_body("R-4")),
    ]
    rows = [[columns.by_path()[p].label for p in REQUIRED], REQUIRED]
    rows += [[cells.get(p) for p in REQUIRED] for cells in bad]
    result = await imported(client, session, centre_auth, centre["id"], xlsx_file(rows), XLSX_TYPE)
    assert (result["created"], result["refused"]) == (1, 3)
    fields = [e["errors"][0]["field"] for e in result["first_errors"]]
    assert fields == ["identified_on", "victim.age_at_identification", "exploitation_types.0"]
    assert all(e["errors"][0]["pesan"] for e in result["first_errors"])
    accounted(result)
