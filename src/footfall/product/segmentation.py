"""Segmentation: the volume of the top events per hour/day/week, with unique users.

The events are the request's list or the range's most frequent names (12 by default)
after filters. Per event (and breakdown value) the SQL yields one row per time bucket
plus one row (bucket '') for the whole range, because unique users over a range are not
the sum of unique users per bucket.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from footfall.product.persons import PersonTree
from footfall.product.spec import Common, choice, parse_common, positive_int, require
from footfall.query import periods
from footfall.query.periods import Period
from footfall.query.sqltree import LocalBucket, and_, col, lit

UNITS = ("hour", "day", "week")
MAX_EVENTS = 50
MAX_GROUPS = 25


@dataclass(frozen=True, slots=True)
class SegmentationQuery:
    common: Common
    unit: str = "day"
    events: tuple[str, ...] = ()
    limit: int = 12


def parse_segmentation(body: Any) -> SegmentationQuery:
    common = parse_common(body, ("interval", "events", "limit"))
    unit = choice(body, "interval", UNITS, "day")
    events = body.get("events", [])
    require(
        isinstance(events, list)
        and len(events) <= MAX_EVENTS
        and all(isinstance(e, str) and e for e in events),
        "events",
        f"expected a list of up to {MAX_EVENTS} event names",
    )
    limit = positive_int(body, "limit", 12, MAX_EVENTS)
    return SegmentationQuery(common, unit, tuple(dict.fromkeys(events)), limit)


def compile_segmentation(tree: PersonTree, q: SegmentationQuery, period: Period) -> exp.Select:
    pev = tree.events()
    filters = tree.where(q.common.filters)
    table = exp.to_table(pev).as_("p")
    if q.events:
        chosen: exp.Expression = exp.In(
            this=col("name", "p"), expressions=[tree.add(e) for e in q.events]
        )
    else:
        top = (
            exp.select(col("name", "p"))
            .from_(table.copy())
            .where(filters.copy() if filters is not None else None)
            .group_by(col("name", "p"))
            .order_by(exp.Ordered(this=exp.Count(this=exp.Star()), desc=True), col("name", "p"))
            .limit(q.limit)
        )
        chosen = exp.In(this=col("name", "p"), query=top.subquery())
    breakdown = tree.dim_sql(q.common.breakdown) if q.common.breakdown else lit("")
    bucket = LocalBucket(this=col("timestamp", "p"), unit=q.unit, tz=tree.add(period.timezone))
    where = and_(filters, chosen)

    def part(time: exp.Expression) -> exp.Select:
        return (
            exp.select(
                col("name", "p").as_("ev"),
                breakdown.copy().as_("b"),
                time.as_("t"),
                exp.Count(this=exp.Star()).as_("total"),
                exp.Count(this=exp.Distinct(expressions=[col("person", "p")])).as_("users"),
            )
            .from_(table.copy())
            .where(where.copy() if where is not None else None)
            .group_by(exp.column("ev"), exp.column("b"), exp.column("t"))
        )

    rows = tree.cte("ff_seg", exp.union(part(bucket), part(lit("")), distinct=False))
    return tree.finish(exp.select(exp.Star()).from_(rows))


def shape(q: SegmentationQuery, period: Period, rows: list[tuple]) -> dict[str, Any]:
    labels = periods.time_labels(period, q.unit)
    series: dict[tuple[str, str], dict[str, Any]] = {}
    for ev, b, t, total, users in rows:
        entry = series.setdefault((str(ev), str(b)), {"event": str(ev), "totals": {}, "points": {}})
        if b != "" or q.common.breakdown is not None:
            entry["breakdown"] = str(b)
        if t == "":
            entry["totals"] = {
                "total": int(total),
                "users": int(users),
                "per_user": round(int(total) / int(users), 4) if users else 0.0,
            }
        else:
            entry["points"][str(t)] = (int(total), int(users))
    out = []
    for entry in series.values():
        points = entry.pop("points")
        entry["series"] = [
            {
                "date": label,
                "total": points.get(label, (0, 0))[0],
                "users": points.get(label, (0, 0))[1],
            }
            for label in labels
        ]
        out.append(entry)
    out.sort(key=lambda e: (-e["totals"].get("total", 0), e["event"], e.get("breakdown", "")))
    if q.common.breakdown is not None:
        kept: dict[str, int] = {}
        for e in out:
            kept[e["event"]] = kept.get(e["event"], 0) + 1
            e["_keep"] = kept[e["event"]] <= MAX_GROUPS
        out = [{k: v for k, v in e.items() if k != "_keep"} for e in out if e["_keep"]]
    return {
        "results": out,
        "meta": {
            "interval": q.unit,
            "time_labels": labels,
            "date_range": [period.start.isoformat(), period.end.isoformat()],
        },
    }
