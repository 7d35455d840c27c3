"""The categories of SIMFONI-PPA (the ministry's register) on the case and the SIMFONI
export: kept through PUT and GET, derived from what the case holds where they can be, and
exported with SIMFONI's Indonesian headers and labels to the case's own centre."""

from __future__ import annotations

import csv
import io
from typing import Any

from tests.cases.helpers import case_body, create_centre
from tests.helpers import error_fields, problem

SIMFONI = {
    "violence_forms": ["psychological"],
    "incident_place": "workplace",
    "education": "junior_secondary",
    "occupation": "domestic_worker",
}
PERPETRATORS = [
    {"roles": ["recruiter_or_intermediary"], "relationship_to_victim": "familial", "sex": "male"},
    {"roles": ["exploiter"], "relationship_to_victim": "acquainted", "sex": "female"},
]


async def _centre(client, auth, national, name: str = "") -> tuple[dict[str, Any], Any]:
    centre = await create_centre(client, national, name=name)
    return centre, await auth("service_centre", centre=centre["id"])


async def _put(client, centre, headers, body: dict[str, Any]) -> Any:
    url = f"/service-centres/{centre['id']}/cases/{body['external_ref']}"
    return await client.put(url, json=body, headers=headers)


def _case(ref: str = "S-1", **extra: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "victim": {"sex": "female", "age_at_identification": 16, "nationality": "ID"},
        "exploitation_types": ["domestic_servitude", "sexual_exploitation"],
        "victim_context": {"control_methods": ["physical_abuse", "debt_bondage"]},
        "perpetrators": PERPETRATORS,
        "personal": {"name": "Sari", "nik": "3302015507080001"},
    }
    return case_body(ref, **(fields | extra))


async def test_simfoni_categories_round_trip_and_old_pushes_stay_unchanged(client, auth, national):
    """The case's SIMFONI-PPA categories come back as sent; a case pushed without them reads
    as before and a second push of it is unchanged (existing clients keep working)."""
    centre, headers = await _centre(client, auth, national)
    response = await _put(client, centre, headers, _case(simfoni=SIMFONI))
    assert response.status_code == 201, response.text
    read = (await client.get(f"/cases/{response.json()['id']}", headers=headers)).json()
    assert read["simfoni"] == SIMFONI | {"perpetrator_relationships": []}

    plain = case_body("S-2")
    first = await _put(client, centre, headers, plain)
    assert first.status_code == 201, first.text
    assert (await client.get(f"/cases/{first.json()['id']}", headers=headers)).json()[
        "simfoni"
    ] is None
    again = await _put(client, centre, headers, plain)
    assert (again.status_code, again.json()["version"]) == (200, 1)


async def test_the_simfoni_export_derives_and_labels_in_indonesian(client, auth, national):
    """The export writes SIMFONI-PPA's headers and labels: the age band from the age (16 is
    13-17), the forms of violence from the exploitation types (trafficking, exploitation,
    sexual) and the means of control (physical abuse: Fisik) with what the case adds
    (Psikis), the perpetrators' sex, the relationship from HTCDS where it maps (familial:
    Keluarga/Saudara; an acquaintance maps to none), education, occupation, place."""
    centre, headers = await _centre(client, auth, national)
    response = await _put(client, centre, headers, _case(simfoni=SIMFONI))
    assert response.status_code == 201, response.text
    exported = await client.get("/exports/simfoni.csv", headers=headers)
    assert exported.status_code == 200, exported.text
    [row] = list(csv.DictReader(io.StringIO(exported.text)))
    assert list(row) == [
        "ID Kasus",
        "Nomor Registrasi",
        "Tanggal Identifikasi",
        "Kode Wilayah",
        "Tahun Kejadian",
        "Jenis Kelamin Korban",
        "Umur Korban",
        "Kelompok Umur",
        "Pendidikan Korban",
        "Pekerjaan Korban",
        "Kewarganegaraan Korban",
        "Bentuk Kekerasan",
        "Tempat Kejadian",
        "Jumlah Pelaku",
        "Jenis Kelamin Pelaku",
        "Hubungan Pelaku dengan Korban",
    ]
    assert row["ID Kasus"] == response.json()["id"]
    assert (row["Nomor Registrasi"], row["Kode Wilayah"]) == ("S-1", "33.02")
    assert (row["Jenis Kelamin Korban"], row["Umur Korban"], row["Kelompok Umur"]) == (
        "Perempuan",
        "16",
        "13-17",
    )
    assert row["Bentuk Kekerasan"] == "Fisik;Psikis;Seksual;Eksploitasi;Trafficking"
    assert (row["Pendidikan Korban"], row["Pekerjaan Korban"]) == (
        "SMP/Sederajat",
        "Pekerja Rumah Tangga",
    )
    assert row["Tempat Kejadian"] == "Tempat Kerja"
    assert (row["Jumlah Pelaku"], row["Jenis Kelamin Pelaku"]) == ("2", "Perempuan;Laki-laki")
    assert row["Hubungan Pelaku dengan Korban"] == "Keluarga/Saudara"
    assert "Sari" not in exported.text

    # what the case gives replaces the relationship HTCDS gives; an adult's band
    adult = _case(
        "S-3",
        victim={"sex": "male", "age_at_identification": 45, "nationality": "ID"},
        personal=None,
        simfoni={"perpetrator_relationships": ["employer", "coworker"]},
    )
    assert (await _put(client, centre, headers, adult)).status_code == 201
    records = (await client.get("/exports/simfoni.json", headers=headers)).json()
    by_ref = {r["Nomor Registrasi"]: r for r in records}
    assert by_ref["S-3"]["Hubungan Pelaku dengan Korban"] == ["Majikan", "Rekan Kerja"]
    assert (by_ref["S-3"]["Kelompok Umur"], by_ref["S-3"]["Jenis Kelamin Korban"]) == (
        "45-59",
        "Laki-laki",
    )
    assert by_ref["S-3"]["Pendidikan Korban"] is None
    assert by_ref["S-1"]["Bentuk Kekerasan"] == [
        "Fisik",
        "Psikis",
        "Seksual",
        "Eksploitasi",
        "Trafficking",
    ]


async def test_personal_fields_of_the_simfoni_export_need_a_reason_and_are_audited(
    client, auth, national
):
    """The victim's name and NIK only with include=personal and a reason, which is audited
    (Permen PPPA 10/2012 §5.1.2: the victim's identity is protected)."""
    centre, headers = await _centre(client, auth, national)
    assert (await _put(client, centre, headers, _case())).status_code == 201
    missing = problem(
        await client.get("/exports/simfoni.csv?include=personal", headers=headers), 400
    )
    assert error_fields(missing) == {"X-Access-Reason"}
    personal = await client.get(
        "/exports/simfoni.json?include=personal",
        headers={**headers, "X-Access-Reason": "pelaporan SIMFONI-PPA"},
    )
    assert personal.status_code == 200, personal.text
    [record] = personal.json()
    assert (record["Nama Korban"], record["NIK Korban"]) == ("Sari", "3302015507080001")
    events = (await client.get("/audit-events", headers=national)).json()["items"]
    assert [
        (e["entity_id"].split(":")[0], e["reason"])
        for e in events
        if e["action"] == "export_personal"
    ] == [("simfoni", "pelaporan SIMFONI-PPA")]


async def test_the_simfoni_export_is_the_centres_own_and_not_for_analysts(client, auth, national):
    """Another centre sees none of this centre's cases; a national administrator sees them
    in the region; analysts and reporters get 403 (Permen PPPA 10/2012 §5.1.2)."""
    centre, headers = await _centre(client, auth, national)
    assert (await _put(client, centre, headers, _case())).status_code == 201
    _, other = await _centre(client, auth, national, name="UPTD PPA lain")
    mine = await client.get("/exports/simfoni.csv", headers=other)
    assert mine.status_code == 200, mine.text
    assert list(csv.reader(io.StringIO(mine.text)))[1:] == []
    assert (await client.get("/exports/simfoni.json", headers=other)).json() == []
    everyone = await client.get("/exports/simfoni.json?region_code=33", headers=national)
    assert [r["Nomor Registrasi"] for r in everyone.json()] == ["S-1"]
    problem(await client.get("/exports/simfoni.csv", headers=await auth("analyst")), 403)
    problem(await client.get("/exports/simfoni.json", headers=await auth("reporter", "33")), 403)


async def test_a_bad_simfoni_value_is_named_and_nothing_is_kept(client, auth, national):
    """A value outside SIMFONI-PPA's lists, and a form of violence given twice: each field
    named in a 422, no case stored."""
    centre, headers = await _centre(client, auth, national)
    body = _case(
        simfoni={
            "education": "kindergarten",
            "incident_place": "home",
            "violence_forms": ["sexual", "sexual"],
        }
    )
    fields = error_fields(problem(await _put(client, centre, headers, body), 422))
    assert fields == {"simfoni.education", "simfoni.incident_place", "simfoni.violence_forms"}
    assert (await client.get("/cases", headers=headers)).json()["items"] == []
