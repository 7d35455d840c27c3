"""The reporting chain of Lampiran V as a state machine (Permen PPPA 10/2012 §3.3.3).

Sub-task-force reports go to the daily chair, are discussed in a plenary meeting and
consolidated by the daily chair into the task force's report for the chair; the chair
forwards it up (3.3.3 a-c):

- regency/city: to the Bupati/Walikota and to the provincial secretariat, which receives it
  or returns it for revision with a reason; the Bupati/Walikota reports to the Governor;
- province: to the Governor (and its own secretariat); the Governor reports to the President
  through the Minister of Home Affairs and the Coordinating Minister for People's Welfare,
  chair of the national task force, whose secretariat then receives it or returns it;
- national: to the President; no secretariat receives it (not the one that forwarded it).

Heads of region are not users: the secretariat of the task force of their region records
their steps (``head_receive``, ``head_forward``), with the letter's number and date; these
leave the report's state as it is.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from gtpptppo_api.members.models import MemberRole
from gtpptppo_api.regions.models import RegionLevel
from gtpptppo_api.reports.models import ReportState


class Action(enum.StrEnum):
    submit = "submit"  # to the daily chair
    discuss = "discuss"  # in a plenary meeting
    consolidate = "consolidate"  # by the daily chair
    forward = "forward"  # by the chair, up the chain
    receive = "receive"  # by the level above
    return_ = "return"  # by the level above, for revision
    comment = "comment"  # anyone who may read the report; no change of state
    # the head of the task force's region (Bupati/Walikota, Governor), recorded by the
    # task force's own secretariat; no change of state
    head_receive = "head_receive"  # the head received the chair's report
    head_forward = "head_forward"  # the head reported on (to the Governor, the President)


class Level(enum.StrEnum):
    own = "own"  # the task force's own secretariat
    above = "above"  # the level the report is forwarded to


@dataclass(frozen=True)
class Step:
    sources: frozenset[ReportState]
    target: ReportState
    level: Level
    member_role: MemberRole | None  # who must act, on the task force's membership
    rule: str


S = ReportState
STEPS: dict[Action, Step] = {
    Action.submit: Step(
        frozenset({S.draft, S.returned}),
        S.submitted,
        Level.own,
        None,
        "Lampiran V: Sub GT → Ketua Harian",
    ),
    Action.discuss: Step(
        frozenset({S.submitted}), S.discussed, Level.own, None, "3.3.3, Lampiran V: rapat pleno"
    ),
    Action.consolidate: Step(
        frozenset({S.discussed}),
        S.consolidated,
        Level.own,
        MemberRole.daily_chair,
        "Lampiran V: Ketua Harian mengkonsolidasikan",
    ),
    Action.forward: Step(
        frozenset({S.consolidated}),
        S.forwarded,
        Level.own,
        MemberRole.chair,
        "2.x.4 a, Lampiran V: Ketua melaporkan",
    ),
    Action.receive: Step(
        frozenset({S.forwarded}), S.received, Level.above, None, "Lampiran V: tingkat di atasnya"
    ),
    Action.return_: Step(
        frozenset({S.forwarded}), S.returned, Level.above, None, "Lampiran V: tingkat di atasnya"
    ),
}

# The states in which a report's figures are frozen (the forwarded version stands).
FROZEN = frozenset({ReportState.forwarded, ReportState.received})

HEAD_ACTIONS = frozenset({Action.head_receive, Action.head_forward})
HEAD_RULES = {
    (
        Action.head_receive,
        RegionLevel.regency,
    ): "3.3.3 c 4: Ketua melaporkan kepada Bupati/Walikota",
    (
        Action.head_forward,
        RegionLevel.regency,
    ): "3.3.3 c 5: Bupati/Walikota melaporkan kepada Gubernur",
    (Action.head_receive, RegionLevel.province): "3.3.3 b 4: Ketua melaporkan kepada Gubernur",
    (Action.head_forward, RegionLevel.province): (
        "3.3.3 b 5: Gubernur melaporkan kepada Presiden melalui Mendagri dan Menko Kesra"
    ),
}
NATIONAL_RULE = "3.3.3 a 4: Ketua GT-PPTPPO Pusat melaporkan kepada Presiden"
PROVINCE_UP_RULE = HEAD_RULES[(Action.head_forward, RegionLevel.province)]

_LEVEL_NAMES = {
    RegionLevel.national: "Pusat",
    RegionLevel.province: "Provinsi",
    RegionLevel.regency: "Kabupaten/Kota",
}
_HEADS = {RegionLevel.province: "Gubernur", RegionLevel.regency: "Bupati/Walikota"}


def sender_and_receiver(action: Action, level: RegionLevel) -> tuple[str, str] | None:
    """Who sends and who receives at a step of the chain (3.3.3 a-c, Lampiran V), in the
    words of the regulation; None for a comment."""
    name = _LEVEL_NAMES[level]
    chair, daily = f"Ketua GT-PPTPPO {name}", f"Ketua Harian GT-PPTPPO {name}"
    head = _HEADS.get(level, "")
    forward_to = {
        RegionLevel.national: "Presiden",
        RegionLevel.province: "Gubernur dan Sekretariat GT-PPTPPO Provinsi",
        RegionLevel.regency: "Bupati/Walikota dan Sekretariat GT-PPTPPO Provinsi",
    }[level]
    # the level that receives the chair's report (regency) or the Governor's (province)
    above = (
        "Sekretariat GT-PPTPPO Provinsi"
        if level is RegionLevel.regency
        else ("Ketua GT-PPTPPO Pusat (Menko Kesra), Sekretariat GT-PPTPPO Pusat")
    )
    head_to = (
        "Gubernur"
        if level is RegionLevel.regency
        else "Presiden melalui Menteri Dalam Negeri dan Menko Kesra selaku Ketua GT-PPTPPO Pusat"
    )
    steps = {
        Action.submit: (f"Sub GT-PPTPPO {name}", daily),
        Action.discuss: (daily, f"Rapat Pleno GT-PPTPPO {name}"),
        Action.consolidate: (daily, chair),
        Action.forward: (chair, forward_to),
        Action.receive: (chair if level is RegionLevel.regency else "Gubernur", above),
        Action.return_: (above, chair),
        Action.head_receive: (chair, head),
        Action.head_forward: (head, head_to),
    }
    return steps.get(action)
