"""Plausible's own npm tracker (plausible-tracker) in Debian's chromium, unchanged but for
`apiHost`, sending to a real Footfall server.

The page is served as http://example.com:<port>/ (chromium maps example.com to 127.0.0.1),
so the library runs exactly as on a customer's site: no `trackLocalhost`, real history
navigations for its automatic SPA pageviews, a real XMLHttpRequest with its text/plain body.
"""

from __future__ import annotations

import sys
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from compat_server import CHROME_UA, NODE_MODULES, SITE, linked_server
from server import stored_rows

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))
from tracker_harness import serve

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::DeprecationWarning")]
TRACKER = NODE_MODULES / "plausible-tracker" / "build" / "module"

PAGE = """<!doctype html><html><head><title>Plausible tracker</title></head><body>
<a id="pricing" href="#">Pricing</a>
<script type="module">
import Plausible from "/tracker/index.js";
const plausible = Plausible({ domain: "example.com", apiHost: "{api}" });
window.__sent = 0;
const done = () => { window.__sent += 1; };
plausible.enableAutoPageviews();
document.getElementById("pricing").addEventListener("click", (e) => {
  e.preventDefault();
  history.pushState({}, "", "/pt/pricing?utm_source=newsletter");
  plausible.trackEvent("Signup", { props: { plan: "pro" }, callback: done });
});
</script></body></html>"""


def _site_handler(api: str) -> type[BaseHTTPRequestHandler]:
    """The test page, plus the package's ES module build (its imports omit `.js`)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            if path.startswith("/tracker/"):
                file = TRACKER / path.removeprefix("/tracker/")
                if file.suffix != ".js":
                    file = file.with_name(file.name + ".js")
                if not file.resolve().is_relative_to(TRACKER.resolve()) or not file.exists():
                    self.send_error(404)
                    return
                self._reply(file.read_bytes(), "text/javascript")
            else:
                self._reply(PAGE.replace("{api}", api).encode(), "text/html")

        def _reply(self, body: bytes, kind: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


def test_plausible_tracker_in_chromium(tmp_path: Path, launch_chromium: Any) -> None:
    assert TRACKER.exists(), "plausible-tracker is missing: run scripts/install-test-deps.sh"
    server = linked_server(tmp_path / "data")
    api = server.url.replace("127.0.0.1", "example.com")
    try:
        with serve(_site_handler(api)) as site_url:
            browser = launch_chromium("--host-resolver-rules=MAP example.com 127.0.0.1")
            context = browser.new_context(user_agent=CHROME_UA)
            page = context.new_page()
            statuses: list[int] = []
            page.on(
                "response",
                lambda r: statuses.append(r.status) if r.url.endswith("/api/event") else None,
            )
            page.goto(site_url.replace("127.0.0.1", "example.com") + "/pt/home")
            page.wait_for_function("typeof window.__sent === 'number'")
            page.click("#pricing")
            page.wait_for_function("window.__sent === 1")
            deadline = time.monotonic() + 10
            while len(statuses) < 3 and time.monotonic() < deadline:
                page.wait_for_timeout(50)
            browser.close()
    finally:
        server.stop()
    assert statuses == [202, 202, 202]
    rows: list[Any] = stored_rows(
        server.data_dir,
        "SELECT name, pathname, utm_source, map_entries(props) FROM events "
        "WHERE site_id = ? AND protocol = 'plausible' ORDER BY timestamp, name",
        [SITE],
    )
    pages = [(r[1], r[2]) for r in rows if r[0] == "pageview"]
    assert pages == [("/pt/home", ""), ("/pt/pricing", "newsletter")]
    (signup,) = [r for r in rows if r[0] == "Signup"]
    assert {e["key"]: e["value"] for e in signup[3]} == {"plan": "pro"}
