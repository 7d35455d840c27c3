"""A k-anonymous row release, in the manner of the Counter Trafficking Data Collaborative's
global dataset: quasi-identifiers generalised, step by step, until every combination of
them is shared by at least ``k`` records; what never gets there is withheld.

The quasi-identifiers (``QUASI_IDENTIFIERS``): year of identification, region, age group,
sex, nationality, exploitation types, destination and services. A record starts at its
finest combination; the steps of ``LADDER`` generalise one more of them each (services
dropped; nationality and destination to domestic/foreign; region up to its province;
exploitation types dropped; destination and nationality dropped; region dropped; sex and
age group dropped). At each step, the records not yet released are grouped by their
generalised combination, and every group of at least ``k`` is released at that step.
Each released combination therefore holds ``k`` or more records, and a record is
released at the first step where its group reaches ``k``. The year is never generalised,
so a release filtered by year (or by a region it shows) keeps its groups whole.

Works on the distinct finest combinations with their counts (a GROUP BY in SQL), never on
records one by one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import NamedTuple

SUPPRESSED = "*"
DOMESTIC, FOREIGN, ABROAD = "ID", "foreign", "abroad"


class Combination(NamedTuple):
    """A record's quasi-identifiers, as released (``*`` where suppressed)."""

    year: int
    region: str  # a region code, its province's code, or *
    age_group: str
    sex: str
    nationality: str  # ISO code, then ID / foreign, then *
    exploitation_types: str  # ";"-joined, sorted
    destination: str  # ISO country (ID: inside Indonesia), then ID / abroad, then *; "": none
    services: str  # ";"-joined, sorted


QUASI_IDENTIFIERS = Combination._fields


def _services(c: Combination) -> Combination:
    return c._replace(services=SUPPRESSED)


def _borders(c: Combination) -> Combination:
    nationality = DOMESTIC if c.nationality == DOMESTIC else FOREIGN
    destination = c.destination if c.destination in ("", DOMESTIC) else ABROAD
    return c._replace(nationality=nationality, destination=destination)


def _province(c: Combination) -> Combination:
    return c._replace(region=c.region.split(".")[0])


def _types(c: Combination) -> Combination:
    return c._replace(exploitation_types=SUPPRESSED)


def _travel(c: Combination) -> Combination:
    return c._replace(destination=SUPPRESSED, nationality=SUPPRESSED)


def _region(c: Combination) -> Combination:
    return c._replace(region=SUPPRESSED)


def _person(c: Combination) -> Combination:
    return c._replace(sex=SUPPRESSED, age_group=SUPPRESSED)


# Each step applies to the result of the ones before it.
LADDER: tuple[Callable[[Combination], Combination], ...] = (
    _services,
    _borders,
    _province,
    _types,
    _travel,
    _region,
    _person,
)


def assign(counts: Mapping[Combination, int], k: int) -> dict[Combination, Combination]:
    """Each finest combination (with its number of records) to the combination it is
    released as; one missing from the result is withheld."""
    released: dict[Combination, Combination] = {}
    pending = {finest: finest for finest in counts}  # finest -> generalised so far
    for step in (None, *LADDER):
        if step is not None:
            pending = {finest: step(current) for finest, current in pending.items()}
        groups: dict[Combination, list[Combination]] = defaultdict(list)
        for finest, current in pending.items():
            groups[current].append(finest)
        for current, members in groups.items():
            if sum(counts[finest] for finest in members) >= k:
                for finest in members:
                    released[finest] = current
                    del pending[finest]
        if not pending:
            break
    return released
