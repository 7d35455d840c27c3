"""The analysts' perturbed tables equal the ONS reference implementation of cell key
perturbation (the ``cell-key-perturbation`` package) on the same records and record keys:
with the service's default ptable (ptable_10_5_blur, where the keys decide), with the ONS
ptable_10_5_rule, and with a noisy ptable of the test's own."""

from __future__ import annotations

import gzip
import random
from pathlib import Path

import httpx
import pandas as pd
import pytest
from cell_key_perturbation.create_perturbed_table import create_perturbed_table
from sqlalchemy import select

from gtpptppo_api.cases.models import Case
from gtpptppo_api.disclosure.ptable import DEFAULT_PTABLE, SHIPPED, blur_pvalue
from tests.cases.helpers import case_body, create_centre
from tests.conftest import build_app

REGIONS = ("33.01", "33.02", "33.03")


async def push_world(client, auth, national) -> None:
    """A few hundred victims over three regencies, four years, both sexes and age groups,
    in cells from 1 to 60 cases."""
    rng = random.Random(20)  # noqa: S311 (a test world, not a secret)
    for region in REGIONS:
        centre = await create_centre(client, national, region)
        headers = await auth("service_centre", centre=centre["id"])
        items = []
        for n in range(rng.randint(90, 140)):
            year = rng.choice((2021, 2022, 2023, 2024))
            items.append(
                case_body(
                    f"ONS-{region}-{n}",
                    region=region,
                    identified_on=f"{year}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                    victim={
                        "sex": rng.choice(("female", "female", "male")),
                        "age_at_identification": rng.choice((12, 16, 25, 40)),
                        "nationality": "ID",
                    },
                    services=[],
                )
            )
        response = await client.post(
            f"/service-centres/{centre['id']}/cases:batch", json=items, headers=headers
        )
        assert response.json()["created"] == len(items)


async def microdata(session) -> pd.DataFrame:
    rows = (
        await session.execute(
            select(
                Case.registered_region_code,
                Case.identified_year,
                Case.age_group,
                Case.sex,
                Case.record_key,
            )
        )
    ).all()
    return pd.DataFrame(
        [(r[0], r[1], r[2].value, r[3].value, r[4]) for r in rows],
        columns=["region", "year", "age_group", "sex", "record_key"],
    )


def ons_table(data: pd.DataFrame, ptable: pd.DataFrame, groups: list[str], threshold: int):
    key_range = int(ptable["ckey"].max()) + 1
    data = data.assign(rkey=data["record_key"] % key_range)
    table = create_perturbed_table(
        data=data,
        ptable=ptable,
        geog=[],
        tab_vars=groups,
        record_key="rkey",
        threshold=threshold,
    )
    return {
        tuple(row[g] for g in groups): (None if pd.isna(row["count"]) else int(row["count"]))
        for _, row in table.iterrows()
    }


async def ours(client, analyst, groups: list[str]) -> dict[tuple, int | None]:
    response = await client.get(
        "/statistics/victims",
        params={"group_by": ",".join(groups), "region_code": "33"},
        headers=analyst,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["disclosure_control"]["method"] == "cell_key"
    return {tuple(cell[g] for g in groups): cell["count"] for cell in body["cells"]}


def compare(expected: dict, got: dict) -> None:
    # the ONS table lists the combinations present; ours lists every one (absent: null)
    for cell, value in expected.items():
        assert got[cell] == value, cell
    assert all(value is None for cell, value in got.items() if cell not in expected)


GROUPINGS = (["region", "year", "sex"], ["year", "age_group", "sex"], ["region"], ["year"])


async def test_default_ptable_tables_equal_the_ons_package(client, session, auth, national):
    await push_world(client, auth, national)
    data = await microdata(session)
    ptable = pd.read_csv(DEFAULT_PTABLE)
    analyst = await auth("analyst")
    shown = 0
    for groups in GROUPINGS:
        expected = ons_table(data, ptable, groups, threshold=10)
        got = await ours(client, analyst, groups)
        compare(expected, got)
        shown += sum(v is not None for v in got.values())
    assert shown > 0


async def test_the_ons_ptable_gives_the_ons_packages_values(database_url, session, auth, national):
    """GTPPTPPO_DISCLOSURE_PTABLE=ptable_10_5_rule: the ONS package's own table."""
    app = build_app(database_url, session, disclosure_ptable="ptable_10_5_rule")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test/api/v1") as client:
        await push_world(client, auth, national)
        data = await microdata(session)
        ptable = pd.read_csv(SHIPPED["ptable_10_5_rule"])
        analyst = await auth("analyst")
        for groups in GROUPINGS:
            compare(
                ons_table(data, ptable, groups, threshold=10), await ours(client, analyst, groups)
            )


@pytest.fixture
def noisy_ptable(tmp_path: Path) -> Path:
    """A ptable whose perturbation depends on the cell key: -2..+2 by key, never below 0."""
    rng = random.Random(7)  # noqa: S311 (test noise, not a secret)
    lines = ['"pcv","ckey","pvalue"']
    for pcv in range(1, 751):
        for ckey in range(256):
            lines.append(f"{pcv},{ckey},{max(-pcv, rng.randint(-2, 2))}")
    path = tmp_path / "noisy.csv.gz"
    path.write_bytes(gzip.compress("\n".join(lines).encode()))
    return path


async def test_a_noisy_ptable_gives_the_ons_packages_values(
    database_url, session, auth, national, noisy_ptable
):
    """With a ptable where the key decides, the values still match: same keys, same sums."""
    app = build_app(
        database_url, session, disclosure_ptable=str(noisy_ptable), disclosure_threshold=3
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test/api/v1") as client:
        await push_world(client, auth, national)
        data = await microdata(session)
        ptable = pd.read_csv(noisy_ptable)
        analyst = await auth("analyst")
        perturbed = 0
        for groups in GROUPINGS:
            expected = ons_table(data, ptable, groups, threshold=3)
            got = await ours(client, analyst, groups)
            compare(expected, got)
            exact = await client.get(
                "/statistics/victims",
                params={"group_by": ",".join(groups), "region_code": "33"},
                headers=national,
            )
            true = {tuple(c[g] for g in groups): c["count"] for c in exact.json()["cells"]}
            perturbed += sum(1 for cell, n in true.items() if got[cell] not in (n, None))
        assert perturbed > 0  # the noise is there, and it is the package's


def test_the_shipped_default_ptable_is_its_documented_rule():
    """ptable_10_5_blur holds exactly ``blur_pvalue`` for every (pcv, ckey): counts under 10
    to 0, the rest rounded to base 5 by the cell key, by -6..+2."""
    table = pd.read_csv(SHIPPED["ptable_10_5_blur"])
    assert len(table) == 750 * 256
    for pcv, ckey, pvalue in table.itertuples(index=False):
        assert pvalue == blur_pvalue(pcv, ckey)
        assert (pcv + pvalue) % 5 == 0
        assert pcv + pvalue == 0 if pcv < 10 else -6 <= pvalue <= 2
