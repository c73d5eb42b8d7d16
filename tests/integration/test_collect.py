"""Events over real HTTP on loopback into a real DuckDB file."""

from __future__ import annotations

import httpx
import orjson
import pytest
from server import CHROME_UA, stored_rows

EVENT = {
    "n": "pageview",
    "u": "https://example.com/pricing?utm_source=newsletter",
    "d": "example.com",
    "r": "https://www.google.com/search?q=secret",
    "w": 1280,
}


def post(server, body, **headers):  # type: ignore[no-untyped-def]
    return httpx.post(
        f"{server.url}/api/event",
        content=orjson.dumps(body) if not isinstance(body, bytes) else body,
        headers={"User-Agent": CHROME_UA, "Content-Type": "text/plain", **headers},
    )


def test_event_is_accepted_enriched_and_stored(server):
    response = post(server, EVENT | {"p": {"plan": "pro"}})
    assert response.status_code == 202
    assert response.headers["access-control-allow-origin"] == "*"
    server.stop()
    rows = stored_rows(
        server.data_dir,
        "SELECT name, hostname, pathname, referrer, "
        "referrer_source, utm_source, browser, os, device, screen, props['plan'], "
        "visitor_id > 0, session_id > 0 FROM events",
    )
    assert rows == [
        (
            "pageview",
            "example.com",
            "/pricing",
            "https://www.google.com/search",
            "newsletter",
            "newsletter",
            "Chrome",
            "Windows",
            "Desktop",
            "Laptop",
            "pro",
            True,
            True,
        )
    ]


@pytest.mark.parametrize(
    ("headers", "body", "reason"),
    [
        (
            {
                "User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
            },
            EVENT,
            "bot_crawler",
        ),
        (
            {"User-Agent": "Mozilla/5.0 HeadlessChrome/120.0.0.0 Safari/537.36"},
            EVENT,
            "bot_headless",
        ),
        ({}, EVENT | {"d": "unknown.org"}, "unknown_site"),
        ({"DNT": "1"}, EVENT, "do_not_track"),
        ({"Sec-GPC": "1"}, EVENT, "do_not_track"),
    ],
)
def test_dropped_events_get_202_and_a_reason(server, headers, body, reason):
    response = post(server, body, **headers)
    assert response.status_code == 202
    assert response.headers["x-footfall-dropped"] == reason
    metrics = httpx.get(f"{server.url}/metrics").text
    assert f'footfall_events_dropped_total{{reason="{reason}"}} 1' in metrics


def test_malformed_event_gets_400_naming_the_field(server):
    response = post(server, {"n": "pageview", "d": "example.com"})
    assert response.status_code == 400
    assert response.json() == {"errors": {"url": ["is required"]}}
    response = post(server, b"{nope")
    assert response.status_code == 400
    assert "request" in response.json()["errors"]


def test_body_size_limit(server):
    response = post(server, EVENT | {"p": {"x": "y" * 1_100_000}})
    assert response.status_code == 413


def test_cors_preflight(server):
    response = httpx.options(
        f"{server.url}/api/event",
        headers={
            "Origin": "https://example.com",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "https://example.com"
    assert response.headers["access-control-allow-credentials"] == "true"


def test_pixel_takes_page_from_referer_header(server):
    response = httpx.get(
        f"{server.url}/p.gif",
        params={"d": "example.com", "r": "https://t.co/x"},
        headers={"User-Agent": CHROME_UA, "Referer": "https://example.com/blog"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/gif"
    assert response.headers["cache-control"].startswith("no-store")
    assert response.content.startswith(b"GIF89a")
    server.stop()
    assert stored_rows(server.data_dir, "SELECT pathname, referrer_source FROM events") == [
        ("/blog", "Twitter")
    ]


def test_health(server):
    body = httpx.get(f"{server.url}/api/health").json()
    assert body["status"] == "ok" and body["store"] == "duckdb"


def test_tracker_script_is_served_with_caching(server):
    plain = httpx.get(f"{server.url}/js/script.js")
    assert plain.status_code == 200 and "javascript" in plain.headers["content-type"]
    assert "max-age" in plain.headers["cache-control"]
    etag = plain.headers["etag"].strip('"')
    versioned = httpx.get(f"{server.url}/js/script.{etag}.js")
    assert "immutable" in versioned.headers["cache-control"]
    assert httpx.get(f"{server.url}/js/script.0000000000.js").status_code == 404
