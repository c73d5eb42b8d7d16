"""The real tracker, served by a real Footfall server, read back through the stats API."""

from __future__ import annotations

import sys
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import httpx
import pytest
from tracker_harness import serve

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
from server import ServerProcess

pytestmark = pytest.mark.browser
DESKTOP_CHROME = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/156.0.0.0 Safari/537.36"
)

PAGE = """<!doctype html><html><head><title>Shop</title>
<script>window.footfall=window.footfall||function(){{(footfall.q=footfall.q||[]).push(arguments)}}</script>
<script defer data-domain="example.com" data-allow-localhost data-allow-automation
  src="{server}/js/script.js"></script></head>
<body><h1>Shop</h1>
<button id="buy" onclick="footfall('Purchase', {{props: {{plan: 'pro'}},
  revenue: {{amount: 29, currency: 'EUR'}}}})">Buy</button>
<a id="next" href="/pricing">Pricing</a></body></html>"""


def _page_handler(server_url: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = PAGE.format(server=server_url).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


def _query(server: ServerProcess, key: str, body: dict) -> dict:
    response = httpx.post(
        f"{server.url}/api/v2/query", json=body, headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_pageviews_and_custom_event_reach_the_stats_api(tmp_path, browser):
    server = ServerProcess(tmp_path / "data")
    server.cli("sites", "add", "example.com")
    key = server.cli("keys", "create", "--site", "example.com").strip()
    server.start()
    try:
        with serve(_page_handler(server.url)) as site_url:
            # Headless Chromium says "HeadlessChrome", which Footfall drops as a bot.
            page = browser.new_page(user_agent=DESKTOP_CHROME)
            page.goto(f"{site_url}/")
            page.click("#buy")
            page.click("#next")
            page.wait_for_load_state("load")
            page.close()
        query = {
            "site_id": "example.com",
            "date_range": "day",
            "metrics": ["pageviews", "events", "visitors"],
            "dimensions": ["event:page"],
        }
        deadline = time.monotonic() + 10
        while True:
            results = _query(server, key, query)["results"]
            pages = {r["dimensions"][0]: r["metrics"] for r in results}
            if pages.get("/pricing", [0])[0] == 1 or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        assert pages.get("/", [0])[0] == 1 and pages.get("/pricing", [0])[0] == 1, results
        goals = _query(
            server,
            key,
            {
                "site_id": "example.com",
                "date_range": "day",
                "metrics": ["events", "total_revenue"],
                "dimensions": ["event:goal"],
            },
        )["results"]
        purchase = next(r for r in goals if r["dimensions"] == ["Purchase"])
        assert purchase["metrics"][0] == 1
    finally:
        server.stop()
