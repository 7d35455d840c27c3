"""Fewer garbage collections through a long run of allocations (an import's rows).

CPython's cyclic collector runs every 700 new container objects and, now and then, walks
every object the process holds: the modules, the mappers, the schemas, and the rows of the
chunk in hand. A worker storing an import allocates a few hundred objects a row and frees
nearly all of them by reference counting; the walks found nothing to free and cost about a
quarter of its CPU. Within ``fewer_collections`` the objects alive at its start are left out
of the walks (``gc.freeze``) and the youngest generation is collected every 100,000
allocations instead; at its end (the last one's, if runs overlap) both are as before.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

YOUNG_THRESHOLD = 100_000

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
            gc.freeze()
            gc.set_threshold(max(YOUNG_THRESHOLD, _saved[0]), *_saved[1:])
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _saved is not None:
                gc.set_threshold(*_saved)
                gc.unfreeze()
