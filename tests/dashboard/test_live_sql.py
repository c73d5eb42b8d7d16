"""The live feed's own SQL against a real DuckDB store: newest first, since, site guard."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from footfall.store.arrow import events_table
from footfall.store.base import SpoolPosition, open_store
from footfall.web.dashboard.live import latest_events, property_keys

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


def _event(n: int, site: str, minutes_ago: int, **extra: object) -> dict[str, object]:
    stamp = (NOW - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%d %H:%M:%S+00:00")
    return {
        "event_id": f"ev{n}",
        "site_id": site,
        "timestamp": stamp,
        "name": "pageview",
        "pathname": f"/p{n}",
        "country": "DE",
        "city": "Berlin",
        "browser": "Firefox",
        "visitor_id": n,
        "session_id": n,
        "props": {},
        **extra,
    }


def test_latest_events_and_property_keys(tmp_path):
    store = open_store("duckdb", tmp_path)
    store.migrate()
    rows = [
        _event(1, "a.example", 90),
        _event(2, "a.example", 5, name="Signup", props={"plan": "pro"}),
        _event(3, "b.example", 1, props={"secret": "b"}),
    ]
    store.insert(events_table(rows), SpoolPosition(1, 3))
    try:
        events = latest_events(store, "a.example", NOW - timedelta(hours=2))
        assert [e["event_id"] for e in events] == ["ev2", "ev1"]
        assert events[0]["name"] == "Signup" and events[0]["city"] == "Berlin"
        assert events[0]["timestamp"] == "2026-05-04T11:55:00.000+00:00"
        assert set(events[0]) == {
            "event_id", "timestamp", "name", "pathname", "country", "city", "browser",
            "device", "referrer_source",
        }  # fmt: skip
        assert [
            e["event_id"] for e in latest_events(store, "a.example", NOW - timedelta(minutes=10))
        ] == ["ev2"]
        assert property_keys(store, "a.example", NOW - timedelta(days=1)) == ["plan"]
    finally:
        store.close()
