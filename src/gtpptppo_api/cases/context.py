"""The parts of a case record taken from HTCDS 2.0: the victim context, the perpetrators,
the trafficking events, the age at exploitation and the closure (``cases.htcds``).

What the push path needs of them: their semantic checks, the values stored, and what is
derived from them (origin, destination and transit from the events where the case leaves
them out; the age and majority at exploitation from the date of birth).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from gtpptppo_api.cases.htcds import EventType, Majority
from gtpptppo_api.cases.models import AttributeKind, CaseStatus, ExploitationType
from gtpptppo_api.cases.schemas import CaseFields, Destination, Perpetrator, Place
from gtpptppo_api.errors import FieldErrors

CHILD_AGE = 18  # a child is under 18 (UU 21/2007 art. 1; Table 1 "Anak")
CLOSED = frozenset({CaseStatus.closed, CaseStatus.closed_referred})
# A detail of the victim context that only a type of exploitation allows.
_NEEDS_TYPE = (
    ("forced_labour_industry", ExploitationType.forced_labour),
    ("sexual_exploitation_types", ExploitationType.sexual_exploitation),
    ("other_exploitation_types", ExploitationType.other),
)


def years_between(born: date, on: date) -> int:
    """Whole years from ``born`` to ``on`` (an age on a day)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _first(body: CaseFields, kind: EventType) -> Place | None:
    return next((e for e in body.events if e.type is kind), None)


def exploited_on(body: CaseFields) -> date | None:
    """When the exploitation began: as the victim context gives it, else the first
    exploitation event, else the incident day."""
    context = body.victim_context
    if context is not None and context.exploited_on is not None:
        return context.exploited_on
    days = [e.started_on for e in body.events if e.type is EventType.exploitation]
    return min(days) if days else body.incident_on


def date_of_birth(body: CaseFields) -> date | None:
    return body.personal.date_of_birth if body.personal else None


def age_at_exploitation(body: CaseFields) -> tuple[int | None, Majority | None]:
    """The age at exploitation (where the date of birth and the day are known), and whether
    a minor then: a child at identification was one when exploited, which came before."""
    born, day = date_of_birth(body), exploited_on(body)
    if born is not None and day is not None:
        age = max(years_between(born, day), 0)
        return age, Majority.minor if age < CHILD_AGE else Majority.adult
    if body.victim.age_at_identification < CHILD_AGE:
        return None, Majority.minor
    return None, None


def route(body: CaseFields) -> tuple[str | None, Destination | None, list[Destination]]:
    """Origin, destination and transit: as the case gives them, or from its events
    (the first recruitment inside Indonesia, the first exploitation, the transits)."""
    origin = body.origin_region_code
    if origin is None:
        origin = next(
            (
                e.region_code
                for e in body.events
                if e.type is EventType.recruitment and e.region_code is not None
            ),
            None,
        )
    destination = body.destination
    exploitation = _first(body, EventType.exploitation)
    if destination is None and exploitation is not None:
        destination = Destination(
            region_code=exploitation.region_code, country=exploitation.country
        )
    transit: list[Destination] = list(body.transit)
    if not transit:
        transit = [
            Destination(region_code=e.region_code, country=e.country)
            for e in body.events
            if e.type is EventType.transit
        ]
    return origin, destination, transit


def codes(body: CaseFields) -> list[str]:
    """The region codes the context and the events name."""
    context = body.victim_context
    places: list[Place] = list(body.events)
    if context is not None:
        places += [p for p in (context.recruitment_place, context.exploitation_place) if p]
    return [p.region_code for p in places if p.region_code is not None]


def errors(body: CaseFields, known: set[str], today: date, bad: FieldErrors) -> None:
    """The checks beyond the field types (``cases.service.semantic_errors``)."""
    if body.closure_reason is not None and body.status not in CLOSED:
        bad.add("closure_reason", "only for a closed case (closed, closed_referred)")
    context = body.victim_context
    if context is not None:
        for name, needed in _NEEDS_TYPE:
            if getattr(context, name) and needed not in body.exploitation_types:
                bad.add(f"victim_context.{name}", f"needs exploitation type {needed.value}")
        for name in ("recruitment_place", "exploitation_place"):
            place = getattr(context, name)
            if (
                place is not None
                and place.region_code is not None
                and place.region_code not in known
            ):
                bad.add(f"victim_context.{name}.region_code", "unknown region code")
        for name in ("recruited_on", "exploited_on"):
            day = getattr(context, name)
            if day is not None and day > body.identified_on:
                bad.add(f"victim_context.{name}", "is after identified_on")
    for i, event in enumerate(body.events):
        if event.region_code is not None and event.region_code not in known:
            bad.add(f"events.{i}.region_code", "unknown region code")
        if event.started_on > body.identified_on:
            bad.add(f"events.{i}.started_on", "is after identified_on")
        if event.ended_on is not None and event.ended_on > today:
            bad.add(f"events.{i}.ended_on", "is in the future")
    born = date_of_birth(body)
    if born is not None:
        if born > body.identified_on:
            bad.add("personal.date_of_birth", "is after identified_on")
        elif years_between(born, body.identified_on) != body.victim.age_at_identification:
            bad.add(
                "personal.date_of_birth",
                "gives another age at identified_on than victim.age_at_identification",
            )


def values(body: CaseFields) -> dict[str, Any]:
    """The columns the context, the perpetrators and the events fill (not their secrets)."""
    age, majority = age_at_exploitation(body)
    context = body.victim_context
    return {
        "closure_reason": body.closure_reason,
        "victim_context": context.model_dump(mode="json", exclude_defaults=True) if context else {},
        "perpetrators": [
            p.model_dump(mode="json", exclude_defaults=True, exclude=set(Perpetrator.PERSONAL))
            for p in body.perpetrators
        ],
        "events": [e.model_dump(mode="json", exclude_none=True) for e in body.events],
        "simfoni": body.simfoni.model_dump(mode="json", exclude_defaults=True)
        if body.simfoni
        else {},
        "age_at_exploitation": age,
        "majority_at_exploitation": majority.value if majority else None,
    }


def perpetrator_secrets(body: CaseFields) -> list[dict[str, Any]]:
    """The perpetrators' names and identity numbers, in order ({} where none): sealed."""
    return [
        p.model_dump(include=set(Perpetrator.PERSONAL), exclude_none=True)
        for p in body.perpetrators
    ]


def attributes(body: CaseFields) -> list[tuple[str, str]]:
    """The counted details (``CaseAttribute``): ``(kind, value)``, each once."""
    rows: dict[tuple[str, str], None] = {}
    context = body.victim_context
    relationships = [p.relationship_to_victim for p in body.perpetrators]
    if context is not None:
        for method in context.control_methods:
            rows[(AttributeKind.control_method.value, method.value)] = None
        for way in context.recruitment_methods:
            rows[(AttributeKind.recruitment_method.value, way.value)] = None
        if context.forced_labour_industry is not None:
            rows[(AttributeKind.sector.value, context.forced_labour_industry.value)] = None
        relationships.append(context.relationship_to_trafficker)
    for relationship in relationships:
        if relationship is not None:
            rows[(AttributeKind.perpetrator_relationship.value, relationship.value)] = None
    return list(rows)
