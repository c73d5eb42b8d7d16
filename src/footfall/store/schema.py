"""The `events` table: one column list, printed per engine.

Kept as data so the DuckDB and ClickHouse drivers, the docs and the tests read the
same definition. Strings are never NULL (empty string means unknown), which keeps
ClickHouse free of Nullable columns and lets both engines group the same way.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    duckdb: str
    clickhouse: str
    doc: str


EVENT_COLUMNS: tuple[Column, ...] = (
    Column("event_id", "VARCHAR", "String", "unique id of the event (UUIDv7, time-ordered)"),
    Column("site_id", "VARCHAR", "LowCardinality(String)", "the site's domain, e.g. example.com"),
    Column("timestamp", "TIMESTAMP", "DateTime64(3, 'UTC')", "when it happened, UTC"),
    Column("name", "VARCHAR", "LowCardinality(String)", "'pageview' or the custom event's name"),
    Column("url", "VARCHAR", "String", "full page URL, as sent"),
    Column("hostname", "VARCHAR", "LowCardinality(String)", "page host, lower case, no www."),
    Column("pathname", "VARCHAR", "String", "page path (with #fragment in hash mode)"),
    Column("title", "VARCHAR", "String", "page title when the client sends one"),
    Column("referrer", "VARCHAR", "String", "referrer URL without query string"),
    Column("referrer_source", "VARCHAR", "LowCardinality(String)", "readable source, e.g. Google"),
    Column(
        "channel", "VARCHAR", "LowCardinality(String)", "acquisition channel, e.g. Organic Search"
    ),
    Column("utm_source", "VARCHAR", "String", "utm_source query parameter"),
    Column("utm_medium", "VARCHAR", "String", "utm_medium query parameter"),
    Column("utm_campaign", "VARCHAR", "String", "utm_campaign query parameter"),
    Column("utm_term", "VARCHAR", "String", "utm_term query parameter"),
    Column("utm_content", "VARCHAR", "String", "utm_content query parameter"),
    Column("visitor_id", "UBIGINT", "UInt64", "cookieless daily visitor hash"),
    Column("session_id", "UBIGINT", "UInt64", "visit id: 30-minute-gap sessions of a visitor"),
    Column("user_id", "VARCHAR", "String", "the site's own user id, when identified"),
    Column("distinct_id", "VARCHAR", "String", "a client library's anonymous/distinct id"),
    Column("country", "VARCHAR", "LowCardinality(String)", "ISO 3166-1 alpha-2 country code"),
    Column("region", "VARCHAR", "LowCardinality(String)", "ISO 3166-2 region code (MaxMind only)"),
    Column("city", "VARCHAR", "String", "city name (MaxMind only)"),
    Column("browser", "VARCHAR", "LowCardinality(String)", "browser family"),
    Column("browser_version", "VARCHAR", "LowCardinality(String)", "browser major.minor"),
    Column("os", "VARCHAR", "LowCardinality(String)", "operating system family"),
    Column("os_version", "VARCHAR", "LowCardinality(String)", "operating system version"),
    Column("device", "VARCHAR", "LowCardinality(String)", "Desktop, Mobile or Tablet"),
    Column("screen", "VARCHAR", "LowCardinality(String)", "screen size class from the width"),
    Column("props", "MAP(VARCHAR, VARCHAR)", "Map(String, String)", "custom properties"),
    Column("revenue_amount", "DECIMAL(18, 4)", "Nullable(Decimal(18, 4))", "revenue amount"),
    Column("revenue_currency", "VARCHAR", "LowCardinality(String)", "ISO 4217 currency code"),
    Column("interactive", "BOOLEAN", "Bool", "false keeps the event out of bounce rate"),
    Column("engagement_ms", "BIGINT", "Nullable(Int64)", "engagement time (engagement events)"),
    Column("scroll_depth", "SMALLINT", "Nullable(Int16)", "scroll depth 0-100 (engagement events)"),
    Column("message_id", "VARCHAR", "String", "the client's message id, used to drop duplicates"),
    Column("protocol", "VARCHAR", "LowCardinality(String)", "which wire protocol brought it"),
)

EVENT_COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in EVENT_COLUMNS)
