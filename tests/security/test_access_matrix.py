"""Every role × every endpoint × a resource inside the caller's jurisdiction, one of the level
below seen from the level above, and one outside (OWASP API 2023 #1 broken object-level and #5
broken function-level authorisation).

The matrix is generated from the app's routes: an endpoint without an entry in ``OPERATIONS``
fails the test. What each role may do is written out in ``GRANTS`` (not read from the code
under test). Expected, for each call:
- a role without the permission: 403;
- a resource inside the jurisdiction (or anything, for the national admin): served;
- a resource of the level below, to a caller of the level above: served, except the acts a
  level does on its own task force (``own_level``: editing or dissolving it, its action
  plans, its sub-task-forces' reports, the monitoring visits it makes), which are 403: the
  level above reads, receives, returns and monitors (Permen PPPA 10/2012, Lampiran V, VI);
- a resource outside it: 404, exactly as for one that does not exist (a create naming a
  foreign region is a forbidden act: 403); a list filtered to the outside: nothing of it.
And for every response to anyone but the national admin: no outside marker in it; for every
response to an analyst: no personal field or value, no unsuppressed small cell.

Adding an endpoint: one line in ``OPERATIONS`` with its permission and a function that gives
the call's path parameters (and body or query) for a resource inside or outside.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from gtpptppo_api.app import API_PREFIX
from gtpptppo_api.auth.models import Role
from gtpptppo_api.auth.service import create_token
from gtpptppo_api.exports import htcds as htcds_export
from tests.cases.helpers import case_body
from tests.conftest import build_app
from tests.helpers import decree, head_authority, task_force_body
from tests.meetings.support import meeting_body
from tests.oidc.provider import provider_auth, provider_settings
from tests.security.world import (
    ABOVE,
    INSIDE,
    MEMBER_NAMES,
    OUTSIDE,
    OUTSIDE_MARKERS,
    PERSONAL_VALUES,
    PLACE,
    REGION,
    SIDES,
    World,
    agreement_body,
    breach_body,
    build_world,
    capacity_body,
    draft_activity,
    narrative_body,
    visit_body,
)

ROLES = ("national_admin", "task_force_admin", "reporter", "service_centre", "analyst")

_EVERYONE = frozenset(ROLES)
_ADMINS = frozenset({"national_admin", "task_force_admin"})
_STAFF = frozenset({"national_admin", "task_force_admin", "reporter"})
_STAFF_AND_ANALYSTS = _STAFF | {"analyst"}

# Who may do what (function-level authorisation), written out from docs/architecture.md,
# "Access and disclosure".
GRANTS: dict[str, frozenset[str]] = {
    "regions:read": _EVERYONE,
    "task_forces:read": _STAFF_AND_ANALYSTS,
    "task_forces:write": _ADMINS,
    "members:read": _STAFF,
    "members:write": _ADMINS,
    "audit:read": frozenset({"national_admin"}),
    "service_centres:read": _STAFF | {"service_centre"},
    "service_centres:write": _ADMINS,
    "cases:read": _STAFF | {"service_centre"},
    "cases:write": frozenset({"service_centre", "national_admin"}),
    "cases:link": _ADMINS,
    "statistics:read": _STAFF_AND_ANALYSTS,
    "exports:read": frozenset({"national_admin", "analyst"}),
    "exports:htcds": frozenset({"national_admin", "analyst", "service_centre"}),
    "reports:read": _STAFF,
    "reports:write": _ADMINS,
    "narratives:write": _STAFF,
    "action_plans:read": _STAFF_AND_ANALYSTS,
    "action_plans:write": _ADMINS,
    "agreements:read": _STAFF_AND_ANALYSTS,
    "agreements:write": _ADMINS,
    "capacity:read": _STAFF_AND_ANALYSTS,
    "capacity:write": _ADMINS,
    "facilities:read": _STAFF_AND_ANALYSTS | {"service_centre"},
    "facilities:write": _ADMINS,
    "meetings:read": _STAFF,
    "meetings:write": _ADMINS,
    "monitoring:read": _STAFF,
    "monitoring:write": _ADMINS,
    "compliance:read": _STAFF_AND_ANALYSTS,
    "coordination:read": _STAFF | {"service_centre"},
    "coordination:request": frozenset({"service_centre", "national_admin"}),
    "partners:read": _STAFF,
    "partners:write": _ADMINS,
    "privacy:read": frozenset({"national_admin", "task_force_admin", "service_centre"}),
    "privacy:handle": frozenset({"national_admin", "service_centre"}),
    "consent:read": frozenset({"service_centre", "national_admin"}),
    "consent:write": frozenset({"service_centre", "national_admin"}),
    "referrals:read": frozenset({"service_centre", "national_admin"}),
    "referrals:write": frozenset({"service_centre", "national_admin"}),
    "identity_mappings:write": frozenset({"national_admin"}),
    "webhooks:manage": frozenset({"national_admin", "task_force_admin", "service_centre"}),
}

PERSONAL_KEYS = {"personal", "nik", "phone", "person_name", "email", "date_of_birth", "contact"}
SMALL_CELL_PATHS = ("/statistics/", "/exports/")
HTCDS_RELEASED = htcds_export.RELEASE_FIELDS
THRESHOLD = 10  # GTPPTPPO_DISCLOSURE_THRESHOLD's default, used by the test app
EXPORT_K = 11  # GTPPTPPO_EXPORT_K's default
RELEASED = (
    "year",
    "region_code",
    "age_group",
    "sex",
    "nationality",
    "destination",
    "exploitation_types",
    "services",
)


@dataclass
class Call:
    """One request: path parameters, and a JSON body or query parameters."""

    path: dict[str, Any] = field(default_factory=dict)
    json: Any = None
    params: dict[str, Any] | None = None
    content: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


Build = Callable[[World, str], Awaitable[Call]]


@dataclass(frozen=True)
class Operation:
    permission: str
    build: Build
    public: bool = False  # reference data: the same for every caller, no jurisdiction
    listing: bool = False  # a list or an aggregate: outside, it must hold nothing outside
    outside: int = 404  # status of a call on a resource outside the jurisdiction
    served: frozenset[int] = frozenset()  # statuses besides 2xx that mean "let through"
    own_level: bool = False  # only the task force's own level (or the national admin) acts


def static(**kwargs: Any) -> Build:
    async def build(_world: World, _side: str) -> Call:
        return Call(**kwargs)

    return build


def ids(**names: str) -> Build:
    """Path parameters taken from the world: ``task_force_id="task_force.id"``."""

    async def build(world: World, side: str) -> Call:
        path = {}
        for param, ref in names.items():
            value: Any = world[side]
            for part in ref.split("."):
                value = value[part]
            path[param] = value
        return Call(path=path)

    return build


def with_body(base: Build, body: Callable[[World, str], Any]) -> Build:
    async def build(world: World, side: str) -> Call:
        call = await base(world, side)
        call.json = body(world, side)
        return call

    return build


def with_params(base: Build, params: Callable[[World, str], dict[str, Any]]) -> Build:
    async def build(world: World, side: str) -> Call:
        call = await base(world, side)
        call.params = params(world, side)
        return call

    return build


def query(params: Callable[[World, str], dict[str, Any]]) -> Build:
    return with_params(static(), params)


TF = ids(task_force_id="task_force.id")
TF_QUERY = query(lambda w, s: {"task_force_id": w[s]["task_force"]["id"]})
REGION_QUERY = query(lambda _w, s: {"region_code": REGION[s]})


async def _create_task_force(world: World, side: str) -> Call:
    return Call(json=task_force_body(world.free_region(side)))


async def _dismissal(world: World, side: str) -> Call:
    member_id = await world.fresh_member(side)
    decree_id = await world.fresh_decree(side, issued_on="2024-12-20")
    return Call(
        path={"task_force_id": world[side]["task_force"]["id"], "member_id": member_id},
        json={"dismissed_on": "2025-01-01", "dismissal_decree_id": decree_id},
    )


async def _member(world: World, side: str) -> Call:
    return Call(
        path={"task_force_id": world[side]["task_force"]["id"]},
        json={
            "person_name": f"Anggota Baru {PLACE[side]}",
            "element": "ngo",
            "role": "member",
            "institution": "LSM",
            "appointed_on": "2024-03-01",
            "appointment_decree_id": world[side]["decree_id"],
        },
    )


async def _decree(world: World, side: str) -> Call:
    tf = world[side]["task_force"]
    return Call(
        path={"task_force_id": tf["id"]},
        json=decree(head_authority(tf["region_code"]), f"SK/M/{world.next()}"),
    )


async def _put_case(world: World, side: str) -> Call:
    ref = f"M-{world.next()}"
    return Call(
        path={"centre_id": world[side]["centre_id"], "external_ref": ref},
        json=case_body(ref, region=REGION[side]),
    )


async def _batch(world: World, side: str) -> Call:
    return Call(
        path={"centre_id": world[side]["centre_id"]},
        json=[case_body(f"B-{world.next()}", region=REGION[side])],
    )


async def _report(world: World, side: str) -> Call:
    tf_id = world[side]["task_force"]["id"]
    return Call(json={"task_force_id": tf_id, "kind": "annual", "year": next(world.report_years)})


async def _narrative(world: World, side: str) -> Call:
    return Call(json=narrative_body(*world.narrative_slot(side)))


async def _submit_narrative(world: World, side: str) -> Call:
    return Call(path={"narrative_id": await world.fresh_narrative(side)})


async def _plan(world: World, side: str) -> Call:
    year = 2040 + world.next() % 60  # drafts may share years; only adopted plans may not
    tf_id = world[side]["task_force"]["id"]
    return Call(
        json={"task_force_id": tf_id, "title": "RAD", "first_year": year, "last_year": year}
    )


async def _delete_activity(world: World, side: str) -> Call:
    activity_id = await world.fresh_activity(side)
    return Call(path={"plan_id": world[side]["plan"]["id"], "activity_id": activity_id})


async def _realisation(world: World, side: str) -> Call:
    activity = world[side]["adopted_activity"]
    indicator = activity["indicators"][0]["id"]
    return Call(
        path={
            "plan_id": world[side]["adopted_plan"]["id"],
            "activity_id": activity["id"],
            "year": 2026,
        },
        json={"indicator_values": [{"indicator_id": indicator, "achieved": 3}], "spending": []},
    )


async def _facility(world: World, side: str) -> Call:
    centre_id = await world.fresh_centre(side)
    return Call(json={"service_centre_id": centre_id, "assessed_on": "2026-04-01"})


async def _meeting(world: World, side: str) -> Call:
    tf = world[side]["task_force"]
    return Call(json=meeting_body(tf, "plenary", "2024-09-01", world[side]["daily_chair"]))


async def _visit(world: World, side: str) -> Call:
    """The visit a task force makes of its own sub-task-force: the level above may not record
    it for the level below (it records its own, of the task force below: ``_visit_below``)."""
    ids_ = world[side]
    unit = ids_["sub_task_force"]["id"]
    return Call(json=visit_body(ids_["task_force"]["id"], unit, "2024-11-01", "sub_task_force"))


async def _region(_world: World, side: str) -> Call:
    return Call(path={"code": REGION[side]})


async def _centre(world: World, side: str) -> Call:
    body = {
        "name": f"PPT {PLACE[side]} {world.next()}",
        "kind": "other",
        "region_code": REGION[side],
    }
    return Call(json=body)


async def _diff(world: World, side: str) -> Call:
    return Call(path={"report_id": world[side]["report"]["id"], "a": 1, "b": 1})


PARTNER = ids(task_force_id="task_force.id", partner_id="partner.id")


def _partner(side: str) -> dict[str, Any]:
    return {"name": f"Paguyuban {PLACE[side]}", "kind": "village", "contribution": "Pemantauan"}


async def _mapping(world: World, side: str) -> Call:
    """An identity mapping giving a reporter of the side's region."""
    body = {
        "issuer": "https://sso.example.go.id",
        "value": f"grp-{world.next()}",
        "role": "reporter",
        "region_code": REGION[side],
    }
    return Call(path={"mapping_id": (await world.post("/identity-mappings", body))["id"]})


# A public address literal (no name to resolve); nothing is ever sent to it here.
HOOK_URL = "https://1.1.1.1/hooks/gtpptppo"


async def _subscription(world: World, side: str) -> Call:
    """Inside: the inside centre's subscription (its regency's chain covers it); outside: a
    subscription of the regency outside. Made once per side by a caller of that place."""
    if "subscription" not in world[side]:
        if side == OUTSIDE:
            owner = await token_headers(world, "task_force_admin", REGION[OUTSIDE])
        else:
            owner = world.callers[INSIDE]["service_centre"]
        body = {"url": HOOK_URL, "event_types": ["report.state_changed"]}
        response = await world.client.post("/webhook-subscriptions", json=body, headers=owner)
        assert response.status_code == 201, response.text
        world[side]["subscription"] = response.json()
    return Call(path={"subscription_id": world[side]["subscription"]["id"]})


async def _fresh_subscription(world: World, side: str) -> Call:
    """A subscription of its own for each delete, made as the side's is."""
    place = INSIDE if side == ABOVE else side
    world[place].pop("subscription", None)
    return await _subscription(world, place)


async def token_headers(world: World, role: str, region: str) -> dict[str, str]:
    _token, clear = await create_token(
        world.session, name=f"{role} {region}", role=Role(role), region_code=region
    )
    await world.session.commit()
    return {"Authorization": f"Bearer {clear}"}


def _body(body: Callable[[World, str], Any]) -> Build:
    return with_body(static(), body)


def _fresh_request(kind: str, body: dict[str, Any]) -> Build:
    """A request of its own per call (answering one closes it); ``lifting``: a restriction
    in force."""

    async def build(world: World, side: str) -> Call:
        if kind == "lifting":
            request_id = await world.fresh_restriction(side)
        else:
            request_id = await world.fresh_data_request(side, kind)
        return Call(path={"request_id": request_id}, json=body)

    return build


def _import_file(world: World, side: str) -> Call:
    """A file of one case of the side's centre, as NDJSON."""
    line = json.dumps(case_body(f"I-{world.next()}", region=REGION[side])) + "\n"
    return Call(
        path={"centre_id": world[side]["centre_id"]},
        content=line.encode(),
        headers={"Content-Type": "application/x-ndjson"},
    )


async def _upload(world: World, side: str) -> Call:
    return _import_file(world, side)


async def _import(world: World, side: str) -> Call:
    """The side's import (uploaded once, by the national admin, for the side's centre)."""
    if "import_id" not in world[side]:
        upload = _import_file(world, side)
        response = await world.client.post(
            f"/service-centres/{upload.path['centre_id']}/imports",
            content=upload.content,
            headers={**world.national, **upload.headers},
        )
        assert response.status_code == 202, response.text
        world[side]["import_id"] = response.json()["id"]
    return Call(path={"import_id": world[side]["import_id"]})


async def _fresh_breach(world: World, side: str) -> Call:
    return Call(path={"breach_id": await world.fresh_breach(side)})


OPERATIONS: dict[tuple[str, str], Operation] = {
    ("GET", "/regions"): Operation("regions:read", static(), public=True),
    ("GET", "/regions/{code}"): Operation("regions:read", _region, public=True),
    # Inside, a regency's callers can only form the task force of their own region, which has
    # one: refused on the merits (409), not on access.
    ("POST", "/task-forces"): Operation(
        "task_forces:write", _create_task_force, outside=403, served=frozenset({409})
    ),
    ("GET", "/task-forces"): Operation("task_forces:read", REGION_QUERY, listing=True),
    ("GET", "/task-forces/{task_force_id}"): Operation("task_forces:read", TF),
    ("PATCH", "/task-forces/{task_force_id}"): Operation(
        "task_forces:write",
        with_body(TF, lambda _w, s: {"name": f"GT-PPTPPO {PLACE[s]}"}),
        own_level=True,
    ),
    ("GET", "/task-forces/{task_force_id}/sub-task-forces"): Operation("task_forces:read", TF),
    ("POST", "/task-forces/{task_force_id}/sub-task-forces"): Operation(
        "task_forces:write",
        with_body(TF, lambda _w, _s: {"kind": "law_enforcement"}),
        served=frozenset({409}),  # it has all six already: refused on the merits, not access
    ),
    ("GET", "/task-forces/{task_force_id}/sub-task-forces/{sub_task_force_id}"): Operation(
        "task_forces:read",
        ids(task_force_id="task_force.id", sub_task_force_id="sub_task_force.id"),
    ),
    ("PATCH", "/task-forces/{task_force_id}/sub-task-forces/{sub_task_force_id}"): Operation(
        "task_forces:write",
        with_body(
            ids(task_force_id="task_force.id", sub_task_force_id="sub_task_force.id"),
            lambda _w, _s: {"coordinating_agency": "Dinas Pendidikan"},
        ),
    ),
    ("POST", "/task-forces/{task_force_id}/decrees"): Operation("members:write", _decree),
    ("GET", "/task-forces/{task_force_id}/decrees"): Operation("task_forces:read", TF),
    ("GET", "/task-forces/{task_force_id}/decrees/{decree_id}"): Operation(
        "task_forces:read", ids(task_force_id="task_force.id", decree_id="decree_id")
    ),
    ("POST", "/task-forces/{task_force_id}/members"): Operation("members:write", _member),
    ("GET", "/task-forces/{task_force_id}/members"): Operation("members:read", TF),
    ("GET", "/task-forces/{task_force_id}/members/{member_id}"): Operation(
        "members:read", ids(task_force_id="task_force.id", member_id="chair.id")
    ),
    ("POST", "/task-forces/{task_force_id}/members/{member_id}/dismissal"): Operation(
        "members:write", _dismissal
    ),
    ("POST", "/service-centres"): Operation("service_centres:write", _centre, outside=403),
    ("GET", "/service-centres"): Operation("service_centres:read", REGION_QUERY, listing=True),
    ("GET", "/service-centres/{centre_id}"): Operation(
        "service_centres:read", ids(centre_id="centre_id")
    ),
    ("PATCH", "/service-centres/{centre_id}"): Operation(
        "service_centres:write",
        with_body(ids(centre_id="centre_id"), lambda _w, s: {"address": f"Jl. {PLACE[s]}"}),
    ),
    ("POST", "/service-centres/{centre_id}/coordination-requests"): Operation(
        "coordination:request",
        with_body(
            ids(centre_id="centre_id"),
            lambda _w, _s: {"topics": ["case_conference"], "subject": "Gelar kasus"},
        ),
    ),
    ("GET", "/service-centres/{centre_id}/coordination-requests"): Operation(
        "coordination:read", ids(centre_id="centre_id")
    ),
    ("GET", "/service-centres/{centre_id}/meetings"): Operation(
        "coordination:read", ids(centre_id="centre_id")
    ),
    ("GET", "/service-centres/{centre_id}/meetings/{meeting_id}"): Operation(
        "coordination:read", ids(centre_id="centre_id", meeting_id="centre_meeting.id")
    ),
    ("GET", "/service-centres/{centre_id}/monitoring-findings"): Operation(
        "coordination:read", ids(centre_id="centre_id")
    ),
    ("PUT", "/service-centres/{centre_id}/cases/{external_ref}"): Operation(
        "cases:write", _put_case
    ),
    ("POST", "/service-centres/{centre_id}/cases:batch"): Operation("cases:write", _batch),
    # Imports: the centre's own (or the national admin's for it); the template is the same
    # for every caller who may import.
    ("GET", "/imports/template.xlsx"): Operation("cases:write", static(), public=True),
    ("POST", "/service-centres/{centre_id}/imports"): Operation("cases:write", _upload),
    ("GET", "/imports/{import_id}"): Operation("cases:write", _import),
    ("GET", "/imports/{import_id}/errors.xlsx"): Operation("cases:write", _import),
    ("GET", "/imports/{import_id}/errors.csv"): Operation("cases:write", _import),
    ("GET", "/cases"): Operation("cases:read", REGION_QUERY, listing=True),
    ("GET", "/cases/{case_id}"): Operation("cases:read", ids(case_id="case.id")),
    # linked once (then one victim already: 409, on the merits), listed, unlinked once
    # (then not linked: 409)
    ("POST", "/cases/{case_id}/links"): Operation(
        "cases:link",
        with_body(
            ids(case_id="case.id"),
            lambda w, s: {"other_case_id": w[s]["other_case"]["id"], "reason": "sama"},
        ),
        served=frozenset({409}),
    ),
    ("GET", "/cases/{case_id}/links"): Operation("cases:link", ids(case_id="case.id")),
    ("DELETE", "/cases/{case_id}/links/{other_case_id}"): Operation(
        "cases:link",
        with_params(
            ids(case_id="case.id", other_case_id="other_case.id"),
            lambda _w, _s: {"reason": "berbeda"},
        ),
        served=frozenset({409}),
    ),
    ("GET", "/statistics/victims"): Operation(
        "statistics:read",
        query(lambda _w, s: {"region_code": REGION[s], "group_by": "year,sex,age_group"}),
        listing=True,
    ),
    ("GET", "/exports/cases.csv"): Operation("exports:read", REGION_QUERY, listing=True),
    ("GET", "/exports/cases.ndjson"): Operation("exports:read", REGION_QUERY, listing=True),
    ("GET", "/exports/htcds.csv"): Operation("exports:htcds", REGION_QUERY, listing=True),
    ("GET", "/exports/htcds.json"): Operation("exports:htcds", REGION_QUERY, listing=True),
    # a register of cases: analysts, though they hold exports:htcds, get 403 (its tests)
    ("GET", "/exports/simfoni.csv"): Operation(
        "exports:htcds", REGION_QUERY, listing=True, served=frozenset({403})
    ),
    ("GET", "/exports/simfoni.json"): Operation(
        "exports:htcds", REGION_QUERY, listing=True, served=frozenset({403})
    ),
    ("POST", "/reports"): Operation("reports:write", _report),
    ("GET", "/reports"): Operation("reports:read", TF_QUERY, listing=True),
    ("GET", "/reports/{report_id}"): Operation("reports:read", ids(report_id="report.id")),
    ("POST", "/reports/{report_id}/generations"): Operation(
        "reports:write", ids(report_id="report.id")
    ),
    ("POST", "/reports/{report_id}/transitions"): Operation(
        "reports:read",
        with_body(
            ids(report_id="report.id"), lambda _w, _s: {"action": "comment", "comment": "ok"}
        ),
    ),
    ("GET", "/reports/{report_id}/transitions"): Operation(
        "reports:read", ids(report_id="report.id")
    ),
    ("GET", "/reports/{report_id}/versions"): Operation("reports:read", ids(report_id="report.id")),
    ("GET", "/reports/{report_id}/versions/{a}/diff/{b}"): Operation(
        "reports:read",
        _diff,
    ),
    ("GET", "/reports/{report_id}/document"): Operation(
        "reports:read", with_params(ids(report_id="report.id"), lambda _w, _s: {"format": "json"})
    ),
    ("POST", "/sub-task-force-reports"): Operation("narratives:write", _narrative, own_level=True),
    ("GET", "/sub-task-force-reports"): Operation("reports:read", TF_QUERY, listing=True),
    ("PATCH", "/sub-task-force-reports/{narrative_id}"): Operation(
        "narratives:write",
        with_body(ids(narrative_id="narrative_id"), lambda _w, _s: {"obstacles": "Jarak jauh"}),
        own_level=True,
    ),
    ("POST", "/sub-task-force-reports/{narrative_id}/submit"): Operation(
        "narratives:write", _submit_narrative, own_level=True
    ),
    ("GET", "/action-plans/catalogue"): Operation("action_plans:read", static(), public=True),
    ("GET", "/action-plans/rollup"): Operation(
        "action_plans:read",
        query(lambda _w, s: {"region_code": REGION[s], "year": 2026}),
        listing=True,
    ),
    ("POST", "/action-plans"): Operation("action_plans:write", _plan, own_level=True),
    ("GET", "/action-plans"): Operation("action_plans:read", TF_QUERY, listing=True),
    ("GET", "/action-plans/{plan_id}"): Operation("action_plans:read", ids(plan_id="plan.id")),
    ("PATCH", "/action-plans/{plan_id}"): Operation(
        "action_plans:write",
        with_body(ids(plan_id="plan.id"), lambda _w, _s: {"title": "RAD PP-TPPO"}),
        own_level=True,
    ),
    ("GET", "/action-plans/{plan_id}/progress"): Operation(
        "action_plans:read", ids(plan_id="adopted_plan.id")
    ),
    ("GET", "/action-plans/{plan_id}/activities"): Operation(
        "action_plans:read", ids(plan_id="plan.id")
    ),
    ("POST", "/action-plans/{plan_id}/activities"): Operation(
        "action_plans:write",
        with_body(ids(plan_id="plan.id"), lambda _w, _s: draft_activity()),
        own_level=True,
    ),
    ("GET", "/action-plans/{plan_id}/activities/{activity_id}"): Operation(
        "action_plans:read", ids(plan_id="plan.id", activity_id="activity_id")
    ),
    ("PATCH", "/action-plans/{plan_id}/activities/{activity_id}"): Operation(
        "action_plans:write",
        with_body(
            ids(plan_id="plan.id", activity_id="activity_id"),
            lambda _w, _s: {"implementing_team": "Dinas Sosial"},
        ),
        own_level=True,
    ),
    ("DELETE", "/action-plans/{plan_id}/activities/{activity_id}"): Operation(
        "action_plans:write", _delete_activity, own_level=True
    ),
    ("GET", "/action-plans/{plan_id}/realisations"): Operation(
        "action_plans:read", ids(plan_id="adopted_plan.id")
    ),
    ("PUT", "/action-plans/{plan_id}/realisations/{activity_id}/{year}"): Operation(
        "action_plans:write", _realisation, own_level=True
    ),
    ("POST", "/agreements"): Operation(
        "agreements:write", _body(lambda w, s: agreement_body(w[s]["task_force"]["id"]))
    ),
    ("GET", "/agreements"): Operation("agreements:read", TF_QUERY, listing=True),
    ("GET", "/agreements/{agreement_id}"): Operation(
        "agreements:read", ids(agreement_id="agreement.id")
    ),
    ("PATCH", "/agreements/{agreement_id}"): Operation(
        "agreements:write",
        with_body(ids(agreement_id="agreement.id"), lambda _w, _s: {"title": "Kesepakatan"}),
    ),
    ("POST", "/capacity-activities"): Operation(
        "capacity:write", _body(lambda w, s: capacity_body(w[s]["task_force"]["id"]))
    ),
    ("GET", "/capacity-activities"): Operation("capacity:read", TF_QUERY, listing=True),
    ("GET", "/capacity-activities/{activity_id}"): Operation(
        "capacity:read", ids(activity_id="capacity.id")
    ),
    ("PATCH", "/capacity-activities/{activity_id}"): Operation(
        "capacity:write",
        with_body(ids(activity_id="capacity.id"), lambda _w, _s: {"title": "Pelatihan"}),
    ),
    ("GET", "/facilities/checklist"): Operation("facilities:read", static(), public=True),
    ("GET", "/facilities/gaps"): Operation("facilities:read", REGION_QUERY, listing=True),
    ("POST", "/facilities"): Operation("facilities:write", _facility),
    ("GET", "/facilities"): Operation("facilities:read", REGION_QUERY, listing=True),
    ("GET", "/facilities/{inventory_id}"): Operation(
        "facilities:read", ids(inventory_id="facility.id")
    ),
    ("PATCH", "/facilities/{inventory_id}"): Operation(
        "facilities:write",
        with_body(ids(inventory_id="facility.id"), lambda _w, _s: {"notes": "diperiksa"}),
    ),
    ("POST", "/meetings"): Operation("meetings:write", _meeting),
    ("GET", "/meetings"): Operation("meetings:read", TF_QUERY, listing=True),
    ("GET", "/meetings/{meeting_id}"): Operation("meetings:read", ids(meeting_id="meeting.id")),
    ("PATCH", "/meetings/{meeting_id}"): Operation(
        "meetings:write",
        with_body(ids(meeting_id="meeting.id"), lambda _w, _s: {"agenda": "Evaluasi"}),
    ),
    ("POST", "/monitoring-visits"): Operation("monitoring:write", _visit, own_level=True),
    ("GET", "/monitoring-visits"): Operation(
        "monitoring:read",
        query(lambda w, s: {"monitor_task_force_id": w[s]["monitor"]["id"]}),
        listing=True,
    ),
    ("GET", "/monitoring-visits/{visit_id}"): Operation(
        "monitoring:read", ids(visit_id="visit.id")
    ),
    ("PATCH", "/monitoring-visits/{visit_id}"): Operation(
        "monitoring:write",
        with_body(ids(visit_id="visit.id"), lambda _w, _s: {"findings": "Sudah ada rencana."}),
    ),
    ("GET", "/task-forces/{task_force_id}/compliance"): Operation(
        "compliance:read", with_params(TF, lambda _w, _s: {"year": 2024})
    ),
    ("GET", "/compliance"): Operation(
        "compliance:read",
        query(lambda _w, s: {"region_code": REGION[s], "year": 2024}),
        listing=True,
    ),
    ("GET", "/audit-events"): Operation("audit:read", static(), listing=True),
    ("GET", "/task-forces/{task_force_id}/chart"): Operation("task_forces:read", TF),
    ("POST", "/task-forces/{task_force_id}/partners"): Operation(
        "partners:write", with_body(TF, lambda _w, s: _partner(s))
    ),
    ("GET", "/task-forces/{task_force_id}/partners"): Operation("partners:read", TF),
    ("GET", "/task-forces/{task_force_id}/partners/{partner_id}"): Operation(
        "partners:read", PARTNER
    ),
    ("PATCH", "/task-forces/{task_force_id}/partners/{partner_id}"): Operation(
        "partners:write", with_body(PARTNER, lambda _w, _s: {"contribution": "Pendampingan"})
    ),
    ("POST", "/task-forces/{task_force_id}/partners/{partner_id}/activities"): Operation(
        "partners:write",
        with_body(
            PARTNER,
            lambda _w, _s: {"kind": "prevention", "title": "Sosialisasi", "held_on": "2025-03-01"},
        ),
    ),
    ("GET", "/task-forces/{task_force_id}/partners/{partner_id}/activities"): Operation(
        "partners:read", PARTNER
    ),
    ("POST", "/task-forces/{task_force_id}/partners/{partner_id}/awards"): Operation(
        "partners:write",
        with_body(
            PARTNER,
            lambda _w, _s: {"title": "Mitra Teladan", "awarded_on": "2025-12-01", "reason": "-"},
        ),
    ),
    ("GET", "/task-forces/{task_force_id}/partners/{partner_id}/awards"): Operation(
        "partners:read", PARTNER
    ),
    # Publishing is the regency's own secretariat's step: the draft report is refused on its
    # state (409), the published one on the level (403) to the national and provincial admins.
    ("POST", "/reports/{report_id}/publication"): Operation(
        "reports:write",
        with_body(
            ids(report_id="report.id"), lambda w, s: {"acting_member_id": w[s]["chair"]["id"]}
        ),
        served=frozenset({409}),
    ),
    ("GET", "/reports/{report_id}/publication"): Operation(
        "reports:read", ids(report_id="published.id")
    ),
    ("DELETE", "/reports/{report_id}/publication"): Operation(
        "reports:write", ids(report_id="published.id"), served=frozenset({403})
    ),
    # Data subject requests: received and answered by the centre (or the national admin),
    # followed by the secretariats of its region.
    ("POST", "/service-centres/{centre_id}/data-requests"): Operation(
        "privacy:handle",
        with_body(
            ids(centre_id="centre_id"),
            lambda w, s: {"kind": "access", "case_id": w[s]["other_case"]["id"]},
        ),
    ),
    ("GET", "/data-requests"): Operation("privacy:read", static(), listing=True),
    ("GET", "/data-requests/{request_id}"): Operation(
        "privacy:read", ids(request_id="data_request")
    ),
    ("GET", "/data-requests/{request_id}/copy"): Operation(
        "privacy:handle", ids(request_id="data_request")
    ),
    ("POST", "/data-requests/{request_id}/completion"): Operation(
        "privacy:handle", _fresh_request("access", {"resolution": "salinan diserahkan"})
    ),
    ("POST", "/data-requests/{request_id}/refusal"): Operation(
        "privacy:handle", _fresh_request("access", {"resolution": "bukan pemilik data"})
    ),
    ("POST", "/data-requests/{request_id}/lifting"): Operation(
        "privacy:handle", _fresh_request("lifting", {"resolution": "pembatasan dicabut"})
    ),
    # The breach register and the retention schedule: the national administrator's.
    ("POST", "/breaches"): Operation(
        "audit:read", _body(lambda w, s: breach_body(w[s]["centre_id"]))
    ),
    ("GET", "/breaches"): Operation("audit:read", static(), listing=True),
    ("GET", "/breaches/{breach_id}"): Operation("audit:read", _fresh_breach),
    ("PATCH", "/breaches/{breach_id}"): Operation(
        "audit:read",
        with_body(_fresh_breach, lambda _w, _s: {"authority_notified_at": "2026-01-11T08:00:00Z"}),
    ),
    ("GET", "/breaches/{breach_id}/affected.csv"): Operation("audit:read", _fresh_breach),
    ("POST", "/retention-runs"): Operation("audit:read", _body(lambda _w, _s: {"dry_run": True})),
    ("GET", "/retention-runs/{run_id}"): Operation("audit:read", ids(run_id="retention_run.id")),
}


CASE = ids(case_id="case.id")
CONSENT = {
    "legal_basis": "consent",
    "given_by": "victim",
    "given_at": "2024-03-05T09:00:00+07:00",
    "purposes": [{"purpose": "services"}, {"purpose": "referral"}],
}
OPERATIONS |= {
    ("GET", "/cases/{case_id}/consent"): Operation("consent:read", CASE),
    ("PUT", "/cases/{case_id}/consent"): Operation(
        "consent:write", with_body(CASE, lambda _w, _s: CONSENT)
    ),
    # withdrawn once (then not in force: 409, on the merits)
    ("POST", "/cases/{case_id}/consent/withdrawals"): Operation(
        "consent:write",
        with_body(CASE, lambda _w, _s: {"purpose": "services", "reason": "ditarik"}),
        served=frozenset({409}),
    ),
    # referred once (then the same referral is pending: 409, on the merits)
    ("POST", "/cases/{case_id}/referrals"): Operation(
        "referrals:write",
        with_body(
            CASE,
            lambda _w, _s: {"to": {"kind": "police", "name": "Polres"}, "service": "legal_aid"},
        ),
        served=frozenset({409}),
    ),
    ("GET", "/cases/{case_id}/referrals"): Operation("referrals:read", CASE),
    ("GET", "/referrals"): Operation(
        "referrals:read", static(params={"direction": "incoming"}), listing=True
    ),
    ("GET", "/referrals/{referral_id}"): Operation(
        "referrals:read", ids(referral_id="incoming.id")
    ),
    # accepted once (then decided already: 409, on the merits)
    ("POST", "/referrals/{referral_id}/decision"): Operation(
        "referrals:write",
        with_body(ids(referral_id="incoming.id"), lambda _w, _s: {"decision": "accept"}),
        served=frozenset({409}),
    ),
    ("GET", "/referrals/{referral_id}/case"): Operation(
        "referrals:read", ids(referral_id="accepted.id")
    ),
    # Identity mappings are the nation's: no jurisdiction, the national administrator only.
    ("GET", "/identity-mappings"): Operation("identity_mappings:write", static(), listing=True),
    ("POST", "/identity-mappings"): Operation(
        "identity_mappings:write",
        _body(
            lambda w, s: {
                "issuer": "https://sso.example.go.id",
                "value": f"grp-new-{w.next()}",
                "role": "analyst",
            }
        ),
        public=True,
    ),
    ("GET", "/identity-mappings/{mapping_id}"): Operation("identity_mappings:write", _mapping),
    ("DELETE", "/identity-mappings/{mapping_id}"): Operation("identity_mappings:write", _mapping),
    ("GET", "/webhook-event-types"): Operation("webhooks:manage", static(), public=True),
    # A subscription is made in the caller's own jurisdiction: there is no foreign one to name.
    ("POST", "/webhook-subscriptions"): Operation(
        "webhooks:manage",
        _body(lambda _w, _s: {"url": HOOK_URL, "event_types": ["report.published"]}),
        public=True,
    ),
    ("GET", "/webhook-subscriptions"): Operation("webhooks:manage", static(), listing=True),
    ("GET", "/webhook-subscriptions/{subscription_id}"): Operation(
        "webhooks:manage", _subscription
    ),
    ("PATCH", "/webhook-subscriptions/{subscription_id}"): Operation(
        "webhooks:manage",
        with_body(_subscription, lambda _w, _s: {"description": "aplikasi daerah"}),
        own_level=True,
    ),
    ("POST", "/webhook-subscriptions/{subscription_id}/secret-rotation"): Operation(
        "webhooks:manage", _subscription, own_level=True
    ),
    ("GET", "/webhook-subscriptions/{subscription_id}/deliveries"): Operation(
        "webhooks:manage", _subscription
    ),
    # Deleting uses the subscription up: the last of the side's calls to it.
    ("DELETE", "/webhook-subscriptions/{subscription_id}"): Operation(
        "webhooks:manage", _fresh_subscription, own_level=True
    ),
}


def api_operations(app: Any) -> set[tuple[str, str]]:
    """Every (method, path) the app serves under the API prefix, from its OpenAPI document."""
    return {
        (method.upper(), path.removeprefix(API_PREFIX))
        for path, item in app.openapi()["paths"].items()
        for method in item
        if path.startswith(API_PREFIX)
    }


def expectation(op: Operation, role: str, side: str) -> str:
    if role not in GRANTS[op.permission]:
        return "forbidden"
    if role == "service_centre" and side == ABOVE:
        side = INSIDE  # the centre's token is the inside centre's: no level above for it
    if op.public or role == "national_admin" or side == INSIDE:
        return "served"
    if side == ABOVE:
        return "forbidden" if op.own_level else "served"
    return "filtered" if op.listing else "foreign"


def is_problem(response: Any) -> bool:
    return response.headers.get("content-type", "").startswith("application/problem+json")


def judge(op: Operation, role: str, side: str, response: Any) -> str | None:
    """What is wrong with the response, or None."""
    status = response.status_code
    wanted = expectation(op, role, side)
    if status >= 500:
        return f"server error {status}"
    if wanted == "forbidden":
        ok = status == 403 and is_problem(response)
    elif wanted == "served":
        ok = 200 <= status < 300 or status in op.served
    elif wanted == "foreign":
        ok = status == op.outside and is_problem(response)
    else:
        ok = status in (200, 403, 404)
    return None if ok else f"expected {wanted}, got {status}: {response.text[:300]}"


def leaks_outside(response: Any) -> list[str]:
    return [marker for marker in OUTSIDE_MARKERS if marker in response.text]


def _walk(value: Any) -> Any:
    if isinstance(value, dict):
        for key, item in value.items():
            yield key, item
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def _rows(template: str, response: Any) -> list[dict[str, Any]]:
    if template.endswith(".csv"):
        return list(csv.DictReader(io.StringIO(response.text)))
    if template.endswith(".ndjson"):
        return [json.loads(line) for line in response.text.splitlines() if line.strip()]
    return []


def analyst_leaks(template: str, response: Any) -> list[str]:
    """Personal fields or values, and small cells shown, in one response to an analyst."""
    found = [value for value in (*PERSONAL_VALUES, *MEMBER_NAMES) if value in response.text]
    if response.status_code != 200:
        return found
    body: Any = None
    if "json" in response.headers.get("content-type", "") and "ndjson" not in template:
        body = response.json()
        found += [f"key {key}" for key, _ in _walk(body) if key in PERSONAL_KEYS]
    rows = _rows(template, response)
    for row in rows:
        found += [f"column {key}" for key in row if key in PERSONAL_KEYS]
    if not template.startswith(SMALL_CELL_PATHS):
        return found
    if isinstance(body, dict):
        for cell in body.get("cells", []):
            if cell["count"] is not None and cell["count"] < THRESHOLD:
                found.append(f"small cell {cell}")
        total = body.get("total")
        if total is not None and 0 < total < THRESHOLD:
            found.append(f"small total {total}")
        merged = body.get("merged_records")
        if merged is not None and 0 < merged < THRESHOLD:
            found.append(f"merged_records {merged}")
    groups: dict[tuple[Any, ...], int] = {}
    for row in rows:
        # the HTCDS export's release names the same columns as the standard does
        key = tuple(str(row[k] if k in row else row[HTCDS_RELEASED[k]]) for k in RELEASED)
        groups[key] = groups.get(key, 0) + 1
    found += [f"small group {key}: {n}" for key, n in groups.items() if n < EXPORT_K]
    return found


def test_every_endpoint_has_an_entry(app):
    """A new endpoint fails here until it is in OPERATIONS (and so in the matrix)."""
    served = api_operations(app)
    assert sorted(served - set(OPERATIONS)) == [], "endpoints without a matrix entry"
    assert sorted(set(OPERATIONS) - served) == [], "matrix entries for no endpoint"
    assert {op.permission for op in OPERATIONS.values()} <= set(GRANTS)


@pytest.fixture(params=["service tokens", "provider tokens"])
async def callers(
    request, client, database_url, session, national, auth
) -> AsyncIterator[tuple[httpx.AsyncClient, Any]]:
    """The matrix's client and ``auth``: the service's own tokens, or the OpenID Provider's
    (each role and place a group of its own, mapped by the national administrator)."""
    if request.param == "service tokens":
        yield client, auth
        return
    provider = request.getfixturevalue("oidc_provider")
    app = build_app(database_url, session, **provider_settings(provider))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test/api/v1") as oidc:
        yield oidc, provider_auth(oidc, national, provider)


async def test_every_role_on_every_endpoint_inside_and_outside(callers, session, national):
    """0 leaks: forbidden is 403, foreign is 404 (like a missing id), lists hold nothing
    foreign, analysts get no personal data and no small cell (docs/architecture.md, "Access
    and disclosure"); the same with every caller signed in through the OpenID Provider."""
    client, auth = callers
    world = await build_world(client, session, await auth("national_admin"), auth)
    failures: list[str] = []
    national_saw_outside = 0
    calls = 0
    for (method, template), op in OPERATIONS.items():
        for role in ROLES:
            for side in SIDES:
                call = await op.build(world, side)
                url = template.format(**call.path)
                response = await client.request(
                    method,
                    url,
                    json=call.json,
                    content=call.content,
                    params=call.params,
                    headers={**world.callers[side][role], **call.headers},
                )
                calls += 1
                where = f"{role:16} {method:6} {url} {call.params or ''} ({side})"
                wrong = judge(op, role, side, response)
                if wrong:
                    failures.append(f"{where}: {wrong}")
                if role != "national_admin" and not op.public and leaks_outside(response):
                    failures.append(f"{where}: shows {leaks_outside(response)}")
                if role == "analyst":
                    failures += [
                        f"{where}: analyst sees {leak}"
                        for leak in analyst_leaks(template, response)
                    ]
                if role == "national_admin" and side == OUTSIDE and leaks_outside(response):
                    national_saw_outside += 1
    assert not failures, f"{len(failures)} of {calls} calls wrong:\n" + "\n".join(failures)
    assert calls == len(OPERATIONS) * len(ROLES) * len(SIDES)
    # the markers work: the national admin, who may see everything, sees them
    assert national_saw_outside >= 30
