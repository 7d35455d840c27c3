"""An annual report does not judge its own "annual report submitted" rule (§3.3.3).

The report is generated before it is submitted to the daily chair, so the rule "the annual
report for the year submitted" (3.3.3, Lampiran V) would always read as missed inside the
report itself. Its meetings section leaves the rule out for the task force and counts the
other task forces of the subtree only; the compliance endpoints still judge it, and a
five-year report still judges each year's annual report.
"""

from __future__ import annotations

from typing import Any

from gtpptppo_api.compliance.schemas import DashboardRow
from gtpptppo_api.reports.sections.meetings import without_own_report
from tests.reports.support import YEAR, open_report, run_generation_jobs, unit

RULE = "annual_report"


async def _generated(client, session, headers, unit_, kind: str = "annual", year: int = YEAR):
    report = await open_report(client, headers, unit_, kind=kind, year=year)
    await run_generation_jobs(session)
    response = await client.get(f"/reports/{report['id']}", headers=headers)
    assert response.json()["generation"] == "ready", response.text
    figures: dict[str, Any] = response.json()["figures"]
    return figures


def _shares(shares: list[dict[str, Any]]) -> dict[str | None, tuple[int, int]]:
    return {s["rule"]: (s["met"], s["total"]) for s in shares}


async def test_annual_report_leaves_its_own_rule_out(client, session, national, auth):
    """§3.3.3: the province's annual report judges neither itself nor counts itself in the
    subtree's share for the rule; the compliance endpoints go on judging it."""
    province = await unit(client, national, auth, "33")
    await unit(client, national, auth, "33.02")
    headers = province.admin

    figures = await _generated(client, session, headers, province)
    section = figures["sections"]["meetings"]
    own = section["compliance"]
    assert RULE not in {r["rule"] for r in own["rules"]}
    assert own["met_all"] == all(r["met"] for r in own["rules"])

    board = await client.get(
        "/compliance", params={"region_code": "33", "year": YEAR}, headers=headers
    )
    assert board.status_code == 200, board.text
    everyone = _shares(board.json()["shares"])
    in_report = _shares(section["subtree_compliance"])
    assert everyone[RULE] == (0, 2)  # the province and the regency, neither submitted
    assert in_report[RULE] == (0, 1)  # the regency only
    for rule, counts in everyone.items():
        if rule not in (RULE, None):
            assert in_report[rule] == counts

    endpoint = await client.get(
        f"/task-forces/{province.id}/compliance", params={"year": YEAR}, headers=headers
    )
    assert RULE in {r["rule"] for r in endpoint.json()["rules"]}


def test_the_share_meeting_every_rule_counts_the_task_force_by_its_other_rules():
    """§3.3.3: a task force meeting every other rule counts as meeting all of them in its
    own annual report, where the dashboard (judging the unsubmitted report) counts it not."""
    rules = [
        {"rule": name, "met": True}
        for name in (
            "plenary",
            "sub_task_forces",
            "coordination",
            "monitoring",
            "evaluation",
            "head_of_region",
        )
    ]
    own = {"met_all": False, "rules": [*rules, {"rule": RULE, "met": False}]}
    shares = [
        {"rule": "plenary", "met": 2, "total": 3, "share": 0.6667},
        {"rule": RULE, "met": 1, "total": 3, "share": 0.3333},
        {"rule": None, "met": 0, "total": 3, "share": 0.0},
    ]
    row = DashboardRow.model_validate(
        {
            "task_force_id": 7,
            "task_force_name": "GT Provinsi",
            "region_code": "33",
            "region_name": "Jawa Tengah",
            "level": "province",
            **{r["rule"]: "met" for r in rules},
            RULE: "missed",
            "met_all": False,
        }
    )
    judged, adjusted = without_own_report(7, own, shares, [row])
    assert judged == {"met_all": True, "rules": rules}
    assert adjusted == [
        {"rule": "plenary", "met": 2, "total": 3, "share": 0.6667},
        {"rule": RULE, "met": 1, "total": 2, "share": 0.5},
        {"rule": None, "met": 1, "total": 3, "share": 0.3333},
    ]
    # another task force's row leaves the shares as they are
    assert without_own_report(8, own, shares, [row])[1] == shares


async def test_five_year_report_still_judges_each_annual_report(client, session, national, auth):
    """§3.3.3: in a five-year report, the annual reports of its years are other reports."""
    province = await unit(client, national, auth, "33")
    figures = await _generated(client, session, province.admin, province, "five_year", YEAR - 1)
    for section in figures["sections"]["meetings"].values():
        if section["compliance"] is not None:
            assert RULE in {r["rule"] for r in section["compliance"]["rules"]}
