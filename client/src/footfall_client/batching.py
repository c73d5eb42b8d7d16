"""Records (one message in a platform's wire format) and the batcher that packs them.

A batch never mixes keys (a key names an endpoint, and for GA4 a client id too), never holds
more than ``max_count`` records, and its request body never exceeds ``max_bytes``: records plus
one separator between each and the envelope around them. The batcher is pure: the dispatcher
decides when time is up and drains it.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any, Protocol

from .errors import MessageTooLargeError


@dataclass(slots=True)
class Record:
    key: Hashable
    data: bytes
    message: dict[str, Any] = field(repr=False)


@dataclass(frozen=True, slots=True)
class Limits:
    max_count: int
    max_bytes: int
    max_record_bytes: int
    separator_bytes: int = 1
    envelope_bytes: int = 0


class LimitsFor(Protocol):
    def __call__(self, key: Hashable) -> Limits: ...


class Batcher:
    def __init__(self, limits_for: LimitsFor) -> None:
        self._limits_for = limits_for
        self._pending: dict[Hashable, list[Record]] = {}
        self._bytes: dict[Hashable, int] = {}
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def add(self, record: Record) -> list[list[Record]]:
        """Queue ``record``; return the batches that are now full and must be sent.

        Raises :class:`MessageTooLargeError` if the record alone is over the limits.
        """
        limits = self._limits_for(record.key)
        size = len(record.data)
        limit = min(limits.max_record_bytes, limits.max_bytes - limits.envelope_bytes)
        if size > limit:
            raise MessageTooLargeError(size, limit)
        ready: list[list[Record]] = []
        pending = self._pending.get(record.key)
        if pending:
            grown = self._bytes[record.key] + limits.separator_bytes + size
            if grown + limits.envelope_bytes > limits.max_bytes:
                ready.append(self._take(record.key))
                pending = None
        if not pending:
            self._pending[record.key] = [record]
            self._bytes[record.key] = size
        else:
            pending.append(record)
            self._bytes[record.key] += limits.separator_bytes + size
        self._count += 1
        if len(self._pending[record.key]) >= limits.max_count:
            ready.append(self._take(record.key))
        return ready

    def drain(self) -> list[list[Record]]:
        return [self._take(key) for key in list(self._pending)]

    def _take(self, key: Hashable) -> list[Record]:
        batch = self._pending.pop(key)
        del self._bytes[key]
        self._count -= len(batch)
        return batch
