"""Cell key perturbation: the published value of a count, from its cell key and a ptable.

The method of the Australian Bureau of Statistics' TableBuilder and of the Office for
National Statistics (Census 2021), as the ONS package ``cell-key-perturbation`` applies it:

- every case gets a random *record key* in ``0..key_range-1`` when it is stored, kept for
  life (``victim_case.record_key``);
- a cell's *cell key* is the sum of its records' keys modulo the key range;
- the published value is the count plus the perturbation the ptable gives for
  ``(pcv, cell key)``, where ``pcv`` is the count itself up to 750 and, above it, folded into
  the ptable's rows 501-750 (``(count - 1) % 250 + 501``);
- a published value under the threshold is shown as suppressed (``None``), a zero included,
  so that "suppressed" and "none" look the same.

The same cell always gets the same value, whichever query asks for it: counts and key sums
are both additive, so the statistics keep both in their maintained cells and perturb once,
at the end, over the aggregated cells. See ``docs/disclosure-control.md``.
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
import secrets
from dataclasses import dataclass
from pathlib import Path

# Record keys are drawn below this; a ptable's key range must divide it, so that a record
# key modulo the key range is uniform too (the ONS derives its keys as an id modulo 4096).
RECORD_KEY_SPACE = 4096
# The ptables shipped with the service, by name: the ONS ``ptable_10_5_rule`` (counts under
# 10 to 0, the rest rounded to base 5, the same for every cell key), and the default,
# ``ptable_10_5_blur``: counts under 10 to 0, the rest rounded to base 5 stochastically by
# the cell key (``blur_pvalue``), so that the threshold's edge is blurred too. The ONS
# rounding lets interval arithmetic over nested tables pin counts under the threshold
# (``tests/disclosure/test_attack.py``); the blurred one does not.
SHIPPED = {
    name: Path(__file__).with_name(f"{name}.csv.gz")
    for name in ("ptable_10_5_rule", "ptable_10_5_blur")
}
DEFAULT_NAME = "ptable_10_5_blur"
DEFAULT_PTABLE = SHIPPED[DEFAULT_NAME]
# The ptable's rows past this count are reused (ONS: rows 501-750 for every larger count).
FOLD_ABOVE, FOLD_BASE, FOLD_SPAN = 750, 501, 250


class PTableError(ValueError):
    """A ptable that cannot be used: missing columns, or a key range that is not 0..n-1."""


@dataclass(frozen=True)
class PTable:
    """A perturbation table: ``pvalue`` by ``(pcv, ckey)``, ``0`` where it has no row."""

    name: str
    key_range: int  # the ptable's largest ckey + 1: record keys are drawn below it
    max_pcv: int
    values: dict[tuple[int, int], int]

    def pcv(self, count: int) -> int:
        """The ptable row of a count (ONS: counts past 750 reuse the rows 501-750)."""
        if count <= FOLD_ABOVE:
            return count
        return (count - 1) % FOLD_SPAN + FOLD_BASE

    def cell_key(self, key_sum: int) -> int:
        return key_sum % self.key_range

    def perturbed(self, count: int, key_sum: int) -> int:
        """The count plus its perturbation (before the threshold)."""
        if count <= 0:
            return 0
        return count + self.values.get((self.pcv(count), self.cell_key(key_sum)), 0)


def record_key() -> int:
    """A new case's record key: uniform in ``0..RECORD_KEY_SPACE-1``, unpredictable."""
    return secrets.randbelow(RECORD_KEY_SPACE)


def _read(text: str, name: str) -> PTable:
    reader = csv.DictReader(io.StringIO(text))
    fields = set(reader.fieldnames or ())
    if not {"pcv", "ckey", "pvalue"} <= fields:
        raise PTableError(f"ptable {name}: needs the columns pcv, ckey and pvalue")
    values: dict[tuple[int, int], int] = {}
    for row in reader:
        pvalue = int(row["pvalue"])
        if pvalue:
            values[(int(row["pcv"]), int(row["ckey"]))] = pvalue
        else:
            values.setdefault((int(row["pcv"]), int(row["ckey"])), 0)
    if not values:
        raise PTableError(f"ptable {name}: no rows")
    keys = {ckey for _, ckey in values}
    if min(keys) != 0 or max(keys) + 1 != len(keys):
        raise PTableError(f"ptable {name}: ckey must run from 0 without gaps")
    if RECORD_KEY_SPACE % len(keys):
        raise PTableError(f"ptable {name}: its key range must divide {RECORD_KEY_SPACE}")
    # only the non-zero perturbations are kept; a missing pair means 0 (as the ONS merge does)
    kept = {pair: value for pair, value in values.items() if value}
    return PTable(
        name=name,
        key_range=max(keys) + 1,
        max_pcv=max(pcv for pcv, _ in values),
        values=kept,
    )


def blur_pvalue(pcv: int, ckey: int) -> int:
    """The default ptable's perturbation: 0 for a count under 10; above, the count plus
    ``ckey % 5 - 2`` rounded down to base 5 (by -6..+2, 2 below the count on average),
    so that a count of 10 or 11 may fall under the threshold and a shown 10 stands for 10
    to 15."""
    if pcv < 10:
        return -pcv
    return 5 * ((pcv + ckey % 5 - 2) // 5) - pcv


@functools.cache
def load(path: str | None = None) -> PTable:
    """A shipped ptable by name (``SHIPPED``), or the ptable at ``path`` (a CSV of
    ``pcv,ckey,pvalue``, gzipped if it ends in .gz); unset: the default. Read once per
    process."""
    name = path or DEFAULT_NAME
    source = SHIPPED.get(name) or Path(name)
    raw = source.read_bytes()
    if source.suffix == ".gz":
        raw = gzip.decompress(raw)
    return _read(raw.decode("utf-8-sig"), source.name.split(".")[0])
