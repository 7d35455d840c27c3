"""The six elements every activity of a RAN/RAD names, and the adoption rule.

Permen PPPA 10/2012, BAB V "PROGRAM DAN KEGIATAN (RAN DAN RAD)": "Agar RAD dapat memenuhi
standar, maka perlu diperhatikan beberapa hal sebagai berikut: a. Identifikasi masalah,
b. Rencana kegiatan, c. Indikator keberhasilan, d. Kerangka waktu pelaksanaan,
e. Penanggung jawab, f. Tim Pelaksana."
"""

from __future__ import annotations

from dataclasses import dataclass

from gtpptppo_api.action_plans.catalogue import RULE
from gtpptppo_api.action_plans.models import Activity


@dataclass(frozen=True, slots=True)
class Element:
    name: str  # field of the activity
    letter: str  # item of BAB V "PROGRAM DAN KEGIATAN"
    label: str  # the regulation's term

    @property
    def rule(self) -> str:
        return f"{RULE} {self.letter}"


ELEMENTS: tuple[Element, ...] = (
    Element("problem_identified", "a", "Identifikasi masalah"),
    Element("activity", "b", "Rencana kegiatan"),
    Element("indicators", "c", "Indikator keberhasilan"),
    Element("time_frame", "d", "Kerangka waktu pelaksanaan"),
    Element("responsible", "e", "Penanggung jawab"),
    Element("implementing_team", "f", "Tim Pelaksana"),
)


def _indicator_gap(activity: Activity) -> str | None:
    """Why the indicators element is incomplete, or None.

    Each indicator needs a target for every year of the activity's time frame (or, before
    the time frame is known, at least one target).
    """
    if not activity.indicators:
        return "no success indicator"
    years: set[int] | None = None
    if activity.start_year is not None and activity.end_year is not None:
        years = set(range(activity.start_year, activity.end_year + 1))
    for indicator in activity.indicators:
        targeted = {target.year for target in indicator.targets}
        if not targeted:
            return f"indicator {indicator.name!r} has no target"
        if years is not None and years - targeted:
            missing = ", ".join(str(y) for y in sorted(years - targeted))
            return f"indicator {indicator.name!r} has no target for {missing}"
    return None


def missing_elements(activity: Activity) -> list[tuple[Element, str]]:
    """The elements of BAB V a-f the activity lacks, each with what is missing."""
    gaps: list[tuple[Element, str]] = []
    for element in ELEMENTS:
        reason: str | None = None
        if element.name == "problem_identified" and not activity.problem_identified:
            reason = "no problem identified"
        elif element.name == "activity" and not activity.activity:
            reason = "no planned activity"
        elif element.name == "indicators":
            reason = _indicator_gap(activity)
        elif element.name == "time_frame" and (
            activity.start_year is None or activity.end_year is None
        ):
            reason = "no time frame"
        elif element.name == "responsible" and (
            activity.responsible_sub_task_force_id is None and not activity.responsible_agency
        ):
            reason = "no responsible sub-task-force or agency"
        elif element.name == "implementing_team" and not activity.implementing_team:
            reason = "no implementing team"
        if reason is not None:
            gaps.append((element, reason))
    return gaps


def cite(rule: str) -> str:
    return f"(Permen PPPA 10/2012, {rule})"
