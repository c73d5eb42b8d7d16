"""`footfall demo`: realistic traffic for a demo site, generated in bulk with NumPy.

Sessions arrive with daily and weekly rhythms; pages follow a Zipf law; sources,
countries, browsers and devices come from weighted tables of real values (user agents
are real strings run through the same parser as live traffic); some visitors open
the pricing page and walk a signup funnel with drop-off; pageviews carry engagement
events. Rows go through the same `events` schema and Arrow batch path as ingestion.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import pyarrow as pa
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from footfall.catalog import Catalog
from footfall.demo_data import (
    COUNTRIES,
    DOWNLOADS,
    OUTBOUND,
    PAGES,
    PLANS,
    SOURCES,
    USER_AGENTS,
)
from footfall.demo_product import FEATURES, People, Signups, add_product_usage
from footfall.enrich.referrers import classify_referrer
from footfall.enrich.urls import referrer_host
from footfall.enrich.useragent import parse_user_agent
from footfall.privacy.ids import session_id
from footfall.settings import Settings
from footfall.store import open_store
from footfall.store.arrow import EVENTS_ARROW_SCHEMA

US = 1_000_000
CHUNK = 1_000_000


def _weights(values: list[float]) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    return array / array.sum()


def _take(values: list[str], index: np.ndarray) -> pa.Array:
    return pa.array(values, pa.string()).take(pa.array(index, pa.int32()))


@dataclass
class Columns:
    """Event columns as NumPy arrays of indices or values, concatenated per part."""

    ts: list[np.ndarray]
    session: list[np.ndarray]
    name: list[np.ndarray]
    page: list[np.ndarray]
    props: list[list[dict[str, str] | None]]
    revenue: list[np.ndarray]
    engagement: list[np.ndarray]
    scroll: list[np.ndarray]
    user: list[np.ndarray]  # index into People.ids; 0 for anonymous rows

    def add(
        self,
        ts,
        session,
        name,
        page,
        props=None,
        revenue=None,
        engagement=None,
        scroll=None,
        user=None,
    ) -> None:  # type: ignore[no-untyped-def]
        n = len(ts)
        self.ts.append(ts)
        self.session.append(session)
        self.name.append(np.full(n, name) if np.isscalar(name) else name)
        self.page.append(page)
        self.props.append(props if props is not None else [None] * n)
        self.revenue.append(revenue if revenue is not None else np.full(n, np.nan))
        self.engagement.append(engagement if engagement is not None else np.full(n, -1))
        self.scroll.append(scroll if scroll is not None else np.full(n, -1))
        self.user.append(user if user is not None else np.zeros(n, dtype=np.int64))


EVENT_NAMES = [
    "pageview",
    "engagement",
    "Outbound Link: Click",
    "File Download",
    "Signup Start",
    "Signup",
    "Purchase",
    "$identify",
    *(f[0] for f in FEATURES),
    "Upgrade",
]


NOT_INTERACTIVE = [EVENT_NAMES.index("engagement"), EVENT_NAMES.index("$identify")]


def _sessions(rng: np.random.Generator, count: int, days: int, end_us: int) -> dict:
    """Per-session attributes: start time, visitor, where from, what browser."""
    day = rng.integers(0, days, count)
    weekday_weight = np.array([1.0, 1.05, 1.05, 1.0, 0.9, 0.65, 0.6])
    hours = _weights(
        [2, 1.5, 1, 1, 1.2, 2, 3, 4.5, 6, 7, 7.5, 7.5, 7, 7.5, 8, 8, 7.5, 7, 6.5, 6, 5.5, 5, 4, 3]
    )
    start_day = end_us - days * 86400 * US
    keep = rng.random(count) < weekday_weight[(day + 3) % 7] / weekday_weight.max()
    day = np.where(keep, day, rng.integers(0, days, count))
    hour = rng.choice(24, count, p=hours)
    start = start_day + day * 86400 * US + hour * 3600 * US + rng.integers(0, 3600 * US, count)
    start = np.minimum(start, end_us - 40 * 60 * US)
    pageviews = np.minimum(rng.geometric(0.48, count), 30)
    return {
        "start": start,
        "visitor": rng.integers(1, 2**63, count, dtype=np.int64).astype(np.uint64),
        "country": rng.choice(len(COUNTRIES), count, p=_weights([c[2] for c in COUNTRIES])),
        "ua": rng.choice(len(USER_AGENTS), count, p=_weights([u[1] for u in USER_AGENTS])),
        "source": rng.choice(len(SOURCES), count, p=_weights([s[4] for s in SOURCES])),
        "pageviews": pageviews.astype(np.int64),
    }


def generate_rows(events: int, days: int, seed: int, end: datetime) -> list[pa.Table]:
    """Roughly `events` rows as Arrow tables of at most CHUNK rows."""
    rng = np.random.default_rng(seed)
    end_us = int(end.timestamp()) * US
    count = max(1, int(events / 3.75))
    s = _sessions(rng, count, days, end_us)
    # A returning visitor comes back a few hours later the same day, same device.
    back = np.flatnonzero(rng.random(count) < 0.12)
    cols = Columns([], [], [], [], [], [], [], [], [])

    offsets = np.concatenate([[0], np.cumsum(s["pageviews"])[:-1]])
    session_of = np.repeat(np.arange(count), s["pageviews"])
    total = len(session_of)
    gaps = np.minimum(rng.exponential(75 * US, total), 20 * 60 * US).astype(np.int64) + 3 * US
    gaps[offsets] = 0
    cumulative = np.cumsum(gaps)
    ts = s["start"][session_of] + cumulative - cumulative[offsets][session_of]
    page_weights = _weights([p[1] for p in PAGES])
    pages = rng.choice(len(PAGES), total, p=page_weights)
    entry_weights = _weights([p[2] for p in PAGES])
    pages[offsets] = rng.choice(len(PAGES), count, p=entry_weights)
    last = offsets + s["pageviews"] - 1
    session_end = ts[last]
    # The signup funnel: pricing page, then Signup Start, Signup and Purchase with drop-off.
    pricing = np.flatnonzero(rng.random(count) < 0.22)
    pages[last[pricing]] = next(i for i, p in enumerate(PAGES) if p[0] == "/pricing")
    cols.add(ts, session_of, 0, pages)
    engaged = np.flatnonzero(rng.random(total) < 0.55)
    engaged_ms = np.minimum(rng.exponential(45_000, len(engaged)), 20 * 60_000).astype(np.int64)
    cols.add(
        ts[engaged] + engaged_ms * 1000,
        session_of[engaged],
        1,
        pages[engaged],
        engagement=engaged_ms,
        scroll=rng.integers(5, 101, len(engaged)),
    )
    step_time = session_end[pricing]
    funnel = pricing
    for step, (name, share, delay) in enumerate(
        [("Signup Start", 0.48, 25), ("Signup", 0.55, 70), ("Purchase", 0.3, 140)]
    ):
        funnel = funnel[rng.random(len(funnel)) < share]
        step_time = session_end[funnel] + (delay + step) * US
        plans = rng.choice(len(PLANS), len(funnel), p=_weights([p[2] for p in PLANS]))
        props = [{"plan": PLANS[i][0]} for i in plans]
        revenue = (
            np.array([PLANS[i][1] for i in plans], dtype=float) if name == "Purchase" else None
        )
        if name == "Signup":
            signups = Signups(funnel, step_time, plans)
        if name == "Purchase":
            keep = revenue > 0
            funnel, step_time, revenue = funnel[keep], step_time[keep], revenue[keep]
            props = [p for p, k in zip(props, keep, strict=True) if k]
        cols.add(step_time, funnel, EVENT_NAMES.index(name), pages[last[funnel]], props, revenue)
    for name, share, targets in (
        ("Outbound Link: Click", 0.07, OUTBOUND),
        ("File Download", 0.035, DOWNLOADS),
    ):
        chosen = np.flatnonzero(rng.random(count) < share)
        spread = rng.random(len(chosen))
        when = (
            s["start"][chosen]
            + ((session_end[chosen] - s["start"][chosen]) * spread).astype(np.int64)
            + US
        )
        picks = rng.integers(0, len(targets), len(chosen))
        cols.add(
            when,
            chosen,
            EVENT_NAMES.index(name),
            pages[last[chosen]],
            [{"url": targets[i]} for i in picks],
        )
    people = add_product_usage(rng, s, cols, signups, EVENT_NAMES, end_us)
    return _tables(cols, s, back, rng, end_us, people)


def _tables(
    cols: Columns,
    s: dict,
    back: np.ndarray,
    rng: np.random.Generator,
    end_us: int,
    people: People,
) -> list[pa.Table]:
    rows = {
        key: np.concatenate(getattr(cols, key))
        for key in ("ts", "session", "name", "page", "revenue", "engagement", "scroll", "user")
    }
    props = [p for part in cols.props for p in part]
    # Returning visits: copy a session's pageviews a few hours later under the same visitor.
    shift = np.zeros(len(s["start"]), dtype=np.int64)
    shift[back] = rng.integers(2 * 3600 * US, 6 * 3600 * US, len(back))
    repeat = np.isin(rows["session"], back) & (rows["name"] == 0)
    copies = int(repeat.sum())
    copied = {key: values[repeat] for key, values in rows.items()}
    copied["ts"] = copied["ts"] + shift[copied["session"]]
    copied["session"] = len(s["start"]) + np.searchsorted(back, copied["session"])
    copied["revenue"] = np.full(copies, np.nan)
    copied["engagement"] = copied["scroll"] = np.full(copies, -1)
    rows = {key: np.concatenate([rows[key], copied[key]]) for key in rows}
    props += [None] * copies
    visitor_of = np.concatenate([np.arange(len(s["start"])), back])
    distinct_of = np.concatenate([people.distinct_of_session, people.distinct_of_session[back]])

    keep = rows["ts"] < end_us
    index = np.flatnonzero(keep)[np.argsort(rows["ts"][keep], kind="stable")]
    rows = {key: values[index] for key, values in rows.items()}
    props = [props[i] for i in index]
    session = rows.pop("session")
    base = visitor_of[session]
    rows["visitor"] = s["visitor"][base]
    starts: dict[int, int] = {}
    for sess, moment in zip(session.tolist(), rows["ts"].tolist(), strict=True):
        starts.setdefault(sess, moment)
    sid_of = {
        sess: session_id(int(s["visitor"][visitor_of[sess]]), start)
        for sess, start in starts.items()
    }
    rows["session_id"] = np.fromiter(
        (sid_of[x] for x in session.tolist()), dtype=np.uint64, count=len(session)
    )
    rows["distinct"] = distinct_of[session]
    for key in ("country", "ua", "source"):
        rows[key] = s[key][base]
    return [
        _table(
            {key: values[lo : lo + CHUNK] for key, values in rows.items()},
            props[lo : lo + CHUNK],
            people.ids,
            rng,
        )
        for lo in range(0, len(index), CHUNK)
    ]


def _table(
    rows: dict[str, np.ndarray], props: list, ids: list[str], rng: np.random.Generator
) -> pa.Table:
    """One Arrow batch of the events schema from row arrays of indices and values."""
    ts, visitor, session_ids = rows["ts"], rows["visitor"], rows["session_id"]
    name, page = rows["name"], rows["page"]
    revenue, engagement, scroll = rows["revenue"], rows["engagement"], rows["scroll"]
    country, ua, source = rows["country"], rows["ua"], rows["source"]
    n = len(ts)
    parsed = [parse_user_agent(u[0]) for u in USER_AGENTS]
    screens = [
        "Mobile" if p.device == "Mobile" else "Tablet" if p.device == "Tablet" else "Laptop"
        for p in parsed
    ]
    classified = [classify_referrer(referrer_host(src[0]), src[1], src[2]) for src in SOURCES]
    # Three places per country (cycled when a country lists fewer).
    places = [c[1][i % len(c[1])] if c[1] else ("", "") for c in COUNTRIES for i in range(3)]
    place = country * 3 + rng.integers(0, 3, n)
    urls = [f"https://demo.footfall.dev{p[0]}" for p in PAGES]
    blank = np.zeros(n, dtype=np.int32)
    amount = pa.array(np.where(np.isnan(revenue), None, revenue).tolist(), pa.float64())
    revenue_decimal = amount.cast(pa.decimal128(18, 4))
    columns = {
        "event_id": pa.array(
            [
                f"{(int(t) // 1000):012x}{v:016x}{i:04x}"
                for i, (t, v) in enumerate(zip(ts.tolist(), visitor.tolist(), strict=True))
            ]
        ),
        "site_id": _take(["demo.footfall.dev"], blank),
        "timestamp": pa.array(ts, pa.int64()).cast(pa.timestamp("us", tz="UTC")),
        "name": _take(EVENT_NAMES, name),
        "url": _take(urls, page),
        "hostname": _take(["demo.footfall.dev"], blank),
        "pathname": _take([p[0] for p in PAGES], page),
        "title": _take([p[3] for p in PAGES], page),
        "referrer": _take([src[0] for src in SOURCES], source),
        "referrer_source": _take(
            [c[0] if c[0] != "Direct / None" else "" for c in classified], source
        ),
        "channel": _take([c[1] for c in classified], source),
        "utm_source": _take([src[1] for src in SOURCES], source),
        "utm_medium": _take([src[2] for src in SOURCES], source),
        "utm_campaign": _take([src[3] for src in SOURCES], source),
        "utm_term": _take([""], blank),
        "utm_content": _take([""], blank),
        "visitor_id": pa.array(visitor, pa.uint64()),
        "session_id": pa.array(session_ids, pa.uint64()),
        "user_id": _take(ids, rows["user"]),
        "distinct_id": _take(ids, rows["distinct"]),
        "country": _take([c[0] for c in COUNTRIES], country),
        "region": _take([p[0] for p in places], place),
        "city": _take([p[1] for p in places], place),
        "browser": _take([p.browser for p in parsed], ua),
        "browser_version": _take([p.browser_version for p in parsed], ua),
        "os": _take([p.os for p in parsed], ua),
        "os_version": _take([p.os_version for p in parsed], ua),
        "device": _take([p.device for p in parsed], ua),
        "screen": _take(screens, ua),
        "props": pa.array([p or {} for p in props], pa.map_(pa.string(), pa.string())),
        "revenue_amount": revenue_decimal,
        "revenue_currency": pa.array(np.where(np.isnan(revenue), "", "EUR").tolist(), pa.string()),
        "interactive": pa.array(~np.isin(name, NOT_INTERACTIVE), pa.bool_()),
        "engagement_ms": pa.array(np.where(engagement < 0, None, engagement).tolist(), pa.int64()),
        "scroll_depth": pa.array(np.where(scroll < 0, None, scroll).tolist(), pa.int16()),
        "message_id": _take([""], blank),
        "protocol": _take(["demo"], blank),
    }
    return pa.Table.from_pydict(columns, schema=EVENTS_ARROW_SCHEMA)


def generate_demo(
    settings: Settings, *, site: str, events: int, days: int, seed: int, if_empty: bool = False
) -> int:
    """Add the demo site and store about `events` generated events; return how many."""
    catalog = Catalog(settings.data_dir / "catalog.sqlite3")
    if catalog.get_site(site) is None:
        catalog.add_site(site)
    store = open_store(settings.store, settings.data_dir)
    try:
        store.migrate()
        if if_empty:
            _, rows = store.fetch("SELECT count(*) FROM events WHERE site_id = ?", [site])
            if rows[0][0]:
                print(f"{site} already has {rows[0][0]:,} events; leaving them as they are")
                return 0
        end = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=1)
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TextColumn("{task.completed:,}/{task.total:,} events"),
            TimeRemainingColumn(),
        ) as progress:
            task = progress.add_task("generating", total=events)
            tables = generate_rows(events, days, seed, end)
            stored = 0
            progress.update(task, description="storing", total=sum(t.num_rows for t in tables))
            position = store.spool_position()
            for table in tables:
                if site != "demo.footfall.dev":
                    table = table.set_column(1, "site_id", pa.array([site] * table.num_rows))
                store.insert(table, position)
                stored += table.num_rows
                progress.update(task, completed=stored)
        print(f"stored {stored:,} demo events for {site}")
        return stored
    finally:
        store.close()
