"""When to try a request again, and how long to wait first."""

from __future__ import annotations

import email.utils
from dataclasses import dataclass

from .errors import APIError, TransportError


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff with jitter, honouring ``Retry-After``.

    Attempt ``n`` (0-based) waits a uniformly jittered ``uniform(0.5, 1) * min(cap, base * 2**n)``
    seconds, or exactly what the server asked in ``Retry-After`` (at most ``max_retry_after``).
    Network errors, 408, 429 and 5xx are retried up to ``max_retries`` times; other 4xx never.
    """

    max_retries: int = 8
    base: float = 0.5
    cap: float = 30.0
    max_retry_after: float = 60.0

    def should_retry(self, error: Exception, attempt: int) -> bool:
        if attempt >= self.max_retries:
            return False
        if isinstance(error, TransportError):
            return True
        return isinstance(error, APIError) and error.retryable

    def delay(self, error: Exception, attempt: int, rand: float) -> float:
        retry_after = error.retry_after if isinstance(error, APIError) else None
        if retry_after is not None:
            return max(0.0, min(retry_after, self.max_retry_after))
        return min(self.cap, self.base * 2.0**attempt) * (0.5 + rand / 2)


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - now)
