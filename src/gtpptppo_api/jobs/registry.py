"""Job kinds and their handlers: ``@job_handler("reports.generate")``."""

from __future__ import annotations

import importlib
import logging
import pkgutil
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

import gtpptppo_api
from gtpptppo_api.jobs.models import Job

logger = logging.getLogger(__name__)

Handler = Callable[[AsyncSession, Job], Awaitable[None]]

_KIND = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
_QUEUE = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_-]*$")


@dataclass(frozen=True)
class JobSpec:
    """A registered job kind: its handler and how it is run."""

    kind: str
    handler: Handler
    max_attempts: int
    queue: str


_specs: dict[str, JobSpec] = {}
_listeners: list[Callable[[JobSpec], None]] = []


def job_handler(
    kind: str, *, max_attempts: int = 5, queue: str = "default"
) -> Callable[[Handler], Handler]:
    """Register ``async def handler(session, job) -> None`` for jobs of ``kind``.

    ``kind`` is named "domain.verb". A Dramatiq actor of that name is declared for it on the
    broker (now if one is set up, else when it is). The handler runs in a transaction that
    also marks the job done; it must not commit, and may run more than once for one job if a
    worker dies, so it must be safe to repeat (only the run that commits counts).
    """
    if not _KIND.match(kind):
        raise ValueError(f"job kind must be named 'domain.verb': {kind!r}")
    if not _QUEUE.match(queue):
        raise ValueError(f"bad queue name: {queue!r}")
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")

    def register(handler: Handler) -> Handler:
        existing = _specs.get(kind)
        if existing is not None and existing.handler is not handler:
            raise ValueError(f"a handler for job kind {kind!r} is already registered")
        spec = JobSpec(kind=kind, handler=handler, max_attempts=max_attempts, queue=queue)
        _specs[kind] = spec
        for listener in _listeners:
            listener(spec)
        return handler

    return register


def get_spec(kind: str) -> JobSpec | None:
    return _specs.get(kind)


def specs() -> list[JobSpec]:
    return list(_specs.values())


def on_register(listener: Callable[[JobSpec], None]) -> None:
    """Call ``listener`` for every handler registered from now on (the broker set-up)."""
    _listeners.append(listener)


def remove_listener(listener: Callable[[JobSpec], None]) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


_discovered: set[str] = set()


def autodiscover(extra_modules: str = "") -> None:
    """Import every ``gtpptppo_api.<domain>.tasks`` module, and ``extra_modules`` (comma-separated).

    Their ``@job_handler`` decorators register the job kinds, so every process that sends or
    runs jobs knows them all.
    """
    names = [
        f"{gtpptppo_api.__name__}.{module.name}.tasks"
        for module in pkgutil.iter_modules(gtpptppo_api.__path__)
        if module.ispkg
    ]
    names += [name.strip() for name in extra_modules.split(",") if name.strip()]
    for name in names:
        if name in _discovered:
            continue
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            if not name.startswith(f"{gtpptppo_api.__name__}."):
                raise
        _discovered.add(name)
