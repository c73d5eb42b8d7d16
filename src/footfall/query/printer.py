"""Print one SQL tree for DuckDB or ClickHouse, with the site guard added here only.

`guard` is the single place that scopes a query to one site and time window: it
finds every scan of `events` in the tree and ANDs `site_id = ? AND timestamp >= ?
AND timestamp < ? AND NOT name LIKE '$%'` into the WHERE of the SELECT that reads it
(`$`-named rows are identity records from compat/, never web traffic). Any other table name
is refused, so a compiler bug cannot read rows of another site.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlglot import exp
from sqlglot.dialects.clickhouse import ClickHouse
from sqlglot.dialects.duckdb import DuckDB
from sqlglot.generator import Generator

from footfall.query.sqltree import (
    EVENTS_TABLE,
    ArgFirst,
    CountIf,
    EpochMs,
    HasSubstring,
    LocalBucket,
    LowerMedian,
    LowerUTF8,
    MapGet,
    MapHas,
    Param,
    Params,
    PropValue,
    RegexMatch,
    ToNumber,
    ToText,
    and_,
    col,
)

_DUCK_TRUNC = {"minute": "minute", "hour": "hour", "day": "day", "week": "week", "month": "month"}
_DUCK_FMT = {
    "minute": "%Y-%m-%d %H:%M:00",
    "hour": "%Y-%m-%d %H:00:00",
    "day": "%Y-%m-%d",
    "week": "%Y-%m-%d",
    "month": "%Y-%m-01",
}
_CH_START = {
    "minute": "toStartOfMinute",
    "hour": "toStartOfHour",
    "day": "toStartOfDay",
    "week": "toMonday",
    "month": "toStartOfMonth",
}
_CH_FMT = {
    "minute": "%Y-%m-%d %H:%i:00",
    "hour": "%Y-%m-%d %H:00:00",
    "day": "%Y-%m-%d",
    "week": "%Y-%m-%d",
    "month": "%Y-%m-01",
}


def _duck_arg_first(g: Generator, e: ArgFirst) -> str:
    fn = "arg_max" if e.args.get("last") else "arg_min"
    sql = f"{fn}({g.sql(e, 'this')}, {g.sql(e, 'key')})"
    if e.args.get("cond") is not None:
        return f"COALESCE({sql} FILTER (WHERE {g.sql(e, 'cond')}), '')"
    return sql


def _ch_arg_first(g: Generator, e: ArgFirst) -> str:
    fn = "argMax" if e.args.get("last") else "argMin"
    if e.args.get("cond") is not None:
        return f"{fn}If({g.sql(e, 'this')}, {g.sql(e, 'key')}, {g.sql(e, 'cond')})"
    return f"{fn}({g.sql(e, 'this')}, {g.sql(e, 'key')})"


def _duck_bucket(g: Generator, e: LocalBucket) -> str:
    unit = e.args["unit"]
    local = g.sql(e, "this")
    if e.args.get("tz") is not None:
        local = f"timezone({g.sql(e, 'tz')}, CAST({local} AS TIMESTAMPTZ))"
    return f"strftime(date_trunc('{_DUCK_TRUNC[unit]}', {local}), '{_DUCK_FMT[unit]}')"


def _ch_bucket(g: Generator, e: LocalBucket) -> str:
    unit = e.args["unit"]
    tz = g.sql(e, "tz") if e.args.get("tz") is not None else "'UTC'"
    start = f"{_CH_START[unit]}({g.sql(e, 'this')}, {tz})"
    if unit in ("week", "month"):
        return f"formatDateTime({start}, '{_CH_FMT[unit]}')"
    return f"formatDateTime({start}, '{_CH_FMT[unit]}', {tz})"


class FootfallDuckDB(DuckDB):
    class Generator(DuckDB.Generator):
        TRANSFORMS = {
            **DuckDB.Generator.TRANSFORMS,
            Param: lambda g, e: f"${e.args['index'] + 1}",
            ArgFirst: _duck_arg_first,
            CountIf: lambda g, e: f"count_if({g.sql(e, 'this')})",
            LocalBucket: _duck_bucket,
            PropValue: lambda g, e: (
                f"COALESCE(map_extract_value({g.sql(e, 'this')}, {g.sql(e, 'key')}), '(none)')"
            ),
            HasSubstring: lambda g, e: f"contains({g.sql(e, 'this')}, {g.sql(e, 'expression')})",
            RegexMatch: lambda g, e: (
                f"regexp_matches({g.sql(e, 'this')}, {g.sql(e, 'expression')})"
            ),
            LowerUTF8: lambda g, e: f"lower({g.sql(e, 'this')})",
            EpochMs: lambda g, e: f"epoch_ms({g.sql(e, 'this')})",
            MapGet: lambda g, e: (
                f"COALESCE(map_extract_value({g.sql(e, 'this')}, {g.sql(e, 'key')}), '')"
            ),
            MapHas: lambda g, e: f"map_contains({g.sql(e, 'this')}, {g.sql(e, 'key')})",
            ToNumber: lambda g, e: f"TRY_CAST({g.sql(e, 'this')} AS DOUBLE)",
            ToText: lambda g, e: f"CAST({g.sql(e, 'this')} AS VARCHAR)",
            LowerMedian: lambda g, e: f"quantile_disc({g.sql(e, 'this')}, 0.5)",
        }


class FootfallClickHouse(ClickHouse):
    class Generator(ClickHouse.Generator):
        TRANSFORMS = {
            **ClickHouse.Generator.TRANSFORMS,
            Param: lambda g, e: f"{{p{e.args['index']}:{e.args['kind']}}}",
            ArgFirst: _ch_arg_first,
            CountIf: lambda g, e: f"countIf({g.sql(e, 'this')})",
            LocalBucket: _ch_bucket,
            PropValue: lambda g, e: (
                f"if(mapContains({g.sql(e, 'this')}, {g.sql(e, 'key')}), "
                f"{g.sql(e, 'this')}[{g.sql(e, 'key')}], '(none)')"
            ),
            HasSubstring: lambda g, e: (
                f"(position({g.sql(e, 'this')}, {g.sql(e, 'expression')}) > 0)"
            ),
            RegexMatch: lambda g, e: f"match({g.sql(e, 'this')}, {g.sql(e, 'expression')})",
            LowerUTF8: lambda g, e: f"lowerUTF8({g.sql(e, 'this')})",
            EpochMs: lambda g, e: f"toUnixTimestamp64Milli({g.sql(e, 'this')})",
            MapGet: lambda g, e: f"{g.sql(e, 'this')}[{g.sql(e, 'key')}]",
            MapHas: lambda g, e: f"mapContains({g.sql(e, 'this')}, {g.sql(e, 'key')})",
            ToNumber: lambda g, e: f"toFloat64OrNull({g.sql(e, 'this')})",
            ToText: lambda g, e: f"toString({g.sql(e, 'this')})",
            LowerMedian: lambda g, e: f"quantileExactLow(0.5)({g.sql(e, 'this')})",
        }


DIALECTS: dict[str, type] = {"duckdb": FootfallDuckDB, "clickhouse": FootfallClickHouse}


@dataclass(frozen=True, slots=True)
class Scope:
    """What every scan of `events` is limited to."""

    site_id: str
    start: datetime  # aware UTC
    end: datetime  # aware UTC, exclusive


class UnguardedTable(AssertionError):
    """The tree names a table the guard does not know: a compiler bug, never user input."""


def _naive_utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None)


# Identity records ($identify, $alias, $group) share the events table but are not traffic.
RESERVED_NAMES = "$%"


def guard(
    tree: exp.Expression, scope: Scope, params: Params, *, identities: bool = False
) -> exp.Expression:
    """AND the site and time window into every SELECT that scans `events`.

    `identities=True` keeps the `$`-named identity records (for product analytics).
    """
    ctes = {cte.alias for cte in tree.find_all(exp.CTE)}
    reserved = None if identities else params.add(RESERVED_NAMES, "String")
    site = params.add(scope.site_id, "String")
    start = params.add(_naive_utc(scope.start), "DateTime64(6, 'UTC')")
    end = params.add(_naive_utc(scope.end), "DateTime64(6, 'UTC')")
    for table in list(tree.find_all(exp.Table)):
        if table.name in ctes and not table.db:
            continue
        if table.name != EVENTS_TABLE or table.db:
            raise UnguardedTable(f"query reads unknown table {table.sql()!r}")
        select = table.find_ancestor(exp.Select)
        if select is None:
            raise UnguardedTable("events scanned outside a SELECT")
        alias = table.alias_or_name
        condition = and_(
            exp.EQ(this=col("site_id", alias), expression=site.copy()),
            exp.GTE(this=col("timestamp", alias), expression=start.copy()),
            exp.LT(this=col("timestamp", alias), expression=end.copy()),
            None
            if reserved is None
            else exp.Not(this=exp.Like(this=col("name", alias), expression=reserved.copy())),
        )
        select.where(condition, copy=False)
    return tree


def render(tree: exp.Expression, dialect: str) -> str:
    return tree.sql(dialect=DIALECTS[dialect])


def bind_values(values: list[Any]) -> list[Any]:
    """Values as the drivers take them (aware datetimes become naive UTC)."""
    return [_naive_utc(v) if isinstance(v, datetime) and v.tzinfo else v for v in values]


PRINTERS: dict[str, Callable[[exp.Expression], str]] = {
    name: (lambda tree, _name=name: render(tree, _name)) for name in DIALECTS
}
