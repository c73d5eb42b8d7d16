"""Footfall's own collector: ``POST {host}/api/batch``.

Request: ``Authorization: Bearer <write key>``, ``Content-Type: application/json`` (optionally
``Content-Encoding: gzip``), body ``{"batch": [message, …], "sentAt": ISO-8601}`` where each
message is in the Segment spec (see :mod:`footfall_client.message`). Limits: 32 KB per message,
500 KB per body (before gzip), 2500 messages per batch. Reply: 200
``{"accepted": N, "errors": [{"index": i, "messageId": …, "reason": …}]}``; the messages listed
in ``errors`` were refused for good and are not retried.
"""

from __future__ import annotations

import os
from collections.abc import Hashable, Sequence
from typing import ClassVar

from ..batching import Limits, Record
from ..encoding import dumps
from ..message import Message
from ..transport import Request, Response
from .base import HTTPDestination, json_body, raise_for_status

LIMITS = Limits(max_count=2500, max_bytes=500_000, max_record_bytes=32_768, envelope_bytes=64)


class FootfallDestination(HTTPDestination):
    name = "footfall"
    options: ClassVar[frozenset[str]] = frozenset({"gzip"})

    def __init__(self, id: str, *, host: str | None = None, gzip: bool = False) -> None:
        super().__init__(id, host=host or os.environ.get("FOOTFALL_URL"))
        self.gzip = gzip

    def encode(self, message: Message) -> list[Record]:
        return [self.record("batch", message, message)]

    def limits(self, key: Hashable) -> Limits:
        return LIMITS

    def build_request(self, key: Hashable, records: Sequence[Record], sent_at: str) -> Request:
        body = b'{"batch":[' + b",".join(r.data for r in records) + b'],"sentAt":'
        body += dumps(sent_at) + b"}"
        headers, body = json_body({"Authorization": f"Bearer {self.id}"}, body, self.gzip)
        return Request("POST", f"{self.host}/api/batch", headers, body)

    def check(self, response: Response, records: Sequence[Record]) -> list[tuple[int, str]]:
        raise_for_status(response)
        try:
            reply = response.json()
        except ValueError:
            return []
        errors = reply.get("errors") if isinstance(reply, dict) else None
        rejected: list[tuple[int, str]] = []
        for error in errors or []:
            if isinstance(error, dict) and isinstance(error.get("index"), int):
                rejected.append((error["index"], str(error.get("reason", "rejected"))[:200]))
        return rejected
