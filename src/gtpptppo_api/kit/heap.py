"""Fewer garbage collections through a long run of allocations (an import's rows).

CPython's cyclic collector runs every 700 new container objects (20,000 in a process of
``gtpptppo serve``), and every tenth and hundredth time walks the older generations too. A
worker storing an import allocates a few hundred objects a row and frees nearly all of them
by reference counting: the collections found almost nothing to free and cost about a
quarter of its CPU. Within ``fewer_collections`` the youngest generation is collected every
``YOUNG_THRESHOLD`` allocations instead; at its end (the last one's, if runs overlap) the
thresholds are as before. (The objects start-up made are frozen out of the walks by the
app's lifespan, ``app.py``; not thawed here.)
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

YOUNG_THRESHOLD = 50_000

_lock = threading.Lock()
_depth = 0
_saved: tuple[int, int, int] | None = None


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Within: collections rarer, and of the objects made within only."""
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(max(YOUNG_THRESHOLD, _saved[0]), *_saved[1:])
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _saved is not None:
                gc.set_threshold(*_saved)
