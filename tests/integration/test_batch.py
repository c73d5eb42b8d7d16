"""Server-side tracking: footfall-client → POST /api/batch → the events table."""

from __future__ import annotations

import httpx
from server import stored_rows

from footfall_client import Provider


def test_client_events_land_with_user_ids_and_props(server):
    key = server.cli("keys", "create", "--site", "example.com", "--kind", "write").strip()
    client = Provider("footfall", key, host=server.url, sync=True)
    client.page(
        "Pricing",
        {"url": "https://example.com/pricing", "referrer": "https://t.co/a"},
        user_id="u1",
        context={
            "ip": "203.0.113.5",
            "userAgent": "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
        },
    )
    client.track("Signup", {"plan": "pro", "revenue": 29.0, "currency": "EUR"}, user_id="u1")
    client.track("Export", {"format": "csv"}, anonymous_id="anon-7")
    client.shutdown()
    server.stop()
    rows = stored_rows(
        server.data_dir,
        "SELECT name, pathname, referrer_source, user_id, "
        "distinct_id, props['plan'], revenue_amount::VARCHAR, browser, protocol "
        "FROM events ORDER BY name",
    )
    assert rows == [
        ("Export", "/", "", "", "anon-7", None, None, "", "footfall"),
        ("Signup", "/", "", "u1", "", "pro", "29.0000", "", "footfall"),
        ("pageview", "/pricing", "Twitter", "u1", "", None, None, "Firefox", "footfall"),
    ]


def test_batch_needs_a_valid_write_key(server):
    stats_key = server.cli("keys", "create", "--site", "example.com").strip()
    body = {"batch": [{"type": "track", "event": "x", "userId": "u"}]}
    assert httpx.post(f"{server.url}/api/batch", json=body).status_code == 401
    response = httpx.post(
        f"{server.url}/api/batch", json=body, headers={"Authorization": f"Bearer {stats_key}"}
    )
    assert response.status_code == 401


def test_partial_success_and_duplicates_dropped(server):
    key = server.cli("keys", "create", "--site", "example.com", "--kind", "write").strip()
    body = {
        "sentAt": "2026-01-01T00:00:10Z",
        "batch": [
            {
                "type": "track",
                "event": "Good",
                "userId": "u",
                "messageId": "m-1",
                "timestamp": "2026-01-01T00:00:00Z",
            },
            {"type": "track", "userId": "u", "messageId": "m-2"},
            {"type": "identify"},
            "not an object",
        ],
    }
    headers = {"Authorization": f"Bearer {key}"}
    first = httpx.post(f"{server.url}/api/batch", json=body, headers=headers)
    assert first.status_code == 200
    reply = first.json()
    assert reply["accepted"] == 1
    assert [e["index"] for e in reply["errors"]] == [1, 2, 3]
    assert reply["errors"][0]["field"] == "batch[1].event"
    # A retry of the same batch (the client did not see the reply) stores nothing twice.
    httpx.post(f"{server.url}/api/batch", json=body, headers=headers)
    server.stop()
    assert stored_rows(server.data_dir, "SELECT count(*) FROM events") == [(1,)]
