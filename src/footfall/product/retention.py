"""Retention: cohorts by the period of a person's first activity, active share afterwards.

A person's cohort is the day/week/month (in the site's zone) of their first product event
in the site's whole history, or of their first chosen first-event; only people whose
first activity falls in the range form cohorts. For each later period of the range, a
person is active when they did the return event (any event by default) in it. The SQL
yields (cohort label, active label, people); labels map to period offsets here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from footfall.product.funnel import Step, parse_step, step_matches
from footfall.product.persons import EPOCH, PersonTree
from footfall.product.spec import Common, choice, parse_common
from footfall.query import periods
from footfall.query.periods import Period
from footfall.query.sqltree import LocalBucket, and_, col, eq, lit

UNITS = ("day", "week", "month")


@dataclass(frozen=True, slots=True)
class RetentionQuery:
    common: Common
    unit: str = "week"
    first_event: Step | None = None
    return_event: Step | None = None


def parse_retention(body: Any) -> RetentionQuery:
    common = parse_common(body, ("period", "first_event", "return_event"), default_range="91d")
    unit = choice(body, "period", UNITS, "week")
    first = parse_step(body["first_event"], "first_event") if body.get("first_event") else None
    back = parse_step(body["return_event"], "return_event") if body.get("return_event") else None
    return RetentionQuery(common, unit, first, back)


def compile_retention(tree: PersonTree, q: RetentionQuery, period: Period) -> exp.Select:
    tree.start = EPOCH  # cohorts need each person's whole history
    tz = tree.add(period.timezone)
    pev = tree.events()
    filters = tree.where(q.common.filters)

    def bucket(value: exp.Expression) -> exp.Expression:
        return LocalBucket(this=value, unit=q.unit, tz=tz.copy())

    def matching(step: Step | None) -> exp.Expression | None:
        return None if step is None else step_matches(tree, step)

    first_ts = exp.Min(this=col("timestamp", "p"))
    first = (
        exp.select(col("person", "p"), bucket(first_ts).as_("c"))
        .from_(exp.to_table(pev).as_("p"))
        .where(and_(filters, matching(q.first_event)))
        .group_by(col("person", "p"))
        .having(exp.GTE(this=first_ts.copy(), expression=tree.ts(period.start)))
    )
    first_name = tree.cte("ff_first", first)
    active = (
        exp.select(col("person", "p"), bucket(col("timestamp", "p")).as_("a"))
        .from_(exp.to_table(pev).as_("p"))
        .where(
            and_(
                filters.copy() if filters is not None else None,
                matching(q.return_event),
                exp.GTE(this=col("timestamp", "p"), expression=tree.ts(period.start)),
            )
        )
        .distinct()
    )
    active_name = tree.cte("ff_active", active)
    sizes = exp.select(col("c"), lit("").as_("a"), exp.Count(this=exp.Star()).as_("n"))
    sizes = sizes.from_(first_name).group_by(col("c"))
    returns = (
        exp.select(col("c", "f"), col("a", "x"), exp.Count(this=exp.Star()).as_("n"))
        .from_(exp.to_table(first_name).as_("f"))
        .join(exp.to_table(active_name).as_("x"), on=eq(col("person", "x"), col("person", "f")))
        .group_by(col("c", "f"), col("a", "x"))
    )
    both = exp.union(sizes, returns, distinct=False).subquery("u")
    return tree.finish(exp.select(exp.Star()).from_(both))


def shape(q: RetentionQuery, period: Period, rows: list[tuple]) -> dict[str, Any]:
    labels = periods.time_labels(period, q.unit)
    index = {label: i for i, label in enumerate(labels)}
    sizes: dict[str, int] = {}
    counts: dict[str, dict[int, int]] = {}
    for c, a, n in rows:
        c = str(c)
        if a == "":
            sizes[c] = int(n)
        elif c in index and str(a) in index and index[str(a)] >= index[c]:
            counts.setdefault(c, {})[index[str(a)] - index[c]] = int(n)
    cohorts: list[dict[str, Any]] = []
    for label in labels:
        if label not in sizes:
            continue
        size, reach = sizes[label], len(labels) - index[label]
        found = counts.get(label, {})
        cohorts.append(
            {
                "cohort": label,
                "size": size,
                "periods": [
                    {
                        "period": i,
                        "active": found.get(i, 0),
                        "share": round(found.get(i, 0) / size, 4),
                    }
                    for i in range(reach)
                ],
            }
        )
    curve = []
    for i in range(len(labels)):
        eligible = [c for c in cohorts if len(c["periods"]) > i]
        base = sum(c["size"] for c in eligible)
        if not base:
            break
        active = sum(c["periods"][i]["active"] for c in eligible)
        curve.append({"period": i, "share": round(active / base, 4), "cohorts": len(eligible)})
    return {
        "cohorts": cohorts,
        "average": curve,
        "meta": {
            "period": q.unit,
            "date_range": [period.start.isoformat(), period.end.isoformat()],
        },
    }
