"""Cohorts: people matching trait filters and behaviour, as of a point in time.

A cohort is a list of conditions combined with "all" (AND) or "any" (OR):
  {"filter": ["is", "user:plan", ["pro"]]}                       a trait filter
  {"did": {"event": "Export"}, "at_least": 3, "within_days": 30}   behaviour
  {"did_not": {"event": "Upgrade"}, "within_days": 30}             absence
Evaluated at `at`, its members are the people with a product event before `at` that
satisfy the conditions: traits as folded up to `at`, behaviour counted over
[at - within_days, at) (all history without `within_days`). The members form one CTE
(`ff_cohort`) in the query's tree, so a cohort filters funnels, retention, segmentation
and paths on both engines alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlglot import exp

from footfall.product.funnel import Step, parse_step, step_matches
from footfall.product.persons import EPOCH, PersonTree
from footfall.product.spec import check_keys, filter_traits, parse_filters, require, trait_key
from footfall.query.spec import Condition, Filter, Logic
from footfall.query.sqltree import CountIf, and_, col, lit

MAX_CONDITIONS = 20
MAX_DAYS = 3650


@dataclass(frozen=True, slots=True)
class Behaviour:
    step: Step
    negate: bool = False
    at_least: int = 1
    at_most: int | None = None
    days: int | None = None


@dataclass(frozen=True, slots=True)
class Cohort:
    match: str = "all"
    filters: tuple[Filter, ...] = ()
    behaviours: tuple[Behaviour, ...] = ()

    @property
    def traits(self) -> list[str]:
        return filter_traits(self.filters)


def _only_traits(f: Filter, path: str) -> None:
    if isinstance(f, Condition):
        require(trait_key(f.dimension) is not None, path, "cohort filters are on user: traits")
    else:
        assert isinstance(f, Logic)
        for child in f.children:
            _only_traits(child, path)


def _count(raw: dict[str, Any], key: str, path: str, default: int | None) -> int | None:
    value = raw.get(key, default)
    if value is None:
        return None
    ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 1_000_000
    require(ok, f"{path}.{key}", "expected a non-negative integer")
    return int(value)


def parse_condition(raw: Any, path: str) -> Filter | Behaviour:
    require(isinstance(raw, dict), path, 'expected {"filter": …}, {"did": …} or {"did_not": …}')
    kinds = [k for k in ("filter", "did", "did_not") if k in raw]
    require(len(kinds) == 1, path, 'give exactly one of "filter", "did" or "did_not"')
    if kinds[0] == "filter":
        check_keys(raw, ("filter",), path)
        (f,) = parse_filters([raw["filter"]], f"{path}.filter")
        _only_traits(f, f"{path}.filter")
        return f
    check_keys(raw, (kinds[0], "at_least", "at_most", "within_days"), path)
    step = parse_step(raw[kinds[0]], f"{path}.{kinds[0]}")
    days = _count(raw, "within_days", path, None)
    require(days is None or 1 <= days <= MAX_DAYS, f"{path}.within_days", "1 to 3650 days")
    if kinds[0] == "did_not":
        require("at_least" not in raw and "at_most" not in raw, path, "did_not takes no counts")
        return Behaviour(step, True, days=days)
    at_least = _count(raw, "at_least", path, 1) or 1
    at_most = _count(raw, "at_most", path, None)
    require(at_most is None or at_most >= at_least, f"{path}.at_most", "must be >= at_least")
    return Behaviour(step, False, at_least, at_most, days)


def parse_cohort(raw: Any, path: str = "cohort") -> Cohort:
    require(isinstance(raw, dict), path, 'expected {"match": "all"|"any", "conditions": [...]}')
    check_keys(raw, ("match", "conditions"), path)
    match = raw.get("match", "all")
    require(match in ("all", "any"), f"{path}.match", "expected all or any")
    items = raw.get("conditions")
    require(
        isinstance(items, list) and 1 <= len(items) <= MAX_CONDITIONS,
        f"{path}.conditions",
        f"expected 1 to {MAX_CONDITIONS} conditions",
    )
    parsed = [parse_condition(c, f"{path}.conditions[{i}]") for i, c in enumerate(items)]
    filters = tuple(c for c in parsed if not isinstance(c, Behaviour))
    behaviours = tuple(c for c in parsed if isinstance(c, Behaviour))
    return Cohort(match, filters, behaviours)


def cohort_ref(raw: Any, path: str = "cohort") -> int | Cohort:
    """A query's `cohort`: a saved cohort's id as is, or an inline definition parsed."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    require(isinstance(raw, dict), path, "expected a saved cohort's id or a definition")
    return parse_cohort(raw, path)


def members_cte(tree: PersonTree, cohort: Cohort, at: datetime) -> str:
    """CTE `ff_cohort` (one `person` column): the cohort's members as of `at`."""
    tree.scope_end = max(tree.scope_end, at)
    for key in cohort.traits:
        if key not in tree.traits:
            tree.traits.append(key)
    # With "all" and something people must have done, only events that some condition
    # counts can make a member: scan those (and only the widest window) instead of all.
    narrow = cohort.match == "all" and any(not b.negate for b in cohort.behaviours)
    days = [b.days for b in cohort.behaviours]
    start = at - timedelta(days=max(days)) if narrow and None not in days else EPOCH  # type: ignore[type-var]
    events = tree.events("ff_cpev", start=start, end=at)
    counts: list[exp.Expr] = []
    tests: list[exp.Expr] = []
    counted: list[exp.Expr] = []
    for j, b in enumerate(cohort.behaviours):
        since = (
            None
            if b.days is None
            else exp.GTE(
                this=col("timestamp", "p"), expression=tree.ts(at - timedelta(days=b.days))
            )
        )
        cond = and_(step_matches(tree, b.step), since)
        assert cond is not None
        counted.append(cond)
        counts.append(CountIf(this=cond.copy()).as_(f"c_{j}"))
        c = col(f"c_{j}", "c")
        if b.negate:
            tests.append(exp.EQ(this=c, expression=lit(0)))
        else:
            parts: list[exp.Expr] = [exp.GTE(this=c.copy(), expression=lit(b.at_least))]
            if b.at_most is not None:
                parts.append(exp.LTE(this=c.copy(), expression=lit(b.at_most)))
            tests.append(exp.and_(*parts) if len(parts) > 1 else parts[0])
    traits = [
        exp.Max(this=col(tree.trait_column(k), "p")).as_(tree.trait_column(k))
        for k in cohort.traits
    ]
    per_person = (
        exp.select(col("person", "p"), *traits, *counts)
        .from_(exp.to_table(events).as_("p"))
        .group_by(col("person", "p"))
    )
    if narrow:
        per_person = per_person.where(exp.or_(*(exp.paren(c, copy=False) for c in counted)))
    name = tree.cte("ff_cstat", per_person)
    trait_test = tree.where(cohort.filters, alias="c")
    if trait_test is not None:
        tests.insert(0, trait_test)
    joined = exp.and_(*tests) if cohort.match == "all" else exp.or_(*tests)
    joined = exp.paren(joined, copy=False) if len(tests) > 1 else joined
    select = exp.select(col("person", "c")).from_(exp.to_table(name).as_("c")).where(joined)
    return tree.cte("ff_cohort", select)


def attach(tree: PersonTree, cohort: Cohort, at: datetime) -> None:
    """Limit the tree's events to the cohort's members as of `at`."""
    tree.cohort = lambda t: members_cte(t, cohort, at)


def members_select(tree: PersonTree, cohort: Cohort, at: datetime, limit: int, offset: int):
    """Members by id with the total count (a window over the whole set)."""
    name = members_cte(tree, cohort, at)
    total = exp.Window(this=exp.Count(this=exp.Star()))
    select = (
        exp.select(col("person"), total.as_("total"))
        .from_(name)
        .order_by(col("person"))
        .limit(limit)
        .offset(offset)
    )
    return tree.finish(select)


def size_select(tree: PersonTree, cohort: Cohort, at: datetime) -> exp.Select:
    name = members_cte(tree, cohort, at)
    return tree.finish(exp.select(exp.Count(this=exp.Star())).from_(name))
