"""Rules of the regulation on task-force structure, kept in one place.

Every function cites the section of Permen PPPA 10/2012 it implements.
"""

from __future__ import annotations

from gtpptppo_api.regions.models import RegionKind, RegionLevel
from gtpptppo_api.task_forces.models import DecreeAuthority, SubTaskForceKind

SUB_TASK_FORCE_NAMES: dict[SubTaskForceKind, str] = {
    SubTaskForceKind.prevention_child_participation: "Sub GT Pencegahan dan Partisipasi Anak",
    SubTaskForceKind.health_rehabilitation: "Sub GT Rehabilitasi Kesehatan",
    SubTaskForceKind.social_rehabilitation_repatriation_reintegration: (
        "Sub GT Rehabilitasi Sosial, Pemulangan dan Reintegrasi"
    ),
    SubTaskForceKind.legal_norm_development: "Sub GT Pengembangan Norma Hukum",
    SubTaskForceKind.law_enforcement: "Sub GT Penegakan Hukum",
    SubTaskForceKind.cooperation_coordination: "Sub GT Kerjasama dan Koordinasi",
}
MERGED_LEGAL_NAME = "Sub GT Pengembangan Norma Hukum dan Penegakan Hukum"

# Coordinating agencies (penanggung jawab) named by 2.2.1 and 2.3.1 for the regions; the
# national ones follow the ministries of Perpres 69/2008, and the national Sub GT Kerjasama
# dan Koordinasi is coordinated by a deputy of the Coordinating Ministry for People's Welfare
# (2.1.4 c 6). Callers may name others.
_REGIONAL_AGENCIES: dict[SubTaskForceKind, str] = {
    SubTaskForceKind.prevention_child_participation: "SKPD Pendidikan",
    SubTaskForceKind.health_rehabilitation: "SKPD Kesehatan",
    SubTaskForceKind.social_rehabilitation_repatriation_reintegration: "SKPD Sosial",
    SubTaskForceKind.legal_norm_development: "Biro/Bagian Hukum Sekretariat Daerah",
    SubTaskForceKind.law_enforcement: "Kepolisian",
    SubTaskForceKind.cooperation_coordination: "Biro/Bagian Kerjasama Sekretariat Daerah",
}
_NATIONAL_AGENCIES: dict[SubTaskForceKind, str] = {
    SubTaskForceKind.prevention_child_participation: "Kementerian Pendidikan dan Kebudayaan",
    SubTaskForceKind.health_rehabilitation: "Kementerian Kesehatan",
    SubTaskForceKind.social_rehabilitation_repatriation_reintegration: "Kementerian Sosial",
    SubTaskForceKind.legal_norm_development: "Kementerian Hukum dan HAM",
    SubTaskForceKind.law_enforcement: "Kepolisian Negara Republik Indonesia",
    SubTaskForceKind.cooperation_coordination: (
        "Deputi Pemberdayaan Perempuan dan Kesejahteraan Anak, "
        "Kementerian Koordinator Kesejahteraan Rakyat"
    ),
}


def default_coordinating_agency(level: RegionLevel, kind: SubTaskForceKind) -> str:
    return (_NATIONAL_AGENCIES if level is RegionLevel.national else _REGIONAL_AGENCIES)[kind]


# Chair and daily chair positions (2.1.1, 2.2.1 a-b, 2.3.1 a-b).
DEFAULT_POSITIONS: dict[RegionLevel, tuple[str, str, str]] = {
    RegionLevel.national: (
        "Menteri Koordinator Bidang Kesejahteraan Rakyat",
        "Menteri Negara Pemberdayaan Perempuan dan Perlindungan Anak",
        "Kementerian Pemberdayaan Perempuan dan Perlindungan Anak",
    ),
    RegionLevel.province: (
        "Wakil Gubernur atau Sekretaris Daerah Provinsi",
        "Kepala SKPD Pemberdayaan Perempuan dan Perlindungan Anak Provinsi",
        "Badan Pemberdayaan Perempuan dan Perlindungan Anak/KB Provinsi",
    ),
    RegionLevel.regency: (
        "Wakil Bupati/Wakil Walikota atau Sekretaris Daerah Kabupaten/Kota",
        "Kepala SKPD Pemberdayaan Perempuan dan Perlindungan Anak Kabupaten/Kota",
        "Badan Pemberdayaan Perempuan dan Perlindungan Anak/KB Kabupaten/Kota",
    ),
}

AUTHORITY_RULE = {
    RegionLevel.national: "2.1.5",
    RegionLevel.province: "2.2.5",
    RegionLevel.regency: "2.3.5",
}


def head_authority(level: RegionLevel, kind: RegionKind) -> DecreeAuthority:
    """The head of government who forms the task force and appoints its members."""
    if level is RegionLevel.national:
        return DecreeAuthority.president  # 2.1.5 a
    if level is RegionLevel.province:
        return DecreeAuthority.governor  # 2.2.5
    return DecreeAuthority.walikota if kind is RegionKind.kota else DecreeAuthority.bupati  # 2.3.5


def decree_authorities(
    level: RegionLevel,
    kind: RegionKind,
    *,
    sub_task_force_membership: bool = False,
    secretariat: bool = False,
) -> frozenset[DecreeAuthority]:
    """Who may issue a decree forming a task force or appointing/dismissing its members.

    - The task force and its members: the President (2.1.5 a), the Governor (2.2.5 1), the
      Bupati, or for a city the Walikota (2.3.5 1).
    - National members grouped into sub-task-forces: also the Minister PP-PA as daily chair
      (2.1.5 b).
    - The secretariat: the Minister PP-PA nationally (2.1.5 c); in the regions the head of
      the women-empowerment and child-protection agency (2.2.5 2, 2.3.5 2).
    """
    if secretariat:
        if level is RegionLevel.national:
            return frozenset({DecreeAuthority.minister})
        return frozenset({DecreeAuthority.agency_head})
    head = head_authority(level, kind)
    if level is RegionLevel.national and sub_task_force_membership:
        return frozenset({head, DecreeAuthority.minister})
    return frozenset({head})


def level_authorities(level: RegionLevel, kind: RegionKind) -> frozenset[DecreeAuthority]:
    """Every authority that may issue some decree of a task force at this level."""
    return decree_authorities(level, kind, sub_task_force_membership=True) | decree_authorities(
        level, kind, secretariat=True
    )
