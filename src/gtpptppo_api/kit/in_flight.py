"""Requests in flight: in this process, and in every API process on this machine.

Batch pushes give way to the other requests (``kit.turns.give_way``). The API processes of
one machine share its cores, so a push in one process gives way to the reads of every
other process of the machine too, not only to its own: a read otherwise shares the cores
with the pushes of the processes next to it.

The machine's count is a small shared file (``Board``, in ``/dev/shm`` where there is one),
one 64-bit slot per process: a process writes only its own slot (the number of requests it
has in flight) and reads the others. A process owns its slot by a lock on the slot's bytes
(``fcntl``), which the kernel releases when the process ends however it ends; a slot left
non-zero by a process that was killed is cleared by the first push that finds it unlocked.
Nothing is kept there but counts, and nothing depends on them but how long a push waits:
without the file (no shared memory, every slot taken), a process counts its own requests
only.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import mmap
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)

SLOTS = 256
SLOT_BYTES = 8
# How often a push waiting for the other processes looks again (their requests cannot wake
# it; its own process's can, at once).
POLL_SECONDS = 0.002


def board_path() -> Path:
    """The machine's board, one per user (a user's processes can share a file)."""
    shm = Path("/dev/shm")  # noqa: S108 - opened with O_NOFOLLOW, and only if it is our own
    folder = shm if shm.is_dir() and os.access(shm, os.W_OK) else Path(tempfile.gettempdir())
    return folder / f"gtpptppo-requests-{os.getuid()}"


class Board:
    """The requests in flight in each process of the machine, a slot each."""

    def __init__(self, path: Path) -> None:
        self.pid = os.getpid()
        # Kept open for the process's life: closing any descriptor of the file would drop
        # every lock the process holds on it.
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        status = os.fstat(self.fd)
        if not stat.S_ISREG(status.st_mode) or status.st_uid != os.getuid():
            os.close(self.fd)
            raise PermissionError(f"{path} is not a file of this user's")
        if status.st_size < SLOTS * SLOT_BYTES:
            os.ftruncate(self.fd, SLOTS * SLOT_BYTES)
        self.counts = memoryview(mmap.mmap(self.fd, SLOTS * SLOT_BYTES)).cast("q")
        self.slot = next((slot for slot in range(SLOTS) if self._lock(slot)), None)
        if self.slot is None:
            log.warning("all %d slots of %s are taken: this process counts its own", SLOTS, path)
        else:
            self.counts[self.slot] = 0  # what a killed process left there

    def _lock(self, slot: int) -> bool:
        try:
            fcntl.lockf(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB, SLOT_BYTES, slot * SLOT_BYTES)
        except OSError:
            return False
        return True

    def add(self, change: int) -> None:
        if self.slot is not None:
            self.counts[self.slot] += change

    def others(self) -> int:
        """Requests in flight in the machine's other processes."""
        total = sum(self.counts)
        return total - self.counts[self.slot] if self.slot is not None else total

    def clear_dead(self) -> None:
        """Zero the slots left counting by processes that have ended (their lock is free)."""
        for slot, count in enumerate(self.counts):
            if count and slot != self.slot and self._lock(slot):
                self.counts[slot] = 0
                fcntl.lockf(self.fd, fcntl.LOCK_UN, SLOT_BYTES, slot * SLOT_BYTES)


class _NoBoard:
    """No shared file: the process counts its own requests only."""

    def add(self, change: int) -> None:
        pass

    def others(self) -> int:
        return 0

    def clear_dead(self) -> None:
        pass


_board: Board | _NoBoard | None = None


def board() -> Board | _NoBoard:
    """This process's board (made on first use, and again in a forked child)."""
    global _board
    if _board is None or (isinstance(_board, Board) and _board.pid != os.getpid()):
        try:
            _board = Board(board_path())
        except OSError as exc:
            log.warning("no shared count of requests (%s): this process counts its own", exc)
            _board = _NoBoard()
    return _board


class Requests:
    """The requests other than batch pushes in flight in one process (one event loop), and
    through the board in the machine's other processes."""

    def __init__(self) -> None:
        self.count = 0
        self._waiting: list[asyncio.Future[None]] = []

    @contextlib.contextmanager
    def one(self) -> Iterator[None]:
        """Within: one more request in flight."""
        machine = board()
        self.count += 1
        machine.add(1)
        try:
            yield
        finally:
            machine.add(-1)
            self.count -= 1
            if not self.count:
                for waiter in self._waiting:
                    if not waiter.done():
                        waiter.set_result(None)
                self._waiting.clear()

    def any(self) -> bool:
        return bool(self.count) or board().others() > 0

    async def none(self, at_most: float) -> None:
        """Until no request is in flight here or in the machine's other processes, or
        ``at_most`` seconds have passed."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + at_most
        while (left := deadline - loop.time()) > 0:
            if self.count:
                await self._none_here(left)
            elif board().others():
                board().clear_dead()
                await asyncio.sleep(min(POLL_SECONDS, left))
            else:
                return

    async def _none_here(self, at_most: float) -> None:
        # A future of the running loop, made for this wait: the same app may serve
        # several loops in turn (an asyncio.Event would stay bound to the first).
        waiter = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        try:
            async with asyncio.timeout(at_most):
                await waiter
        except TimeoutError:
            pass
        finally:
            if waiter in self._waiting:
                self._waiting.remove(waiter)
