"""Rate limits per token, with counters shared by every API process when kept in Redis.

``GTPPTPPO_RATE_LIMIT`` is a ``limits`` string ("1200/minute", "20/second;1000/hour");
``GTPPTPPO_RATE_LIMIT_STORAGE`` is ``memory://`` (one process) or ``redis://...``. The moving
window counts the requests of the last period exactly, so a burst at the edge of two fixed
windows cannot double the limit.
"""

from __future__ import annotations

import logging
import math
import time
from collections import deque
from dataclasses import dataclass
from typing import Protocol

from fastapi import Request
from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from gtpptppo_api.errors import RETRY_AFTER_SECONDS, ServiceUnavailable, TooManyRequests
from gtpptppo_api.observability.metrics import RATE_LIMIT_REFUSALS
from gtpptppo_api.settings import Settings

logger = logging.getLogger("gtpptppo_api")


def async_storage_url(url: str) -> str:
    """``redis://h:6379/0`` -> ``async+redis://h:6379/0`` (the asyncio storage of the scheme)."""
    return url if url.startswith("async+") else f"async+{url}"


class Windows(Protocol):
    """Where the moving windows are counted: ``hit`` takes one request of ``key`` under
    ``item`` (False: the window is full), ``reset_at`` says when a full one frees a place
    (epoch seconds)."""

    async def hit(self, item: RateLimitItem, key: str) -> bool: ...

    async def reset_at(self, item: RateLimitItem, key: str) -> float: ...


@dataclass
class SharedWindows:
    """The ``limits`` library's moving windows, in a storage every process shares (Redis)."""

    strategy: MovingWindowRateLimiter

    async def hit(self, item: RateLimitItem, key: str) -> bool:
        return await self.strategy.hit(item, key)

    async def reset_at(self, item: RateLimitItem, key: str) -> float:
        return (await self.strategy.get_window_stats(item, key)).reset_time


class LocalWindows:
    """The moving windows of one process (``memory://``): each key's request times in the
    window, oldest first, never more than the limit's amount.

    The same count as the ``limits`` library's memory storage, without its cost on every
    request (a task scheduled to expire entries, which hands each key's list to a thread).
    Past ``keys`` keys (addresses on the public site are many), the windows already empty
    are dropped.
    """

    def __init__(self, keys: int = 100_000) -> None:
        self.keys = keys
        # (limit, key) -> (the limit's period in seconds, the request times in the window)
        self._hits: dict[tuple[str, str], tuple[int, deque[float]]] = {}

    def _window(self, item: RateLimitItem, key: str, now: float) -> deque[float]:
        name = (item.key_for(), key)
        found = self._hits.get(name)
        if found is None:
            if len(self._hits) >= self.keys:
                self._prune(now)
            found = self._hits[name] = (item.get_expiry(), deque())
        period, hits = found
        while hits and hits[0] <= now - period:
            hits.popleft()
        return hits

    def _prune(self, now: float) -> None:
        self._hits = {
            name: (period, hits)
            for name, (period, hits) in self._hits.items()
            if hits and hits[-1] > now - period
        }

    async def hit(self, item: RateLimitItem, key: str) -> bool:
        now = time.time()
        hits = self._window(item, key, now)
        if len(hits) >= item.amount:
            return False
        hits.append(now)
        return True

    async def reset_at(self, item: RateLimitItem, key: str) -> float:
        now = time.time()
        hits = self._window(item, key, now)
        return (hits[0] if len(hits) >= item.amount else now) + item.get_expiry()


class RateLimiter:
    """Counts each token's requests; ``check`` raises 429 when one limit is used up."""

    def __init__(
        self,
        limits: list[RateLimitItem],
        storage: Storage,
        namespace: str,
        *,
        refuse_when_down: bool = False,
    ) -> None:
        self.limits = limits
        self.storage = storage
        self.windows: Windows = (
            LocalWindows()
            if isinstance(storage, MemoryStorage)
            else SharedWindows(MovingWindowRateLimiter(storage))
        )
        self.namespace = namespace
        self.refuse_when_down = refuse_when_down

    @classmethod
    def from_settings(cls, settings: Settings, limit: str | None = None) -> RateLimiter | None:
        """None when the limit (``GTPPTPPO_RATE_LIMIT`` unless given) is empty (no limit)."""
        limit = settings.rate_limit if limit is None else limit
        if not limit.strip():
            return None
        url = async_storage_url(settings.rate_limit_storage)
        scheme = url.split("://", 1)[0]
        # redis-py is installed already (the Redis broker); coredis would be one more client.
        options = {"implementation": "redispy"} if "redis" in scheme else {}
        storage = storage_from_string(url, **options)
        if not isinstance(storage, Storage):
            raise ValueError(f"no asyncio rate-limit storage for {settings.rate_limit_storage!r}")
        return cls(
            parse_many(limit),
            storage,
            settings.broker_namespace,
            refuse_when_down=settings.rate_limit_when_down == "refuse",
        )

    async def check(self, token_id: int) -> None:
        await self.check_key(f"token:{token_id}", "This token")

    async def check_key(self, name: str, who: str) -> None:
        """Count one request of ``name`` (``token:7``, ``client:203.0.113.5``); 429 past a
        limit. ``who`` names it in the answer."""
        key = f"{self.namespace}:{name}"
        for item in self.limits:
            try:
                allowed = await self.windows.hit(item, key)
            except Exception as exc:  # the counters' store is down
                if self.refuse_when_down:  # GTPPTPPO_RATE_LIMIT_WHEN_DOWN=refuse
                    logger.warning("rate-limit storage unreachable; request refused: %r", exc)
                    raise ServiceUnavailable(
                        "Requests cannot be counted against this token's rate limit just "
                        "now; nothing was done. Retry later.",
                        retry_after=RETRY_AFTER_SECONDS,
                        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
                    ) from exc
                logger.warning("rate-limit storage unreachable; request let through: %r", exc)
                return
            if not allowed:
                RATE_LIMIT_REFUSALS.labels(
                    "public" if name.startswith("client:") else "token"
                ).inc()
                retry_after = max(
                    1, math.ceil(await self.windows.reset_at(item, key) - time.time())
                )
                raise TooManyRequests(
                    f"{who} may make {item} requests; retry in {retry_after} s.",
                    retry_after=retry_after,
                )


def client_address(request: Request, trusted_header: str | None) -> str:
    """The client's address: the peer's, or, behind a trusted reverse proxy, the last
    address that proxy appended to ``trusted_header`` (``X-Forwarded-For``); the entries
    before it are the client's own word."""
    if trusted_header:
        forwarded = request.headers.get(trusted_header, "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1][:64]
    return request.client.host if request.client else "unknown"


async def limit_public(request: Request) -> None:
    """The public site's own limit per client address (``GTPPTPPO_PUBLIC_RATE_LIMIT``)."""
    limiter: RateLimiter | None = request.app.state.public_rate_limiter
    if limiter is not None:
        address = client_address(request, request.app.state.settings.trusted_proxy_header)
        await limiter.check_key(f"client:{address}", "This address")
