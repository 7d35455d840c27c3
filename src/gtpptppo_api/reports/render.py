"""Rendering of a task force's report, Laporan tahunan / lima tahunan (Permen PPPA
10/2012 §3.3.3, Lampiran V).

:func:`render` turns a report document (the stored figures of one report version, with the
report's identity and its transitions; see :func:`render`) into HTML, PDF, JSON or CSV. The
HTML and PDF are in Indonesian: the victims in the layout of Table 1 of Permen PPPA 10/2012
(year x adult/child x female/male; a victim counted once) with an SVG bar chart, then by
region, service and exploitation type; the sub-task-force narratives; the completeness of
the reports received from the level below and the reconciliation of their totals; every
other section of the
figures rendered generically (in a five-year report, one table per section with a column per
year, see :func:`yearly_rows`); and the history of the report on the chain of Lampiran V.

Rendering is synchronous CPU work (the PDF takes a fraction of a second to a second or two);
callers on the event loop run it in a thread. The document holds no personal field and this
module adds none.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from gtpptppo_api.kit.indonesian import decimal, number, percent, when
from gtpptppo_api.kit.pdf import html_to_pdf
from gtpptppo_api.kit.templates import environment

Format = Literal["html", "pdf", "json", "csv"]

MEDIA_TYPES: dict[str, str] = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
}

CSV_COLUMNS = (
    "table",
    "year",
    "age_group",
    "sex",
    "region_code",
    "service",
    "exploitation_type",
    "count",
)

UNKNOWN = "Tidak diketahui"

LABELS: dict[str, dict[str, str]] = {
    "kind": {"annual": "Laporan Tahunan", "five_year": "Laporan Lima Tahunan"},
    "age_group": {"adult": "Dewasa", "child": "Anak"},
    "sex": {"female": "Perempuan", "male": "Laki-laki"},
    "service": {
        "complaint": "Pengaduan",
        "health_rehabilitation": "Rehabilitasi kesehatan",
        "social_rehabilitation": "Rehabilitasi sosial",
        "legal_aid": "Bantuan hukum",
        "repatriation": "Pemulangan",
        "reintegration": "Reintegrasi",
    },
    "exploitation_type": {
        "forced_labour": "Kerja paksa",
        "sexual_exploitation": "Eksploitasi seksual",
        "domestic_servitude": "Perbudakan rumah tangga",
        "forced_marriage": "Kawin paksa / pengantin pesanan",
        "organ_removal": "Pengambilan organ",
        "forced_criminality": "Dipaksa melakukan kejahatan",
        "other": "Lainnya",
    },
    "legal_stage": {
        "none": "Belum ada proses hukum",
        "police_report": "Laporan polisi",
        "investigation": "Penyidikan",
        "prosecution": "Penuntutan",
        "verdict": "Putusan",
        "restitution": "Restitusi",
    },
    "sub_task_force": {
        "prevention_child_participation": "Pencegahan dan Partisipasi Anak",
        "health_rehabilitation": "Rehabilitasi Kesehatan",
        "social_rehabilitation_repatriation_reintegration": (
            "Rehabilitasi Sosial, Pemulangan dan Reintegrasi"
        ),
        "legal_norm_development": "Pengembangan Norma Hukum",
        "law_enforcement": "Penegakan Hukum",
        "cooperation_coordination": "Kerjasama dan Koordinasi",
    },
    "state": {
        "draft": "Draf",
        "submitted": "Disampaikan kepada Ketua Harian",
        "discussed": "Dibahas dalam rapat pleno",
        "consolidated": "Dikonsolidasikan oleh Ketua Harian",
        "forwarded": "Disampaikan ke tingkat di atasnya",
        "received": "Diterima tingkat di atasnya",
        "returned": "Dikembalikan untuk perbaikan",
    },
    "action": {
        "submit": "Menyampaikan kepada Ketua Harian",
        "discuss": "Membahas dalam rapat pleno",
        "consolidate": "Mengkonsolidasikan",
        "forward": "Menyampaikan ke tingkat di atasnya",
        "receive": "Menerima",
        "return": "Mengembalikan untuk perbaikan",
        "comment": "Komentar",
        "head_receive": "Diterima kepala daerah (Gubernur, Bupati/Walikota)",
        "head_forward": "Dilaporkan kepala daerah ke tingkat di atasnya",
    },
    "level": {"national": "Pusat", "province": "Provinsi", "regency": "Kabupaten/Kota"},
    "role": {
        "national_admin": "Admin nasional",
        "task_force_admin": "Admin gugus tugas",
        "reporter": "Pelapor",
        "service_centre": "Pusat pelayanan terpadu",
        "analyst": "Analis",
    },
    "completeness": {
        "in": "Sudah masuk",
        "missing": "Belum masuk",
        "no_task_force": "Belum ada gugus tugas",
    },
    # Enum values of the other domains' report sections (their models name the regulation's items).
    "section_value": {
        "mou": "Nota Kesepahaman (MoU)",
        "joint_agreement": "Kesepakatan Bersama",
        "cooperation_contract": "Perjanjian Kerjasama",
        "task_force": "Gugus Tugas PP-TPPO",
        "ministry_agency": "Kementerian/Lembaga",
        "company": "Swasta/BUMN/BUMD",
        "ngo": "Organisasi non-pemerintah",
        "international_organisation": "Organisasi internasional",
        "foreign_government": "Pemerintah negara lain",
        "advocacy": "Advokasi",
        "coordination": "Koordinasi",
        "complaint_handling": "Penanganan pengaduan",
        "information_exchange": "Pertukaran informasi",
        "temporary_protection": "Perlindungan sementara",
        "health_recovery": "Pelayanan pemulihan kesehatan",
        "psychological_recovery_social_rehabilitation": (
            "Pemulihan psikologis dan rehabilitasi sosial"
        ),
        "financing": "Pembiayaan",
        "reporting": "Pelaporan",
        "training": "Pelatihan",
        "workshop_seminar": "Workshop dan seminar",
        "internship": "Magang",
        "socialisation": "Sosialisasi",
        "interactive_dialogue": "Dialog interaktif",
        "human_rights": "Prinsip-prinsip hak asasi manusia",
        "gender_child_rights": "Sensitivitas gender dan hak anak",
        "legal_framework": "Peraturan perundang-undangan",
        "task_force_roles": "Peran gugus tugas",
        "spm_sop_integrated_services": "SPM dan SOP pelayanan terpadu",
        "recording_reporting": "Pencatatan dan pelaporan",
        "victim_accompaniment": "Pendampingan saksi/korban",
        "government": "Pemerintah",
        "task_force_member": "Anggota gugus tugas",
        "secretariat_head": "Ketua sekretariat",
        "secretariat_officer": "Petugas sekretariat",
        "administrative_staff": "Staf administrasi",
        "finance_staff": "Staf keuangan",
        "household_staff": "Staf rumah tangga",
        "security_staff": "Staf keamanan",
        "centre_manager": "Manajemen PPT",
        "social_worker": "Pekerja sosial/pendamping",
        "counsellor": "Konselor",
        "health_worker": "Tenaga medis dan paramedis",
        "interpreter": "Penerjemah",
        "secretariat": "Sekretariat GT-PPTPPO",
        "service_centre": "Pusat Pelayanan Terpadu (PPT)",
        "present": "Ada",
        "partial": "Sebagian",
        "missing": "Tidak ada",
        "plenary": "Pleno",
        "sub_task_force": "Sub GT-PPTPPO",
        "special": "Khusus",
        "planning": "Perencanaan",
        "case_conference": "Gelar kasus",
        "problem_solving": "Pemecahan masalah",
        "open": "Belum selesai",
        "done": "Selesai",
        "monitoring": "Pemantauan",
        "evaluation": "Evaluasi",
        "policy": "Kebijakan",
        "institution": "Kelembagaan",
        "action_plan": "Rencana Aksi",
        "victim_recording_reporting": "Pencatatan dan pelaporan korban",
        "case_handling": "Penanganan kasus oleh PPT",
        "facilities": "Sarana dan prasarana",
        "adopted": "Ditetapkan",
        "closed": "Selesai",
        "apbn": "APBN",
        "apbd": "APBD",
        "social_disaster_fund": "Dana bencana sosial",
        "csr": "Tanggung jawab sosial perusahaan (CSR)",
        "national_donor": "Lembaga donor nasional",
        "international_donor": "Lembaga donor internasional",
        "sub_task_forces": "Rapat tiap Sub GT-PPTPPO",
        "annual_report": "Laporan tahunan disampaikan",
        "head_of_region": "Pemantauan oleh kepala daerah (Gubernur, Bupati/Walikota)",
        "met": "Terpenuhi",
        "missed": "Tidak terpenuhi",
        "due": "Dalam tenggat waktu",
    },
    "section": {
        "action_plans": "Rencana Aksi",
        "meetings": "Koordinasi dan Pemantauan",
        "agreements": "Kerjasama",
        "capacity": "Peningkatan Kapasitas",
        "facilities": "Sarana dan Prasarana",
    },
}

# Enum values met inside the generic sections (as keys or values), whatever their table.
VALUE_LABELS: dict[str, str] = {
    value: label
    for table in (
        "section_value",
        "age_group",
        "sex",
        "service",
        "exploitation_type",
        "sub_task_force",
        "level",
        "legal_stage",
    )
    for value, label in LABELS[table].items()
}

# Keys met in the sections (each domain's ``report_section``); others are shown humanised.
KEY_LABELS: dict[str, str] = {
    "task_force_id": "ID gugus tugas",
    "region_code": "Kode wilayah",
    "region_name": "Wilayah",
    "year": "Tahun",
    "from_year": "Dari tahun",
    "to_year": "Sampai tahun",
    "start_year": "Tahun mulai",
    "end_year": "Tahun selesai",
    "first_year": "Tahun pertama",
    "last_year": "Tahun terakhir",
    "total": "Jumlah",
    "count": "Jumlah",
    "kind": "Jenis",
    "name": "Nama",
    "title": "Judul",
    "state": "Status",
    "status": "Status",
    "sex": "Jenis kelamin",
    "role": "Peran",
    "by_kind": "Menurut jenis",
    "by_topic": "Menurut topik",
    "by_sex": "Menurut jenis kelamin",
    "by_scope": "Menurut ruang lingkup kerjasama",
    "by_party_kind": "Menurut jenis pihak",
    "in_force": "Berlaku",
    "signed": "Ditandatangani",
    "ending": "Berakhir",
    "international": "Internasional",
    "activities": "Kegiatan",
    "activity": "Kegiatan",
    "activity_id": "ID kegiatan",
    "action_plan_id": "ID rencana aksi",
    "indicator_id": "ID indikator",
    "unit": "Satuan",
    "baseline": "Data dasar",
    "target": "Target",
    "achieved": "Tercapai",
    "participants": "Peserta",
    "participants_by_sex": "Peserta menurut jenis kelamin",
    "participants_by_role_and_sex": "Peserta menurut peran dan jenis kelamin",
    "inventories": "Inventaris",
    "assessed_in_year": "Dinilai pada tahun ini",
    "gaps": "Kekurangan",
    "item": "Butir",
    "owner_kind": "Pemilik",
    "missing": "Tidak ada",
    "partial": "Sebagian",
    "action_plans": "Rencana aksi",
    "action_plan": "Rencana aksi",
    "progress": "Kemajuan",
    "programs": "Program",
    "program": "Program",
    "letter": "Huruf",
    "indicators": "Indikator",
    "indicators_behind": "Indikator di bawah target",
    "lowest_achievement_bp": "Capaian terendah",
    "achievement_bp": "Capaian",
    "absorption_bp": "Penyerapan",
    "absorption_by_source": "Penyerapan anggaran menurut sumber",
    "activities_behind_target": "Kegiatan di bawah target",
    "budget": "Anggaran",
    "source": "Sumber dana",
    "planned": "Direncanakan (Rp)",
    "realised": "Terealisasi (Rp)",
    "planned_amount": "Direncanakan (Rp)",
    "meetings": "Rapat",
    "held": "Diselenggarakan",
    "follow_up_actions": "Tindak lanjut",
    "done": "Selesai",
    "open_past_due": "Belum selesai melewati tenggat",
    "monitoring": "Pemantauan dan evaluasi",
    "made": "Dilakukan",
    "received": "Diterima",
    "checklist": "Daftar periksa",
    "area": "Bidang",
    "scored": "Dinilai",
    "mean_score": "Nilai rata-rata",
    "subject_kind": "Jenis subjek",
    "compliance": "Kepatuhan",
    "subtree_compliance": "Kepatuhan wilayah di bawahnya",
    "rules": "Ketentuan",
    "rule": "Ketentuan",
    "period": "Periode",
    "start": "Mulai",
    "end": "Sampai",
    "complete": "Tahun penuh",
    "met_all": "Semua ketentuan terpenuhi",
    "met": "Terpenuhi",
    "section": "Dasar (Permen PPPA 10/2012)",
    "description": "Uraian",
    "dates": "Tanggal",
    "missed_windows": "Jangka waktu tanpa kegiatan",
    "sub_task_forces": "Sub gugus tugas",
    "share": "Proporsi",
    "level": "Tingkat",
    "routes": "Penegakan hukum dan rute perdagangan orang",
    "by_legal_stage": "Menurut tahap proses hukum",
    "legal_stage": "Tahap proses hukum",
    "by_origin_region": "Menurut provinsi asal",
    "by_transit_region": "Menurut provinsi transit",
    "by_transit_country": "Menurut negara transit",
    "by_destination_region": "Menurut provinsi tujuan",
    "by_destination_country": "Menurut negara tujuan",
    "country": "Negara",
}


# Table 1 of the regulation, in its order: adult female, adult male, child female, child male.
TABLE_1_ROWS = (("adult", "female"), ("adult", "male"), ("child", "female"), ("child", "male"))
BAR_COLOURS = ("#1f4e79", "#7fa7d1", "#a0471b", "#f0a86a")
EXTRA_COLOUR = "#9a9a9a"


def label(value: Any, table: str) -> str:
    """The Indonesian label of an enum value from ``LABELS[table]`` (the value if unknown)."""
    if value is None:
        return UNKNOWN
    return LABELS[table].get(str(value), str(value))


def key_label(key: Any) -> str:
    """The heading of a key inside a generic section."""
    text = str(key)
    if text in KEY_LABELS:
        return KEY_LABELS[text]
    if text in VALUE_LABELS:
        return VALUE_LABELS[text]
    return text.replace("_", " ").capitalize()


def section_value(value: Any, key: Any = None) -> str:
    """A scalar of a generic section, formatted by what its key says it is.

    Ids and years stay plain (2011, not 2.011); ``*_bp`` values are basis points shown as a
    percentage; other integers get thousands dots; enum values get their Indonesian label.
    """
    name = "" if key is None else str(key)
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(value, int):
        if name == "id" or name.endswith(("_id", "year")):
            return str(value)
        if name.endswith("_bp"):
            return decimal(value / 100) + "%"
        return number(value)
    if isinstance(value, float):
        return decimal(value)
    text = str(value)
    return VALUE_LABELS.get(text, text)


def is_scalar(value: Any) -> bool:
    return not isinstance(value, Mapping | list | tuple)


def is_numeric(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_records(value: Any) -> bool:
    """A non-empty list of objects: rendered as a table."""
    return (
        isinstance(value, list | tuple)
        and bool(value)
        and all(isinstance(item, Mapping) for item in value)
    )


def scalar_items(value: Mapping[str, Any]) -> list[tuple[str, Any]]:
    return [(k, v) for k, v in value.items() if is_scalar(v)]


def nested_items(value: Mapping[str, Any]) -> list[tuple[str, Any]]:
    return [(k, v) for k, v in value.items() if not is_scalar(v)]


def columns(records: list[Mapping[str, Any]]) -> list[str]:
    """Every key of a list of objects, in the order first met."""
    return list(dict.fromkeys(key for record in records for key in record))


def sections(figures: Mapping[str, Any]) -> list[tuple[str, str, Any]]:
    """The generic sections as ``(key, heading, value)``: the five known ones always, in the
    order of the report (absent ones show as empty), then any other, by key."""
    given = figures.get("sections") or {}
    known = LABELS["section"]
    ordered = [(key, heading, given.get(key) or {}) for key, heading in known.items()]
    ordered += [(key, key_label(key), given[key]) for key in sorted(given) if key not in known]
    return ordered


# Fields that name the row of a list of objects (with any field holding an enum value but
# a status, which is a figure).
ROW_NAME_KEYS = frozenset({"rule", "name", "title", "item", "section"})
STATUS_KEYS = frozenset({"status", "state"})
# In a yearly table, a field left out of a record that has the other one: a rule's
# description beside its section of the regulation, its ``met`` beside its status.
YEARLY_OMITTED = {"description": "section", "met": "status"}
PATH_SEPARATOR = " › "
SECTION_IDENTITY = frozenset({"task_force_id", "region_code", "year"})


@dataclass(frozen=True)
class YearlyRow:
    """One figure of a five-year section, a cell per year; ``same`` when every year says the
    same text (shown once across the years)."""

    label: str
    cells: list[str]
    numeric: bool
    same: bool


def _row_name(record: Mapping[str, Any]) -> tuple[str, list[str]]:
    """The name of a record in a list (its enum values, name, title or section of the regulation)
    and the keys it takes, with those a yearly table leaves out (see ``YEARLY_OMITTED``)."""
    used = [
        key
        for key, value in record.items()
        if (isinstance(value, str) or value is None)
        and (key in ROW_NAME_KEYS or (value in VALUE_LABELS and key not in STATUS_KEYS))
    ]
    names = [section_value(record[key], key) for key in used if record[key] is not None]
    if "rule" in record and record["rule"] is None:
        names.insert(0, "Semua ketentuan")
    used += [key for key, other in YEARLY_OMITTED.items() if key in record and other in record]
    return " / ".join(names), used


def _inline(value: Any, key: Any) -> str:
    """A nested value written out as text, for one cell of a yearly table."""
    if is_scalar(value):
        return section_value(value, key)
    if isinstance(value, Mapping):
        return "; ".join(f"{key_label(k)}: {_inline(v, k)}" for k, v in value.items()) or "–"
    parts = [
        " ".join(_inline(v, k) for k, v in item.items())
        if isinstance(item, Mapping)
        else _inline(item, key)
        for item in value
    ]
    return ", ".join(parts) or "–"


def _leaves(value: Any, path: tuple[str, ...], key: Any) -> list[tuple[tuple[str, ...], str, bool]]:
    """The figures of one year's section as ``(path of labels, text, numeric)``: objects and
    lists of named objects are walked; other lists are written out in one cell."""
    if isinstance(value, Mapping):
        return [
            leaf
            for k, v in value.items()
            if k not in SECTION_IDENTITY
            for leaf in _leaves(v, (*path, key_label(k)), k)
        ]
    if is_records(value) and len(path) < 3:
        leaves = []
        for index, record in enumerate(value, start=1):
            name, used = _row_name(record)
            rest = {k: v for k, v in record.items() if k not in used}
            leaves += _leaves(rest, (*path, name or str(index)), key)
        return leaves
    if is_scalar(value):
        return [(path, section_value(value, key), is_numeric(value))]
    return [(path, _inline(value, key), False)]


def yearly_rows(by_year: Mapping[str, Any], years: list[str]) -> list[YearlyRow]:
    """A five-year section (one value per year) as one table: a row per figure, a column
    per year, "–" where a year lacks the figure. The section's identity (its task force,
    region and year, the report's own) is left out, and so are figures empty in every year."""
    cells: dict[tuple[str, ...], dict[str, str]] = {}
    numeric: dict[tuple[str, ...], bool] = {}
    for year in years:
        for path, text, is_number in _leaves(by_year.get(year), (), None):
            cells.setdefault(path, {})[year] = text
            numeric[path] = numeric.get(path, True) and is_number
    rows = []
    for path, by in cells.items():
        texts = [by.get(year, "–") for year in years]
        if all(text == "–" for text in texts):
            continue
        same = len(years) > 1 and not numeric[path] and len(set(texts)) == 1
        rows.append(YearlyRow(PATH_SEPARATOR.join(path), texts, numeric[path], same))
    return rows


def is_yearly(value: Any, years: list[Any]) -> bool:
    """A section of a five-year report: an object keyed by each year of the report."""
    keys = [str(year) for year in years]
    return len(keys) > 1 and isinstance(value, Mapping) and sorted(value) == sorted(keys)


@dataclass(frozen=True)
class VictimRow:
    age_group: str | None
    sex: str | None
    counts: list[int]


@dataclass(frozen=True)
class VictimsTable:
    """Table 1: one row per (age group, sex), one column per year, and the yearly totals."""

    years: list[int]
    rows: list[VictimRow]
    totals: list[int]

    @property
    def groups(self) -> list[tuple[str | None, list[VictimRow]]]:
        """The rows under each age group, in order (for the "Dewasa"/"Anak" row spans)."""
        groups: dict[str | None, list[VictimRow]] = {}
        for row in self.rows:
            groups.setdefault(row.age_group, []).append(row)
        return list(groups.items())


def victims_table(document: Mapping[str, Any]) -> VictimsTable:
    """Table 1 of the regulation from the victims' cells: 0 where a year has no cell.

    A cell outside the four rows of the regulation's table (an unknown age group or sex) gets
    a row of its own after them, so the total row always adds up the rows above it.
    """
    years = [int(year) for year in document["report"]["years"]]
    counts: dict[tuple[str | None, str | None], dict[int, int]] = {k: {} for k in TABLE_1_ROWS}
    extras: dict[tuple[str | None, str | None], dict[int, int]] = {}
    for cell in document["figures"]["victims"]["cells"]:
        key = (cell["age_group"], cell["sex"])
        row = counts[key] if key in counts else extras.setdefault(key, {})
        year = int(cell["year"])
        row[year] = row.get(year, 0) + int(cell["count"])
    for key in sorted(extras, key=lambda k: (str(k[0]), str(k[1]))):
        counts[key] = extras[key]
    rows = [
        VictimRow(age, sex, [by_year.get(year, 0) for year in years])
        for (age, sex), by_year in counts.items()
    ]
    totals = [sum(row.counts[i] for row in rows) for i in range(len(years))]
    return VictimsTable(years, rows, totals)


def _nice_step(top: int, ticks: int = 5) -> int:
    """A step of 1, 2 or 5 times a power of ten giving about ``ticks`` ticks up to ``top``."""
    raw = max(top, 1) / ticks
    if raw <= 1:
        return 1
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 5, 10):
        if multiple * magnitude >= raw:
            return int(multiple * magnitude)
    return int(10 * magnitude)  # pragma: no cover


def chart(table: VictimsTable) -> dict[str, Any]:
    """Geometry of the stacked bar chart of Table 1 (one bar per year), in SVG user units."""
    width, height = 680, 320
    left, right, top, bottom = 70, 190, 24, 56
    plot_w, plot_h = width - left - right, height - top - bottom
    biggest = max(table.totals, default=0)
    step = _nice_step(biggest)
    axis_top = max(step, math.ceil(biggest / step) * step)

    def y(value: float) -> float:
        return round(top + plot_h - value / axis_top * plot_h, 1)

    series = [
        {
            "label": f"{label(row.age_group, 'age_group')} {label(row.sex, 'sex')}",
            "colour": BAR_COLOURS[i] if i < len(BAR_COLOURS) else EXTRA_COLOUR,
        }
        for i, row in enumerate(table.rows)
    ]
    slot = plot_w / max(len(table.years), 1)
    bar_w = round(min(slot * 0.6, 64), 1)
    bars = []
    for i, year in enumerate(table.years):
        x = round(left + slot * i + (slot - bar_w) / 2, 1)
        base = 0
        segments = []
        for row, serie in zip(table.rows, series, strict=True):
            count = row.counts[i]
            if count:
                segments.append(
                    {
                        "x": x,
                        "y": y(base + count),
                        "height": round(y(base) - y(base + count), 1),
                        "colour": serie["colour"],
                        "title": f"{serie['label']} {year}: {number(count)}",
                    }
                )
            base += count
        bars.append(
            {
                "year": year,
                "x": x,
                "centre": round(x + bar_w / 2, 1),
                "total": number(table.totals[i]),
                "total_y": y(table.totals[i]) - 4,
                "segments": segments,
            }
        )
    ticks = [{"value": number(value), "y": y(value)} for value in range(0, axis_top + 1, step)]
    return {
        "width": width,
        "height": height,
        "left": left,
        "right_edge": left + plot_w,
        "top": top,
        "baseline": top + plot_h,
        "middle": top + plot_h / 2,
        "bar_width": bar_w,
        "bars": bars,
        "ticks": ticks,
        "series": series,
        "legend_x": left + plot_w + 20,
    }


ENVIRONMENT = environment(
    "gtpptppo_api.reports",
    filters={
        "label": label,
        "number": number,
        "percent": percent,
        "when": when,
        "key_label": key_label,
        "section_value": section_value,
        "scalar_items": scalar_items,
        "nested_items": nested_items,
        "columns": columns,
    },
    globals={"yearly_rows": yearly_rows, "is_yearly": is_yearly},
    tests={"scalar": is_scalar, "numeric": is_numeric, "records": is_records},
)


def render_html(document: Mapping[str, Any]) -> str:
    """The report as a standalone HTML page (inline CSS for A4 print, inline SVG, no scripts).

    A key the template needs that the document lacks raises ``jinja2.UndefinedError``
    (StrictUndefined); a victims cell lacking a key raises ``KeyError``.
    """
    table = victims_table(document)
    template = ENVIRONMENT.get_template("report.html.j2")
    return template.render(
        report=document["report"],
        figures=document["figures"],
        transitions=document["transitions"],
        table=table,
        chart=chart(table),
        sections=sections(document["figures"]),
    )


def render_csv(document: Mapping[str, Any]) -> str:
    """The victims' figures as one long table, ``CSV_COLUMNS``, empty where not applicable.

    ``table`` is ``victims`` (the Table 1 grid: every year of the report x the Table 1 rows,
    0 where there is no cell, so it sums to the yearly totals), ``by_region``, ``by_service``
    or ``by_exploitation_type``. Each table sums on its own: a victim who received several
    services or suffered several kinds of exploitation counts once under each.
    """
    victims = document["figures"]["victims"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, restval="")
    writer.writeheader()
    table = victims_table(document)
    for row in table.rows:
        for year, count in zip(table.years, row.counts, strict=True):
            writer.writerow(
                {
                    "table": "victims",
                    "year": year,
                    "age_group": row.age_group or "",
                    "sex": row.sex or "",
                    "count": count,
                }
            )
    for item in victims["by_region"]:
        writer.writerow(
            {"table": "by_region", "region_code": item["region_code"], "count": item["count"]}
        )
    for item in victims["by_service"]:
        writer.writerow(
            {"table": "by_service", "service": item["service"] or "", "count": item["count"]}
        )
    for item in victims["by_exploitation_type"]:
        writer.writerow(
            {
                "table": "by_exploitation_type",
                "exploitation_type": item["exploitation_type"] or "",
                "count": item["count"],
            }
        )
    return out.getvalue()


def render_pdf(html: str) -> bytes:
    """The HTML printed to PDF by WeasyPrint, fetching no URL (``kit.pdf``)."""
    return html_to_pdf(html)


def render(document: dict[str, Any], fmt: Format) -> tuple[bytes, str]:
    """The report document in the given format: (content, media type).

    ``document`` is ``{"report": {...}, "figures": {...}, "transitions": [...]}`` as the
    report worker builds it (``figures.sections`` and ``figures.reconciliation`` may be
    absent). ``html`` and ``pdf`` are the printable report in Indonesian; ``json`` is the
    document itself (UTF-8, indented); ``csv`` is the victims' figures as a long table (see
    :func:`render_csv`). An unknown format raises ``ValueError``.
    """
    if fmt == "html":
        content = render_html(document).encode()
    elif fmt == "pdf":
        content = render_pdf(render_html(document))
    elif fmt == "json":
        content = (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()
    elif fmt == "csv":
        content = render_csv(document).encode()
    else:
        raise ValueError(f"unknown report format {fmt!r}")
    return content, MEDIA_TYPES[fmt]
