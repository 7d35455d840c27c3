"""Victim case records. Personal identifiers are only ever stored encrypted."""

from __future__ import annotations

import enum
import functools
import uuid
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from gtpptppo_api.db.base import Base, JSONType, utcnow


class Sex(enum.StrEnum):
    female = "female"  # perempuan
    male = "male"  # laki-laki
    unknown = "unknown"  # tidak diketahui (HTCDS 2.0 NonSpecifiedUnknown)


class AgeGroup(enum.StrEnum):
    """Derived from the age at identification: a child is under 18 (Table 1: Anak/Dewasa)."""

    child = "child"  # anak
    adult = "adult"  # dewasa


class ExploitationType(enum.StrEnum):
    forced_labour = "forced_labour"  # kerja paksa
    sexual_exploitation = "sexual_exploitation"  # eksploitasi seksual
    domestic_servitude = "domestic_servitude"  # perbudakan rumah tangga
    forced_marriage = "forced_marriage"  # kawin paksa / pengantin pesanan
    organ_removal = "organ_removal"  # pengambilan organ
    forced_criminality = "forced_criminality"  # dipaksa melakukan kejahatan
    other = "other"


class ServiceType(enum.StrEnum):
    """Services of an integrated service centre (5.1.2)."""

    complaint = "complaint"  # layanan pengaduan
    health_rehabilitation = "health_rehabilitation"  # rehabilitasi kesehatan
    social_rehabilitation = "social_rehabilitation"  # rehabilitasi sosial
    legal_aid = "legal_aid"  # bantuan hukum
    repatriation = "repatriation"  # pemulangan
    reintegration = "reintegration"  # reintegrasi


class LegalStage(enum.StrEnum):
    none = "none"
    police_report = "police_report"  # laporan polisi
    investigation = "investigation"  # penyidikan
    prosecution = "prosecution"  # penuntutan
    verdict = "verdict"  # putusan
    restitution = "restitution"  # restitusi


class CaseStatus(enum.StrEnum):
    """The case's status, as HTCDS 2.0 ``cas_Status`` has it (``open`` is its Active)."""

    open = "open"  # aktif
    closed = "closed"  # ditutup
    follow_up = "follow_up"  # pemantauan lanjutan
    closed_referred = "closed_referred"  # ditutup, dirujuk ke lembaga lain


def _enum(cls: type[enum.Enum], length: int = 32) -> Enum:
    return Enum(cls, native_enum=False, length=length)


@functools.cache
def _bits(cls: type[enum.Enum]) -> dict[Any, int]:
    return {member.value: 1 << i for i, member in enumerate(cls)}


def mask(members: Iterable[enum.Enum | str], cls: type[enum.Enum]) -> int:
    """The members as a bit set: bit ``i`` is the ``i``-th member of ``cls`` as declared."""
    bits = _bits(cls)
    result = 0
    for member in members:
        result |= bits[member.value if isinstance(member, enum.Enum) else member]
    return result


def bit(member: enum.Enum) -> int:
    """The bit of one member in :func:`mask`."""
    return mask([member], type(member))


# A case whose victim has no other case (``victim_shared`` false: no NIK, or a NIK no other
# case of the year has) is a victim of its own, and is counted as such: this partial index
# is ordered like the report's finest cell (year, age group, sex, region) and holds the bit
# sets and the record key, so the count reads it alone, in order. (Each database's own
# spelling of the condition the report's query writes.)
NIK_CASES = "nik_index IS NOT NULL"
PLAIN_CASES_PG, PLAIN_CASES_SQLITE = "NOT victim_shared", "victim_shared = 0"
PLAIN_CELLS_INDEX = "ix_victim_case_plain_cells"
# The cases whose victim key another case has too (``victim_shared``): few, the only ones
# statistics de-duplicate; this partial index finds them by region without reading the rest.
# (Each database's own spelling of the condition the statistics query writes.)
SHARED_CASES_PG, SHARED_CASES_SQLITE = "victim_shared", "victim_shared = 1"


class Case(Base):
    """One victim's case as a centre records it, keyed by ``(service_centre, external_ref)``."""

    __tablename__ = "victim_case"
    __table_args__ = (
        UniqueConstraint("service_centre_id", "external_ref"),
        Index("ix_victim_case_region_year", "registered_region_code", "identified_year"),
        # A regency's cases in id order: a page of its case list reads a page of this index.
        Index("ix_victim_case_region_id", "registered_region_code", "id"),
        # A centre's cases in id order: the same, for a centre's own list.
        Index("ix_victim_case_centre_id", "service_centre_id", "id"),
        # Likely duplicates: the same NIK in the same year. Partial, so that it holds no NULLs
        # and a query of the cases without a NIK never mistakes it for a way in.
        Index(
            "ix_victim_case_nik",
            "nik_index",
            "identified_year",
            postgresql_where=text(NIK_CASES),
            sqlite_where=text(NIK_CASES),
        ),
        Index(
            PLAIN_CELLS_INDEX,
            "incident_basis_year",
            "age_group",
            "sex",
            "registered_region_code",
            "exploitation_mask",
            "service_mask",
            "record_key",
            postgresql_where=text(PLAIN_CASES_PG),
            sqlite_where=text(PLAIN_CASES_SQLITE),
        ),
        Index(
            "ix_victim_case_shared",
            "registered_region_code",
            "identified_year",
            "victim_key",
            postgresql_where=text(SHARED_CASES_PG),
            sqlite_where=text(SHARED_CASES_SQLITE),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    service_centre_id: Mapped[int] = mapped_column(ForeignKey("service_centre.id"))
    external_ref: Mapped[str] = mapped_column(String(100))
    registered_region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))
    origin_region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"))
    destination_region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"))
    destination_country: Mapped[str | None] = mapped_column(String(2))
    identified_on: Mapped[date] = mapped_column()
    identified_year: Mapped[int] = mapped_column()
    identified_month: Mapped[str] = mapped_column(String(7))  # "2024-03", for exports
    # When the trafficking took place (Table 1 "Tahun Kejadian"), where the centre knows it:
    # the day, or the year alone. ``incident_year`` is the day's year when the day is known.
    incident_on: Mapped[date | None] = mapped_column()
    incident_year: Mapped[int | None] = mapped_column()
    # The year the case counts in on the incident basis: the incident year, or the
    # identification year where the incident year is unknown (Table 1 of the reports).
    incident_basis_year: Mapped[int] = mapped_column()
    sex: Mapped[Sex] = mapped_column(_enum(Sex, 8))
    age_at_identification: Mapped[int] = mapped_column()
    age_group: Mapped[AgeGroup] = mapped_column(_enum(AgeGroup, 8))
    nationality: Mapped[str] = mapped_column(String(2))
    legal_stage: Mapped[LegalStage] = mapped_column(_enum(LegalStage))
    status: Mapped[CaseStatus] = mapped_column(_enum(CaseStatus, 16))
    closure_reason: Mapped[str | None] = mapped_column(String(1000))
    exploitation_types: Mapped[list[str]] = mapped_column(JSONType)
    services: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    # The places the victim was moved through, in order, as sent: each a region of Indonesia
    # or a country (``victim_case_transit`` holds them by province and country, to count).
    transit: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    # The exploitation types and the services received as bit sets (``mask``), so that the
    # report counts them in the same scan as Table 1; the child rows below keep the detail.
    # HTCDS 2.0: the victim context as sent (``cases.schemas.VictimContext``; {} if none),
    # the perpetrators without their names and identifiers (those are sealed below, in the
    # same order), and the trafficking events (recruitment, transit, exploitation).
    victim_context: Mapped[dict[str, Any]] = mapped_column(
        JSONType, server_default=text("'{}'"), default=dict
    )
    perpetrators: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONType, server_default=text("'[]'"), default=list
    )
    events: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONType, server_default=text("'[]'"), default=list
    )
    # SIMFONI-PPA: the categories the case holds nowhere else, as sent
    # (``cases.schemas.Simfoni``; {} if none); the rest is derived (``cases.simfoni``).
    simfoni: Mapped[dict[str, Any]] = mapped_column(
        JSONType, server_default=text("'{}'"), default=dict
    )
    # Derived at each push: the age at exploitation where the date of birth and the date of
    # exploitation are known, and whether a minor then (``cases.htcds.Majority``).
    age_at_exploitation: Mapped[int | None] = mapped_column()
    majority_at_exploitation: Mapped[str | None] = mapped_column(String(8))
    exploitation_mask: Mapped[int] = mapped_column(Integer, server_default="0")
    service_mask: Mapped[int] = mapped_column(Integer, server_default="0")
    # The case's own data key (``kit.crypto.DataKey``) seals what ``personal_key_id``,
    # ``witnesses_key_id`` and ``perpetrators_key_id`` name "case": it is kept, wrapped by a
    # service key, in the key store (``db/keystore.py``), never in this database. An erasure
    # deletes it there (crypto-shredding); a rotation re-wraps it there. Cases sealed before
    # per-case keys name a service key instead, until ``gtpptppo keys rewrap``.
    # When the personal data was erased (a data subject's request, or retention): its keys
    # and ciphertexts deleted, the de-identified record kept for the counts.
    erased_at: Mapped[datetime | None] = mapped_column()
    # When its processing was restricted (a data subject's request): kept, used for nothing
    # but storage and aggregate counts; ``None`` once lifted.
    restricted_at: Mapped[datetime | None] = mapped_column()
    personal_key_id: Mapped[str | None] = mapped_column(String(32))
    personal_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    # The witnesses (saksi), encrypted as the personal fields are, under their own
    # associated data (``cases.service._seal``); none: both null.
    witnesses_key_id: Mapped[str | None] = mapped_column(String(32))
    witnesses_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    # The perpetrators' names and identity numbers, sealed as the witnesses are.
    perpetrators_key_id: Mapped[str | None] = mapped_column(String(32))
    perpetrators_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    nik_index: Mapped[str | None] = mapped_column(String(64))
    victim_key: Mapped[str] = mapped_column(String(80))
    # Another case has the same ``victim_key`` (the same NIK in the same year): only these
    # need de-duplicating when victims are counted; the others are a victim each. Set when a
    # push makes a key shared (under a lock per key, see ``cases.service``); it may stay set
    # after the other case changes its NIK, which keeps the counts exact (such a case is then
    # counted by its key, once).
    victim_shared: Mapped[bool] = mapped_column(Boolean, server_default=false(), default=False)
    # Drawn at random when the case is first stored, kept for life: the case's share of the
    # cell keys of cell key perturbation (``disclosure``); below ``RECORD_KEY_SPACE``.
    record_key: Mapped[int] = mapped_column(Integer, server_default="0")
    content_mac: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class _Cell:
    """Cases per finest cell of the victim statistics (Table 1: region, year, age group, sex).

    Kept by every write of cases, in its transaction (``cases.cells``), so that statistics
    read cells, not every case of their scope. ``single``: the cell's cases that are a victim
    of their own (``victim_shared`` false); the shared ones are de-duplicated apart.
    """

    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    age_group: Mapped[AgeGroup] = mapped_column(_enum(AgeGroup, 8), primary_key=True)
    sex: Mapped[Sex] = mapped_column(_enum(Sex, 8), primary_key=True)
    records: Mapped[int] = mapped_column(Integer)
    single: Mapped[int] = mapped_column(Integer)
    # the sum of the record keys of the ``single`` cases (the cell key, before the modulo)
    single_key: Mapped[int] = mapped_column(BigInteger, server_default="0")


class CaseCell(_Cell, Base):
    """The cells by the year of identification (``identified_year``)."""

    __tablename__ = "victim_case_cell"


class IncidentCell(_Cell, Base):
    """The cells by the year of the incident (``incident_basis_year``: Tahun Kejadian, or
    the identification year where it is unknown)."""

    __tablename__ = "victim_case_incident_cell"


class CaseExploitation(Base):
    """One exploitation type of a case: a row each, so statistics group by it in SQL."""

    __tablename__ = "victim_case_exploitation"

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("victim_case.id", ondelete="CASCADE"), primary_key=True
    )
    exploitation_type: Mapped[ExploitationType] = mapped_column(
        _enum(ExploitationType), primary_key=True
    )


class TransitKind(enum.StrEnum):
    region = "region"  # a province of Indonesia the victim was moved through
    country = "country"  # a country (``ID`` for a point inside Indonesia)


class CaseTransit(Base):
    """A place a case's victim was moved through, as statistics count it (route mapping,
    Permen PPPA 10/2012 §2.x.4 c 6): its province and its country, once each per case."""

    __tablename__ = "victim_case_transit"

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("victim_case.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[TransitKind] = mapped_column(_enum(TransitKind, 8), primary_key=True)
    value: Mapped[str] = mapped_column(String(8), primary_key=True)


class AttributeKind(enum.StrEnum):
    """The HTCDS 2.0 details of a case that statistics count (``victim_case_attribute``)."""

    control_method = "control_method"  # cara pengendalian (vic_MethodsOfControl)
    recruitment_method = "recruitment_method"  # cara perekrutan (vic_MethodOfRecruitment)
    # hubungan pelaku dengan korban: of each perpetrator, and the victim context's
    perpetrator_relationship = "perpetrator_relationship"
    sector = "sector"  # sektor kerja paksa, ISIC Rev. 4 (vic_ForcedLabourIndustry)


class CaseAttribute(Base):
    """One value of a case's counted HTCDS 2.0 details, a row each (as ``CaseTransit``), so
    that statistics group by them in SQL; each value once per case."""

    __tablename__ = "victim_case_attribute"

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("victim_case.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[AttributeKind] = mapped_column(_enum(AttributeKind), primary_key=True)
    value: Mapped[str] = mapped_column(String(64), primary_key=True)


class CaseService(Base):
    """One service received, with its dates (5.1.2)."""

    __tablename__ = "victim_case_service"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("victim_case.id", ondelete="CASCADE"), index=True
    )
    service_type: Mapped[ServiceType] = mapped_column(_enum(ServiceType))
    started_on: Mapped[date] = mapped_column()
    ended_on: Mapped[date | None] = mapped_column()


class VictimLink(Base):
    """Two case records a secretariat found to be one victim (Permen PPPA 10/2012 §2.1.4 C,
    §2.2.4 d, §2.3.4 (7): the secretariat as the clearing house of victim data).

    A link joins the two cases' victims as the push keys them (``natural``: the NIK and
    identification year, or the case alone), so a later case of the same NIK and year joins
    the linked victim too. Reversible: an unlink keeps the row, with who and why.
    """

    __tablename__ = "victim_link"
    __table_args__ = (Index("ix_victim_link_keys", "case_key", "other_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("victim_case.id", ondelete="CASCADE"))
    other_case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("victim_case.id", ondelete="CASCADE")
    )
    # the cases' natural victim keys when linked (never shown: they hold the NIK's index)
    case_key: Mapped[str] = mapped_column(String(80))
    other_key: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(String(500))
    linked_by: Mapped[str] = mapped_column(String(200))
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)
    unlinked_by: Mapped[str | None] = mapped_column(String(200))
    unlinked_at: Mapped[datetime | None] = mapped_column()
    unlink_reason: Mapped[str | None] = mapped_column(String(500))


class VictimKeyAlias(Base):
    """A natural victim key that links made part of a larger victim: its cases are counted
    under ``victim_key`` (``link:...``), which every case of the linked victim carries."""

    __tablename__ = "victim_key_alias"

    natural_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    victim_key: Mapped[str] = mapped_column(String(80), index=True)


class IdempotencyRecord(Base):
    """The first answer to a request sent with an ``Idempotency-Key``, replayed on retries."""

    __tablename__ = "idempotency_record"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column()
    response: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
