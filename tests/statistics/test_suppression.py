"""Small-cell suppression for analysts (DESIGN "Security"): no published cell under the
threshold, and no suppressed value recoverable from the published totals."""

from __future__ import annotations

import itertools

import sympy

from gtpptppo_api.statistics.suppression import suppress
from tests.cases.helpers import case_body, create_centre

THRESHOLD = 5


def determined(unknowns, equations):
    """The unknowns whose value the linear equations fix (sympy, exact arithmetic)."""
    if not equations:
        return set()
    matrix = sympy.Matrix([[1 if u in eq else 0 for u in unknowns] for eq in equations])
    rank = matrix.rank()
    fixed = set()
    for i, unknown in enumerate(unknowns):
        unit = sympy.Matrix([[1 if j == i else 0 for j in range(len(unknowns))]])
        if matrix.col_join(unit).rank() == rank:
            fixed.add(unknown)
    return fixed


async def push(client, auth, national, counts):
    """counts: {(year, sex, region): n} -> that many cases."""
    centres = {}
    n = 0
    for (year, sex, region), count in counts.items():
        if region not in centres:
            centres[region] = await create_centre(client, national, region)
        centre = centres[region]
        items = []
        for _ in range(count):
            n += 1
            items.append(
                case_body(
                    f"S-{n}",
                    region=region,
                    identified_on=f"{year}-02-01",
                    victim={"sex": sex, "age_at_identification": 30},
                    services=[],
                )
            )
        headers = await auth("service_centre", centre=centre["id"])
        response = await client.post(
            f"/service-centres/{centre['id']}/cases:batch", json=items, headers=headers
        )
        assert response.json()["created"] == count


async def get(client, headers, group_by):
    response = await client.get(
        "/statistics/victims", params={"group_by": group_by}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_analysts_get_no_small_cell_and_cannot_solve_for_one(client, auth, national):
    counts = {
        (2020, "female", "33.02"): 12,
        (2020, "male", "33.02"): 2,
        (2021, "female", "33.02"): 9,
        (2021, "male", "33.74"): 7,
        (2022, "female", "33.74"): 3,
        (2022, "male", "33.74"): 10,
        (2023, "female", "33.74"): 6,
        (2023, "male", "33.02"): 8,
    }
    await push(client, auth, national, counts)
    analyst = await auth("analyst")

    table = await get(client, analyst, "year,sex")
    published = [c for c in table["cells"] if c["count"] is not None]
    hidden = [(c["year"], c["sex"]) for c in table["cells"] if c["count"] is None]
    assert all(c["count"] >= THRESHOLD for c in published)
    assert {(2020, "male"), (2022, "female")} <= set(hidden)
    assert table["suppressed_cells"] == len(hidden) >= 4  # complementary cells hidden too

    # Everything an analyst can learn: this table and every coarser one.
    equations = []
    known = {(c["year"], c["sex"]): c["count"] for c in published}
    for margin, key in (("year", "year"), ("sex", "sex")):
        for cell in (await get(client, analyst, margin))["cells"]:
            if cell["count"] is None:
                continue
            members = [(y, s) for (y, s) in hidden if (y if key == "year" else s) == cell[key]]
            if members:
                equations.append(set(members))
    total = (await get(client, analyst, ""))["cells"]
    if total and total[0]["count"] is not None:
        equations.append(set(hidden))
    assert determined(hidden, equations) == set()
    assert known  # something is still published

    # Other roles see exact counts.
    exact = await get(client, national, "year,sex")
    assert exact["suppressed_cells"] == 0
    assert {(c["year"], c["sex"]): c["count"] for c in exact["cells"]} == {
        (2020, "female"): 12,
        (2020, "male"): 2,
        (2021, "female"): 9,
        (2021, "male"): 7,
        (2022, "female"): 3,
        (2022, "male"): 10,
        (2023, "female"): 6,
        (2023, "male"): 8,
    }


def test_a_bridge_between_two_hidden_blocks_is_hidden_too():
    """Every line with two hidden cells is not enough: a hidden cell linking two hidden
    blocks would be fixed by the totals; the exact check hides more."""
    # Small cells: two 2x2 blocks (a,b x x,y) and (c,d x z,w) joined by (b,z). Every row
    # and column holds two or more of them, yet the totals fix (b,z).
    small = {
        ("a", "x"),
        ("a", "y"),
        ("b", "x"),
        ("b", "y"),
        ("b", "z"),
        ("c", "z"),
        ("c", "w"),
        ("d", "z"),
        ("d", "w"),
    }
    counts = {(r, c): (2 if (r, c) in small else 30) for r, c in itertools.product("abcd", "xyzw")}
    cells = [{"row": r, "col": c, "count": n} for (r, c), n in counts.items()]
    suppress(cells, ["row", "col"], THRESHOLD)
    hidden = [(c["row"], c["col"]) for c in cells if c["count"] is None]
    equations = [
        {h for h in hidden if h[axis] == value}
        for axis, values in ((0, "abcd"), (1, "xyzw"))
        for value in values
    ]
    equations = [e for e in equations if e] + [set(hidden)]
    assert determined(hidden, equations) == set()
    for r, c in itertools.product("abcd", "xyzw"):
        if counts[(r, c)] < THRESHOLD:
            assert (r, c) in hidden
