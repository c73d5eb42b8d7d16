"""A deterministic corpus of realistic events for two sites, as dicts.

Visits follow the data model: a visitor's events with gaps under 30 minutes share a
session_id; visits of one visitor are over 30 minutes apart. Timestamps are whole
seconds (ingestion truncates so), which keeps ClickHouse's millisecond column and
DuckDB's microsecond one in step.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from footfall.store.schema import EVENT_COLUMNS

PAGES = ["/", "/pricing", "/blog", "/blog/post-1", "/blog/post-2", "/docs", "/about", "/signup"]
SOURCES = ["", "", "", "Google", "Twitter", "Hacker News", "DuckDuckGo", "example.org"]
CHANNELS = {
    "": "Direct",
    "Google": "Organic Search",
    "DuckDuckGo": "Organic Search",
    "Twitter": "Organic Social",
    "Hacker News": "Referral",
    "example.org": "Referral",
}
COUNTRIES = ["US", "DE", "FR", "GB", "", "JP", "BR"]
BROWSERS = [("Chrome", "120.0"), ("Firefox", "121.0"), ("Safari", "17.2"), ("Edge", "120.0")]
OSES = [("Windows", "10"), ("Mac", "14.2"), ("Android", "14"), ("iOS", "17.2"), ("Linux", "")]
DEVICES = ["Desktop", "Mobile", "Tablet"]
GOALS = ["Signup", "Download", "Outbound Link: Click", "Purchase"]
START = datetime(2024, 3, 1, tzinfo=UTC)
NOW = datetime(2024, 4, 20, 12, 0, tzinfo=UTC)  # the clock the tests pass in
BACKENDS = ("duckdb", "chdb")


def generate(
    seed: int = 7,
    visitors: int = 300,
    days: int = 40,
    sites: tuple[str, ...] = ("a.example", "b.example"),
) -> list[dict[str, Any]]:
    rnd = random.Random(seed)
    rows: list[dict[str, Any]] = []
    n = 0
    for site in sites:
        for _v in range(visitors):
            visitor_id = rnd.getrandbits(63) + 1
            day = rnd.randrange(days)
            t = START + timedelta(days=day, seconds=rnd.randrange(86400))
            country = rnd.choice(COUNTRIES)
            browser, bver = rnd.choice(BROWSERS)
            os_, osver = rnd.choice(OSES)
            device = rnd.choice(DEVICES)
            for _s in range(rnd.choice([1, 1, 1, 2, 3])):
                session_id = rnd.getrandbits(63) + 1
                source = rnd.choice(SOURCES)
                utm = rnd.choice(["", "", "newsletter", "spring-sale"])
                for k in range(rnd.choice([1, 1, 2, 3, 5, 8])):
                    if k:
                        t += timedelta(seconds=rnd.randrange(1, 1700))
                    name = "pageview" if k == 0 or rnd.random() < 0.7 else rnd.choice(GOALS)
                    page = rnd.choice(PAGES)
                    n += 1
                    row = _row(
                        n,
                        site,
                        t,
                        name,
                        page,
                        visitor_id,
                        session_id,
                        source,
                        utm,
                        country,
                        browser,
                        bver,
                        os_,
                        osver,
                        device,
                    )
                    if name != "pageview":
                        row["interactive"] = rnd.random() < 0.8
                        row["props"] = {"plan": rnd.choice(["free", "pro", "team"])}
                        if name == "Purchase":
                            row["revenue_amount"] = str(Decimal(rnd.randrange(100, 99999)) / 100)
                            row["revenue_currency"] = "EUR"
                    else:
                        row["props"] = {"author": "ann"} if page.startswith("/blog/") else {}
                    rows.append(row)
                    if name == "pageview" and rnd.random() < 0.5:
                        n += 1
                        eng = _row(
                            n,
                            site,
                            t + timedelta(seconds=rnd.randrange(1, 20)),
                            "engagement",
                            page,
                            visitor_id,
                            session_id,
                            source,
                            utm,
                            country,
                            browser,
                            bver,
                            os_,
                            osver,
                            device,
                        )
                        eng["engagement_ms"] = rnd.randrange(500, 120_000)
                        eng["scroll_depth"] = rnd.choice([None, 10, 40, 75, 100])
                        rows.append(eng)
                t += timedelta(minutes=31 + rnd.randrange(600))
    for row in rows:  # strings are never NULL in the events table ('' means unknown)
        for column in EVENT_COLUMNS:
            if column.duckdb == "VARCHAR":
                row.setdefault(column.name, "")
    rnd.shuffle(rows)
    return rows


def _row(
    n: int,
    site: str,
    t: datetime,
    name: str,
    page: str,
    visitor_id: int,
    session_id: int,
    source: str,
    utm: str,
    country: str,
    browser: str,
    bver: str,
    os_: str,
    osver: str,
    device: str,
) -> dict[str, Any]:
    return {
        "event_id": f"ev{n:08d}",
        "site_id": site,
        "timestamp": t.strftime("%Y-%m-%d %H:%M:%S+00:00"),
        "name": name,
        "url": f"https://{site}{page}",
        "hostname": site,
        "pathname": page,
        "referrer": f"https://{source.lower().replace(' ', '')}.com/" if source else "",
        "referrer_source": source,
        "channel": CHANNELS[source],
        "utm_source": "newsletter" if utm == "newsletter" else "",
        "utm_medium": "email" if utm == "newsletter" else "",
        "utm_campaign": utm,
        "visitor_id": visitor_id,
        "session_id": session_id,
        "country": country,
        "region": f"{country}-01" if country else "",
        "city": "Springfield" if country == "US" else "",
        "browser": browser,
        "browser_version": bver,
        "os": os_,
        "os_version": osver,
        "device": device,
        "screen": {"Desktop": "Desktop", "Mobile": "Mobile", "Tablet": "Tablet"}[device],
        "props": {},
        "interactive": True,
        "protocol": "plausible",
    }
