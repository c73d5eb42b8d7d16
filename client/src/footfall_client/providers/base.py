"""The ``Destination`` seam: how one platform encodes messages and sends batches.

A destination is pure apart from its settings: ``encode`` turns a finished message into zero or
more records, ``build_request`` turns a batch of records into one HTTP request, and ``check``
decides whether the platform's answer means success. The dispatcher does the rest (queueing,
batching by ``limits``, retries, error reporting).
"""

from __future__ import annotations

import base64
import time
from collections.abc import Hashable, Sequence
from typing import Any, ClassVar, Protocol

from ..batching import Limits, Record
from ..encoding import dumps, gzip_bytes
from ..errors import APIError, ConfigurationError
from ..message import Message
from ..retry import parse_retry_after
from ..transport import Request, Response


class Destination(Protocol):
    name: ClassVar[str]
    options: ClassVar[frozenset[str]]
    sync_only: ClassVar[bool]

    def __init__(self, id: str, *, host: str | None = None, **options: Any) -> None: ...

    def encode(self, message: Message) -> list[Record]: ...

    def limits(self, key: Hashable) -> Limits: ...

    def build_request(self, key: Hashable, records: Sequence[Record], sent_at: str) -> Request: ...

    def check(self, response: Response, records: Sequence[Record]) -> list[tuple[int, str]]:
        """Raise :class:`APIError` if the batch failed; return ``(index, reason)`` of records
        the platform accepted the request for but rejected individually."""
        ...


class HTTPDestination:
    """Shared settings and helpers of the destinations that speak HTTP."""

    name: ClassVar[str] = ""
    default_host: ClassVar[str] = ""
    options: ClassVar[frozenset[str]] = frozenset()
    sync_only: ClassVar[bool] = False

    def __init__(self, id: str, *, host: str | None = None) -> None:
        if not id:
            raise ConfigurationError(f"provider {self.name!r} needs an id as its second argument")
        host = host or self.default_host
        if not host:
            raise ConfigurationError(f"provider {self.name!r} needs host='https://…'")
        if "://" not in host:
            raise ConfigurationError(f"host must start with http:// or https://, got {host!r}")
        self.id = id
        self.host = host.rstrip("/")

    def record(self, key: Hashable, payload: Any, message: Message) -> Record:
        return Record(key, dumps(payload), message)

    def check(self, response: Response, records: Sequence[Record]) -> list[tuple[int, str]]:
        raise_for_status(response)
        return []


def raise_for_status(response: Response, *, ok: frozenset[int] | None = None) -> None:
    """Raise :class:`APIError` unless the status is 2xx (or in ``ok`` when given)."""
    good = response.status in ok if ok is not None else 200 <= response.status < 300
    if not good:
        raise api_error(response)


def api_error(response: Response, message: str | None = None, **kw: Any) -> APIError:
    retry_after = parse_retry_after(response.headers.get("retry-after"), time.time())
    return APIError(
        response.status, message or response.text() or "", retry_after=retry_after, **kw
    )


def json_array(records: Sequence[Record]) -> bytes:
    return b"[" + b",".join(r.data for r in records) + b"]"


def json_body(headers: dict[str, str], body: bytes, gzip: bool) -> tuple[dict[str, str], bytes]:
    headers = {"Content-Type": "application/json", **headers}
    if gzip:
        headers["Content-Encoding"] = "gzip"
        body = gzip_bytes(body)
    return headers, body


def basic_auth(user: str, password: str = "") -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
