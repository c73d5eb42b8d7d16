"""Run queries: plan (pure, `now` passed in) → compile → print → store.fetch → shape.

The result has Plausible's v2 shape: `{"results": [{"dimensions": [...], "metrics":
[...]}], "meta": {...}, "query": {...}}`. Denominators (percentage, conversion rate)
and comparison periods are separate queries through the same compiler and guard.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlglot import exp

from footfall.query import periods
from footfall.query.compile import Compiled, compile_query
from footfall.query.metrics import METRICS
from footfall.query.periods import Period
from footfall.query.printer import Scope, bind_values, guard, render
from footfall.query.spec import MAX_LIMIT, Condition, Filter, Include, Logic, Query, parse_query
from footfall.query.sqltree import Params, col
from footfall.store.base import Store

REALTIME_WINDOW = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Plan:
    period: Period
    time_unit: str | None
    comparison: Period | None


def plan(query: Query, timezone: str, now: datetime, earliest: date | None = None) -> Plan:
    """Resolve the date ranges of a query. Pure: the clock and the data are passed in."""
    period = periods.resolve(
        query.date_range, timezone, now, relative_date=query.relative_date, earliest=earliest
    )
    unit = None
    for d in query.dimensions:
        if d.kind == "time":
            unit = d.unit or periods.default_unit(period)
    comparison = None
    if query.include.comparisons is not None:
        mode = query.include.comparisons.mode
        if mode == "previous_period":
            comparison = periods.previous_period(period)
        elif mode == "year_over_year":
            comparison = periods.year_over_year(period)
        else:
            custom = query.include.comparisons.date_range
            assert custom is not None
            comparison = periods.resolve(custom, timezone, now)
    return Plan(period, unit, comparison)


def _without_goals(filters: tuple[Filter, ...]) -> tuple[Filter, ...]:
    def mentions_goal(f: Filter) -> bool:
        if isinstance(f, Condition):
            return f.dimension.name == "event:goal"
        assert isinstance(f, Logic)
        return any(mentions_goal(c) for c in f.children)

    return tuple(f for f in filters if not mentions_goal(f))


def _change(metric: str, new: Any, old: Any) -> float | int | None:
    if isinstance(new, dict) or isinstance(old, dict):
        new = new["value"] if isinstance(new, dict) else 0
        old = old["value"] if isinstance(old, dict) else 0
    if new is None or old is None:
        return None
    if METRICS[metric].change == "absolute":
        return round(new - old, 1)
    if old == 0:
        return 100 if new > 0 else 0
    return round((new - old) / old * 100)


class QueryEngine:
    """Answers v2 queries against one store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # plumbing ---------------------------------------------------------------------

    def _fetch(self, compiled: Compiled) -> list[tuple]:
        sql = render(compiled.tree, self.store.dialect)
        _names, rows = self.store.fetch(sql, bind_values(compiled.params))
        return rows

    def sql(self, query: Query, timezone: str, now: datetime) -> tuple[str, list[Any]]:
        """The SQL and parameters for `query` (for tests, the bench and debugging)."""
        p = plan(query, timezone, now, self._earliest_if_needed(query, timezone, now))
        compiled = compile_query(query, p.period, p.time_unit)
        return render(compiled.tree, self.store.dialect), bind_values(compiled.params)

    def earliest(self, site_id: str) -> date | None:
        params = Params()
        tree = exp.select(exp.Min(this=col("timestamp", "e"))).from_(
            exp.to_table("events").as_("e")
        )
        scope = Scope(site_id, datetime(1970, 1, 1, tzinfo=UTC), datetime(2200, 1, 1, tzinfo=UTC))
        tree = guard(tree, scope, params)
        _, rows = self.store.fetch(render(tree, self.store.dialect), bind_values(params.values))
        value = rows[0][0] if rows else None
        if value is None or (isinstance(value, datetime) and value.year <= 1970):
            return None
        return value.date() if isinstance(value, datetime) else None

    def _earliest_if_needed(self, query: Query, timezone: str, now: datetime) -> date | None:
        if query.date_range != "all":
            return None
        first = self.earliest(query.site_id)
        if first is None:
            return None
        return periods.from_datetimes(
            datetime.combine(first, datetime.min.time(), tzinfo=UTC),
            now,
            timezone,
            inclusive=False,
        ).first

    def _rows(
        self, query: Query, period: Period, unit: str | None
    ) -> tuple[list[dict[str, Any]], int | None]:
        compiled = compile_query(query, period, unit)
        rows = self._fetch(compiled)
        n_dims = len(compiled.dimensions)
        out, total = [], None
        for row in rows:
            comps = dict(zip(compiled.components, row[n_dims:], strict=False))
            out.append({"dimensions": [str(v) for v in row[:n_dims]], "c": comps})
            if query.include.total_rows:
                total = int(row[-1])
        return out, total

    def _totals(self, query: Query, period: Period, unit: str | None) -> dict[str, Any]:
        """Denominators: visitors with the same filters, and without goal filters per group."""
        ctx: dict[str, Any] = {}
        names = [m for m in query.metrics if METRICS[m].needs_total]
        base = replace(
            query,
            metrics=("visitors",),
            order_by=(),
            include=Include(),
            limit=MAX_LIMIT,
            offset=0,
        )
        if "percentage" in names:
            rows, _ = self._rows(replace(base, dimensions=()), period, unit)
            ctx["total_visitors"] = rows[0]["c"]["visitors"] if rows else 0
        if "conversion_rate" in names:
            dims = tuple(d for d in query.dimensions if d.name != "event:goal")
            rows, _ = self._rows(
                replace(base, dimensions=dims, filters=_without_goals(query.filters)),
                period,
                unit,
            )
            ctx["goal_base"] = {tuple(r["dimensions"]): r["c"]["visitors"] for r in rows}
            ctx["goal_dims"] = [i for i, d in enumerate(query.dimensions) if d.name != "event:goal"]
        return ctx

    def _finish(
        self, query: Query, rows: list[dict[str, Any]], totals: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        out = []
        for row in rows:
            ctx = dict(totals)
            if "goal_base" in totals:
                key = tuple(row["dimensions"][i] for i in totals["goal_dims"])
                ctx["goal_base_visitors"] = totals["goal_base"].get(key, 0)
            metrics = [METRICS[m].finish(row["c"], ctx) for m in query.metrics]
            out.append({"metrics": metrics, "dimensions": row["dimensions"]})
        return out

    def _results(self, query: Query, period: Period, unit: str | None) -> tuple[list, int | None]:
        rows, total = self._rows(query, period, unit)
        if query.include.total_rows and total is None:
            if query.offset:
                _, total = self._rows(replace(query, offset=0, limit=1), period, unit)
            total = total or 0
        totals = (
            self._totals(query, period, unit)
            if any(METRICS[m].needs_total for m in query.metrics)
            else {}
        )
        return self._finish(query, rows, totals), total

    # public -----------------------------------------------------------------------

    def query(self, body: Any, *, now: datetime, timezone: str = "UTC") -> dict:
        """Parse, validate and run a v2 query body."""
        return self.run(parse_query(body), now=now, timezone=timezone, raw=body)

    def run(
        self,
        query: Query,
        *,
        now: datetime,
        timezone: str = "UTC",
        raw: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        p = plan(query, timezone, now, self._earliest_if_needed(query, timezone, now))
        results, total = self._results(query, p.period, p.time_unit)
        meta: dict[str, Any] = {}
        labels = periods.time_labels(p.period, p.time_unit) if p.time_unit else []
        if query.include.time_labels:
            meta["time_labels"] = labels
        if query.include.total_rows:
            meta["total_rows"] = total
        if p.comparison is not None:
            self._compare(query, p, results, labels)
            meta["comparison_date_range"] = _iso_range(p.comparison)
        return {"results": results, "meta": meta, "query": _echo(query, p, raw)}

    def _compare(
        self, query: Query, p: Plan, results: list[dict[str, Any]], labels: Sequence[str]
    ) -> None:
        assert p.comparison is not None
        other = replace(query, include=Include(), limit=MAX_LIMIT, offset=0, order_by=())
        old_rows, _ = self._results(other, p.comparison, p.time_unit)
        old_labels = periods.time_labels(p.comparison, p.time_unit) if p.time_unit else []
        time_index = next((i for i, d in enumerate(query.dimensions) if d.kind == "time"), None)
        by_dims = {tuple(r["dimensions"]): r for r in old_rows}
        for row in results:
            dims = list(row["dimensions"])
            if time_index is not None:
                label = dims[time_index]
                pos = labels.index(label) if label in labels else -1
                dims[time_index] = old_labels[pos] if 0 <= pos < len(old_labels) else ""
            old = by_dims.get(tuple(dims))
            old_metrics = (
                old["metrics"] if old else [METRICS[m].finish({}, {}) for m in query.metrics]
            )
            row["comparison"] = {
                "dimensions": dims,
                "metrics": old_metrics,
                "change": [
                    _change(m, new, prev)
                    for m, new, prev in zip(query.metrics, row["metrics"], old_metrics, strict=True)
                ],
            }

    def current_visitors(self, site_id: str, now: datetime) -> int:
        """Unique visitors in the last five minutes: one small guarded scan."""
        period = periods.from_datetimes(now - REALTIME_WINDOW, now, "UTC", inclusive=True)
        query = Query(site_id, "day", ("visitors",))
        rows, _ = self._rows(query, period, None)
        return int(rows[0]["c"]["visitors"]) if rows else 0


def _iso_range(period: Period) -> list[str]:
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(period.timezone)
    return [
        period.start.astimezone(tz).isoformat(),
        (period.end - timedelta(seconds=1)).astimezone(tz).replace(microsecond=0).isoformat(),
    ]


def _echo(query: Query, p: Plan, raw: Mapping[str, Any] | None) -> dict[str, Any]:
    include: dict[str, Any] = {
        "total_rows": query.include.total_rows,
        "time_labels": query.include.time_labels,
    }
    if query.include.comparisons:
        include["comparisons"] = {"mode": query.include.comparisons.mode}
    return {
        "site_id": query.site_id,
        "date_range": _iso_range(p.period),
        "metrics": list(query.metrics),
        "dimensions": list(query.dimension_names),
        "filters": list((raw or {}).get("filters", [])),
        "order_by": [list(o) for o in query.order_by],
        "include": include,
        "pagination": {"limit": query.limit, "offset": query.offset},
    }
