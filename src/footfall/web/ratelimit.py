"""A token bucket per API key, in memory: `per_hour` requests, refilled continuously.

Like Plausible's 600 requests/hour. Times come from the caller (seconds as a float),
so tests step a fake clock instead of sleeping.
"""

from __future__ import annotations

import math
import threading


class TokenBuckets:
    def __init__(self, per_hour: int = 600, burst: int | None = None) -> None:
        self.capacity = float(burst if burst is not None else per_hour)
        self.rate = per_hour / 3600.0  # tokens per second
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, at)
        self._lock = threading.Lock()

    def take(self, key: str, now: float) -> float:
        """Spend one token; return 0 if allowed, else the seconds until one is available."""
        with self._lock:
            tokens, at = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + max(0.0, now - at) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate if self.rate else math.inf
