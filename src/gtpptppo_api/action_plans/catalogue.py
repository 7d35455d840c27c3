"""The six programs of an action plan and their typical activities, in the words of
Permen PPPA 10/2012 (BAB V).

Permen PPPA 10/2012, BAB V "PROGRAM DAN KEGIATAN (RAN DAN RAD)": programs a-f mirror the six
sub-task-forces (2.1.3, 2.2.3, 2.3.3); each lists the activities a RAD typically holds. An
activity of a plan may start from one of these entries (``catalogue_code``, e.g. ``a.7``).
"""

from __future__ import annotations

from dataclasses import dataclass

from gtpptppo_api.task_forces.models import SubTaskForceKind

RULE = "5.3"  # BAB V, "PROGRAM DAN KEGIATAN (RAN DAN RAD)"


@dataclass(frozen=True, slots=True)
class Program:
    kind: SubTaskForceKind
    letter: str
    name: str


PROGRAMS: tuple[Program, ...] = (
    Program(
        SubTaskForceKind.prevention_child_participation, "a", "Pencegahan dan Partisipasi Anak"
    ),
    Program(SubTaskForceKind.health_rehabilitation, "b", "Rehabilitasi Kesehatan"),
    Program(
        SubTaskForceKind.social_rehabilitation_repatriation_reintegration,
        "c",
        "Rehabilitasi Sosial, Pemulangan dan Reintegrasi",
    ),
    Program(SubTaskForceKind.legal_norm_development, "d", "Pengembangan Norma Hukum"),
    Program(SubTaskForceKind.law_enforcement, "e", "Penegakan Hukum"),
    Program(SubTaskForceKind.cooperation_coordination, "f", "Kerjasama dan Koordinasi"),
)
PROGRAM_BY_KIND: dict[SubTaskForceKind, Program] = {p.kind: p for p in PROGRAMS}
LETTER: dict[SubTaskForceKind, str] = {p.kind: p.letter for p in PROGRAMS}

_ACTIVITIES: dict[str, tuple[str, ...]] = {
    "a": (
        "Fasilitasi peningkatan kapasitas kelembagaan Gugus Tugas Pencegahan dan Penanganan "
        "TPPO Provinsi atau Gugus Tugas Pencegahan dan Penanganan TPPO Kabupaten/Kota dalam "
        "pencegahan dan penanganan TPPO.",
        "Fasilitasi penyelenggaraan RAD.",
        "Menyusun strategi yang tepat untuk pencegahan perdagangan orang.",
        "Menyusun metode sosialisasi yang tepat untuk pencegahan perdagangan orang.",
        "TOT untuk Anggota Gugus Tugas Pencegahan dan Penanganan TPPO Provinsi atau Gugus "
        "Tugas Pencegahan dan Penanganan TPPO Kabupaten/Kota.",
        "Kampanye bahaya perdagangan orang melalui media massa (elektronik, cetak, media luar "
        "ruang, media tradisional serta media dokumen lainnya).",
        "Kampanye pencegahan perdagangan orang berbasis komunitas.",
        "Advokasi perdagangan orang melalui pengintegrasian muatan lokal",
        "Pengawasan yang efektif terhadap perusahaan pengerah tenaga kerja indonesia.",
        "Membangun sistem layanan dan pengawasan satu atap.",
        "Sosialisasi kepada calon TKI tentang bahaya perdagangan orang",
        "Pengembangan program ekonomi dan peningkatan aksesibilitas pendidikan (formal dan non "
        "formal) bagi keluarga miskin di daerah rawan perdagangan orang.",
        "Pengembangan pencatatan akta kelahiran gratis.",
        "Pengembangan program kampanye perdagangan orang melalui ceramah agama dan ceramah sosial.",
        "Membangun mekanisme daerah untuk pengawasan dan perlindungan dalam memberantas TPPO "
        "yang melibatkan masyarakat.",
        "Pelaksanaan monitoring dan evaluasi kegiatan pencegahan TPPO.",
        "Pengembangan monitoring dan evaluasi bagi pemberantasan TPPO.",
        "Kegiatan lain yang diperlukan oleh daerah.",
    ),
    "b": (
        "Peningkatan pelayanan terhadap saksi dan/atau korban perdagangan orang.",
        "Peningkatan kapasitas SDM daerah untuk pelayanan rehabilitasi kesehatan bagi korban "
        "perdagangan orang.",
        "Meningkatkan sistem pencatatan dan pelaporan di semua pelayanan kesehatan.",
        "Kegiatan lain yang diperlukan oleh daerah dalam pelayanan kesehatan bagi saksi "
        "dan/atau korban perdagangan orang.",
    ),
    "c": (
        "Meningkatkan kinerja layanan rehabilitasi sosial di Rumah Perlindungan Sosial/ shelter "
        "di daerah untuk saksi dan/atau korban perdagangan orang di daerah.",
        "Mengembangkan model rehabilitasi khusus untuk korban perdagangan orang di daerah.",
        "Meningkatkan koordinasi antar Gugus Tugas Pencegahan dan Penanganan TPPO Daerah untuk "
        "pemulangan saksi dan/atau korban perdagangan orang di daerah, diantaranya : "
        "bekerjasama dengan Tim Reaksi Cepat (TRC), Lembaga Kesejahteraan Sosial (LKS), "
        "Perangkat Desa dan keluarga korban.",
        "Membangun koordinasi antar dinas untuk reintegrasi saksi dan/atau korban perdagangan "
        "orang di daerah.",
        "Kegiatan lain yang dianggap perlu di daerah.",
    ),
    "d": (
        "Menyusun Peraturan Daerah dan peraturan pelaksanaan untuk pencegahan dan penanganan "
        "TPPO di daerah.",
        "Menyusun/review peraturan daerah yang terkait dengan penempatan dan perlindungan TKI "
        "daerah di luar negeri, pencatatan kelahiran, penyelenggaraan pendidikan untuk semua.",
        "Kegiatan lain yang dianggap perlu di daerah.",
    ),
    "e": (
        "Memperkuat sistem monitoring dan pengawasan penanganan kasus perdagangan orang di daerah.",
        "Mengembangkan dan memperkuat kelompok swadaya masyarakat dalam pengawasan penanganan "
        "kasus perdagangan orang di daerah.",
        "Mengkriminalkan orang atau para pihak yang memfasilitasi berlangsungnya praktek "
        "perdagangan orang.",
        "Terbangunnya mekanisme daerah untuk pengawasan dan perlindungan dalam memberantas "
        "kejahatan perdagangan orang yang melibatkan masyarakat.",
        "Melakukan pendidikan dan pengembangan keterampilan dalam pengungkapan penyelidikan, "
        "penyidikan perdagangan orang di daerah",
        "Melakukan pendidikan dan pengembangan informasi hukum mengenai perdagangan orang di "
        "daerah.",
        "Melakukan pendidikan dan penyegaran Hakim perihal penanganan perdagangan orang.",
        "Mengefektitkan layanan bantuan hukum korban perdagangan orang di daerah.",
        "Kegiatan lain yang dianggap perlu di daerah.",
    ),
    "f": (
        "Mendorong dan memfasilitasi kerjasama antar daerah dalam penanganan perdagangan orang "
        "di daerah.",
        "Mengadakan pertemuan koordinasi secara berkala tentang pelaksanaan pencegahan dan "
        "penanganan perdagangan orang di daerah.",
        "Mengoptimalkan pusat informasi perdagangan orang di daerah.",
        "Sinkronisasi/koordinasi penganggaran dan penggunaannya dalam penanganan perdagangan "
        "orang di daerah.",
        "Membangun kerjasama daerah dengan negara tujuan untuk melindungi TKI daerah dari "
        "perdagangan orang.",
        "Membangun koordinasi dan kerjasama dengan organisasi dan lembaga swadaya masyarakat "
        "dan LSM Internasional.",
        "Kegiatan lain yang diperlukan oleh daerah.",
    ),
}


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    code: str  # program letter and the regulation's item number: "a.7"
    program: SubTaskForceKind
    text: str


CATALOGUE: dict[str, CatalogueEntry] = {
    f"{program.letter}.{number}": CatalogueEntry(f"{program.letter}.{number}", program.kind, text)
    for program in PROGRAMS
    for number, text in enumerate(_ACTIVITIES[program.letter], start=1)
}
