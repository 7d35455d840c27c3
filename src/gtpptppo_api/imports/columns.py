"""The columns of an import file, generated from the case push schema (``CaseIn``).

A column is named by its field's path in the push body: ``victim.sex``,
``services.0.started_on``. An object's fields each get a column; a list gets a few numbered
slots (more may be added in a file: ``services.3.type``). A field added to ``CaseIn`` gets a
column by itself, titled by its own title until it has an Indonesian label here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from gtpptppo_api.cases.schemas import CaseIn

# Numbered slots a list field gets in the template.
SLOTS = {"exploitation_types": 3, "services": 3, "transit": 2, "witnesses": 1}
DEFAULT_SLOTS = 1

# Indonesian labels, by path with ``N`` for a slot's number (shown from 1).
LABELS = {
    "external_ref": "Nomor registrasi kasus",
    "registered_region_code": "Kode wilayah pencatatan",
    "origin_region_code": "Kode wilayah asal korban",
    "destination.region_code": "Kode wilayah tujuan",
    "destination.country": "Negara tujuan (ISO)",
    "identified_on": "Tanggal identifikasi",
    "incident_on": "Tanggal kejadian",
    "incident_year": "Tahun kejadian",
    "victim.sex": "Jenis kelamin korban",
    "victim.age_at_identification": "Umur korban saat identifikasi",
    "victim.nationality": "Kewarganegaraan korban (ISO)",
    "exploitation_types.N": "Bentuk eksploitasi N",
    "services.N.type": "Layanan N: jenis",
    "services.N.started_on": "Layanan N: tanggal mulai",
    "services.N.ended_on": "Layanan N: tanggal selesai",
    "transit.N.region_code": "Transit N: kode wilayah",
    "transit.N.country": "Transit N: negara (ISO)",
    "legal_stage": "Tahap proses hukum",
    "status": "Status kasus",
    "personal.name": "Nama korban",
    "personal.nik": "NIK korban",
    "personal.phone": "Telepon korban",
    "witnesses.N.name": "Saksi N: nama",
    "witnesses.N.nik": "Saksi N: NIK",
    "witnesses.N.phone": "Saksi N: telepon",
    "witnesses.N.relation": "Saksi N: hubungan dengan korban",
}

# Columns of a file given back with its refused rows: the problems, read by people and
# passed over on a re-import.
PROBLEM_ID = "masalah"
PROBLEM_EN = "problem"
IGNORED = frozenset({PROBLEM_ID, PROBLEM_EN})

_SLOT = re.compile(r"\.(\d+)(?=\.|$)")
EXCEL_EPOCH = date(1899, 12, 30)


@dataclass(frozen=True)
class Column:
    """One column: the field's path, its Indonesian label, and what it takes."""

    path: str
    label: str
    description: str
    required: bool
    kind: str  # "string", "integer", "date"
    choices: tuple[str, ...] = ()
    example: str | int | None = None

    @property
    def generic(self) -> str:
        """The path with each slot's number as ``N``."""
        return _SLOT.sub(".N", self.path)


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """The schema node itself: ``$ref`` followed, ``T | None`` taken as ``T``."""
    if "$ref" in node:
        return _resolve(defs[node["$ref"].rsplit("/", 1)[-1]], defs)
    for key in ("anyOf", "oneOf"):
        if key in node:
            options = [o for o in node[key] if o.get("type") != "null"]
            if len(options) == 1:
                outer = {k: v for k, v in node.items() if k not in ("anyOf", "oneOf")}
                return {**_resolve(options[0], defs), **outer}
    return node


def _kind(node: dict[str, Any]) -> str:
    if node.get("format") == "date":
        return "date"
    return "integer" if node.get("type") == "integer" else "string"


def _walk(
    node: dict[str, Any], defs: dict[str, Any], prefix: str, required: bool, title: str
) -> list[Column]:
    node = _resolve(node, defs)
    if node.get("type") == "object" and "properties" in node:
        needed = set(node.get("required", ()))
        columns: list[Column] = []
        for name, child in node["properties"].items():
            path = f"{prefix}.{name}" if prefix else name
            columns += _walk(child, defs, path, required and name in needed, name)
        return columns
    if node.get("type") == "array":
        item = node.get("items", {})
        slots = SLOTS.get(prefix, DEFAULT_SLOTS)
        least = int(node.get("minLength", node.get("minItems", 0)))
        columns = []
        for i in range(slots):
            columns += _walk(item, defs, f"{prefix}.{i}", required and i < least, title)
        return columns
    generic = _SLOT.sub(".N", prefix)
    number = next((int(m) + 1 for m in _SLOT.findall(prefix)), None)
    label = LABELS.get(generic, node.get("title") or title)
    if number is not None:
        label = re.sub(r"\bN\b", str(number), label)
    return [
        Column(
            path=prefix,
            label=label,
            description=str(node.get("description", "")),
            required=required,
            kind=_kind(node),
            choices=tuple(str(v) for v in node.get("enum", ())),
        )
    ]


@cache
def columns() -> tuple[Column, ...]:
    """Every column of the template, in the push body's order."""
    schema = CaseIn.model_json_schema()
    found = _walk(schema, schema.get("$defs", {}), "", True, "")
    # the centre's own reference first: the key of each row
    return tuple(sorted(found, key=lambda column: column.path != "external_ref"))


@cache
def by_path() -> dict[str, Column]:
    return {column.path: column for column in columns()}


@cache
def by_generic() -> dict[str, Column]:
    return {column.generic: column for column in columns()}


def known(path: str) -> bool:
    """Whether ``path`` names a field of the push body (any slot of a list)."""
    return _SLOT.sub(".N", path) in by_generic() or path in by_path()


def required_paths() -> list[str]:
    return [c.path for c in columns() if c.required]


def label_paths() -> dict[str, str]:
    """Indonesian label (lower case) -> path, so a header of labels maps too."""
    return {c.label.strip().lower(): c.path for c in columns()}


# --- a row of cells -> a push body ------------------------------------------------------


def cell_text(value: Any) -> Any:
    """A cell as the push body takes it: text trimmed, ``24.0`` as 24, a date as ISO."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value
    if isinstance(value, date):
        return value.isoformat()
    return value


_DAY_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")


def as_date(value: Any) -> Any:
    """A date cell: a date, an Excel serial day number, ``YYYY-MM-DD`` or the Indonesian
    ``DD/MM/YYYY``; anything else is left for the push validation to refuse."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 200_000:
        return (EXCEL_EPOCH + timedelta(days=int(value))).isoformat()
    if isinstance(value, str):
        text = value.strip()
        match = _DAY_FIRST.match(text)
        if match:
            day, month, year = match.groups()
            return f"{year}-{int(month):02d}-{int(day):02d}"
        return text
    return value


def as_string(value: Any) -> Any:
    """A text cell: a number typed as one (a NIK, a reference) as its digits."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def body_of(cells: dict[str, Any]) -> dict[str, Any]:
    """A push body from the cells of one row, by path: empty cells left out, a list's
    empty slots dropped, a list of values also taken comma-separated in one cell."""
    body: dict[str, Any] = {}
    for path, raw in cells.items():
        value = cell_text(raw)
        if value is None or value == "":
            continue
        column = by_path().get(path) or by_generic().get(_SLOT.sub(".N", path))
        if column is not None and column.kind == "date":
            value = as_date(raw)
        elif column is not None and column.kind == "string":
            value = as_string(value)
        _put(body, path.split("."), value)
    made: dict[str, Any] = _lists(body)
    return made


def _kind_of(path: str) -> str | None:
    column = by_path().get(path) or by_generic().get(_SLOT.sub(".N", path))
    return column.kind if column is not None else None


def body_maker(paths: list[str | None]) -> Callable[[list[Any]], dict[str, Any] | None]:
    """``body_of`` compiled for a sheet's columns: a row of cells (by position) to its push
    body, the same as ``body_of`` of its non-empty cells; None for a row none of whose cells
    holds anything but blanks. Each column's path, kind and the lists it fills are worked
    out once, not for each row."""
    plan = [
        (index, path.split("."), _kind_of(path))
        for index, path in enumerate(paths)
        if path and path not in IGNORED
    ]
    # the nodes ``_lists`` would turn into lists (keyed by slot numbers), deepest first
    found: set[tuple[str, ...]] = set()
    for _, parts, _ in plan:
        found.update(tuple(parts[:j]) for j in range(1, len(parts)) if parts[j].isdigit())
        if parts[-1] in SLOTS:
            found.add(tuple(parts))
    containers = sorted(found, key=len, reverse=True)
    width = plan[-1][0] + 1 if plan else 0

    def make(cells: list[Any]) -> dict[str, Any] | None:
        body: dict[str, Any] = {}
        content = False
        for index, parts, kind in plan if len(cells) >= width else _within(plan, len(cells)):
            raw = cells[index]
            if raw is None or raw == "":
                continue
            if not content:
                content = bool(str(raw).strip())
            value = cell_text(raw)
            if value is None or value == "":
                continue
            if kind == "date":
                value = as_date(raw)
            elif kind == "string":
                value = as_string(value)
            _put(body, parts, value)
        if not content:
            return None
        for container in containers:
            if container[0] in body:
                _as_list(body, container)
        return body

    return make


def _within(plan: list[Any], width: int) -> list[Any]:
    return [step for step in plan if step[0] < width]


def _as_list(body: dict[str, Any], parts: tuple[str, ...]) -> None:
    """The node at ``parts``, if keyed by slot numbers only, as a list in slot order."""
    parent: Any = body
    for part in parts[:-1]:
        parent = parent.get(part)
        if not isinstance(parent, dict):
            return
    node = parent.get(parts[-1])
    if isinstance(node, dict) and node and all(key.isdigit() for key in node):
        parent[parts[-1]] = [node[key] for key in sorted(node, key=int)]


def _put(body: dict[str, Any], parts: list[str], value: Any) -> None:
    node = body
    for part in parts[:-1]:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):  # a list given both as one cell and in slots
            return
    last = parts[-1]
    if last in SLOTS and isinstance(value, str):
        value = {str(i): v.strip() for i, v in enumerate(value.split(",")) if v.strip()}
    node[last] = value


def _lists(node: Any) -> Any:
    """Nodes keyed by slot numbers as lists, in slot order, empty slots dropped."""
    if not isinstance(node, dict):
        return node
    converted = {key: _lists(value) for key, value in node.items()}
    if converted and all(key.isdigit() for key in converted):
        return [converted[key] for key in sorted(converted, key=int)]
    return converted
