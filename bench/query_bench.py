"""Dashboard queries: engine vs HTTP API vs hand-written SQL, on DuckDB and chDB.

    python bench/query_bench.py --events 1000000 [--backends duckdb,chdb] [--repeat 7]

Generates realistic events (vectorised, via Arrow) spread over ~38 days ending
yesterday, so the dashboard's "30d" slice holds ~78% of them. For each dashboard
query (and the whole page: top stats with comparison, time series, six breakdowns)
it prints the median time through the engine, through the HTTP API, and for the
same question as hand-written SQL on the same store in the same run (the physical
limit), with ratios. Medians of several runs: shared machines are noisy.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from footfall.query.engine import QueryEngine
from footfall.store.arrow import EVENTS_ARROW_SCHEMA
from footfall.store.base import SpoolPosition, open_store

SITE = "bench.example"
PAGES = np.array(
    ["/"]
    + [f"/blog/post-{i}" for i in range(150)]
    + ["/pricing", "/docs", "/about", "/signup", "/login", "/features", "/contact"]
    + [f"/docs/{i}" for i in range(40)]
)
SOURCES = np.array(
    [
        "",
        "Google",
        "Twitter",
        "Hacker News",
        "DuckDuckGo",
        "Reddit",
        "Bing",
        "github.com",
        "LinkedIn",
        "news.ycombinator.com",
    ]
)
SOURCE_P = np.array([40, 25, 6, 5, 5, 5, 4, 4, 3, 3], float)
COUNTRIES = np.array(["US", "DE", "GB", "FR", "IN", "BR", "JP", "CA", "NL", "", "ES", "IT"])
BROWSERS = np.array(["Chrome", "Safari", "Firefox", "Edge", "Samsung Internet", "Opera"])
OSES = np.array(["Windows", "Mac", "iOS", "Android", "Linux", "ChromeOS"])
DEVICES = np.array(["Desktop", "Mobile", "Tablet"])
GOALS = np.array(["Signup", "Download", "Outbound Link: Click", "Purchase", "File Download"])


def _pick(rng: np.random.Generator, values: np.ndarray, n: int, p: Any = None) -> np.ndarray:
    if p is None:  # a Zipf-ish skew, like real traffic
        p = 1.0 / np.arange(1, len(values) + 1)
    p = np.asarray(p, float)
    return values[rng.choice(len(values), size=n, p=p / p.sum())]


def generate(n_events: int, days: int, end: datetime, seed: int = 1) -> pa.Table:
    """~n_events rows: sessions of 1..20 events with gaps under 30 min."""
    rng = np.random.default_rng(seed)
    n_sessions = max(1, int(n_events / 3.2))
    visitors = rng.integers(1, 2**62, size=max(1, int(n_sessions * 0.75)), dtype=np.int64)
    s_visitor = visitors[rng.integers(0, len(visitors), n_sessions)].astype(np.uint64)
    s_id = rng.integers(1, 2**62, n_sessions, dtype=np.int64).astype(np.uint64)
    span = days * 86400
    s_start = (end - timedelta(days=days)).timestamp() + rng.random(n_sessions) * span
    s_len = np.minimum(rng.geometric(1 / 3.2, n_sessions), 20)
    total = int(s_len.sum())
    idx = np.repeat(np.arange(n_sessions), s_len)
    first = np.r_[0, np.cumsum(s_len)[:-1]]
    pos = np.arange(total) - np.repeat(first, s_len)
    gaps = np.where(pos == 0, 0, rng.integers(5, 1500, total))
    offset = np.cumsum(gaps) - np.repeat(np.cumsum(gaps)[first], s_len)
    ts = (s_start[idx] + offset).astype(np.int64) * 1_000_000
    kind = rng.random(total)
    names = np.where(
        kind < 0.82, "pageview", np.where(kind < 0.94, "engagement", _pick(rng, GOALS, total))
    )
    names = np.where(pos == 0, "pageview", names)
    pages = _pick(rng, PAGES, total)
    source = _pick(rng, SOURCES, n_sessions, SOURCE_P)[idx]
    device = _pick(rng, DEVICES, n_sessions, [60, 35, 5])[idx]
    country = _pick(rng, COUNTRIES, n_sessions)[idx]
    is_eng = names == "engagement"
    purchase = names == "Purchase"
    empty = np.full(total, "", dtype=object)
    utm = np.where(rng.random(n_sessions) < 0.1, "newsletter", "")[idx]
    cols: dict[str, Any] = {
        "event_id": np.char.add("e", np.arange(total).astype(str)),
        "site_id": np.full(total, SITE, dtype=object),
        "timestamp": pa.array(ts, pa.timestamp("us", tz="UTC")),
        "name": names,
        "url": np.char.add(f"https://{SITE}", pages),
        "hostname": np.full(total, SITE, dtype=object),
        "pathname": pages,
        "title": empty,
        "referrer": np.where(source == "", "", np.char.add("https://", np.char.lower(source))),
        "referrer_source": source,
        "channel": np.where(source == "", "Direct", "Referral"),
        "utm_source": utm,
        "utm_medium": np.where(utm == "", "", "email"),
        "utm_campaign": utm,
        "utm_term": empty,
        "utm_content": empty,
        "visitor_id": s_visitor[idx],
        "session_id": s_id[idx],
        "user_id": empty,
        "distinct_id": empty,
        "country": country,
        "region": empty,
        "city": empty,
        "browser": _pick(rng, BROWSERS, n_sessions)[idx],
        "browser_version": np.full(total, "120", dtype=object),
        "os": _pick(rng, OSES, n_sessions)[idx],
        "os_version": empty,
        "device": device,
        "screen": device,
        "props": pa.array([[] for _ in range(total)], pa.map_(pa.string(), pa.string())),
        "revenue_amount": pa.array([None] * total, pa.decimal128(18, 4))
        if not purchase.any()
        else pa.array(
            np.where(purchase, rng.integers(100, 20000, total) / 100, np.nan),
            pa.float64(),
            from_pandas=True,
        ).cast(pa.decimal128(18, 4)),
        "revenue_currency": np.where(purchase, "EUR", ""),
        "interactive": np.ones(total, bool),
        "engagement_ms": pa.array(
            np.where(is_eng, rng.integers(500, 90000, total), 0), pa.int64(), mask=~is_eng
        ),
        "scroll_depth": pa.array(
            np.where(is_eng, rng.integers(0, 101, total), 0).astype(np.int16),
            pa.int16(),
            mask=~is_eng,
        ),
        "message_id": empty,
        "protocol": np.full(total, "plausible", dtype=object),
    }
    arrays = [
        pa.array(cols[f.name], f.type)
        if not isinstance(cols[f.name], pa.Array)
        else cols[f.name].cast(f.type)
        for f in EVENTS_ARROW_SCHEMA
    ]
    return pa.Table.from_arrays(arrays, schema=EVENTS_ARROW_SCHEMA)


def dashboard(period: str = "30d") -> dict[str, dict[str, Any]]:
    base = {"site_id": SITE, "date_range": period}
    top = ["visitors", "visits", "pageviews", "views_per_visit", "bounce_rate", "visit_duration"]

    def breakdown(dim: str, metrics: list[str]) -> dict[str, Any]:
        return {**base, "metrics": metrics, "dimensions": [dim], "pagination": {"limit": 9}}

    return {
        "top stats + comparison": {
            **base,
            "metrics": top,
            "include": {"comparisons": {"mode": "previous_period"}},
        },
        "time series (day)": {
            **base,
            "metrics": ["visitors", "visits", "pageviews"],
            "dimensions": ["time:day"],
            "include": {"time_labels": True},
        },
        "top pages": breakdown("event:page", ["visitors", "pageviews"]),
        "entry pages": breakdown("visit:entry_page", ["visitors", "visits"]),
        "sources": breakdown("visit:source", ["visitors", "bounce_rate"]),
        "countries": breakdown("visit:country", ["visitors"]),
        "browsers": breakdown("visit:browser", ["visitors"]),
        "devices": breakdown("visit:device", ["visitors"]),
    }


# hand-written SQL: the same questions, written directly for each engine ----------------

DIALECT = {
    "duckdb": {
        "p": ("$1", "$2", "$3"),
        "countif": "count_if",
        "first": "arg_min",
        "day": "strftime(timezone('UTC', CAST({c} AS TIMESTAMPTZ)), '%Y-%m-%d')",
        "ms": "epoch_ms({c})",
        "uniq": "count(DISTINCT {c})",
        "entry": "COALESCE(arg_min(pathname, (timestamp, event_id)) "
        "FILTER (WHERE name = 'pageview'), '')",
    },
    "clickhouse": {
        "p": ("{p0:String}", "{p1:DateTime64(6, 'UTC')}", "{p2:DateTime64(6, 'UTC')}"),
        "countif": "countIf",
        "first": "argMin",
        "day": "formatDateTime(toStartOfDay({c}, 'UTC'), '%Y-%m-%d')",
        "ms": "toUnixTimestamp64Milli({c})",
        "uniq": "uniqExact({c})",
        "entry": "argMinIf(pathname, (timestamp, event_id), name = 'pageview')",
    },
}


def hand_sql(dialect: str) -> dict[str, list[str]]:
    d = DIALECT[dialect]
    site, lo, hi = d["p"]
    where = f"site_id = {site} AND timestamp >= {lo} AND timestamp < {hi}"
    ev = f"FROM events WHERE {where} AND name <> 'engagement'"
    sess_cols = (
        f"visitor_id, session_id, min(timestamp) AS st, "
        f"{d['countif']}(name = 'pageview') AS pv, "
        f"{d['ms'].format(c='max(timestamp)')} - {d['ms'].format(c='min(timestamp)')}"
        f" AS dur"
    )
    sess = f"SELECT {sess_cols} {ev} GROUP BY visitor_id, session_id"
    top = (
        f"WITH s AS ({sess}) SELECT {d['uniq'].format(c='visitor_id')}, count(*), sum(pv), "
        f"sum(CASE WHEN pv = 1 THEN 1 ELSE 0 END), sum(dur) FROM s"
    )

    def by_visit(attr: str) -> str:
        return (
            f"WITH s AS (SELECT visitor_id, {attr} AS d, "
            f"{d['countif']}(name = 'pageview') AS pv {ev} GROUP BY visitor_id, session_id) "
            f"SELECT d, {d['uniq'].format(c='visitor_id')} AS v, count(*) AS n, "
            f"sum(CASE WHEN pv = 1 THEN 1 ELSE 0 END) FROM s GROUP BY d "
            f"ORDER BY v DESC, d LIMIT 9"
        )

    first = f"{d['first']}({{c}}, (timestamp, event_id))"
    return {
        "top stats + comparison": [top, top],
        "time series (day)": [
            f"SELECT {d['day'].format(c='timestamp')} AS t, {d['uniq'].format(c='visitor_id')}, "
            f"{d['countif']}(name = 'pageview') {ev} GROUP BY t ORDER BY t",
            f"WITH s AS ({sess}) SELECT {d['day'].format(c='st')} AS t, count(*) FROM s "
            f"GROUP BY t ORDER BY t",
        ],
        "top pages": [
            f"SELECT pathname, {d['uniq'].format(c='visitor_id')} AS v, "
            f"{d['countif']}(name = 'pageview') {ev} GROUP BY pathname ORDER BY v DESC, "
            f"pathname LIMIT 9"
        ],
        "entry pages": [by_visit(d["entry"])],
        "sources": [by_visit(first.format(c="referrer_source"))],
        "countries": [by_visit(first.format(c="country"))],
        "browsers": [by_visit(first.format(c="browser"))],
        "devices": [by_visit(first.format(c="device"))],
    }


def median_ms(fn: Callable[[], Any], repeat: int) -> float:
    fn()  # warm up
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def serve(store: Any, catalog: Any, now: datetime) -> tuple[str, Callable[[], None]]:
    import uvicorn
    from starlette.applications import Starlette

    from footfall.web.stats_api import stats_routes

    ctx = SimpleNamespace(store=store, catalog=catalog, clock=lambda: now, stats_rate_limit=10**9)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    server = uvicorn.Server(
        uvicorn.Config(
            Starlette(routes=stats_routes(ctx)), host="127.0.0.1", port=port, log_level="error"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)

    def stop() -> None:
        server.should_exit = True
        thread.join(10)

    return f"http://127.0.0.1:{port}", stop


def bench_backend(
    name: str, url: str, table: pa.Table, now: datetime, repeat: int, tmp: Path
) -> None:
    import httpx

    from footfall.catalog import Catalog

    store = open_store(url, tmp / name)
    store.migrate()
    t = time.perf_counter()
    for batch in table.to_batches(max_chunksize=1_000_000):
        store.insert(pa.Table.from_batches([batch]), SpoolPosition())
    load_s = time.perf_counter() - t
    engine = QueryEngine(store)
    catalog = Catalog(tmp / name / "catalog.sqlite3")
    catalog.add_site(SITE)
    key = catalog.create_api_key(SITE)
    base_url, stop = serve(store, catalog, now)
    http = httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {key}"}, timeout=120)
    queries = dashboard()
    from footfall.query.engine import plan
    from footfall.query.spec import parse_query

    p = plan(parse_query(queries["top stats + comparison"]), "UTC", now)
    from footfall.query.periods import previous_period

    prev = previous_period(p.period)
    windows = [(p.period.start, p.period.end), (prev.start, prev.end)]
    hand = hand_sql(store.dialect)
    in_slice = store.fetch(
        "SELECT count(*) FROM events WHERE "
        + (
            "site_id = $1 AND timestamp >= $2"
            if store.dialect == "duckdb"
            else "site_id = {p0:String} AND timestamp >= {p1:DateTime64(6, 'UTC')}"
        ),
        [SITE, p.period.start.replace(tzinfo=None)],
    )[1][0][0]
    print(
        f"\n## {name}: {table.num_rows:,} events loaded in {load_s:.1f}s; "
        f"{in_slice:,} of {SITE}'s in the 30d slice"
    )
    print(f"{'query':26} {'engine ms':>10} {'http ms':>9} {'hand SQL ms':>12} {'engine/hand':>12}")

    def run_hand(label: str) -> None:
        for i, sql in enumerate(hand[label]):
            lo, hi = windows[i] if label.startswith("top") else windows[0]
            store.fetch(sql, [SITE, lo.replace(tzinfo=None), hi.replace(tzinfo=None)])

    totals = {"engine": 0.0, "http": 0.0, "hand": 0.0}
    for label, spec in queries.items():
        e = median_ms(lambda spec=spec: engine.query(spec, now=now), repeat)
        h = median_ms(
            lambda spec=spec: http.post("/api/v2/query", json=spec).raise_for_status(), repeat
        )
        s = median_ms(lambda label=label: run_hand(label), repeat)
        totals["engine"] += e
        totals["http"] += h
        totals["hand"] += s
        print(f"{label:26} {e:10.1f} {h:9.1f} {s:12.1f} {e / s:11.2f}x")

    def page() -> None:
        for spec in queries.values():
            engine.query(spec, now=now)

    def page_hand() -> None:
        for label in queries:
            run_hand(label)

    def page_http() -> None:
        for spec in queries.values():
            http.post("/api/v2/query", json=spec).raise_for_status()

    pe, ph, ps = median_ms(page, repeat), median_ms(page_http, repeat), median_ms(page_hand, repeat)
    rt = median_ms(lambda: engine.current_visitors(SITE, now), repeat)
    print(f"{'WHOLE PAGE (sequential)':26} {pe:10.1f} {ph:9.1f} {ps:12.1f} {pe / ps:11.2f}x")
    print(f"{'realtime visitors':26} {rt:10.1f}")
    http.close()
    stop()
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=38)
    parser.add_argument("--backends", default="duckdb,chdb")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--sites",
        type=int,
        default=1,
        help="spread --events over this many sites, interleaved in time; the dashboard is "
        "that of one of them (10 on 10M events: one site with ~780k events in 30 days)",
    )
    args = parser.parse_args()
    now = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    end = now.replace(hour=0)  # data up to the end of yesterday
    t = time.perf_counter()
    table = generate(args.events // args.sites, args.days, end)
    if args.sites > 1:
        others = []
        for i in range(1, args.sites):
            part = generate(args.events // args.sites, args.days, end, seed=i + 1)
            site = pa.array([f"site-{i}.example"] * part.num_rows, pa.string())
            others.append(part.set_column(1, "site_id", site))
        table = pa.concat_tables([table, *others])
        table = table.take(pc.sort_indices(table, [("timestamp", "ascending")]))
    print(
        f"generated {table.num_rows:,} events for {args.sites} site(s) over {args.days} days "
        f"in {time.perf_counter() - t:.1f}s"
    )
    urls = {"duckdb": "duckdb", "chdb": "chdb:"}
    with tempfile.TemporaryDirectory(prefix="footfall-bench-") as tmp:
        for name in args.backends.split(","):
            bench_backend(name, urls[name], table, now, args.repeat, Path(tmp))


if __name__ == "__main__":
    main()
