"""The reporting chain of Lampiran V as a state machine (Permen PPPA 10/2012 §3.3.3).

Sub-task-force reports go to the daily chair, are discussed in a plenary meeting and
consolidated by the daily chair into the task force's report for the chair; the chair
forwards it up (regency: to the Bupati/Walikota and the provincial secretariat; province: to
the Governor and the national secretariat; national: to the President), where it is
received, or returned for revision with a reason.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from gtpptppo_api.members.models import MemberRole
from gtpptppo_api.reports.models import ReportState


class Action(enum.StrEnum):
    submit = "submit"  # to the daily chair
    discuss = "discuss"  # in a plenary meeting
    consolidate = "consolidate"  # by the daily chair
    forward = "forward"  # by the chair, up the chain
    receive = "receive"  # by the level above
    return_ = "return"  # by the level above, for revision
    comment = "comment"  # anyone who may read the report; no change of state


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
