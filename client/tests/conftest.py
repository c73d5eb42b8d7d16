"""Fixtures for footfall-client's tests: a real HTTP receiver on loopback, and providers that
are always shut down. Runs from the repository root (``pytest client/tests``) or from
``client/``; the package is imported from ``client/src`` when it is not installed."""

from __future__ import annotations

import gzip
import json
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

try:
    import footfall_client  # noqa: F401
except ImportError:  # not installed: use the source tree
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from footfall_client import Provider


@dataclass
class Seen:
    """One request as the receiver got it."""

    method: str
    path: str  # without the query
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    raw: bytes  # the body as sent (possibly gzipped)
    body: bytes  # the body after gunzip
    status: int = 0  # what the receiver answered (0: hung up without answering)
    at: float = field(default_factory=time.monotonic)

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, list[str]]:
        return parse_qs(self.body.decode("ascii"), keep_blank_values=True)


Reply = tuple[int, dict[str, str], bytes]


class Receiver:
    """A threading HTTP/1.1 server on 127.0.0.1 that records requests and answers as told.

    ``replies`` is a list of answers used in order, then ``default`` forever; status 0 closes
    the connection without answering. ``gate`` blocks every request until set (a slow or hung
    server); ``entered`` is set when one is waiting.
    """

    def __init__(self) -> None:
        self.seen: list[Seen] = []
        self.replies: list[Reply] = []
        self.default: Reply = (200, {"Content-Type": "application/json"}, b'{"status":1}')
        self.gate = threading.Event()
        self.gate.set()
        self.entered = threading.Event()
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            timeout = 5
            disable_nagle_algorithm = True

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                receiver.entered.set()
                receiver.gate.wait(10)
                headers = {k.lower(): v for k, v in self.headers.items()}
                body = gzip.decompress(raw) if headers.get("content-encoding") == "gzip" else raw
                parts = urlsplit(self.path)
                seen = Seen(self.command, parts.path, parse_qs(parts.query), headers, raw, body)
                with receiver.changed:
                    status, reply_headers, reply = (
                        receiver.replies.pop(0) if receiver.replies else receiver.default
                    )
                    seen.status = status
                    receiver.seen.append(seen)
                    receiver.changed.notify_all()
                if status == 0:
                    self.close_connection = True
                    return
                self.send_response(status)
                for name, value in reply_headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            do_GET = do_POST = _handle

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def reply(self, status: int, body: bytes | str = b"", **headers: str) -> None:
        data = body.encode() if isinstance(body, str) else body
        self.replies.append((status, {k.replace("_", "-"): v for k, v in headers.items()}, data))

    def wait_for(self, predicate: Callable[[list[Seen]], bool], timeout: float = 10) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: predicate(self.seen), timeout)

    def wait_count(self, n: int, timeout: float = 10) -> list[Seen]:
        assert self.wait_for(lambda seen: len(seen) >= n, timeout), f"{len(self.seen)} < {n}"
        return list(self.seen)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    server.thread.start()
    yield server
    server.gate.set()
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def make_provider() -> Iterator[Callable[..., Provider]]:
    """Build providers with quick retries; every one is shut down after the test."""
    made: list[Provider] = []

    def make(name: str, id: str, **options: Any) -> Provider:
        options.setdefault("backoff_base", 0.01)
        options.setdefault("backoff_cap", 0.05)
        options.setdefault("timeout", 5)
        provider = Provider(name, id, **options)
        made.append(provider)
        return provider

    yield make
    for provider in made:
        provider.shutdown(timeout=2)
