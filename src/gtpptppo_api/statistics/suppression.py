"""Small-cell suppression with complementary suppression.

Cells under the threshold are hidden (primary suppression). Because an analyst can ask for
any coarser grouping, every line of the table (the cells that share all dimensions but one)
has a published total; a line with a single hidden cell would give it away by subtraction.
So more cells are hidden (the smallest first) until no hidden value is determined by the
line totals: each line holds none or at least two hidden cells, and a final exact check
(row reduction over the rationals) confirms that no hidden value is a linear consequence
of the published totals.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

Cell = dict[str, Any]
# The exact check is cubic in the hidden cells; above this the line rule alone is used.
EXACT_CHECK_LIMIT = 400


def _lines(cells: Sequence[Cell], dims: Sequence[str]) -> list[list[int]]:
    """Index lists of the cells sharing every dimension but one (for each dimension)."""
    lines: list[list[int]] = []
    for dim in dims:
        groups: dict[tuple[Any, ...], list[int]] = defaultdict(list)
        for i, cell in enumerate(cells):
            groups[tuple(cell[d] for d in dims if d != dim)].append(i)
        lines.extend(groups.values())
    return lines


def _hide_another(
    line: Sequence[int],
    cells: Sequence[Cell],
    hidden: set[int],
    lines_of: dict[int, list[list[int]]],
) -> bool:
    """Hide one more cell of ``line``: preferably one that also completes another line with
    a single hidden cell, then the smallest."""
    candidates = [i for i in line if i not in hidden]
    if not candidates:
        return False

    def cost(i: int) -> tuple[int, int, int]:
        helps = any(
            other is not line and sum(1 for j in other if j in hidden) == 1 for other in lines_of[i]
        )
        return (0 if helps else 1, cells[i]["count"], i)

    hidden.add(min(candidates, key=cost))
    return True


def _determined(lines: Sequence[Sequence[int]], hidden: set[int]) -> list[int]:
    """Hidden cells whose value follows from the line totals (pivot rows with no free part)."""
    unknowns = sorted(hidden)
    column = {cell: j for j, cell in enumerate(unknowns)}
    rows = [
        [Fraction(1) if unknown in members else Fraction(0) for unknown in unknowns]
        for line in lines
        if (members := set(line) & hidden)
    ]
    pivots: list[tuple[int, int]] = []
    r = 0
    for c in range(len(unknowns)):
        pivot = next((i for i in range(r, len(rows)) if rows[i][c] != 0), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        lead = rows[r][c]
        rows[r] = [v / lead for v in rows[r]]
        for i in range(len(rows)):
            if i != r and rows[i][c] != 0:
                factor = rows[i][c]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[r], strict=True)]
        pivots.append((r, c))
        r += 1
    return [
        unknowns[c]
        for row, c in pivots
        if all(v == 0 for j, v in enumerate(rows[row]) if j != c) and column[unknowns[c]] == c
    ]


def suppress(cells: list[Cell], dims: Sequence[str], threshold: int) -> int:
    """Hide small cells in place (``count`` becomes None); return how many were hidden."""
    hidden = {i for i, cell in enumerate(cells) if 0 < cell["count"] < threshold}
    if not hidden:
        return 0
    lines = _lines(cells, dims) if dims else [list(range(len(cells)))]
    lines_of: dict[int, list[list[int]]] = defaultdict(list)
    for line in lines:
        for i in line:
            lines_of[i].append(line)
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(1 for i in line if i in hidden) == 1 and _hide_another(
                line, cells, hidden, lines_of
            ):
                changed = True
        if not changed and len(hidden) <= EXACT_CHECK_LIMIT:
            for cell in _determined(lines, hidden):
                line = next(line for line in lines if cell in line)
                if _hide_another(line, cells, hidden, lines_of):
                    changed = True
                    break
    for i in hidden:
        cells[i]["count"] = None
    return len(hidden)
