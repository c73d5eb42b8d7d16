"""Compile a validated Query and its resolved Period into one guarded SQL tree.

Rows come from up to three sources, each grouped by the query's dimensions:
  event       single events (pageviews and custom events, never engagement pings)
  visit       the `sess` CTE, one row per visit, built only when a visit metric,
              dimension or filter needs it
  engagement  engagement pings, first reduced to one row per visitor and page
Each source yields the integer components its metrics need (metrics.py); when a
query mixes sources they are stacked with UNION ALL and summed per dimension tuple.
Event filters keep matching events; for visit metrics they keep visits that have a
matching event. Visit filters keep visits (and their events) by visit attributes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from footfall.query import filters as F
from footfall.query.dimensions import Dimension
from footfall.query.metrics import COMPONENTS, METRICS
from footfall.query.periods import Period
from footfall.query.printer import Scope, guard
from footfall.query.spec import Query
from footfall.query.sqltree import (
    EVENTS_TABLE,
    ArgFirst,
    CountIf,
    EpochMs,
    LocalBucket,
    Params,
    PropValue,
    and_,
    coalesce_sum,
    col,
    eq,
    lit,
    ratio,
)

SESS = "sess"


@dataclass(frozen=True, slots=True)
class Compiled:
    tree: exp.Expression
    params: list[Any]
    dimensions: tuple[Dimension, ...]
    components: tuple[str, ...]
    time_unit: str | None


def _labelled(value: exp.Expression, empty: str) -> exp.Expression:
    return exp.If(this=eq(value, lit("")), true=lit(empty), false=value.copy())


class _Builder:
    def __init__(self, query: Query, period: Period, time_unit: str | None) -> None:
        self.q = query
        self.period = period
        self.unit = time_unit
        self.params = Params()
        self.event_filters = tuple(f for f in query.filters if f.kind == "event")
        self.visit_filters = tuple(f for f in query.filters if f.kind == "visit")
        self.event_dims = [d for d in query.dimensions if d.kind == "event"]
        self.visit_dims = [d for d in query.dimensions if d.kind == "visit"]
        self.components = tuple(
            dict.fromkeys(c for m in query.metrics for c in METRICS[m].components)
        )
        self.sources = {COMPONENTS[c] for c in self.components}
        self.visit_attrs = list(
            dict.fromkeys(d for d in (*self.visit_dims, *F.referenced(self.visit_filters)))
        )
        self.need_sess = bool(self.visit_attrs) or "visit" in self.sources
        self._tz: exp.Expression | None = None

    # dimension expressions ------------------------------------------------------------

    def tz(self) -> exp.Expression:
        if self._tz is None:
            self._tz = self.params.add(self.period.timezone)
        return self._tz.copy()

    def event_dim(self, d: Dimension, alias: str = "e") -> exp.Expression:
        if d.prop_key is not None:
            return PropValue(this=col("props", alias), key=self.params.add(d.prop_key))
        return _labelled(col(d.column, alias), d.empty)

    def visit_dim(self, d: Dimension) -> exp.Expression:
        return col(d.session_column, "s")

    def time_dim(self, timestamp: exp.Expression) -> exp.Expression:
        assert self.unit is not None
        if self.period.timezone in ("UTC", "Etc/UTC"):
            return LocalBucket(this=timestamp, unit=self.unit)
        return LocalBucket(this=timestamp, unit=self.unit, tz=self.tz())

    def dim_aliases(self) -> list[str]:
        return [f"d{i}" for i in range(len(self.q.dimensions))]

    # the visit CTE --------------------------------------------------------------------

    def sess_cte(self) -> exp.Select:
        key = exp.Tuple(expressions=[col("timestamp", "e"), col("event_id", "e")])
        pageview = eq(col("name", "e"), lit("pageview"))
        pageviews = CountIf(this=pageview)
        interactions = CountIf(
            this=and_(
                exp.NEQ(this=col("name", "e"), expression=lit("pageview")),
                eq(col("interactive", "e"), exp.true()),
            )
        )
        projections: list[exp.Expression] = [
            col("visitor_id", "e").as_("visitor_id"),
            col("session_id", "e").as_("session_id"),
            exp.Min(this=col("timestamp", "e")).as_("s_start"),
            pageviews.as_("s_pageviews"),
            exp.Count(this=exp.Star()).as_("s_events"),
            exp.If(
                this=and_(eq(pageviews.copy(), lit(1)), eq(interactions, lit(0))),
                true=lit(1),
                false=lit(0),
            ).as_("s_bounce"),
            exp.Sub(
                this=EpochMs(this=exp.Max(this=col("timestamp", "e"))),
                expression=EpochMs(this=exp.Min(this=col("timestamp", "e"))),
            ).as_("s_duration"),
        ]
        for d in self.visit_attrs:
            cond = pageview.copy() if d.pick in ("entry", "exit") else None
            value = ArgFirst(
                this=col(d.column, "e"), key=key.copy(), cond=cond, last=d.pick == "exit"
            )
            projections.append(_labelled(value, d.empty).as_(d.session_column))
        return (
            exp.select(*projections)
            .from_(exp.to_table(EVENTS_TABLE).as_("e"))
            .where(exp.NEQ(this=col("name", "e"), expression=lit("engagement")))
            .group_by(col("visitor_id", "e"), col("session_id", "e"))
        )

    def _join_sess(self, select: exp.Select, left: str) -> exp.Select:
        return select.join(
            exp.to_table(SESS).as_("s"),
            on=and_(
                eq(col("visitor_id", left), col("visitor_id", "s")),
                eq(col("session_id", left), col("session_id", "s")),
            ),
        )

    def _visit_where(self) -> exp.Expression | None:
        return F.all_of(self.visit_filters, self.visit_dim, self.params)

    def _event_where(self, alias: str = "e") -> exp.Expression | None:
        goal = None
        if any(d.name == "event:goal" for d in self.event_dims) or any(
            c.dimension.name == "event:goal" for c in _conditions(self.event_filters)
        ):
            goal = exp.NEQ(this=col("name", alias), expression=lit("pageview"))
        return and_(
            F.all_of(self.event_filters, lambda d: self.event_dim(d, alias), self.params), goal
        )

    # the three row sources ------------------------------------------------------------

    def _dims_for(self, source: str, sess_only: bool) -> list[exp.Expression]:
        out = []
        for d in self.q.dimensions:
            if d.kind == "visit":
                out.append(self.visit_dim(d))
            elif d.kind == "time":
                ts = col("s_start", "s") if source == "visit" else col("timestamp", "e")
                out.append(self.time_dim(ts))
            elif source == "visit":
                out.append(col(f"x{self.q.dimensions.index(d)}", "x"))
            else:
                out.append(self.event_dim(d))
        return out

    def _event_from_sess(self) -> bool:
        """Event components can come from visits when nothing needs single events."""
        return (
            self.need_sess
            and not self.event_dims
            and not self.event_filters
            and self.unit is None
            and not any(c.startswith("revenue") for c in self.components)
        )

    def sess_rows(self) -> exp.Select:
        """Event and visit components in one pass over the visits (the dashboard's usual case)."""
        wanted = [c for c in self.components if COMPONENTS[c] in ("event", "visit")]
        measures = {**self._sess_event_measures(), **self._visit_measures()}
        select = exp.select().from_(exp.to_table(SESS).as_("s")).where(self._visit_where())
        return self._grouped(select, self._dims_for("visit", False), measures, wanted)

    def _sess_event_measures(self) -> dict[str, exp.Expression]:
        return {
            "visitors": exp.Count(this=exp.Distinct(expressions=[col("visitor_id", "s")])),
            "pageviews": coalesce_sum(col("s_pageviews", "s")),
            "events": coalesce_sum(col("s_events", "s")),
        }

    def _visit_measures(self) -> dict[str, exp.Expression]:
        return {
            "visits": exp.Count(this=exp.Star()),
            "bounces": coalesce_sum(col("s_bounce", "s")),
            "duration_ms": coalesce_sum(col("s_duration", "s")),
            "visit_pageviews": coalesce_sum(col("s_pageviews", "s")),
        }

    def event_rows(self) -> exp.Select:
        wanted = [c for c in self.components if COMPONENTS[c] == "event"]
        sess_path = self._event_from_sess()
        if sess_path:
            measures = self._sess_event_measures()
            select = exp.select().from_(exp.to_table(SESS).as_("s")).where(self._visit_where())
        else:
            amount = col("revenue_amount", "e")
            has_amount = exp.Not(this=exp.Is(this=amount.copy(), expression=exp.Null()))
            measures = {
                "visitors": exp.Count(this=exp.Distinct(expressions=[col("visitor_id", "e")])),
                "pageviews": CountIf(this=eq(col("name", "e"), lit("pageview"))),
                "events": exp.Count(this=exp.Star()),
                "revenue_sum": coalesce_sum(amount),
                "revenue_n": exp.Count(this=amount.copy()),
                "revenue_currency": exp.Coalesce(
                    this=exp.Min(this=exp.If(this=has_amount, true=col("revenue_currency", "e"))),
                    expressions=[lit("")],
                ),
            }
            select = exp.select().from_(exp.to_table(EVENTS_TABLE).as_("e"))
            if self.visit_attrs:
                select = self._join_sess(select, "e")
            select = select.where(
                and_(
                    exp.NEQ(this=col("name", "e"), expression=lit("engagement")),
                    self._event_where(),
                    self._visit_where(),
                )
            )
        return self._grouped(select, self._dims_for("event", sess_path), measures, wanted)

    def visit_rows(self) -> exp.Select:
        wanted = [c for c in self.components if COMPONENTS[c] == "visit"]
        measures = self._visit_measures()
        select = exp.select().from_(exp.to_table(SESS).as_("s"))
        if self.event_dims or self.event_filters:
            inner = (
                exp.select(
                    col("visitor_id", "e").as_("visitor_id"),
                    col("session_id", "e").as_("session_id"),
                    *(
                        self.event_dim(d).as_(f"x{self.q.dimensions.index(d)}")
                        for d in self.event_dims
                    ),
                )
                .distinct()
                .from_(exp.to_table(EVENTS_TABLE).as_("e"))
                .where(
                    and_(
                        exp.NEQ(this=col("name", "e"), expression=lit("engagement")),
                        self._event_where(),
                    )
                )
            )
            select = select.join(
                inner.subquery("x"),
                on=and_(
                    eq(col("visitor_id", "x"), col("visitor_id", "s")),
                    eq(col("session_id", "x"), col("session_id", "s")),
                ),
            )
        select = select.where(self._visit_where())
        return self._grouped(select, self._dims_for("visit", False), measures, wanted)

    def engagement_rows(self) -> exp.Select:
        wanted = [c for c in self.components if COMPONENTS[c] == "engagement"]
        aliases = self.dim_aliases()
        inner = exp.select(
            *(e.as_(a) for e, a in zip(self._dims_for("engagement", False), aliases, strict=True)),
            exp.Max(this=col("scroll_depth", "e")).as_("sd"),
            coalesce_sum(col("engagement_ms", "e")).as_("ms"),
        ).from_(exp.to_table(EVENTS_TABLE).as_("e"))
        if self.visit_attrs:
            inner = self._join_sess(inner, "e")
        inner = inner.where(
            and_(
                eq(col("name", "e"), lit("engagement")),
                self._event_where(),
                self._visit_where(),
            )
        ).group_by(*(exp.column(a) for a in aliases), col("visitor_id", "e"), col("pathname", "e"))
        measures = {
            "scroll_sum": coalesce_sum(col("sd", "g")),
            "scroll_n": exp.Count(this=col("sd", "g")),
            "engaged_ms": coalesce_sum(col("ms", "g")),
            "engaged_n": exp.Count(this=exp.Star()),
        }
        select = exp.select().from_(inner.subquery("g"))
        return self._grouped(select, [col(a, "g") for a in aliases], measures, wanted)

    def _grouped(
        self,
        select: exp.Select,
        dims: list[exp.Expression],
        measures: dict[str, exp.Expression],
        wanted: list[str],
    ) -> exp.Select:
        aliases = self.dim_aliases()
        for expr, alias in zip(dims, aliases, strict=True):
            select = select.select(expr.as_(alias), copy=False)
        for name in self.components:
            if name in wanted:
                value = measures[name]
            else:  # another source provides it; 0 here so UNION ALL lines up
                value = lit("") if name == "revenue_currency" else lit(0)
            select = select.select(value.as_(f"c_{name}"), copy=False)
        if aliases:
            select = select.group_by(*(exp.column(a) for a in aliases), copy=False)
        return select

    # the whole query ------------------------------------------------------------------

    def build(self) -> exp.Expression:
        parts = []
        if {"event", "visit"} <= self.sources and self._event_from_sess():
            parts.append(self.sess_rows())
        else:
            if "event" in self.sources:
                parts.append(self.event_rows())
            if "visit" in self.sources:
                parts.append(self.visit_rows())
        if "engagement" in self.sources:
            parts.append(self.engagement_rows())
        aliases = self.dim_aliases()
        if len(parts) == 1:
            merged: exp.Expression = parts[0]
        else:
            union: exp.Expression = parts[0]
            for part in parts[1:]:
                union = exp.union(union, part, distinct=False)
            merged = exp.select(
                *(exp.column(a) for a in aliases),
                *(
                    (exp.Max if c == "revenue_currency" else exp.Sum)(
                        this=exp.column(f"c_{c}")
                    ).as_(f"c_{c}")
                    for c in self.components
                ),
            ).from_(union.subquery("u"))
            if aliases:
                merged = merged.group_by(*(exp.column(a) for a in aliases))
        final = exp.select(
            *(exp.column(a) for a in aliases), *(exp.column(f"c_{c}") for c in self.components)
        ).from_(merged.subquery("m"))
        if self.q.include.total_rows:
            final = final.select(exp.Window(this=exp.Count(this=exp.Star())).as_("total_rows"))
        if aliases:
            final = final.order_by(*self._order())
        final = final.limit(lit(self.q.limit)).offset(lit(self.q.offset))
        if self.need_sess:
            final = final.with_(SESS, as_=self.sess_cte())
        return final

    def _order(self) -> list[exp.Ordered]:
        names = self.q.dimension_names
        wanted = list(self.q.order_by)
        if not wanted:
            time = [n for n in names if n.startswith("time")]
            wanted = [(time[0], "asc")] if time else [(self.q.metrics[0], "desc")]
        out = []
        for name, direction in wanted:
            if name in names:
                expr: exp.Expression = exp.column(f"d{names.index(name)}")
            else:
                metric = METRICS[name]
                if metric.ratio:
                    a, b = metric.ratio
                    expr = ratio(exp.column(f"c_{a}"), exp.column(f"c_{b}"))
                else:
                    expr = exp.column(f"c_{metric.components[0]}")
            out.append(exp.Ordered(this=expr, desc=direction == "desc", nulls_first=False))
        for i in range(len(names)):  # ties: a stable order every engine agrees on
            out.append(exp.Ordered(this=exp.column(f"d{i}"), desc=False, nulls_first=False))
        return out


def _conditions(filters: tuple) -> list:
    from footfall.query.spec import Condition, Logic

    out = []
    for f in filters:
        if isinstance(f, Condition):
            out.append(f)
        elif isinstance(f, Logic):
            out.extend(_conditions(f.children))
    return out


def compile_query(query: Query, period: Period, time_unit: str | None = None) -> Compiled:
    """Build the tree for `query` over `period`; the guard scopes every scan of events."""
    unit = None
    for d in query.dimensions:
        if d.kind == "time":
            unit = d.unit or time_unit or "day"
    builder = _Builder(query, period, unit)
    tree = builder.build()
    tree = guard(tree, Scope(query.site_id, period.start, period.end), builder.params)
    return Compiled(tree, builder.params.values, query.dimensions, builder.components, unit)
