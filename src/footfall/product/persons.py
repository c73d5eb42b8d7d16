"""Identity resolution and user traits as CTEs of one SQL tree, for both engines.

The **person** of an event is its `user_id` if set; else the user id last linked to its
`distinct_id` (by `$identify`, `$alias`, `$merge` or any event carrying both ids); else
its `distinct_id`; else `'v:' || visitor_id` (a cookieless visitor: one day at most).

A trait is the fold of the user's `$identify` operations in (timestamp, event_id) order:
`set` replaces, `set_once` sets only an absent trait, `add` adds a number to the value
(absent or non-numeric counts as 0), `unset` removes. The fold has a closed form that
SQL can compute with two window passes: with U the last unset and S the last set after U,
the value is S's value plus the adds after S; without S it is the first set_once after U
(when it precedes every add after U) plus the adds after U.

Links and traits read all history up to the end of the query's range; the events
analysed are limited to the range explicitly (the guard scopes every scan to the site).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlglot import exp

from footfall.query import filters as F
from footfall.query.dimensions import Dimension
from footfall.query.printer import Scope, guard
from footfall.query.spec import Filter
from footfall.query.sqltree import (
    EVENTS_TABLE,
    ArgFirst,
    CountIf,
    MapGet,
    MapHas,
    Params,
    PropValue,
    ToNumber,
    ToText,
    and_,
    col,
    eq,
    lit,
)

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


def neq(a: exp.Expression, b: exp.Expression) -> exp.Expression:
    return exp.NEQ(this=a, expression=b)


def case(*whens: tuple[exp.Expression, exp.Expression], default: exp.Expression) -> exp.Case:
    out = exp.Case()
    for cond, value in whens:
        out = out.when(cond, value)
    return out.else_(default)


def window(fn: exp.Expression, partition: str, order: tuple[str, ...] = ()) -> exp.Window:
    spec: dict[str, Any] = {"this": fn, "partition_by": [col(partition)]}
    if order:
        spec["order"] = exp.Order(expressions=[exp.Ordered(this=col(c)) for c in order])
    return exp.Window(**spec)


def events_scan(alias: str = "e") -> exp.Table:
    return exp.to_table(EVENTS_TABLE).as_(alias)


def number_text(x: exp.Expression) -> exp.Expression:
    """A double as text: integers without a decimal point, on both engines."""
    integral = and_(
        eq(x.copy(), exp.Floor(this=x.copy())),
        exp.LT(this=exp.Abs(this=x.copy()), expression=lit(1e15)),
    )
    assert integral is not None
    as_int = ToText(this=exp.Cast(this=x.copy(), to=exp.DataType.build("bigint")))
    return case((integral, as_int), default=ToText(this=x.copy()))


class PersonTree:
    """Builds the CTEs for person-attributed events of one site and range."""

    def __init__(
        self, site_id: str, start: datetime, end: datetime, traits: list[str] | None = None
    ) -> None:
        self.site_id, self.start, self.end = site_id, start, end
        self.params = Params()
        self.traits = list(traits or [])
        self.ctes: list[tuple[str, exp.Expression]] = []

    # helpers ---------------------------------------------------------------------------

    def add(self, value: Any, kind: str = "String") -> exp.Expression:
        return self.params.add(value, kind)

    def ts(self, value: datetime) -> exp.Expression:
        return self.add(value.astimezone(UTC).replace(tzinfo=None), "DateTime64(6, 'UTC')")

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
        guarded = guard(select, Scope(self.site_id, EPOCH, self.end), self.params, identities=True)
        assert isinstance(guarded, exp.Select)
        return guarded

    # identity links ----------------------------------------------------------------------

    def links(self) -> str:
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

    # traits ------------------------------------------------------------------------------

    def _ops(self) -> str:
        has = [
            {op: MapHas(this=col("props"), key=self.add(f"{op}:{k}")) for op in ("unset", "set")}
            for k in self.traits
        ]
        first = exp.select(
            col("user_id", "e").as_("u"),
            col("props", "e").as_("props"),
            window(exp.RowNumber(), "user_id", EVENT_KEY).as_("n"),
        ).from_(events_scan())
        first = first.where(
            and_(eq(col("name", "e"), self.add("$identify")), neq(col("user_id", "e"), lit("")))
        )
        self.cte("ff_ops1", first)
        unsets = [
            window(
                exp.Max(this=exp.If(this=has[i]["unset"], true=col("n"), false=lit(0))), "u"
            ).as_(f"un_{i}")
            for i in range(len(self.traits))
        ]
        self.cte("ff_ops2", exp.select(exp.Star(), *unsets).from_("ff_ops1"))
        sets = [
            window(
                exp.Max(
                    this=exp.If(
                        this=and_(has[i]["set"], exp.GT(this=col("n"), expression=col(f"un_{i}"))),
                        true=col("n"),
                        false=lit(0),
                    )
                ),
                "u",
            ).as_(f"st_{i}")
            for i in range(len(self.traits))
        ]
        return self.cte("ff_ops3", exp.select(exp.Star(), *sets).from_("ff_ops2"))

    def _trait_value(self, i: int, key: str) -> exp.Expression:
        def get(op: str) -> exp.Expression:
            return MapGet(this=col("props"), key=self.add(f"{op}:{key}"))

        def has(op: str) -> exp.Expression:
            return MapHas(this=col("props"), key=self.add(f"{op}:{key}"))

        n, un, st = col("n"), col(f"un_{i}"), col(f"st_{i}")
        set_value = ArgFirst(this=get("set"), key=n.copy(), cond=eq(n.copy(), st.copy()))
        opener = ArgFirst(
            this=exp.If(
                this=has("set_once"),
                true=exp.Concat(expressions=[lit("O"), get("set_once")]),
                false=lit("A"),
            ),
            key=n.copy(),
            cond=and_(
                exp.paren(exp.or_(has("set_once"), has("add")), copy=False),
                exp.GT(this=n.copy(), expression=un.copy()),
            ),
        )
        # Adds count after the last unset and from the last set on (same-event order:
        # set, set_once, add, unset).
        adding = and_(
            has("add"),
            exp.GT(this=n.copy(), expression=un.copy()),
            exp.GTE(this=n.copy(), expression=st),
        )
        assert adding is not None
        add_sum = exp.Sum(
            this=exp.If(
                this=adding,
                true=exp.Coalesce(this=ToNumber(this=get("add")), expressions=[lit(0.0)]),
                false=lit(0.0),
            )
        )
        base = case(
            (exp.GT(this=exp.Max(this=col(f"st_{i}")), expression=lit(0)), set_value),
            (
                eq(exp.Substring(this=opener.copy(), start=lit(1), length=lit(1)), lit("O")),
                exp.Substring(this=opener, start=lit(2)),
            ),
            default=exp.Null(),
        )
        added = exp.Add(
            this=exp.Coalesce(this=ToNumber(this=base.copy()), expressions=[lit(0.0)]),
            expression=add_sum,
        )
        return case(
            (exp.GT(this=CountIf(this=adding.copy()), expression=lit(0)), number_text(added)),
            default=exp.Coalesce(this=base, expressions=[lit("")]),
        )

    def traits_cte(self) -> str:
        ops = self._ops()
        values = [self._trait_value(i, k).as_(f"tv_{i}") for i, k in enumerate(self.traits)]
        select = exp.select(col("u").as_("tu"), *values).from_(ops).group_by(col("u"))
        return self.cte("ff_traits", select)

    # person events -----------------------------------------------------------------------

    def events(self, extra: exp.Expression | None = None) -> str:
        """CTE `ff_pev`: product events in range with `person` (and trait columns)."""
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
                    exp.GTE(this=col("timestamp", "e"), expression=self.ts(self.start)),
                    exp.LT(this=col("timestamp", "e"), expression=self.ts(self.end)),
                    exp.Not(this=exp.Like(this=col("name", "e"), expression=self.add("$%"))),
                    neq(col("name", "e"), lit("engagement")),
                    extra,
                )
            )
        )
        if not self.traits:
            return self.cte("ff_pev", select)
        self.cte("ff_pev0", select)
        traits = self.traits_cte()
        values = [
            exp.Coalesce(this=col(f"tv_{i}", "t"), expressions=[lit("")]).as_(f"tv_{i}")
            for i in range(len(self.traits))
        ]
        joined = (
            exp.select(exp.Column(this=exp.Star(), table=exp.to_identifier("p0")), *values)
            .from_(exp.to_table("ff_pev0").as_("p0"))
            .join(
                exp.to_table(traits).as_("t"),
                on=eq(col("tu", "t"), col("person", "p0")),
                join_type="left",
            )
        )
        return self.cte("ff_pev", joined)
