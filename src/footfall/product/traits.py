"""User traits as SQL: the fold of `$identify` operations, computed in one tree.

A trait is the fold of the user's `$identify` operations in (timestamp, event_id) order:
`set` replaces, `set_once` sets only an absent trait, `add` adds a number to the value
(absent or non-numeric counts as 0), `unset` removes. The fold has a closed form that
SQL can compute with two window passes: with U the last unset and S the last set after U,
the value is S's value plus the adds from S on; without S it is the first set_once after
U (when it precedes every add after U) plus the adds after U. Within one record the
operations apply in the order set, set_once, add, unset. Window passes carry only small
per-trait columns (the props map is read once): carrying the map made them 10x slower.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from footfall.query.sqltree import (
    ArgFirst,
    CountIf,
    MapGet,
    MapHas,
    ToNumber,
    ToText,
    and_,
    col,
    eq,
    lit,
)

if TYPE_CHECKING:
    from footfall.product.persons import PersonTree

EVENT_KEY = ("timestamp", "event_id")


def neq(a: exp.Expression, b: exp.Expression) -> exp.Expression:
    return exp.NEQ(this=a, expression=b)


def case(*whens: tuple[exp.Expression, exp.Expression], default: exp.Expression) -> exp.Case:
    out = exp.Case()
    for cond, value in whens:
        out = out.when(cond, value)
    return out.else_(default)


def window(fn: exp.Expression, partition: str, order: tuple[str, ...] = ()) -> exp.Window:
    spec: dict = {"this": fn, "partition_by": [col(partition)]}
    if order:
        spec["order"] = exp.Order(expressions=[exp.Ordered(this=col(c)) for c in order])
    return exp.Window(**spec)


def events_scan(alias: str = "e") -> exp.Expr:
    return exp.to_table("events").as_(alias)


def number_text(x: exp.Expression) -> exp.Expression:
    """A double as text: integers without a decimal point, on both engines."""
    integral = and_(
        eq(x.copy(), exp.Floor(this=x.copy())),
        exp.LT(this=exp.Abs(this=x.copy()), expression=lit(1e15)),
    )
    assert integral is not None
    as_int = ToText(this=exp.Cast(this=x.copy(), to=exp.DataType.build("bigint")))
    return case((integral, as_int), default=ToText(this=x.copy()))


def _ops(tree: PersonTree) -> str:
    """`$identify` records ranked per user, reduced to small per-trait columns.

    Window passes shuffle every column they carry, so the props map is read once
    here: per trait i, flags `s/x/o/a_i` (set, unset, set_once, add) and values.
    """
    cols: list[exp.Expr] = [col("user_id", "e").as_("u")]
    for i, k in enumerate(tree.traits):
        props = col("props", "e")
        for op, flag in (("set", "s"), ("unset", "x"), ("set_once", "o"), ("add", "a")):
            cols.append(MapHas(this=props.copy(), key=tree.add(f"{op}:{k}")).as_(f"{flag}_{i}"))
        cols.append(MapGet(this=props.copy(), key=tree.add(f"set:{k}")).as_(f"sv_{i}"))
        cols.append(MapGet(this=props.copy(), key=tree.add(f"set_once:{k}")).as_(f"ov_{i}"))
        added = ToNumber(this=MapGet(this=props.copy(), key=tree.add(f"add:{k}")))
        cols.append(exp.Coalesce(this=added, expressions=[lit(0.0)]).as_(f"av_{i}"))
    cols.append(window(exp.RowNumber(), "user_id", EVENT_KEY).as_("n"))
    first = exp.select(*cols).from_(events_scan())
    first = first.where(
        and_(eq(col("name", "e"), tree.add("$identify")), neq(col("user_id", "e"), lit("")))
    )
    tree.cte("ff_ops1", first)
    unsets = [
        window(exp.Max(this=exp.If(this=col(f"x_{i}"), true=col("n"), false=lit(0))), "u").as_(
            f"un_{i}"
        )
        for i in range(len(tree.traits))
    ]
    tree.cte("ff_ops2", exp.select(exp.Star(), *unsets).from_("ff_ops1"))
    sets = [
        window(
            exp.Max(
                this=exp.If(
                    this=and_(col(f"s_{i}"), exp.GT(this=col("n"), expression=col(f"un_{i}"))),
                    true=col("n"),
                    false=lit(0),
                )
            ),
            "u",
        ).as_(f"st_{i}")
        for i in range(len(tree.traits))
    ]
    return tree.cte("ff_ops3", exp.select(exp.Star(), *sets).from_("ff_ops2"))


def _trait_value(i: int) -> exp.Expression:
    n, un, st = col("n"), col(f"un_{i}"), col(f"st_{i}")
    set_value = ArgFirst(this=col(f"sv_{i}"), key=n.copy(), cond=eq(n.copy(), st.copy()))
    opener = ArgFirst(
        this=exp.If(
            this=col(f"o_{i}"),
            true=exp.Concat(expressions=[lit("O"), col(f"ov_{i}")]),
            false=lit("A"),
        ),
        key=n.copy(),
        cond=and_(
            exp.paren(exp.or_(col(f"o_{i}"), col(f"a_{i}")), copy=False),
            exp.GT(this=n.copy(), expression=un.copy()),
        ),
    )
    # Adds count after the last unset and from the last set on (same-event order:
    # set, set_once, add, unset).
    adding = and_(
        col(f"a_{i}"),
        exp.GT(this=n.copy(), expression=un.copy()),
        exp.GTE(this=n.copy(), expression=st),
    )
    assert adding is not None
    add_sum = exp.Sum(this=exp.If(this=adding, true=col(f"av_{i}"), false=lit(0.0)))
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


def traits_cte(tree: PersonTree) -> str:
    """CTE `ff_traits`: one row per user (`tu`) with a column `tv_i` per trait."""
    if any(name == "ff_traits" for name, _ in tree.ctes):
        return "ff_traits"
    ops = _ops(tree)
    values = [_trait_value(i).as_(f"tv_{i}") for i in range(len(tree.traits))]
    select = exp.select(col("u").as_("tu"), *values).from_(ops).group_by(col("u"))
    return tree.cte("ff_traits", select)
