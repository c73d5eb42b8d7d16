"""Providers that send nothing: ``memory`` keeps every finished message for tests, ``null``
discards them. Both run synchronously, so a test can assert right after the call."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import ClassVar

from ..batching import Limits, Record
from ..message import Message
from ..transport import Request, Response

_NO_LIMITS = Limits(max_count=1, max_bytes=1, max_record_bytes=1)


class NullDestination:
    name: ClassVar[str] = "null"
    options: ClassVar[frozenset[str]] = frozenset()
    sync_only: ClassVar[bool] = True

    def __init__(self, id: str = "", *, host: str | None = None) -> None:
        self.id = id
        self.host = host

    def encode(self, message: Message) -> list[Record]:
        return []

    def limits(self, key: Hashable) -> Limits:
        return _NO_LIMITS

    def build_request(self, key: Hashable, records: Sequence[Record], sent_at: str) -> Request:
        raise NotImplementedError("the null provider sends nothing")

    def check(self, response: Response, records: Sequence[Record]) -> list[tuple[int, str]]:
        return []


class MemoryDestination(NullDestination):
    """Records every message, in the Segment spec, in :attr:`messages`.

    >>> provider = Provider("memory", "test")
    >>> provider.track("Signed Up", {"plan": "pro"}, user_id="u1")
    True
    >>> provider.destination.messages[-1]["event"]
    'Signed Up'
    """

    name: ClassVar[str] = "memory"

    def __init__(self, id: str = "", *, host: str | None = None) -> None:
        super().__init__(id, host=host)
        self.messages: list[Message] = []

    def encode(self, message: Message) -> list[Record]:
        self.messages.append(message)
        return []

    def of_type(self, kind: str) -> list[Message]:
        """The recorded messages of one type: ``"track"``, ``"page"``, ``"identify"`` …"""
        return [m for m in self.messages if m["type"] == kind]

    def clear(self) -> None:
        self.messages.clear()
