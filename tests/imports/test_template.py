"""The import template: a column per field, drop-downs for closed lists, an example row."""

from __future__ import annotations

import io
import re
import zipfile

from python_calamine import CalamineWorkbook

from gtpptppo_api.imports import columns
from tests.imports.helpers import XLSX_TYPE, imported, xlsx_file


async def template(client, headers) -> bytes:
    response = await client.get("/imports/template.xlsx", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX_TYPE
    return response.content


async def test_the_template_has_a_column_per_field_and_a_drop_down_per_closed_list(
    client, centre_auth
):
    """Labels above API names, one column per field of the push body; every column with
    choices (sex, exploitation, services, stages, status, countries, regions) has a list
    validation; an explanation sheet names every column."""
    content = await template(client, centre_auth)
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    assert book.sheet_names[:3] == ["Kasus", "Contoh", "Petunjuk"]
    rows = book.get_sheet_by_name("Kasus").to_python()
    paths = [c.path for c in columns.columns()]
    assert rows[1] == paths
    assert rows[0] == [c.label for c in columns.columns()]
    assert rows[0][paths.index("victim.sex")] == "Jenis kelamin korban"
    guide = book.get_sheet_by_name("Petunjuk").to_python()
    assert {row[1] for row in guide[1 : len(paths) + 1]} == set(paths)

    sheet = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    lists = re.findall(r'<dataValidation type="list"[^>]*sqref="([A-Z]+)3:', sheet)
    closed = [
        i
        for i, c in enumerate(columns.columns())
        if c.choices
        or c.path.rsplit(".", 1)[-1] in ("country", "nationality", "region_code")
        or c.path in ("registered_region_code", "origin_region_code")
    ]
    assert len(lists) == len(closed)
    assert "victim.sex" in [paths[i] for i in closed]


async def test_the_example_row_imports_as_it_is(client, session, centre, centre_auth):
    """The template's header with its example row, filled in and sent back: no mapping."""
    book = CalamineWorkbook.from_filelike(io.BytesIO(await template(client, centre_auth)))
    rows = book.get_sheet_by_name("Contoh").to_python()
    result = await imported(
        client, session, centre_auth, centre["id"], xlsx_file(rows[:3]), XLSX_TYPE
    )
    assert (result["state"], result["created"], result["refused"]) == ("done", 1, 0), result
