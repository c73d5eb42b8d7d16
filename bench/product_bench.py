"""Product analytics: funnel, retention and a behavioural user query vs hand-written SQL.

    python bench/product_bench.py --events 1000000 [--backends duckdb,chdb] [--repeat 5]

Generates `footfall demo` traffic: its funnel (pageview /pricing → "Signup Start" →
"Signup" → "Purchase"), and people who sign up: an anonymous id linked to a user id by
`$identify` records with traits, then app sessions with feature events over the following
weeks, so identity resolution has real work. For each question it prints the median time
through the product engine and for the same question as hand-written SQL on the same store
in the same run, with the ratio, and checks that both give the same answer. The
hand-written SQL knows the data (no `$` records among the steps, no site guard, persons
resolved by the same join) — it is the floor to beat.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from footfall.demo import generate_rows
from footfall.product.engine import ProductEngine
from footfall.store.base import SpoolPosition, open_store

END = datetime(2026, 1, 1, tzinfo=UTC)
NOW = END - timedelta(hours=1)
RANGE = ["2025-12-01", "2025-12-30"]  # [2025-12-01, 2025-12-31) UTC
START = datetime(2025, 12, 1)
STOP = datetime(2025, 12, 31)
NOW_SQL = NOW.replace(tzinfo=None)
SITE = "demo.footfall.dev"
STEPS = [
    {"page": "/pricing"},
    {"event": "Signup Start"},
    {"event": "Signup"},
    {"event": "Purchase"},
]

# The same person attribution and funnel, written by hand for DuckDB (the floor).
PERSON = """
WITH links AS (
  SELECT distinct_id AS did, arg_max(user_id, timestamp) AS uid FROM events
  WHERE site_id = '{site}' AND user_id != '' AND distinct_id != '' GROUP BY 1),
ev AS (
  SELECT CASE WHEN e.user_id != '' THEN e.user_id WHEN l.uid IS NOT NULL THEN l.uid
              WHEN e.distinct_id != '' THEN e.distinct_id
              ELSE 'v:' || CAST(e.visitor_id AS VARCHAR) END AS person,
         e.timestamp AS ts, e.name, e.pathname
  FROM events e LEFT JOIN links l ON l.did = e.distinct_id
  WHERE e.site_id = '{site}' AND e.timestamp >= TIMESTAMP '{start}'
    AND e.timestamp < TIMESTAMP '{end}' AND e.name NOT LIKE '$%' AND e.name != 'engagement')
"""
HAND = {
    "funnel (4 steps, loose, 24h)": PERSON
    + """,
s1 AS (SELECT person, ts AS t1 FROM ev WHERE name = 'pageview' AND pathname = '/pricing'),
s2 AS (SELECT a.person, a.t1, min(f.ts) AS t FROM s1 a JOIN ev f USING (person)
       WHERE f.name = 'Signup Start' AND f.ts > a.t1 AND f.ts <= a.t1 + INTERVAL 1 DAY
       GROUP BY 1, 2),
s3 AS (SELECT a.person, a.t1, min(f.ts) AS t FROM s2 a JOIN ev f USING (person)
       WHERE f.name = 'Signup' AND f.ts > a.t AND f.ts <= a.t1 + INTERVAL 1 DAY GROUP BY 1, 2),
s4 AS (SELECT a.person, a.t1, min(f.ts) AS t FROM s3 a JOIN ev f USING (person)
       WHERE f.name = 'Purchase' AND f.ts > a.t AND f.ts <= a.t1 + INTERVAL 1 DAY GROUP BY 1, 2)
SELECT (SELECT count(DISTINCT person) FROM s1), (SELECT count(DISTINCT person) FROM s2),
       (SELECT count(DISTINCT person) FROM s3), (SELECT count(DISTINCT person) FROM s4)
""",
    "retention (weekly, any event)": PERSON.replace("e.timestamp >= TIMESTAMP '{start}'", "true")
    + """,
f AS (SELECT person, date_trunc('week', min(ts)) AS c FROM ev GROUP BY 1
      HAVING min(ts) >= TIMESTAMP '{start}'),
a AS (SELECT DISTINCT person, date_trunc('week', ts) AS w FROM ev WHERE ts >= TIMESTAMP '{start}')
SELECT f.c, a.w, count(*) FROM f JOIN a USING (person) GROUP BY 1, 2
""",
    "users with trait plan=pro": PERSON
    + """,
traits AS (SELECT user_id AS u, arg_max(props['set:plan'], timestamp) AS plan FROM events
           WHERE site_id = '{site}' AND name = '$identify' AND map_contains(props, 'set:plan')
             AND timestamp < TIMESTAMP '{end}' GROUP BY 1)
SELECT person, min(ts), max(ts), count(*) FROM ev JOIN traits t ON t.u = ev.person
WHERE t.plan = 'pro' GROUP BY 1 ORDER BY max(ts) DESC, person LIMIT 100
""",
    "cohort: did Export 3+ times in 30 days": PERSON.replace(
        "e.timestamp >= TIMESTAMP '{start}'", "e.timestamp >= TIMESTAMP '{now}' - INTERVAL 30 DAY"
    ).replace("e.timestamp < TIMESTAMP '{end}'", "e.timestamp < TIMESTAMP '{now}'")
    + """
SELECT person, count(*) OVER () FROM ev WHERE name = 'Export' GROUP BY person
HAVING count(*) >= 3 ORDER BY person LIMIT 100
""",
}
EXPORTERS = {"conditions": [{"did": {"event": "Export"}, "at_least": 3, "within_days": 30}]}


def ask(engine: ProductEngine, method: str, spec: dict[str, Any]) -> Callable[[], Any]:
    if method == "cohort":
        return lambda: engine.cohort_members(SITE, spec["cohort"], now=NOW, limit=100)
    return lambda: getattr(engine, method)(spec, now=NOW)


def median_ms(fns: list[Callable[[], Any]], repeat: int) -> list[float]:
    """Median times of each function, runs interleaved so machine noise hits all alike."""
    for fn in fns:
        fn()  # warm up
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for fn, out in zip(fns, times, strict=True):
            t0 = time.perf_counter()
            fn()
            out.append((time.perf_counter() - t0) * 1000)
    return [statistics.median(t) for t in times]


def load(backend: str, events: int, days: int, base: Path) -> Any:
    store = open_store("duckdb" if backend == "duckdb" else "chdb:", base / backend)
    store.migrate()
    for table in generate_rows(events, days, 7, END):
        store.insert(table, SpoolPosition())
    return store


def same_answer(label: str, result: dict[str, Any], rows: list[tuple]) -> bool:
    """Whether the engine's answer carries the hand-written SQL's numbers."""
    if label.startswith("funnel"):
        return [s["users"] for s in result["steps"]] == [int(v) for v in rows[0]]
    if label.startswith("retention"):
        active = sum(p["active"] for c in result["cohorts"] for p in c["periods"])
        return active == sum(int(r[2]) for r in rows)
    if label.startswith("users"):
        return [u["id"] for u in result["results"]] == [r[0] for r in rows]
    return result["people"] == [r[0] for r in rows] and result["total"] == (
        int(rows[0][1]) if rows else 0
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--backends", default="duckdb")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    questions: dict[str, tuple[str, dict[str, Any]]] = {
        "funnel (4 steps, loose, 24h)": (
            "funnel",
            {"steps": STEPS, "window": "24h", "date_range": RANGE},
        ),
        "retention (weekly, any event)": ("retention", {"period": "week", "date_range": RANGE}),
        "users with trait plan=pro": (
            "users",
            {"date_range": RANGE, "filters": [["is", "user:plan", ["pro"]]]},
        ),
        "cohort: did Export 3+ times in 30 days": ("cohort", {"cohort": EXPORTERS}),
    }
    with tempfile.TemporaryDirectory() as tmp:
        for backend in args.backends.split(","):
            t0 = time.perf_counter()
            store = load(backend, args.events, args.days, Path(tmp))
            _, rows = store.fetch("SELECT count(*) FROM events")
            print(f"\n{backend}: {rows[0][0]:,} events loaded in {time.perf_counter() - t0:.1f}s")
            engine = ProductEngine(store)
            for label, (method, body) in questions.items():
                run = ask(engine, method, {"site_id": SITE, **body})
                fns = [run]
                if backend == "duckdb":
                    sql = HAND[label].format(site=SITE, start=START, end=STOP, now=NOW_SQL)
                    fns.append(lambda sql=sql, store=store: store.fetch(sql)[1])
                times = median_ms(fns, args.repeat)
                line = f"  {label:40s} engine {times[0]:8.1f} ms"
                if len(times) > 1:
                    ratio = times[0] / times[1]
                    line += f"   hand-written {times[1]:8.1f} ms   ratio {ratio:4.2f}x"
                    agree = same_answer(label, run(), fns[1]())
                    line += "   same answer" if agree else "   DIFFERENT"
                print(line, flush=True)
            store.close()


if __name__ == "__main__":
    main()
