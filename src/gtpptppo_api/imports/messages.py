"""What is wrong with a refused row, in Indonesian beside the push validation's English."""

from __future__ import annotations

import re

# pydantic's error types (the push validation's wording is English).
BY_TYPE = {
    "missing": "wajib diisi",
    "enum": "bukan salah satu pilihan yang sah",
    "literal_error": "bukan salah satu pilihan yang sah",
    "date_from_datetime_parsing": "bukan tanggal yang sah (tulis TTTT-BB-HH atau HH/BB/TTTT)",
    "date_parsing": "bukan tanggal yang sah (tulis TTTT-BB-HH atau HH/BB/TTTT)",
    "date_type": "bukan tanggal yang sah (tulis TTTT-BB-HH atau HH/BB/TTTT)",
    "date_from_datetime_inexact": "tanggal tanpa jam",
    "int_parsing": "bukan bilangan bulat",
    "int_type": "bukan bilangan bulat",
    "int_from_float": "bukan bilangan bulat",
    "greater_than_equal": "terlalu kecil",
    "less_than_equal": "terlalu besar",
    "string_too_short": "terlalu pendek",
    "string_too_long": "terlalu panjang",
    "string_type": "harus berupa teks",
    "string_pattern_mismatch": "bentuknya tidak sah",
    "too_short": "terlalu sedikit isian",
    "too_long": "terlalu banyak isian",
    "list_type": "harus berupa daftar",
    "dict_type": "harus berupa objek",
    "model_type": "harus berupa objek",
    "extra_forbidden": "bukan kolom yang dikenal",
    "json_invalid": "bukan JSON yang sah",
}

# The push's own rules and validators (``cases.service.semantic_errors``, ``cases.schemas``).
BY_MESSAGE = [
    (re.compile(r"unknown region code"), "kode wilayah tidak dikenal"),
    (
        re.compile(r"must be the centre's region (\S+) or a region under it"),
        r"harus wilayah pusat layanan \1 atau wilayah di bawahnya",
    ),
    (re.compile(r"is in the future"), "tanggal di masa depan"),
    (re.compile(r"is after identified_on"), "sesudah tanggal identifikasi"),
    (re.compile(r"precedes identified_on"), "sebelum tanggal identifikasi"),
    (re.compile(r"differs from the year of incident_on"), "berbeda dengan tahun tanggal kejadian"),
    (re.compile(r"is after the year of identified_on"), "sesudah tahun identifikasi"),
    (re.compile(r"repeated in this batch"), "nomor registrasi berulang dalam berkas ini"),
    (
        re.compile(r"transferred to another centre"),
        "kasus nomor registrasi ini sudah dialihkan ke pusat layanan lain",
    ),
    (re.compile(r"a NIK has 16 digits"), "NIK harus 16 angka 0-9"),
    (re.compile(r"ISO 3166-1 alpha-2"), "harus kode negara ISO 3166-1 dua huruf (mis. MY)"),
    (re.compile(r"give either region_code or country"), "isi kode wilayah atau negara, salah satu"),
    (re.compile(r"ended_on precedes started_on"), "tanggal selesai sebelum tanggal mulai"),
    (re.compile(r"each exploitation type once"), "setiap bentuk eksploitasi cukup sekali"),
    (re.compile(r"only printable characters"), "hanya karakter yang dapat dicetak"),
    (re.compile(r"is not valid JSON"), "bukan JSON yang sah"),
    (re.compile(r"[Dd]ate should be|before 19|earliest", re.I), "tanggal terlalu awal"),
]

FALLBACK = "nilai tidak sah"


def indonesian(error: dict[str, str]) -> str:
    """The error's message in Indonesian."""
    message = error.get("message", "")
    for pattern, replacement in BY_MESSAGE:
        match = pattern.search(message)
        if match:
            return match.expand(replacement)
    return BY_TYPE.get(error.get("type", ""), FALLBACK)


def with_indonesian(errors: list[dict[str, str]]) -> list[dict[str, str]]:
    """Each error with its Indonesian message (``pesan``)."""
    return [{**error, "pesan": error.get("pesan") or indonesian(error)} for error in errors]


def summary(errors: list[dict[str, str]], language: str) -> str:
    """One cell of a refused row: ``field: message; field: message``."""
    key = "pesan" if language == "id" else "message"
    return "; ".join(f"{e.get('field', '')}: {e.get(key, '')}" for e in errors)
