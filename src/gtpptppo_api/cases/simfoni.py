"""The categories of SIMFONI-PPA (Sistem Informasi Online Perlindungan Perempuan dan Anak,
the ministry's case register), so that a centre enters a case once and exports it there.

The API keeps English snake_case names; ``LABELS`` gives each member's Indonesian label, as
SIMFONI-PPA shows it (the SIMFONI export, ``exports.simfoni``, writes the labels). What the
case already holds gives a category where it can (``derive``): the age band from the age at
identification, the forms of violence from the exploitation types and the means of
control, the perpetrator's relationship from the HTCDS relationship where it maps, the
perpetrators' sex. What it cannot give (education, occupation, place of incident, the forms
of violence the case has no field for) the case's optional ``simfoni`` object holds.
"""

from __future__ import annotations

import enum
from typing import Any

from gtpptppo_api.cases.models import ExploitationType, Sex

# enum class -> {the API's value: SIMFONI-PPA's label}
LABELS: dict[type[enum.Enum], dict[str, str]] = {}


def label(value: str, cls: type[enum.Enum]) -> str:
    """The Indonesian label of a stored value of ``cls``."""
    return LABELS[cls][value]


def described(cls: type[enum.Enum]) -> str:
    """The members and their labels, for the OpenAPI document."""
    return "; ".join(f"`{value}`: {text}" for value, text in LABELS[cls].items())


class ViolenceForm(enum.StrEnum):
    """A form of violence (bentuk kekerasan)."""

    physical = "physical"
    psychological = "psychological"
    sexual = "sexual"
    exploitation = "exploitation"
    trafficking = "trafficking"
    neglect = "neglect"
    other = "other"


LABELS[ViolenceForm] = {
    "physical": "Fisik",
    "psychological": "Psikis",
    "sexual": "Seksual",
    "exploitation": "Eksploitasi",
    "trafficking": "Trafficking",
    "neglect": "Penelantaran",
    "other": "Lainnya",
}


class IncidentPlace(enum.StrEnum):
    """Where the violence took place (tempat kejadian)."""

    household = "household"
    workplace = "workplace"
    school = "school"
    public_facility = "public_facility"
    short_course_institution = "short_course_institution"
    other = "other"


LABELS[IncidentPlace] = {
    "household": "Rumah Tangga",
    "workplace": "Tempat Kerja",
    "school": "Sekolah",
    "public_facility": "Fasilitas Umum",
    "short_course_institution": "Lembaga Pendidikan Kilat",
    "other": "Lainnya",
}


class PerpetratorRelationship(enum.StrEnum):
    """The perpetrator's relationship to the victim (hubungan pelaku dengan korban)."""

    parent = "parent"
    family = "family"
    spouse = "spouse"
    partner_or_friend = "partner_or_friend"
    teacher = "teacher"
    employer = "employer"
    coworker = "coworker"
    neighbour = "neighbour"
    other = "other"


LABELS[PerpetratorRelationship] = {
    "parent": "Orang Tua",
    "family": "Keluarga/Saudara",
    "spouse": "Suami/Istri",
    "partner_or_friend": "Pacar/Teman",
    "teacher": "Guru",
    "employer": "Majikan",
    "coworker": "Rekan Kerja",
    "neighbour": "Tetangga",
    "other": "Lainnya",
}


class Education(enum.StrEnum):
    """The victim's education (pendidikan korban): the highest level reached."""

    not_yet_in_school = "not_yet_in_school"
    no_schooling = "no_schooling"
    primary = "primary"
    junior_secondary = "junior_secondary"
    senior_secondary = "senior_secondary"
    higher_education = "higher_education"


LABELS[Education] = {
    "not_yet_in_school": "Belum Sekolah",
    "no_schooling": "Tidak Sekolah",
    "primary": "SD/Sederajat",
    "junior_secondary": "SMP/Sederajat",
    "senior_secondary": "SMA/Sederajat",
    "higher_education": "Perguruan Tinggi",
}


class Occupation(enum.StrEnum):
    """The victim's occupation (pekerjaan korban)."""

    not_working = "not_working"
    student = "student"
    homemaker = "homemaker"
    civil_servant = "civil_servant"
    private_employee = "private_employee"
    self_employed = "self_employed"
    labourer = "labourer"
    farmer_or_fisher = "farmer_or_fisher"
    domestic_worker = "domestic_worker"
    migrant_worker = "migrant_worker"
    other = "other"


LABELS[Occupation] = {
    "not_working": "Tidak Bekerja",
    "student": "Pelajar/Mahasiswa",
    "homemaker": "Ibu Rumah Tangga",
    "civil_servant": "PNS/TNI/Polri",
    "private_employee": "Karyawan Swasta",
    "self_employed": "Wiraswasta",
    "labourer": "Buruh",
    "farmer_or_fisher": "Petani/Nelayan",
    "domestic_worker": "Pekerja Rumah Tangga",
    "migrant_worker": "Pekerja Migran",
    "other": "Lainnya",
}

# SIMFONI-PPA's age bands (kelompok umur): (the band, its first and last age).
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0-5", 0, 5),
    ("6-12", 6, 12),
    ("13-17", 13, 17),
    ("18-24", 18, 24),
    ("25-44", 25, 44),
    ("45-59", 45, 59),
    ("60+", 60, None),
)
LABELS[Sex] = {"female": "Perempuan", "male": "Laki-laki", "unknown": "Tidak Diketahui"}

# Every case here is one of trafficking (TPPO); each exploitation type is exploitation, and
# sexual exploitation is sexual violence too.
_FROM_EXPLOITATION: dict[str, tuple[ViolenceForm, ...]] = {
    t.value: (ViolenceForm.exploitation,) for t in ExploitationType
} | {ExploitationType.sexual_exploitation.value: (ViolenceForm.exploitation, ViolenceForm.sexual)}
# HTCDS 2.0 means of control that are themselves violence of a SIMFONI form.
_FROM_CONTROL = {
    "physical_abuse": ViolenceForm.physical,
    "physical_threats": ViolenceForm.psychological,
    "psychological_abuse": ViolenceForm.psychological,
    "sexual_abuse": ViolenceForm.sexual,
    "withholds_necessities": ViolenceForm.neglect,
    "restricts_medical_care": ViolenceForm.neglect,
}
# HTCDS 2.0 relationship to the trafficker, where SIMFONI has one category for it: a
# family member is Keluarga/Saudara, a stranger none of the named relations (Lainnya); an
# acquaintance could be any of several, so gives none.
_FROM_RELATIONSHIP = {
    "familial": PerpetratorRelationship.family,
    "unacquainted": PerpetratorRelationship.other,
}


def age_band(age: int) -> str:
    """SIMFONI-PPA's age band of an age."""
    for band, first, last in AGE_BANDS:
        if age >= first and (last is None or age <= last):
            return band
    raise ValueError(f"no age band for {age}")


def violence_forms(
    exploitation_types: list[str], context: dict[str, Any], given: list[str]
) -> list[str]:
    """The forms of violence: trafficking, those the exploitation types and means of control
    give, and those the case's ``simfoni`` adds; each once, in SIMFONI's order."""
    forms = {ViolenceForm.trafficking.value, *given}
    for kind in exploitation_types:
        forms.update(_FROM_EXPLOITATION[kind])
    for method in context.get("control_methods") or []:
        if method in _FROM_CONTROL:
            forms.add(_FROM_CONTROL[method])
    return [f.value for f in ViolenceForm if f.value in forms]


def relationships(
    context: dict[str, Any], perpetrators: list[dict[str, Any]], given: list[str]
) -> list[str]:
    """The perpetrators' relationships to the victim: as the case's ``simfoni`` gives them,
    else from the HTCDS relationships that map; each once, in SIMFONI's order."""
    if given:
        found = set(given)
    else:
        htcds = [p.get("relationship_to_victim") for p in perpetrators]
        htcds.append(context.get("relationship_to_trafficker"))
        found = {_FROM_RELATIONSHIP[r].value for r in htcds if r in _FROM_RELATIONSHIP}
    return [r.value for r in PerpetratorRelationship if r.value in found]


def perpetrator_sexes(perpetrators: list[dict[str, Any]]) -> list[str]:
    """The perpetrators' sexes, each once, in ``Sex``'s order."""
    found = {p.get("sex") for p in perpetrators}
    return [s.value for s in Sex if s.value in found]
