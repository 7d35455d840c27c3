"""Case records to HTCDS 2.0 (the Human Trafficking Case Data Standard): the victim context,
perpetrators, trafficking events, the age at exploitation and closure, kept through PUT and
GET and exported in the standard's field and value names."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from sqlalchemy import text

from tests.cases.helpers import case_body, create_centre
from tests.helpers import error_fields, problem

# The closed lists of the "HTCDS 2.0 field standards", as the standard spells each value.
CLOSED = json.loads((Path(__file__).parent / "htcds_closed_lists.json").read_text())["closed_lists"]
CONTEXT = {
    "trafficking_status": "actual_victim_of_trafficking",
    "trafficking_status_decided_by": "police",
    "relationship_to_trafficker": "acquainted",
    "recruitment_methods": ["through_online_social_networks", "through_friends_or_social_events"],
    "recruitment_websites_and_apps": ["facebook", "four_sale"],
    "recruitment_place": {"region_code": "33.02"},
    "recruited_on": "2023-11-02",
    "control_methods": ["debt_bondage", "withholds_documents", "threatens_children_family"],
    "other_exploitation_types": ["forced_begging"],
    "forced_labour_industry": "agriculture_forestry_and_fishing",
    "sexual_exploitation_types": ["remote_interactive_services"],
    "exploitation_place": {"country": "MY"},
    "exploited_on": "2024-01-10",
    "exploitation_websites_and_apps": ["whatsapp", "tiktok"],
    "vulnerabilities": ["poverty", "migration"],
    "vulnerability_details": "Utang keluarga untuk biaya berangkat.",
}
PERPETRATORS = [
    {
        "roles": ["recruiter_or_intermediary", "broker_travel_agent"],
        "role_details": "Sponsor desa",
        "relationship_to_victim": "acquainted",
        "sex": "male",
        "nationality": "ID",
        "reported_to_police": True,
        "name": "Pak Sponsor",
        "identity_number": "3302011203800004",
    },
    {
        "roles": ["exploiter"],
        "relationship_to_victim": "unacquainted",
        "sex": "unknown",
        "nationality": "MY",
        "reported_to_police": False,
        "name": "Majikan",
    },
]
EVENTS = [
    {"type": "recruitment", "region_code": "33.02", "started_on": "2023-11-02"},
    {
        "type": "transit",
        "region_code": "21.71",
        "started_on": "2023-12-01",
        "ended_on": "2023-12-20",
    },
    {"type": "exploitation", "country": "MY", "started_on": "2024-01-10"},
]
PERSONAL = {"name": "Ani", "nik": "3302015507080001", "date_of_birth": "2007-06-15"}


def full_case(ref: str = "H-1", **extra: Any) -> dict[str, Any]:
    """A case with every victim-context field, two perpetrators and three events; its
    origin, destination and transit left to the events."""
    body = case_body(
        ref,
        victim={"sex": "female", "age_at_identification": 16, "nationality": "ID"},
        exploitation_types=["forced_labour", "other", "sexual_exploitation"],
        victim_context=CONTEXT,
        perpetrators=PERPETRATORS,
        events=EVENTS,
        personal=PERSONAL,
        status="closed_referred",
        closure_reason="Dirujuk ke UPTD PPA provinsi untuk rehabilitasi.",
        **extra,
    )
    del body["origin_region_code"], body["destination"]
    return body


async def _put(client, auth, national, body: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    centre = await create_centre(client, national)
    headers = await auth("service_centre", centre=centre["id"])
    url = f"/service-centres/{centre['id']}/cases/{body['external_ref']}"
    response = await client.put(url, json=body, headers=headers)
    return headers, response


def _without_names(perpetrator: dict[str, Any]) -> dict[str, Any]:
    return {"role_details": None} | perpetrator | {"name": None, "identity_number": None}


async def test_a_full_htcds_case_round_trips(client, auth, national, session):
    """Permen PPPA 10/2012 §5.1.2: a centre records the whole case (victim context,
    perpetrators, events); GET gives back what was put, the perpetrators' names only with
    the personal fields, and origin, destination and transit come from the events."""
    body = full_case()
    headers, response = await _put(client, auth, national, body)
    assert response.status_code == 201, response.text
    case_id = response.json()["id"]

    read = (await client.get(f"/cases/{case_id}", headers=headers)).json()
    assert read["victim_context"] == CONTEXT | {
        "recruitment_place": {"region_code": "33.02", "country": None},
        "exploitation_place": {"region_code": None, "country": "MY"},
    }
    assert read["perpetrators"] == [_without_names(p) for p in PERPETRATORS]
    assert read["events"] == [
        {"region_code": None, "country": None, "ended_on": None} | e for e in EVENTS
    ]
    assert read["status"] == "closed_referred"
    assert read["closure_reason"] == body["closure_reason"]
    assert read["origin_region_code"] == "33.02"
    assert read["destination"] == {"region_code": None, "country": "MY"}
    assert read["transit"] == [{"region_code": "21.71", "country": None}]
    # born 2007-06-15, exploited from 2024-01-10: 16, a minor (majorityStatusAtExploit)
    assert (read["age_at_exploitation"], read["majority_at_exploitation"]) == (16, "minor")
    assert "Pak Sponsor" not in json.dumps(read)

    personal = await client.get(
        f"/cases/{case_id}",
        params={"include": "personal"},
        headers={**headers, "X-Access-Reason": "pendampingan"},
    )
    assert personal.json()["perpetrators"] == [
        {"role_details": None, "identity_number": None} | p for p in PERPETRATORS
    ]
    assert personal.json()["personal"]["date_of_birth"] == "2007-06-15"
    stored = bytes(
        (
            await session.execute(text("SELECT perpetrators_ciphertext FROM victim_case"))
        ).scalar_one()
    )
    assert b"Pak Sponsor" not in stored
    assert b"3302011203800004" not in stored
    url = f"/service-centres/{read['service_centre_id']}/cases/H-1"
    assert (await client.put(url, json=body, headers=headers)).json()["outcome"] == "unchanged"


def _in_closed_lists(record: dict[str, Any], prefix: str = "") -> int:
    """Every value of a closed-list field is one of the standard's value names; how many
    were checked."""
    checked = 0
    for name, value in record.items():
        if name in CLOSED and value is not None:
            values = value if isinstance(value, list) else [value]
            assert set(values) <= set(CLOSED[name]), (name, values)
            checked += len(values)
    return checked


async def test_the_htcds_export_names_fields_and_values_as_the_standard(client, auth, national):
    """The HTCDS export gives the case in the standard's field names, each closed list's
    value one the standard has; personal fields only with a reason, audited (Permen PPPA
    10/2012 §5.1.2: the victim's identity is protected)."""
    headers, response = await _put(client, auth, national, full_case())
    assert response.status_code == 201, response.text
    exported = await client.get("/exports/htcds.json", headers=national)
    assert exported.status_code == 200, exported.text
    [record] = exported.json()
    assert record["cas_Status"] == "ClosedReferred"
    assert record["prs_Gender"] == "Feminine"
    assert record["vic_MethodsOfControl"] == [
        "DebtBondage",
        "WithholdsDocuments",
        "ThreatensChildrenFamily",
    ]
    assert record["vic_RecruitmentWebsitesAndApps"] == ["Facebook", "4Sale"]
    assert record["vic_ForcedLabourIndustry"] == "A_AgricultureForestryAndFishing"
    assert record["vic_RelationshipToTrafficker"] == "Acquainted"
    assert set(record["vic_TypeOfExploitation"]) == {
        "ForcedLabour",
        "SexualExploitation",
        "ForcedBegging",
    }
    assert record["vic_LocationOfExploitation"] == "MY"
    assert (record["vic_AgeWhenTrafficked"], record["majorityStatusAtExploit"]) == (16, "Minor")
    assert [e["hte_Type"] for e in record["hte"]] == ["Recruitment", "Transit", "Exploitation"]
    assert [p["vic_RelationshipToTrafficker"] for p in record["perpetrators"]] == [
        "Acquainted",
        "Unaquainted",
    ]
    checked = _in_closed_lists(record)
    checked += sum(_in_closed_lists(p) for p in record["perpetrators"])
    checked += sum(_in_closed_lists(e) for e in record["hte"])
    assert checked >= 30
    assert "prs_FirstName" not in record
    assert "Pak Sponsor" not in exported.text

    problem(await client.get("/exports/htcds.json?include=personal", headers=national), 400)
    personal = await client.get(
        "/exports/htcds.csv?include=personal",
        headers={**headers, "X-Access-Reason": "laporan ke kementerian"},
    )
    assert personal.status_code == 200, personal.text
    [row] = list(csv.DictReader(io.StringIO(personal.text)))
    assert (row["prs_FirstName"], row["prs_Birthdate"]) == ("Ani", "2007-06-15")
    assert row["vic_MethodsOfControl"] == "DebtBondage;WithholdsDocuments;ThreatensChildrenFamily"
    assert set(row["cas_Status"].split(";")) <= set(CLOSED["cas_Status"])
    events = (await client.get("/audit-events", headers=national)).json()["items"]
    assert [e["reason"] for e in events if e["action"] == "export_personal"] == [
        "laporan ke kementerian"
    ]


async def test_the_htcds_export_is_the_callers_own(client, auth, national):
    """A centre exports its own cases only; analysts get the k-anonymous release in the
    standard's names; a reporter none (Permen PPPA 10/2012 §5.1.2)."""
    _, response = await _put(client, auth, national, full_case())
    assert response.status_code == 201
    other = await create_centre(client, national, name="UPTD PPA lain")
    other_headers = await auth("service_centre", centre=other["id"])
    mine = await client.get("/exports/htcds.json", headers=other_headers)
    assert mine.status_code == 200, mine.text
    assert mine.json() == []
    analyst = await client.get("/exports/htcds.csv", headers=await auth("analyst"))
    assert analyst.status_code == 200, analyst.text
    header = next(csv.reader(io.StringIO(analyst.text)))
    assert {"prs_Gender", "vic_TypeOfExploitation", "cas_Status"} <= set(header)
    assert "Pak Sponsor" not in analyst.text
    assert "caseId" not in header
    problem(await client.get("/exports/htcds.json", headers=await auth("reporter", "33")), 403)


async def test_bad_htcds_fields_are_named_and_nothing_is_kept(client, auth, national):
    """A value outside the standard's list, a detail without its type of exploitation, a
    closure reason of an open case, an event after identification and a date of birth that
    contradicts the age: each named, nothing stored."""
    body = case_body(
        "H-2",
        victim_context={
            "control_methods": ["debt_bondage", "mind_control"],
            "forced_labour_industry": "construction",
            "sexual_exploitation_types": ["prostitution"],
        },
        closure_reason="selesai",
        events=[{"type": "exploitation", "country": "MY", "started_on": "2024-05-01"}],
        perpetrators=[{"roles": ["exploiter", "exploiter"]}],
        personal={"date_of_birth": "2010-01-01"},
    )
    _, response = await _put(client, auth, national, body)
    assert error_fields(problem(response, 422)) == {"victim_context.control_methods.1"} | {
        "perpetrators.0.roles"
    }
    body["victim_context"]["control_methods"] = ["debt_bondage"]
    body["perpetrators"] = [{"roles": ["exploiter"]}]
    centre = await create_centre(client, national, name="P2TP2A kedua")
    headers = await auth("service_centre", centre=centre["id"])
    response = await client.put(
        f"/service-centres/{centre['id']}/cases/H-2", json=body, headers=headers
    )
    assert error_fields(problem(response, 422)) == {
        "victim_context.sexual_exploitation_types",
        "closure_reason",
        "events.0.started_on",
        "personal.date_of_birth",
    }
    assert (await client.get("/cases", headers=national)).json()["items"] == []


async def test_a_case_without_htcds_fields_reads_as_before(client, auth, national):
    """Existing clients keep working: a case pushed without the new fields has none, and
    a child at identification counts as a minor when exploited (Table 1 "Anak")."""
    body = case_body("H-3", victim={"sex": "unknown", "age_at_identification": 15})
    headers, response = await _put(client, auth, national, body)
    assert response.status_code == 201, response.text
    read = (await client.get(f"/cases/{response.json()['id']}", headers=headers)).json()
    assert read["victim_context"] is None
    assert (read["perpetrators"], read["events"]) == ([], [])
    assert (read["age_at_exploitation"], read["majority_at_exploitation"]) == (None, "minor")
    assert read["victim"]["sex"] == "unknown"
