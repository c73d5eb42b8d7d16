"""Identity resolution and person-attributed events as CTEs of one SQL tree.

The **person** of an event is its `user_id` if set; else the user id last linked to its
`distinct_id` (by `$identify`, `$alias`, `$merge` or any event carrying both ids); else
its `distinct_id`; else `'v:' || visitor_id` (a cookieless visitor: one day at most).

Links and traits (traits.py) read all history up to the end of the query's range; the
events analysed are limited to the range explicitly (the guard scopes every scan to the
site).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlglot import exp

from footfall.product.traits import case, events_scan, neq, traits_cte, window
from footfall.query import filters as F
from footfall.query.dimensions import Dimension
from footfall.query.printer import Scope, guard
from footfall.query.spec import Filter
from footfall.query.sqltree import (
    ArgFirst,
    Params,
    PropValue,
    ToText,
    and_,
    col,
    eq,
    lit,
)

__all__ = ["EPOCH", "PersonTree", "case", "events_scan", "neq", "window"]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Columns person rows carry besides person/timestamp/event_id/trait values.
EVENT_COLUMNS = (
    "name",
    "pathname",
    "hostname",
    "props",
    "country",
    "region",
    "city",
    "browser",
    "browser_version",
    "os",
    "os_version",
    "device",
    "screen",
)
EVENT_KEY = ("timestamp", "event_id")


class PersonTree:
    """Builds the CTEs for person-attributed events of one site and range."""

    def __init__(
        self, site_id: str, start: datetime, end: datetime, traits: list[str] | None = None
    ) -> None:
        self.site_id, self.start, self.end = site_id, start, end
        self.params = Params()
        self.scope_end = end  # the guard's end: the latest time any part looks at
        # Builds the CTE of a cohort's members (product/cohorts.py) when filtering by one.
        self.cohort: Callable[[PersonTree], str] | None = None
        self.traits = list(traits or [])
        self.ctes: list[tuple[str, exp.Expression]] = []

    # helpers ---------------------------------------------------------------------------

    def add(self, value: Any, kind: str = "String") -> exp.Expression:
        return self.params.add(value, kind)

    def ts(self, value: datetime) -> exp.Expression:
        return self.add(value.astimezone(UTC).replace(tzinfo=None), "DateTime64(6, 'UTC')")

    def traits_cte(self) -> str:
        return traits_cte(self)

    def trait_column(self, key: str) -> str:
        return f"tv_{self.traits.index(key)}"

    def dim_sql(self, d: Dimension, alias: str = "p") -> exp.Expression:
        if d.name.startswith("user:"):
            value: exp.Expression = col(self.trait_column(d.short), alias)
        elif d.prop_key is not None:
            return PropValue(this=col("props", alias), key=self.add(d.prop_key))
        else:
            value = col(d.column, alias)
        return exp.If(this=eq(value, lit("")), true=lit(d.empty), false=value.copy())

    def where(self, filters: tuple[Filter, ...], alias: str = "p") -> exp.Expression | None:
        return F.all_of(filters, lambda d: self.dim_sql(d, alias), self.params)

    def cte(self, name: str, select: exp.Expression) -> str:
        self.ctes.append((name, select))
        return name

    def finish(self, select: exp.Select) -> exp.Select:
        """Attach the CTEs and add the site guard (identity records kept)."""
        for name, body in self.ctes:
            select = select.with_(name, as_=body, copy=False)
        scope = Scope(self.site_id, EPOCH, max(self.end, self.scope_end))
        guarded = guard(select, scope, self.params, identities=True)
        assert isinstance(guarded, exp.Select)
        return guarded

    # identity links ----------------------------------------------------------------------

    def links(self) -> str:
        if any(name == "ff_links" for name, _ in self.ctes):
            return "ff_links"
        key = exp.Tuple(expressions=[col(c, "e") for c in EVENT_KEY])
        select = (
            exp.select(
                col("distinct_id", "e").as_("did"),
                ArgFirst(this=col("user_id", "e"), key=key, last=True).as_("uid"),
            )
            .from_(events_scan())
            .where(
                and_(
                    neq(col("user_id", "e"), lit("")),
                    neq(col("distinct_id", "e"), lit("")),
                )
            )
            .group_by(col("distinct_id", "e"))
        )
        return self.cte("ff_links", select)

    def person_expr(self) -> exp.Expression:
        linked = exp.Coalesce(this=col("uid", "l"), expressions=[lit("")])
        visitor = exp.Concat(expressions=[lit("v:"), ToText(this=col("visitor_id", "e"))])
        return case(
            (neq(col("user_id", "e"), lit("")), col("user_id", "e")),
            (neq(linked, lit("")), linked.copy()),
            (neq(col("distinct_id", "e"), lit("")), col("distinct_id", "e")),
            default=visitor,
        )

    # person events -----------------------------------------------------------------------

    def events(
        self,
        name: str = "ff_pev",
        start: datetime | None = None,
        end: datetime | None = None,
        within: str | None = None,
    ) -> str:
        """CTE `name`: product events in [start, end) with `person` (and trait columns).

        `within` names a CTE of persons (a cohort) the events are limited to; the query's
        own events (`ff_pev`) are limited to the tree's cohort when it has one.
        """
        if name == "ff_pev" and within is None and self.cohort is not None:
            within = self.cohort(self)
        links = self.links()
        columns = [col(c, "e").as_(c) for c in ("timestamp", "event_id", *EVENT_COLUMNS)]
        select = (
            exp.select(self.person_expr().as_("person"), *columns)
            .from_(events_scan())
            .join(
                exp.to_table(links).as_("l"),
                on=eq(col("did", "l"), col("distinct_id", "e")),
                join_type="left",
            )
            .where(
                and_(
                    exp.GTE(this=col("timestamp", "e"), expression=self.ts(start or self.start)),
                    exp.LT(this=col("timestamp", "e"), expression=self.ts(end or self.end)),
                    exp.Not(this=exp.Like(this=col("name", "e"), expression=self.add("$%"))),
                    neq(col("name", "e"), lit("engagement")),
                )
            )
        )
        if self.traits:
            self.cte(f"{name}0", select)
            traits = traits_cte(self)
            values = [
                exp.Coalesce(this=col(f"tv_{i}", "t"), expressions=[lit("")]).as_(f"tv_{i}")
                for i in range(len(self.traits))
            ]
            select = (
                exp.select(exp.Column(this=exp.Star(), table=exp.to_identifier("p0")), *values)
                .from_(exp.to_table(f"{name}0").as_("p0"))
                .join(
                    exp.to_table(traits).as_("t"),
                    on=eq(col("tu", "t"), col("person", "p0")),
                    join_type="left",
                )
            )
        if within is not None:
            self.cte(f"{name}1", select)
            members = exp.select(col("person")).from_(within).subquery()
            select = (
                exp.select(exp.Star())
                .from_(f"{name}1")
                .where(exp.In(this=col("person"), query=members))
            )
        return self.cte(name, select)
