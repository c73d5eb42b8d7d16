"""HTTP requests as plain values, and the stdlib transport that sends them.

``Transport`` is the seam between the dispatcher and the network. ``HTTPTransport`` speaks
HTTP/1.1 with ``http.client`` and keeps one connection alive per host and thread, so a steady
stream of batches does not pay a TCP (and TLS) handshake each time. It reads no proxy settings.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, cast
from urllib.parse import urlsplit

from ._version import __version__
from .errors import TransportError

USER_AGENT = f"footfall-client/{__version__} (python)"


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    headers: Mapping[str, str]  # lower-cased names
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))

    def text(self, limit: int = 200) -> str:
        return self.body[:limit].decode("utf-8", "replace")


class Transport(Protocol):
    def send(self, request: Request, timeout: float) -> Response: ...

    def reset(self) -> None:
        """Forget connections without touching them (called in a child after ``fork()``)."""

    def close(self) -> None: ...


_STALE = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError)


class HTTPTransport:
    """Stdlib HTTP/1.1 with keep-alive. Raises :class:`TransportError` when no answer came."""

    def __init__(self) -> None:
        self._local = threading.local()
        self._lock = threading.Lock()
        self._pools: list[dict[tuple[str, str], http.client.HTTPConnection]] = []

    def _connections(self) -> dict[tuple[str, str], http.client.HTTPConnection]:
        pool = getattr(self._local, "pool", None)
        if pool is None:
            pool = self._local.pool = {}
            with self._lock:
                self._pools.append(pool)
        return pool

    def send(self, request: Request, timeout: float) -> Response:
        parts = urlsplit(request.url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise TransportError(f"not an http(s) URL: {parts.scheme}://{parts.netloc}")
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        headers = {"User-Agent": USER_AGENT, "Connection": "keep-alive", **request.headers}
        key = (parts.scheme, parts.netloc)
        pool = self._connections()
        reused = key in pool
        for attempt in range(2):
            connection = pool.get(key)
            if connection is None:
                factory = (
                    http.client.HTTPSConnection
                    if parts.scheme == "https"
                    else http.client.HTTPConnection
                )
                connection = pool[key] = factory(parts.netloc, timeout=timeout)
            connection.timeout = timeout
            try:
                if connection.sock is None:
                    connection.connect()
                    sock = cast(socket.socket, connection.sock)
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                connection.request(request.method, target, body=request.body, headers=headers)
                raw = connection.getresponse()
                body = raw.read()
            except _STALE as exc:
                self._drop(key)
                if reused and attempt == 0:  # the server closed an idle keep-alive connection
                    reused = False
                    continue
                raise TransportError(f"{type(exc).__name__} from {parts.netloc}") from exc
            except Exception as exc:  # OSError, HTTPException, or a socket closed under us
                self._drop(key)
                raise TransportError(f"{type(exc).__name__} from {parts.netloc}") from exc
            if raw.will_close:
                self._drop(key)
            return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, body)
        raise TransportError(f"no answer from {parts.netloc}")  # pragma: no cover

    def _drop(self, key: tuple[str, str]) -> None:
        connection = self._connections().pop(key, None)
        if connection is not None:
            connection.close()

    def reset(self) -> None:
        self._local = threading.local()
        self._lock = threading.Lock()
        self._pools = []

    def close(self) -> None:
        """Close every connection this transport opened, on any thread."""
        with self._lock:
            pools, self._pools = self._pools, []
        for pool in pools:
            for connection in list(pool.values()):
                connection.close()
            pool.clear()
        self._local = threading.local()
