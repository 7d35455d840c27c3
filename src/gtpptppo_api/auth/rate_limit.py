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

from limits import RateLimitItem, parse_many
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from gtpptppo_api.errors import RETRY_AFTER_SECONDS, ServiceUnavailable, TooManyRequests
from gtpptppo_api.settings import Settings

logger = logging.getLogger("gtpptppo_api")


def async_storage_url(url: str) -> str:
    """``redis://h:6379/0`` -> ``async+redis://h:6379/0`` (the asyncio storage of the scheme)."""
    return url if url.startswith("async+") else f"async+{url}"


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
        self.strategy = MovingWindowRateLimiter(storage)
        self.namespace = namespace
        self.refuse_when_down = refuse_when_down

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimiter | None:
        """None when ``GTPPTPPO_RATE_LIMIT`` is empty (no limit)."""
        if not settings.rate_limit.strip():
            return None
        url = async_storage_url(settings.rate_limit_storage)
        scheme = url.split("://", 1)[0]
        # redis-py is installed already (the Redis broker); coredis would be one more client.
        options = {"implementation": "redispy"} if "redis" in scheme else {}
        storage = storage_from_string(url, **options)
        if not isinstance(storage, Storage):
            raise ValueError(f"no asyncio rate-limit storage for {settings.rate_limit_storage!r}")
        return cls(
            parse_many(settings.rate_limit),
            storage,
            settings.broker_namespace,
            refuse_when_down=settings.rate_limit_when_down == "refuse",
        )

    async def check(self, token_id: int) -> None:
        key = f"{self.namespace}:token:{token_id}"
        for item in self.limits:
            try:
                allowed = await self.strategy.hit(item, key)
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
                stats = await self.strategy.get_window_stats(item, key)
                retry_after = max(1, math.ceil(stats.reset_time - time.time()))
                raise TooManyRequests(
                    f"This token may make {item} requests; retry in {retry_after} s.",
                    retry_after=retry_after,
                )
