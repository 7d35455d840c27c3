"""The cases in the categories of SIMFONI-PPA, the ministry's register (``cases.simfoni``),
with its Indonesian column headers and labels, so a centre enters a case once.

National administrators (any region) and a service centre (its own cases) get a row per
case; the victim's personal fields only with ``?include=personal`` and a reason, audited.
Restricted cases and those whose sharing consent was withdrawn are left out, as from the
HTCDS export (``exports.htcds.case_query``). Analysts get no SIMFONI export: it is a
register of cases, not a de-identified release.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.auth.models import Role
from gtpptppo_api.auth.service import Caller
from gtpptppo_api.cases import sealing, simfoni
from gtpptppo_api.cases.models import Case, Sex
from gtpptppo_api.cases.simfoni import (
    Education,
    IncidentPlace,
    Occupation,
    PerpetratorRelationship,
    ViolenceForm,
)
from gtpptppo_api.db.base import table_of
from gtpptppo_api.errors import Forbidden
from gtpptppo_api.exports import htcds, streams
from gtpptppo_api.kit.crypto import DataKey, Keyring

_CASE = table_of(Case)
FIELDS = (
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
)
PERSONAL_FIELDS = ("Nama Korban", "NIK Korban", "Nomor Telepon Korban", "Tanggal Lahir Korban")
_COLUMNS = (
    _CASE.c.id,
    _CASE.c.external_ref,
    _CASE.c.identified_on,
    _CASE.c.registered_region_code,
    _CASE.c.incident_year,
    _CASE.c.sex,
    _CASE.c.age_at_identification,
    _CASE.c.nationality,
    _CASE.c.exploitation_types,
    _CASE.c.victim_context,
    _CASE.c.perpetrators,
    _CASE.c.simfoni,
)
_SEALED = (
    _CASE.c.personal_key_id,
    _CASE.c.personal_ciphertext,
)


@dataclass(frozen=True)
class Export:
    """The rows of ``query``, unsealed with ``keyring`` when personal fields were asked for."""

    query: Any
    keyring: Keyring | None = None

    @property
    def fields(self) -> tuple[str, ...]:
        return FIELDS + (PERSONAL_FIELDS if self.keyring is not None else ())


async def prepare(
    session: AsyncSession,
    caller: Caller,
    *,
    region_code: str | None,
    from_year: int | None,
    to_year: int | None,
    reason: str | None,
    keyring: Keyring | None,
) -> Export:
    """The export the caller may have; ``keyring``: personal fields asked for."""
    if caller.role is Role.analyst:
        raise Forbidden(
            "The SIMFONI-PPA export is a register of cases, for national administrators and "
            "service centres; analysts have the de-identified release (/exports/cases.csv)."
        )
    query = await htcds.case_query(
        session,
        caller,
        (*_COLUMNS, *(_SEALED if keyring is not None else ())),
        name="simfoni",
        region_code=region_code,
        from_year=from_year,
        to_year=to_year,
        reason=reason if keyring is not None else None,
        personal=keyring is not None,
    )
    return Export(query=query, keyring=keyring)


def _label(value: str | None, cls: type[Any]) -> str | None:
    return None if value is None else simfoni.label(value, cls)


def record(row: Any, keyring: Keyring | None, key: DataKey | None = None) -> dict[str, Any]:
    """One case in SIMFONI-PPA's categories and labels (``row``: of ``_COLUMNS``, then
    ``_SEALED`` when ``keyring`` is given, opened with its data key ``key``)."""
    context = row.victim_context or {}
    given = row.simfoni or {}
    perpetrators = row.perpetrators or []
    shown: dict[str, Any] = {
        "ID Kasus": str(row.id),
        "Nomor Registrasi": row.external_ref,
        "Tanggal Identifikasi": row.identified_on.isoformat(),
        "Kode Wilayah": row.registered_region_code,
        "Tahun Kejadian": row.incident_year,
        "Jenis Kelamin Korban": simfoni.label(str(getattr(row.sex, "value", row.sex)), Sex),
        "Umur Korban": row.age_at_identification,
        "Kelompok Umur": simfoni.age_band(row.age_at_identification),
        "Pendidikan Korban": _label(given.get("education"), Education),
        "Pekerjaan Korban": _label(given.get("occupation"), Occupation),
        "Kewarganegaraan Korban": row.nationality,
        "Bentuk Kekerasan": [
            simfoni.label(f, ViolenceForm)
            for f in simfoni.violence_forms(
                row.exploitation_types, context, given.get("violence_forms") or []
            )
        ],
        "Tempat Kejadian": _label(given.get("incident_place"), IncidentPlace),
        "Jumlah Pelaku": len(perpetrators),
        "Jenis Kelamin Pelaku": [
            simfoni.label(s, Sex) for s in simfoni.perpetrator_sexes(perpetrators)
        ],
        "Hubungan Pelaku dengan Korban": [
            simfoni.label(r, PerpetratorRelationship)
            for r in simfoni.relationships(
                context, perpetrators, given.get("perpetrator_relationships") or []
            )
        ],
    }
    if keyring is not None:
        try:
            personal = (
                sealing.open_field(
                    keyring, row, row.personal_key_id, row.personal_ciphertext, "", key
                )
                or {}
            )
        except sealing.Erased:
            personal = {}
        shown["Nama Korban"] = personal.get("name")
        shown["NIK Korban"] = personal.get("nik")
        shown["Nomor Telepon Korban"] = personal.get("phone")
        shown["Tanggal Lahir Korban"] = personal.get("date_of_birth")
    return shown


async def records(session: AsyncSession, export: Export) -> AsyncIterator[list[dict[str, Any]]]:
    """The export's records, a partition at a time."""
    result = await session.stream(export.query.execution_options(yield_per=1000))
    async for partition in result.partitions(1000):
        rows = list(partition)
        keys = (
            await sealing.data_keys(export.keyring, [r.id for r in rows]) if export.keyring else {}
        )
        yield [record(row, export.keyring, keys.get(row.id)) for row in rows]


def stream_csv(session: AsyncSession, export: Export) -> AsyncIterator[str]:
    """A row per case, lists joined with ';'."""
    return streams.csv_text(export.fields, records(session, export))


def stream_json(session: AsyncSession, export: Export) -> AsyncIterator[str]:
    """A JSON array of the records."""
    return streams.json_array(records(session, export), ensure_ascii=False)
