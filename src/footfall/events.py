"""The event record every protocol is turned into, and the reasons an event is dropped.

An `Event` is what lands, one row each, in the `events` table (see docs/schema.md).
It never holds the client IP or the raw user agent: those live only in the `Hit`
that the ingestion steps read and then discard.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(slots=True)
class Hit:
    """What arrived over the wire, before enrichment. Lives only in memory."""

    site_id: str
    name: str
    url: str
    received_at: datetime
    client_ip: str = ""
    user_agent: str = ""
    referrer: str = ""
    props: dict[str, str] = field(default_factory=dict)
    revenue_amount: str | None = None
    revenue_currency: str = ""
    interactive: bool = True
    hash_mode: bool = False
    screen_width: int | None = None
    engagement_ms: int | None = None
    scroll_depth: int | None = None
    title: str = ""
    user_id: str = ""
    distinct_id: str = ""
    message_id: str = ""
    protocol: str = "plausible"
    timestamp: datetime | None = None  # client-given time (server-side protocols only)
    do_not_track: bool = False
    click_id: str = ""  # set by put_page: the ad click-id parameter present, if any
    server_side: bool = False  # sent by a backend: no browser user agent to judge


@dataclass(slots=True)
class Event:
    """One stored event; field names are the `events` table's column names."""

    event_id: str
    site_id: str
    timestamp: datetime
    name: str
    url: str = ""
    hostname: str = ""
    pathname: str = ""
    title: str = ""
    referrer: str = ""
    referrer_source: str = ""
    channel: str = ""
    utm_source: str = ""
    utm_medium: str = ""
    utm_campaign: str = ""
    utm_term: str = ""
    utm_content: str = ""
    visitor_id: int = 0
    session_id: int = 0
    user_id: str = ""
    distinct_id: str = ""
    country: str = ""
    region: str = ""
    city: str = ""
    browser: str = ""
    browser_version: str = ""
    os: str = ""
    os_version: str = ""
    device: str = ""
    screen: str = ""
    props: list[tuple[str, str]] = field(default_factory=list)  # pairs: the spool's format
    revenue_amount: str | None = None
    revenue_currency: str = ""
    interactive: bool = True
    engagement_ms: int | None = None
    scroll_depth: int | None = None
    message_id: str = ""
    protocol: str = "plausible"


class Drop(Exception):
    """Raised by an ingestion step to stop an event; `reason` is counted in /metrics."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
