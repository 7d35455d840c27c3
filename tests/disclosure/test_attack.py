"""An attack on the published figures (docs/disclosure-control.md): what an analyst and the
public can collect, read directly and subtract, must give away no count of victims in
1..threshold-1, and the same cell must have the same value wherever it is published.

The world: the regencies of Central Java (33) and one of East Java (35), two years, small
cells on purpose (a regency with 2 victims, one with 1, the only victim of organ removal
taken to Japan, two of forced marriage to China). Published: the annual reports of four
regencies, of the province and of the nation. Collected: the analysts' statistics over
every year range, every region level and the groupings up to two groups (and two of three),
the analysts' exports, and the public report pages.

The attacker knows the ptable (it is published), so each published value stands for the
set of true counts that could give it (a null: any count that falls under the threshold).
Every true relation between cells (a cell is the sum of its parts by region, by year, by
age group and by sex) is used to narrow those intervals, to a fixed point: this is
differencing of nested year ranges, a parent minus its children, a total minus its cells
and a province's report minus its regencies', all at once. The test fails if any cell
whose true count is 1..threshold-1 is narrowed to a single value.

Run against the per-response suppression this replaced, the same collection recovered
exact small counts at once (see docs/disclosure-control.md, "Why not cell suppression").
"""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest

from gtpptppo_api.cases.models import ExploitationType, ServiceType
from gtpptppo_api.disclosure.ptable import load
from tests.publishing.support import publish
from tests.reports.support import open_report, run_generation_jobs, through_to_forwarded, unit

THRESHOLD = 10
YEARS = (2023, 2024)
REGENCIES = ("33.01", "33.02", "33.03", "33.04")
GROUPS = ("year", "age_group", "sex", "region", "exploitation_type", "service")
BIG = 10**6

# A cell: the victims registered in a region's subtree, in some years, with optionally a
# fixed age group, sex, exploitation type and service.
Cell = tuple[str, tuple[int, ...], str | None, str | None, str | None, str | None]


@dataclass(frozen=True)
class Victim:
    region: str
    year: int
    age_group: str
    sex: str
    types: tuple[str, ...]
    services: tuple[str, ...]
    destination: str


def world() -> list[Victim]:
    rng = random.Random(33)  # noqa: S311 (a test world, not a secret)
    victims: list[Victim] = []
    sizes = {"33.01": 46, "33.02": 14, "33.03": 2, "33.04": 1, "35.01": 30}
    for region, size in sizes.items():
        for _ in range(size):
            victims.append(
                Victim(
                    region=region,
                    year=rng.choice(YEARS),
                    age_group=rng.choice(("adult", "adult", "child")),
                    sex=rng.choice(("female", "female", "male")),
                    types=("forced_labour",) if rng.random() < 0.7 else ("sexual_exploitation",),
                    services=("complaint",) if rng.random() < 0.8 else ("complaint", "legal_aid"),
                    destination="MY",
                )
            )
    victims.append(Victim("33.02", 2024, "adult", "male", ("organ_removal",), (), "JP"))
    for _ in range(2):
        victims.append(
            Victim("33.01", 2023, "child", "female", ("forced_marriage",), ("complaint",), "CN")
        )
    return victims


def body(ref: str, victim: Victim) -> dict[str, Any]:
    day = f"{victim.year}-06-15"
    return {
        "external_ref": ref,
        "registered_region_code": victim.region,
        "origin_region_code": victim.region,
        "destination": {"country": victim.destination},
        "identified_on": day,
        "victim": {
            "sex": victim.sex,
            "age_at_identification": 30 if victim.age_group == "adult" else 15,
            "nationality": "ID",
        },
        "exploitation_types": list(victim.types),
        "services": [{"type": s, "started_on": day} for s in victim.services],
        "legal_stage": "police_report",
        "status": "open",
    }


def true_count(victims: list[Victim], cell: Cell) -> int:
    region, years, age_group, sex, type_, service = cell
    return sum(
        1
        for v in victims
        if (
            region == "ID"
            or v.region == region.rstrip("!")
            or (not region.endswith("!") and v.region.startswith(region + "."))
        )
        and v.year in years
        and age_group in (None, v.age_group)
        and sex in (None, v.sex)
        and type_ in (None, *v.types)
        and service in (None, *v.services)
    )


class Observed:
    """Every published value, by cell; a cell published twice must say the same."""

    def __init__(self) -> None:
        self.values: dict[Cell, set[int | None]] = defaultdict(set)
        self.sources: dict[Cell, list[tuple[int | None, str]]] = defaultdict(list)

    def add(self, cell: Cell, value: int | None, source: str = "") -> None:
        self.values[cell].add(value)
        self.sources[cell].append((value, source))


def children(region: str) -> list[str]:
    """The parts of a region's cases: its regions below (and, for a province, the cases
    registered at the province itself)."""
    if region == "ID":
        return ["33", "35"]
    if region == "33":
        return [*REGENCIES, exact("33")]
    if region == "35":
        return ["35.01", exact("35")]
    return []


def relations(cells: set[Cell]) -> list[tuple[Cell, list[Cell]]]:
    """Every true relation "a cell is the sum of its parts" among the cells seen, by one
    dimension at a time (parts not seen are unknowns)."""
    found = []
    for cell in cells:
        region, years, age_group, sex, type_, service = cell
        if children(region):
            found.append((cell, [(r, *cell[1:]) for r in children(region)]))
        if len(years) > 1:
            found.append((cell, [(region, (y,), *cell[2:]) for y in years]))
        if age_group is None:
            found.append(
                (cell, [(region, years, a, sex, type_, service) for a in ("adult", "child")])
            )
        if sex is None:
            found.append(
                (cell, [(region, years, age_group, s, type_, service) for s in ("female", "male")])
            )
    return found


def intervals_of_values(threshold: int) -> dict[int | None, tuple[int, int]]:
    """For each value the ptable can publish: the true counts that could give it."""
    ptable = load()
    possible: dict[int | None, list[int]] = defaultdict(list)
    for count in range(0, 1000):
        for key in range(ptable.key_range):
            value = ptable.perturbed(count, key)
            shown = value if value >= threshold else None
            if not possible[shown] or possible[shown][-1] != count:
                possible[shown].append(count)
    return {value: (min(counts), max(counts)) for value, counts in possible.items()}


def narrow(observed: Observed, threshold: int) -> dict[Cell, tuple[int, int]]:
    inverse = intervals_of_values(threshold)
    bounds: dict[Cell, tuple[int, int]] = {}
    for cell, values in observed.values.items():
        (value,) = values
        bounds[cell] = inverse[value]
    rules = relations(set(bounds))
    for parent, parts in rules:
        for part in (parent, *parts):
            bounds.setdefault(part, (0, BIG))
    for _ in range(200):
        changed = False
        for parent, parts in rules:
            lo = sum(bounds[p][0] for p in parts)
            hi = sum(bounds[p][1] for p in parts)
            new = (max(bounds[parent][0], lo), min(bounds[parent][1], hi))
            if new != bounds[parent]:
                bounds[parent], changed = new, True
            p_lo, p_hi = bounds[parent]
            for part in parts:
                others_lo = lo - bounds[part][0]
                others_hi = hi - bounds[part][1]
                new = (
                    max(bounds[part][0], p_lo - others_hi),
                    min(bounds[part][1], p_hi - others_lo),
                )
                if new != bounds[part]:
                    bounds[part], changed = new, True
                    lo = sum(bounds[p][0] for p in parts)
                    hi = sum(bounds[p][1] for p in parts)
        if not changed:
            break
    return bounds


# --- collecting ---------------------------------------------------------------------------


def exact(region: str) -> str:
    """The cell of the cases registered at a region itself, not below it (``33!``)."""
    return region + "!"


def stats_cell(root: str, years: tuple[int, ...], groups: list[str], cell: dict) -> Cell:
    region = cell.get("region", root)
    if "region" in groups and region == root and children(root):
        region = exact(root)
    return (
        region,
        (cell["year"],) if "year" in groups else years,
        cell.get("age_group"),
        cell.get("sex"),
        cell.get("exploitation_type"),
        cell.get("service"),
    )


async def collect_statistics(client, analyst, observed: Observed) -> int:
    groupings = [list(g) for size in (0, 1, 2) for g in itertools.combinations(GROUPS, size)] + [
        ["year", "age_group", "sex"],
        ["region", "year", "exploitation_type"],
    ]
    ranges = {(2023,): (2023, 2023), (2024,): (2024, 2024), YEARS: (None, None)}
    requests = 0
    for root in ("ID", "33", "35", *REGENCIES):
        for years, (first, last) in ranges.items():
            for groups in groupings:
                params: dict[str, Any] = {"region_code": root, "group_by": ",".join(groups)}
                if first is not None:
                    params |= {"from_year": first, "to_year": last}
                response = await client.get("/statistics/victims", params=params, headers=analyst)
                assert response.status_code == 200, response.text
                result = response.json()
                assert result["merged_records"] is None
                requests += 1
                source = f"statistics {params}"
                observed.add((root, years, None, None, None, None), result["total"], source)
                for cell in result["cells"]:
                    observed.add(stats_cell(root, years, groups, cell), cell["count"], source)
    return requests


class Tables(HTMLParser):
    """The public report's tables: per table id, its rows (header texts, counts)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tables: dict[str, list[tuple[list[str], list[str]]]] = defaultdict(list)
        self.total = ""
        self._table = ""
        self._row: tuple[list[str], list[str]] | None = None
        self._in: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._table = attrs.get("id") or ""
        elif tag == "tr":
            self._row = ([], [])
        elif tag == "th" and self._row is not None:
            self._row[0].append("")
            self._in = "th"
        elif tag == "td" and self._row is not None and "data-count" in attrs:
            self._row[1].append("")
            self._in = "td"
        elif tag == "span" and attrs.get("id") == "jumlah":
            self._in = "total"

    def handle_endtag(self, tag):
        if tag == "tr" and self._row is not None:
            if self._row[1]:
                self.tables[self._table].append(self._row)
            self._row = None
        if tag in ("th", "td", "span"):
            self._in = None

    def handle_data(self, data):
        if self._in == "th" and self._row is not None:
            self._row[0][-1] += data.strip()
        elif self._in == "td" and self._row is not None:
            self._row[1][-1] += data.strip()
        elif self._in == "total":
            self.total += data.strip()


def shown(text: str) -> int | None:
    return None if text == "×" else int(text.replace(".", ""))


AGE = {"Dewasa": "adult", "Anak": "child"}
SEX = {"Perempuan": "female", "Laki-laki": "male"}


def labels(enum_: Any, table: str) -> dict[str, str]:
    from gtpptppo_api.publishing.render import public_label

    return {public_label(m.value, table): m.value for m in enum_}


async def collect_public(
    public, report_id: int, region: str, names: dict[str, str], observed: Observed
) -> None:
    """One public report page (``names``: region name -> code, as the public knows them)."""
    page = await public.get(f"/public/reports/{report_id}")
    assert page.status_code == 200, page.text
    tables = Tables(page.text)
    year = (2024,)
    observed.add((region, year, None, None, None, None), shown(tables.total))
    for headers, counts in tables.tables["tabel-korban"]:
        observed.add((region, year, AGE[headers[0]], SEX[headers[1]], None, None), shown(counts[0]))
    for headers, counts in tables.tables["tabel-wilayah"]:
        code = names[headers[0]]
        code = exact(code) if code == region and children(region) else code
        observed.add((code, year, None, None, None, None), shown(counts[0]))
    services = labels(ServiceType, "service")
    for headers, counts in tables.tables["tabel-layanan"]:
        observed.add((region, year, None, None, None, services[headers[0]]), shown(counts[0]))
    types = labels(ExploitationType, "exploitation_type")
    for headers, counts in tables.tables["tabel-eksploitasi"]:
        observed.add((region, year, None, None, types[headers[0]], None), shown(counts[0]))


# --- the test ----------------------------------------------------------------------------


@pytest.fixture
async def public(app):
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def build(client, session, national, auth) -> list[Victim]:
    victims = world()
    units = {}
    for region in ("ID", "33", *REGENCIES):
        units[region] = await unit(client, national, auth, region)
    centres: dict[str, list[dict]] = defaultdict(list)
    for n, victim in enumerate(victims):
        centres[victim.region].append(body(f"ATK-{n}", victim))
    for region, items in centres.items():
        response = await client.post(
            "/service-centres",
            json={"name": f"P2TP2A {region}", "kind": "p2tp2a", "region_code": region},
            headers=national,
        )
        centre = response.json()
        headers = await auth("service_centre", centre=centre["id"])
        pushed = await client.post(
            f"/service-centres/{centre['id']}/cases:batch", json=items, headers=headers
        )
        assert pushed.json()["created"] == len(items)
    reports = {}
    for region in (*REGENCIES, "33", "ID"):
        report = await open_report(client, units[region].admin, units[region])
        await run_generation_jobs(session)
        await through_to_forwarded(client, units[region], report["id"])
        published = await publish(client, units[region], report["id"])
        assert published.status_code == 201, published.text
        reports[region] = report["id"]
    return victims, reports


async def test_no_small_count_is_recovered_by_reading_or_differencing(
    client, session, national, auth, public
):
    victims, reports = await build(client, session, national, auth)
    observed = Observed()
    analyst = await auth("analyst")
    requests = await collect_statistics(client, analyst, observed)
    # the public pages of the regencies, the province and the nation
    names = {}
    for parent in ("ID", "33", "35"):
        listed = await client.get(
            "/regions", params={"parent_code": parent, "limit": 100}, headers=national
        )
        names |= {region["name"]: region["code"] for region in listed.json()["items"]}
    for region, report_id in reports.items():
        await collect_public(public, report_id, region, names, observed)

    # the same cell has the same value wherever it was published
    inconsistent = {
        cell: observed.sources[cell] for cell, values in observed.values.items() if len(values) > 1
    }
    assert inconsistent == {}

    # direct reading: nothing published under the threshold
    values = [v for vs in observed.values.values() for v in vs]
    assert all(v is None or v >= THRESHOLD for v in values)
    assert any(v is not None for v in values)  # not vacuous

    # differencing, to a fixed point
    bounds = narrow(observed, THRESHOLD)
    small = {c: true_count(victims, c) for c in bounds if 0 < true_count(victims, c) < THRESHOLD}
    assert len(small) > 20  # the world holds small cells, and they were attacked
    for cell, (lo, hi) in bounds.items():
        truth = true_count(victims, cell)
        assert lo <= truth <= hi, (cell, truth, lo, hi)  # the attack itself is sound
    recovered = {c: bounds[c] for c in small if bounds[c][0] == bounds[c][1]}
    assert recovered == {}
    assert requests > 300
