"""The few SQL nodes the engines spell differently, as sqlglot expressions.

The compiler builds one tree from standard sqlglot nodes plus these; printer.py
says how each is written in DuckDB and in ClickHouse. Keeping them as nodes (not
strings) means the tree stays inspectable: the site guard and the tests walk it.
"""

from __future__ import annotations

from typing import Any

from sqlglot import exp

EVENTS_TABLE = "events"


class Param(exp.Expression):
    """A bound value: `$n` in DuckDB, `{pN:Type}` in ClickHouse."""

    arg_types = {"index": True, "kind": True}


class ArgFirst(exp.Expression):
    """`this` of the row with the smallest (or largest) `key`, among rows where `cond`."""

    arg_types = {"this": True, "key": True, "cond": False, "last": False}


class CountIf(exp.Expression):
    arg_types = {"this": True}


class LocalBucket(exp.Expression):
    """The label of a UTC timestamp's minute/hour/day/week/month in a timezone.

    Without `tz` the site is on UTC and buckets need no per-row timezone conversion (the
    conversion is most of a time series' cost on DuckDB).
    """

    arg_types = {"this": True, "unit": True, "tz": False}


class PropValue(exp.Expression):
    """props[key], or '(none)' when the event has no such property."""

    arg_types = {"this": True, "key": True}


class HasSubstring(exp.Expression):
    arg_types = {"this": True, "expression": True}


class RegexMatch(exp.Expression):
    """RE2 partial match; both engines use RE2."""

    arg_types = {"this": True, "expression": True}


class LowerUTF8(exp.Expression):
    arg_types = {"this": True}


class EpochMs(exp.Expression):
    arg_types = {"this": True}


class MapGet(exp.Expression):
    """props[key], or '' when the event has no such property (product analytics)."""

    arg_types = {"this": True, "key": True}


class MapHas(exp.Expression):
    arg_types = {"this": True, "key": True}


class ToNumber(exp.Expression):
    """A string as a double, NULL when it is not a number."""

    arg_types = {"this": True}


class ToText(exp.Expression):
    arg_types = {"this": True}


class LowerMedian(exp.Expression):
    """The lower median (an element of the set, exact): the same on both engines."""

    arg_types = {"this": True}


class Params:
    """Collects bound values while the compiler builds a tree."""

    def __init__(self) -> None:
        self.values: list[Any] = []

    def add(self, value: Any, kind: str = "String") -> Param:
        self.values.append(value)
        return Param(index=len(self.values) - 1, kind=kind)


def col(name: str, table: str | None = None) -> exp.Column:
    return exp.column(name, table=table)


def lit(value: str | int | float) -> exp.Expression:
    if isinstance(value, str):
        return exp.Literal.string(value)
    return exp.Literal.number(value)


def eq(a: exp.Expression, b: exp.Expression) -> exp.Expression:
    return exp.EQ(this=a, expression=b)


def and_(*conds: exp.Expression | None) -> exp.Expression | None:
    present = [c for c in conds if c is not None]
    if not present:
        return None
    return exp.and_(*present) if len(present) > 1 else present[0]


def coalesce_sum(value: exp.Expression) -> exp.Expression:
    """SUM that is 0, not NULL, over no rows (ClickHouse already behaves so)."""
    return exp.Coalesce(this=exp.Sum(this=value), expressions=[lit(0)])


def ratio(a: exp.Expression, b: exp.Expression) -> exp.Expression:
    """a / b as a double, 0 when b is 0: only used to order rows (values are exact ints)."""
    return exp.If(
        this=eq(b, lit(0)),
        true=lit(0.0),
        false=exp.Div(this=exp.Cast(this=a, to=exp.DataType.build("double")), expression=b),
    )
