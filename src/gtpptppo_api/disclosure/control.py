"""The service's disclosure settings as one object: the ptable, the threshold, and k."""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass
from typing import Any

from gtpptppo_api.disclosure.ptable import PTable, load

METHOD = "cell_key"
COUNT, KEY = "count", "key"


@dataclass(frozen=True)
class Control:
    """Cell key perturbation with a ptable and a threshold; ``k`` for row releases."""

    ptable: PTable
    threshold: int
    k: int

    @classmethod
    def from_settings(cls, settings: Any) -> Control:
        return cls(
            ptable=load(settings.disclosure_ptable),
            threshold=settings.disclosure_threshold,
            k=settings.export_k,
        )

    def value(self, count: int, key_sum: int) -> int | None:
        """The published value of a cell: perturbed, or ``None`` under the threshold (a
        zero included: suppressed and empty look the same)."""
        published = self.ptable.perturbed(count, key_sum)
        return published if published >= self.threshold and published > 0 else None

    def perturb_cells(self, cells: Iterable[MutableMapping[str, Any]]) -> int:
        """Replace each cell's exact ``count`` (with its ``key`` sum) by its published value,
        in place; drop the key; return how many are shown as suppressed."""
        hidden = 0
        for cell in cells:
            cell[COUNT] = self.value(int(cell[COUNT] or 0), int(cell.pop(KEY, 0) or 0))
            hidden += cell[COUNT] is None
        return hidden

    def describe(self) -> dict[str, Any]:
        """What a response says of the method (``disclosure_control``)."""
        return {
            "method": METHOD,
            "ptable": self.ptable.name,
            "threshold": self.threshold,
            "key_range": self.ptable.key_range,
            "totals": "perturbed as cells of their own",
        }


EXACT: dict[str, Any] = {"method": "none"}
