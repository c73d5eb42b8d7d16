"""Segment's HTTP Tracking API: ``POST {host}/v1/batch``.

Body ``{"batch": [message, …], "writeKey": …, "sentAt": …}`` (JSON, optionally gzipped), plus
``Authorization: Basic base64(writeKey + ":")``; both are documented ways to authenticate. Limits
from the docs: 32 KB per message, 500 KB per request, 2500 messages per batch. Success is 200.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import ClassVar

from ..batching import Limits, Record
from ..encoding import dumps
from ..message import Message
from ..transport import Request
from .base import HTTPDestination, basic_auth, json_body


class SegmentDestination(HTTPDestination):
    name = "segment"
    default_host = "https://api.segment.io"
    options: ClassVar[frozenset[str]] = frozenset({"gzip"})

    def __init__(self, id: str, *, host: str | None = None, gzip: bool = False) -> None:
        super().__init__(id, host=host)
        self.gzip = gzip
        self._key = dumps(id)
        self._limits = Limits(
            max_count=2500,
            max_bytes=500_000,
            max_record_bytes=32_768,
            envelope_bytes=80 + len(self._key),
        )

    def encode(self, message: Message) -> list[Record]:
        return [self.record("batch", message, message)]

    def limits(self, key: Hashable) -> Limits:
        return self._limits

    def build_request(self, key: Hashable, records: Sequence[Record], sent_at: str) -> Request:
        body = b'{"batch":[' + b",".join(r.data for r in records) + b'],"writeKey":' + self._key
        body += b',"sentAt":' + dumps(sent_at) + b"}"
        headers, body = json_body({"Authorization": basic_auth(self.id)}, body, self.gzip)
        return Request("POST", f"{self.host}/v1/batch", headers, body)
