"""From the template to the statistics, as a centre would: through a real server and the CLI."""

from __future__ import annotations

import asyncio
import io
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import httpx
import pytest
from bench.cluster import Cluster
from python_calamine import CalamineWorkbook

from gtpptppo_api import cli
from gtpptppo_api.auth.models import Role
from gtpptppo_api.auth.service import create_token
from gtpptppo_api.db.engine import create_engine, create_sessionmaker
from gtpptppo_api.db.migrate import upgrade
from tests.cases.helpers import case_body
from tests.imports.helpers import flat, xlsx_file


async def token(url: str, role: Role, centre: int | None = None) -> str:
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            _, clear = await create_token(
                session, name=role.value, role=role, service_centre_id=centre
            )
    finally:
        await engine.dispose()
    return clear


ROWS = 1000
BAD = {i * 50 + 7: kind for i, kind in enumerate(["region", "sex", "future", "age"] * 5)}


def _row(i: int) -> dict[str, object]:
    body = flat(case_body(f"PPT-{i:04d}", personal={"name": f"Korban {i}"}))
    kind = BAD.get(i)
    if kind == "region":
        body["registered_region_code"] = "99.99"
    elif kind == "sex":
        body["victim.sex"] = "perempuan?"
    elif kind == "future":
        body["identified_on"] = "2999-01-01"
    elif kind == "age":
        body["victim.age_at_identification"] = "tiga puluh"
    return body


def _fix(paths: list[str], cells: list[object]) -> list[object]:
    """The refused row corrected as the centre would: its reference's clean row."""
    good = flat(case_body(str(cells[paths.index("external_ref")])))
    return [good.get(p, cells[i]) if p in good else cells[i] for i, p in enumerate(paths)]


@pytest.mark.processes
async def test_template_to_statistics_through_the_command_line(tmp_path: Path):
    """A new centre downloads the template, fills 1,000 rows with 20 errors, runs `gtpptppo
    import` against a server: exit 1, exactly those 20 rows come back with their problems;
    fixed in the error sheet and imported again: exit 0, and the statistics count 1,000
    victims."""
    database = tmp_path / "gtpptppo.db"
    url = f"sqlite:///{database}"
    await asyncio.to_thread(upgrade, url)
    national = await token(url, Role.national_admin)
    with Cluster({"GTPPTPPO_DATABASE_URL": f"sqlite:///{database}"}, tmp_path) as cluster:
        api = await asyncio.to_thread(cluster.start_api)
        async with httpx.AsyncClient(base_url=f"{api.url}/api/v1", timeout=60) as client:
            admin = {"Authorization": f"Bearer {national}"}
            centre = await client.post(
                "/service-centres",
                json={"name": "PPT Banyumas", "kind": "p2tp2a", "region_code": "33.02"},
                headers=admin,
            )
            centre_id = centre.json()["id"]
            own_token = await token(url, Role.service_centre, centre_id)
            own = {"Authorization": f"Bearer {own_token}"}
            template = await client.get("/imports/template.xlsx", headers=own)
            header = (
                CalamineWorkbook.from_filelike(io.BytesIO(template.content))
                .get_sheet_by_name("Kasus")
                .to_python()[:2]
            )
            paths = header[1]
            filled = tmp_path / "register.xlsx"
            data = [[_row(i).get(p) for p in paths] for i in range(ROWS)]
            filled.write_bytes(xlsx_file([*header, *data]))

            def run(path: Path) -> tuple[int, str, str]:
                out, err = io.StringIO(), io.StringIO()
                with redirect_stdout(out), redirect_stderr(err):
                    status = cli.main(
                        [
                            "import", str(path), "--centre", str(centre_id),
                            "--server", api.url, "--token", own_token,
                        ]
                    )  # fmt: skip
                return status, out.getvalue(), err.getvalue()

            status, out, err = await asyncio.to_thread(run, filled)
            assert status == 1, out + err
            assert "20 ditolak" in out
            assert "baris/s" in err
            sheet = tmp_path / "register-kesalahan.xlsx"
            back = CalamineWorkbook.from_filelike(io.BytesIO(sheet.read_bytes()))
            rows = back.get_sheet_by_name("Kasus").to_python()
            refs = [row[rows[1].index("external_ref")] for row in rows[2:]]
            assert refs == [f"PPT-{i:04d}" for i in sorted(BAD)]
            assert all(row[-2] and row[-1] for row in rows[2:])

            fixed = tmp_path / "register-fixed.xlsx"
            kept = rows[1][:-2]
            fixed_rows = [_fix(kept, row[:-2]) + row[-2:] for row in rows[2:]]
            fixed.write_bytes(xlsx_file([*rows[:2], *fixed_rows]))
            status, out, err = await asyncio.to_thread(run, fixed)
            assert status == 0, out + err
            assert "20 tersimpan" in out

            stats = await client.get(
                "/statistics/victims", params={"group_by": "year"}, headers=admin
            )
            assert stats.status_code == 200, stats.text
            assert {c["year"]: c["count"] for c in stats.json()["cells"]} == {2024: ROWS}
