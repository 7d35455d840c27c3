"""The service lock of an embedded database: ``<database>.lock``, held (shared) by every
``gtpptppo serve`` on it for as long as it runs, and taken exclusively by a restore.

An advisory ``flock``: the kernel releases it when the process ends, however it ends, so
no stale lock outlives a killed server.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO


class ServiceRunning(RuntimeError):
    """A ``gtpptppo serve`` holds the database."""


def lock_file_for(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


def _open(database: Path) -> IO[bytes]:
    path = lock_file_for(database)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    return os.fdopen(os.open(path, os.O_RDWR | os.O_CREAT, 0o600), "r+b")


def hold_serving(database: Path) -> IO[bytes]:
    """Mark ``database`` as served by this process until it exits (keep the handle open)."""
    handle = _open(database)
    fcntl.flock(handle, fcntl.LOCK_SH)
    return handle


def take_exclusive(database: Path) -> IO[bytes]:
    """The database for this process alone; ``ServiceRunning`` if a server holds it."""
    handle = _open(database)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        handle.close()
        raise ServiceRunning(
            f"a gtpptppo serve is running on {database}: stop it before restoring"
        ) from exc
    return handle
