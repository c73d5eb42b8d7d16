"""Spool records round-trip into the events table, and unreadable lines are skipped."""

from __future__ import annotations

from datetime import UTC, datetime

from footfall.events import Event
from footfall.ingest.records import decode, encode


def test_round_trip():
    event = Event(
        event_id="e1",
        site_id="a.com",
        timestamp=datetime(2026, 1, 2, 3, 4, 5, 6000, tzinfo=UTC),
        name="Signup",
        props=[("plan", "pro"), ("n", "1")],
        revenue_amount="29.5000",
        revenue_currency="EUR",
        visitor_id=2**64 - 1,
    )
    table, skipped = decode(encode([event, Event("e2", "a.com", event.timestamp, "pageview")]))
    assert skipped == 0
    rows = table.to_pylist()
    assert rows[0]["props"] == [("plan", "pro"), ("n", "1")]
    assert rows[0]["timestamp"] == event.timestamp
    assert str(rows[0]["revenue_amount"]) == "29.5000"
    assert rows[0]["visitor_id"] == 2**64 - 1
    assert rows[1]["props"] == [] and rows[1]["revenue_amount"] is None


def test_corrupt_lines_are_skipped_not_fatal():
    good = encode([Event("e1", "a.com", datetime(2026, 1, 1, tzinfo=UTC), "pageview")])
    table, skipped = decode(good + b'{"event_id": 5, broken\n' + good)
    assert (table.num_rows, skipped) == (2, 1)
