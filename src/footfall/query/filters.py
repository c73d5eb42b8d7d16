"""Filter trees to SQL predicates; every compared value becomes a bound parameter.

Case-insensitive comparisons lower both sides with the engine's own function, so a
value is never lowered by Python on one side and by SQL on the other.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

from footfall.query.dimensions import Dimension
from footfall.query.spec import Condition, Filter, Logic
from footfall.query.sqltree import HasSubstring, LowerUTF8, Params, RegexMatch

DimensionSQL = Callable[[Dimension], exp.Expression]


def _any(parts: list[exp.Expression]) -> exp.Expression:
    return exp.paren(exp.or_(*parts), copy=False) if len(parts) > 1 else parts[0]


def _condition(c: Condition, value: exp.Expression, params: Params) -> exp.Expression:
    base = c.op.removesuffix("_not")
    fold = not c.case_sensitive
    if base == "matches":
        prefix = "" if c.case_sensitive else "(?i)"
        parts: list[exp.Expression] = [
            RegexMatch(this=value.copy(), expression=params.add(prefix + v)) for v in c.clauses
        ]
        test = _any(parts)
    else:
        subject = LowerUTF8(this=value) if fold else value
        values: list[exp.Expression] = [
            LowerUTF8(this=params.add(v)) if fold else params.add(v) for v in c.clauses
        ]
        if base == "is":
            test = exp.In(this=subject, expressions=values)
        else:
            test = _any([HasSubstring(this=subject.copy(), expression=v) for v in values])
    return exp.Not(this=exp.paren(test, copy=False)) if c.op.endswith("_not") else test


def predicate(f: Filter, dimension_sql: DimensionSQL, params: Params) -> exp.Expression:
    """The SQL condition for one filter tree over rows whose dimensions `dimension_sql` gives."""
    if isinstance(f, Condition):
        return _condition(f, dimension_sql(f.dimension), params)
    assert isinstance(f, Logic)
    parts = [predicate(child, dimension_sql, params) for child in f.children]
    if f.op == "not":
        return exp.Not(this=exp.paren(parts[0], copy=False))
    joined = exp.and_(*parts) if f.op == "and" else exp.or_(*parts)
    return exp.paren(joined, copy=False) if len(parts) > 1 else parts[0]


def all_of(
    filters: tuple[Filter, ...], dimension_sql: DimensionSQL, params: Params
) -> exp.Expression | None:
    parts = [predicate(f, dimension_sql, params) for f in filters]
    if not parts:
        return None
    return exp.and_(*parts) if len(parts) > 1 else parts[0]


def referenced(filters: tuple[Filter, ...]) -> list[Dimension]:
    """Every dimension the filters mention (the visit CTE must provide them)."""
    out: list[Dimension] = []

    def walk(f: Filter) -> None:
        if isinstance(f, Condition):
            if f.dimension not in out:
                out.append(f.dimension)
        else:
            for child in f.children:
                walk(child)

    for f in filters:
        walk(f)
    return out
