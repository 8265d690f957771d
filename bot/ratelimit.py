"""Per-user rate limit: a token bucket per Telegram id, so one person cannot flood the fleet or the bot."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RateLimit:
    """`burst` messages at once, refilled at `per_minute` messages a minute. `per_minute` 0 disables the limit."""

    burst: int = 8
    per_minute: float = 30.0


@dataclass(frozen=True)
class Verdict:
    """`allowed`: serve this message. `notify`: refused, and the user has not been told yet in this episode.
    `retry_in_s`: seconds until the next message would be served."""

    allowed: bool
    notify: bool = False
    retry_in_s: float = 0.0


class RateLimiter:
    """Token buckets keyed by user id; `clock` is monotonic seconds (injectable for tests)."""

    def __init__(self, limit: RateLimit = RateLimit(), clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.clock = clock
        self._buckets: dict[int, tuple[float, float]] = {}  # user -> (tokens, at)
        self._told: set[int] = set()

    def check(self, user_id: int) -> Verdict:
        if self.limit.per_minute <= 0:
            return Verdict(True)
        now = self.clock()
        rate = self.limit.per_minute / 60.0
        tokens, at = self._buckets.get(user_id, (float(self.limit.burst), now))
        tokens = min(float(self.limit.burst), tokens + (now - at) * rate)
        if tokens >= 1.0:
            self._buckets[user_id] = (tokens - 1.0, now)
            self._told.discard(user_id)
            return Verdict(True)
        self._buckets[user_id] = (tokens, now)
        # Tell the user once per throttled episode; further messages are refused silently (still audited).
        notify = user_id not in self._told
        self._told.add(user_id)
        return Verdict(False, notify, (1.0 - tokens) / rate)
