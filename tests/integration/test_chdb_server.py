"""The same server on the embedded ClickHouse engine: ingest, sessions, dedup, stats API."""

from __future__ import annotations

import time

import httpx
from server import CHROME_UA, ServerProcess


def test_serve_on_chdb(tmp_path):
    server = ServerProcess(tmp_path / "data", FOOTFALL_STORE="chdb:")
    server.cli("sites", "add", "example.com")
    key = server.cli("keys", "create", "--site", "example.com").strip()
    write = server.cli("keys", "create", "--site", "example.com", "--kind", "write").strip()
    server.start()
    try:
        for path in ("/", "/pricing", "/"):
            response = httpx.post(
                f"{server.url}/api/event",
                headers={"User-Agent": CHROME_UA},
                json={"n": "pageview", "u": f"https://example.com{path}", "d": "example.com"},
            )
            assert response.status_code == 202
        batch = {"batch": [{"type": "track", "event": "Signup", "userId": "u", "messageId": "m"}]}
        for _ in range(2):  # the retry is a duplicate
            httpx.post(
                f"{server.url}/api/batch", json=batch, headers={"Authorization": f"Bearer {write}"}
            )
        query = {
            "site_id": "example.com",
            "date_range": "day",
            "metrics": ["visitors", "visits", "pageviews", "events"],
        }
        deadline = time.monotonic() + 15
        while True:
            response = httpx.post(
                f"{server.url}/api/v2/query", json=query, headers={"Authorization": f"Bearer {key}"}
            )
            assert response.status_code == 200, response.text
            metrics = response.json()["results"][0]["metrics"]
            if metrics[3] >= 4 or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        assert metrics == [2, 2, 3, 4]  # 2 visitors (browser + server-side user), no duplicate
    finally:
        server.stop()
