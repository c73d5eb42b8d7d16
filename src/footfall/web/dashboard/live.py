"""Reads the query engine does not offer: the newest events, the property keys in use, and
the user trait keys in use (from `$identify` records, for the product pages' pickers).

All are small, bound-parameter SQL with the site guard written in, printed per dialect
(DuckDB takes `?`, ClickHouse `{pN:Type}`). Only display columns are read: there is no
IP or user agent in the store to leak.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from footfall.store.base import Store

LIVE_LIMIT = 50
LIVE_COLUMNS = (
    "event_id",
    "timestamp",
    "name",
    "pathname",
    "country",
    "city",
    "browser",
    "device",
    "referrer_source",
)

_LATEST = {
    "duckdb": (
        "SELECT {cols} FROM events WHERE site_id = ? AND timestamp >= ? "
        "ORDER BY timestamp DESC, event_id DESC LIMIT {limit}"
    ),
    "clickhouse": (
        "SELECT {cols} FROM events WHERE site_id = {{p0:String}} "
        "AND timestamp >= {{p1:DateTime64(3, 'UTC')}} "
        "ORDER BY timestamp DESC, event_id DESC LIMIT {limit}"
    ),
}

_PROP_KEYS = {
    "duckdb": (
        "SELECT k FROM (SELECT unnest(map_keys(props)) AS k FROM events "
        "WHERE site_id = ? AND timestamp >= ?) GROUP BY k ORDER BY count(*) DESC LIMIT 50"
    ),
    "clickhouse": (
        "SELECT arrayJoin(mapKeys(props)) AS k FROM events WHERE site_id = {p0:String} "
        "AND timestamp >= {p1:DateTime64(3, 'UTC')} GROUP BY k ORDER BY count() DESC LIMIT 50"
    ),
}

_TRAIT_KEYS = {
    "duckdb": (
        "SELECT k FROM (SELECT unnest(map_keys(props)) AS k FROM events "
        "WHERE site_id = ? AND name = ? AND timestamp >= ?) "
        "GROUP BY k ORDER BY count(*) DESC LIMIT 500"
    ),
    "clickhouse": (
        "SELECT arrayJoin(mapKeys(props)) AS k FROM events WHERE site_id = {p0:String} "
        "AND name = {p1:String} AND timestamp >= {p2:DateTime64(3, 'UTC')} "
        "GROUP BY k ORDER BY count() DESC LIMIT 500"
    ),
}
TRAIT_OPS = ("set", "set_once", "add", "unset")


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def latest_events(store: Store, site_id: str, since: datetime) -> list[dict[str, Any]]:
    """The site's newest events at or after `since` (UTC), newest first, at most LIVE_LIMIT."""
    sql = _LATEST[store.dialect].format(cols=", ".join(LIVE_COLUMNS), limit=LIVE_LIMIT)
    _names, rows = store.fetch(sql, [site_id, _naive_utc(since)])
    events = []
    for row in rows:
        event = dict(zip(LIVE_COLUMNS, row, strict=True))
        stamp = event["timestamp"]
        if isinstance(stamp, datetime):
            aware = stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
            event["timestamp"] = aware.astimezone(UTC).isoformat(timespec="milliseconds")
        events.append({k: v if isinstance(v, str) else str(v) for k, v in event.items()})
    return events


def property_keys(store: Store, site_id: str, since: datetime) -> list[str]:
    _names, rows = store.fetch(_PROP_KEYS[store.dialect], [site_id, _naive_utc(since)])
    return [str(row[0]) for row in rows if row[0]]


def trait_keys(store: Store, site_id: str, since: datetime) -> list[str]:
    """Trait names that `$identify` records set (`set:plan` → `plan`), most used first."""
    sql = _TRAIT_KEYS[store.dialect]
    _names, rows = store.fetch(sql, [site_id, "$identify", _naive_utc(since)])
    keys: dict[str, None] = {}
    for (flat,) in rows:
        op, sep, trait = str(flat or "").partition(":")
        if sep and op in TRAIT_OPS and trait:
            keys[trait] = None
    return list(keys)[:50]
