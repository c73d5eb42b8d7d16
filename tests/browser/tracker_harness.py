"""The test harness for the tracking script: a fake collector and the test site.

Two servers on 127.0.0.1, on different ports, so every hit is cross-origin as on a real site:

* ``collector``: where the script is loaded from and hits are sent to. For now a fake
  (``FakeCollector``) that records each ``POST /api/event`` body and each ``GET /p.gif``.
  To test against the real Footfall server, replace the fixture with one returning an
  object satisfying ``Collector`` (``url``, ``events()``, ``pixel_hits()``, ``wait_for()``).
* ``site``: the test pages in ``site/``. ``{{TRACKER}}`` in a page becomes the script
  tag configured by ``site.tracker(...)``; ``{{COLLECTOR}}`` the collector's base URL;
  ``{{ALT_ORIGIN}}`` the same site under ``localhost`` (another host, for outbound links).
  Unknown paths get ``404.html`` with status 404.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit

STATIC = Path(__file__).resolve().parents[2] / "src" / "footfall" / "collector" / "static"
SITE = Path(__file__).resolve().parent / "site"
GIF = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c000000000100010000020144003b"
)
# Attributes every test page needs: the tests run on 127.0.0.1 under Playwright
# (navigator.webdriver is true), both of which the script skips by default.
ALLOW = "data-allow-localhost data-allow-automation"


@dataclass
class PixelHit:
    params: dict[str, str]
    referer: str | None


class Collector(Protocol):
    """What the tests need from a collector; the fake below, or later the real server."""

    url: str

    def events(self, name: str | None = None) -> list[dict[str, Any]]: ...

    def pixel_hits(self) -> list[PixelHit]: ...

    def wait_for(
        self, name: str | None = None, count: int = 1, timeout: float = 5.0
    ) -> list[dict[str, Any]]: ...

    def clear(self) -> None: ...


@dataclass
class FakeCollector:
    """Records what the tracker sends; answers like Footfall (202, permissive CORS)."""

    url: str = ""
    received: list[dict[str, Any]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    pixels: list[PixelHit] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def events(self, name: str | None = None) -> list[dict[str, Any]]:
        """Payloads received so far (wire format, short keys), optionally one event name."""
        with self.lock:
            return [e for e in self.received if name is None or e.get("n") == name]

    def pixel_hits(self) -> list[PixelHit]:
        with self.lock:
            return list(self.pixels)

    def wait_for(
        self, name: str | None = None, count: int = 1, timeout: float = 5.0
    ) -> list[dict[str, Any]]:
        """Wait until at least ``count`` events (named ``name``) arrived; return them all."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.events(name)
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.02)

    def clear(self) -> None:
        with self.lock:
            self.received.clear()
            self.requests.clear()
            self.pixels.clear()

    def handler(self) -> type[BaseHTTPRequestHandler]:
        collector = self

        class Handler(_QuietHandler):
            def do_OPTIONS(self) -> None:
                self.reply(204, b"", "text/plain")

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if urlsplit(self.path).path != "/api/event":
                    return self.reply(404, b"not found", "text/plain")
                with collector.lock:
                    collector.requests.append(
                        {"content_type": self.headers.get("Content-Type"), "body": body}
                    )
                    collector.received.append(json.loads(body))
                self.reply(202, b"ok", "text/plain")

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                if url.path == "/p.gif":
                    hit = PixelHit(dict(parse_qsl(url.query)), self.headers.get("Referer"))
                    with collector.lock:
                        collector.pixels.append(hit)
                    return self.reply(200, GIF, "image/gif")
                name = url.path.removeprefix("/js/")
                if name in ("script.js", "script.ext.js"):
                    return self.reply(200, (STATIC / name).read_bytes(), "text/javascript")
                self.reply(404, b"not found", "text/plain")

        return Handler


class _QuietHandler(BaseHTTPRequestHandler):
    def reply(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", self.headers.get("Origin") or "*")
        self.send_header("Access-Control-Allow-Headers", "Content-Type")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class Site:
    """The test pages, with the script tag chosen per test by ``tracker()``."""

    url: str
    collector_url: str
    alt_origin: str = ""
    tag: str = ""

    def tracker(
        self, attrs: str = "", build: str = "script.js", allow: str = ALLOW, origin: str = ""
    ) -> None:
        """Set the script tag of every page; ``origin``: where the script is loaded from."""
        self.tag = (
            f'<script defer src="{origin or self.collector_url}/js/{build}" '
            f'data-domain="test.example" {allow} {attrs}></script>'
        )

    def render(self, name: str) -> bytes:
        text = (SITE / name).read_text()
        for key, value in {
            "{{TRACKER}}": self.tag,
            "{{COLLECTOR}}": self.collector_url,
            "{{ALT_ORIGIN}}": self.alt_origin,
        }.items():
            text = text.replace(key, value)
        return text.encode()

    def handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(_QuietHandler):
            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                name = path.strip("/") or "page.html"
                if path in ("/js/script.js", "/js/script.ext.js"):  # a self-hosted copy
                    return self.reply(200, (STATIC / path[4:]).read_bytes(), "text/javascript")
                if path.startswith("/files/"):
                    return self.reply(200, b"%PDF-1.4 test", "application/pdf")
                if "/" not in name and (SITE / name).is_file():
                    return self.reply(200, site.render(name), "text/html; charset=utf-8")
                self.reply(404, site.render("404.html"), "text/html; charset=utf-8")

        return Handler


@contextmanager
def serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
