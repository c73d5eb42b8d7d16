"""Funnels: parse a request, compile it to one SQL tree, shape the rows.

A person converts step n when they did steps 1..n in order within the conversion window
(measured from step 1). Every step-1 event starts an attempt; an attempt advances to the
first matching event after its previous step (loose order) or only to the person's very
next event (strict order: no other product event in between). The greedy choice is
optimal, so a person reaches step n iff one of their attempts does. Times between steps
come from the person's first attempt (by step-1 time) that reached the step; the median
is the lower median (an observed value), identical on both engines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from footfall.product.persons import PersonTree, window
from footfall.product.spec import Common, check_keys, choice, parse_common, positive_int, require
from footfall.query.sqltree import (
    ArgFirst,
    EpochMs,
    LowerMedian,
    MapGet,
    RegexMatch,
    and_,
    col,
    eq,
    lit,
)

MAX_STEPS = 12
MAX_WINDOW_S = 90 * 86400
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True, slots=True)
class Step:
    page: str | None = None  # path pattern, `*` matches anything
    event: str | None = None
    props: tuple[tuple[str, str], ...] = ()

    @property
    def label(self) -> str:
        return self.page if self.page is not None else str(self.event)


@dataclass(frozen=True, slots=True)
class People:
    step: int
    status: str  # dropped | converted
    limit: int
    offset: int


@dataclass(frozen=True, slots=True)
class FunnelQuery:
    common: Common
    steps: tuple[Step, ...]
    window_s: int = 86400
    order: str = "loose"
    people: People | None = None


def parse_window(value: Any, path: str = "window") -> int:
    ok = isinstance(value, str) and re.fullmatch(r"[1-9][0-9]{0,6}[smhd]", value) is not None
    require(ok, path, 'expected a duration like "30m", "24h" or "7d"')
    seconds = int(value[:-1]) * _UNITS[value[-1]]
    require(seconds <= MAX_WINDOW_S, path, "the conversion window is at most 90 days")
    return seconds


def parse_step(value: Any, path: str) -> Step:
    require(isinstance(value, dict), path, 'expected {"page": pattern} or {"event": name}')
    check_keys(value, ("page", "event", "props"), path)
    require(("page" in value) != ("event" in value), path, 'give one of "page" or "event"')
    if "page" in value:
        page = value["page"]
        require(isinstance(page, str) and page != "", f"{path}.page", "expected a path pattern")
        require("props" not in value, f"{path}.props", "only custom event steps take props")
        return Step(page=page)
    name = value["event"]
    require(isinstance(name, str) and name != "", f"{path}.event", "expected an event name")
    require(not name.startswith("$"), f"{path}.event", "$-named identity records are not events")
    props = value.get("props", {})
    require(isinstance(props, dict), f"{path}.props", "expected an object of key: value")
    for key, v in props.items():
        require(isinstance(v, str), f"{path}.props.{key}", "expected a string value")
    return Step(event=name, props=tuple(sorted(props.items())))


def parse_funnel(body: Any) -> FunnelQuery:
    common = parse_common(body, ("steps", "window", "order", "people"))
    steps_raw = body.get("steps")
    require(
        isinstance(steps_raw, list) and 2 <= len(steps_raw) <= MAX_STEPS,
        "steps",
        f"expected a list of 2 to {MAX_STEPS} steps",
    )
    steps = tuple(parse_step(s, f"steps[{i}]") for i, s in enumerate(steps_raw))
    window_s = parse_window(body["window"]) if "window" in body else 86400
    order = choice(body, "order", ("loose", "strict"), "loose")
    people = None
    if body.get("people") is not None:
        raw = body["people"]
        require(isinstance(raw, dict), "people", 'expected {"step": n, "status": ...}')
        check_keys(raw, ("step", "status", "limit", "offset"), "people")
        step = positive_int(raw, "step", 1, len(steps), "people")
        status = choice(raw, "status", ("dropped", "converted"), "dropped")
        require(status != "dropped" or step >= 2, "people.step", "nobody drops off at step 1")
        offset = raw.get("offset", 0)
        require(isinstance(offset, int) and offset >= 0, "people.offset", "expected >= 0")
        people = People(step, status, positive_int(raw, "limit", 100, 10_000, "people"), offset)
    return FunnelQuery(common, steps, window_s, order, people)


def page_regex(pattern: str) -> str:
    """A path pattern (`*` = anything) as an anchored RE2 expression."""
    return "^" + ".*".join(re.escape(part) for part in pattern.split("*")) + "$"


def step_matches(tree: PersonTree, step: Step) -> exp.Expression:
    if step.page is not None:
        path = col("pathname", "p")
        on_page = (
            RegexMatch(this=path, expression=tree.add(page_regex(step.page)))
            if "*" in step.page
            else eq(path, tree.add(step.page))
        )
        cond = and_(eq(col("name", "p"), lit("pageview")), on_page)
    else:
        cond = and_(
            eq(col("name", "p"), tree.add(step.event)),
            *(
                eq(MapGet(this=col("props", "p"), key=tree.add(k)), tree.add(v))
                for k, v in step.props
            ),
        )
    assert cond is not None
    return cond


def _attempt_ctes(tree: PersonTree, q: FunnelQuery, breakdown: bool) -> list[str]:
    """CTE names of attempts reaching step 1..n (one row per attempt).

    Events get `sq`, their rank in the person's (timestamp, event_id) order, so attempts
    compare and pick integers: loose order takes the smallest later `sq` that matches,
    strict order exactly `sq + 1` (ranked over every event, not only step events).
    """
    strict = q.order == "strict"
    pev = tree.events()
    marks = [step_matches(tree, s).as_(f"m{i}") for i, s in enumerate(q.steps)]
    b = tree.dim_sql(q.common.breakdown) if breakdown and q.common.breakdown else lit("")
    fe = exp.select(col("person", "p"), col("timestamp", "p").as_("ts"), b.as_("b"), *marks).from_(
        exp.to_table(pev).as_("p")
    )
    if strict:
        fe = fe.select(window(exp.RowNumber(), "person", ("timestamp", "event_id")).as_("sq"))
        fe = fe.where(tree.where(q.common.filters), copy=False)
        fe_name = tree.cte("ff_fe", fe)
    else:
        # Loose order only ever looks at step events: keep them alone, then rank them.
        fe = fe.select(col("event_id", "p").as_("id"))
        any_step = exp.paren(exp.or_(*(step_matches(tree, s) for s in q.steps)), copy=False)
        fe = fe.where(and_(tree.where(q.common.filters), any_step), copy=False)
        ranked = exp.select(exp.Star(), window(exp.RowNumber(), "person", ("ts", "id")).as_("sq"))
        fe_name = tree.cte("ff_fs", ranked.from_(tree.cte("ff_fe", fe)))
    keep = ["person", "s1", "t1", "b"]
    first = exp.select(
        col("person"),
        col("sq").as_("s1"),
        col("ts").as_("t1"),
        col("b"),
        col("sq").as_("sp"),
        col("ts").as_("tp"),
        lit(0).as_("d"),
    )
    names = [tree.cte("ff_a0", first.from_(fe_name).where(col("m0")))]
    window_ms = tree.add(q.window_s * 1000, "Int64")
    a, f = "a", "f"
    for k in range(1, len(q.steps)):
        within = exp.LTE(
            this=exp.Sub(this=EpochMs(this=col("ts", f)), expression=EpochMs(this=col("t1", a))),
            expression=window_ms.copy(),
        )
        on: exp.Expr = eq(col("person", f), col("person", a))
        if strict:
            next_row = exp.Add(this=col("sp", a), expression=lit(1))
            on = exp.and_(on, eq(col("sq", f), next_row))
            picked = [col("sq", f).as_("sp"), col("ts", f).as_("tp")]
            gap = exp.Sub(this=EpochMs(this=col("ts", f)), expression=EpochMs(this=col("tp", a)))
            select = exp.select(*(col(c, a) for c in keep), *picked, gap.as_("d"))
            cond = and_(col(f"m{k}", f), within)
        else:
            first_ts = exp.Min(this=col("ts", f))
            gap = exp.Sub(this=EpochMs(this=first_ts.copy()), expression=EpochMs(this=col("tp", a)))
            select = exp.select(
                *(col(c, a) for c in keep),
                exp.Min(this=col("sq", f)).as_("sp"),
                first_ts.as_("tp"),
                gap.as_("d"),
            ).group_by(*(col(c, a) for c in (*keep, "tp")))
            later = exp.GT(this=col("sq", f), expression=col("sp", a))
            cond = and_(col(f"m{k}", f), later, within)
        select = (
            select.from_(exp.to_table(names[-1]).as_(a))
            .join(exp.to_table(fe_name).as_(f), on=on)
            .where(cond)
        )
        names.append(tree.cte(f"ff_a{k}", select))
    return names


def _per_person(name: str, k: int, breakdown: bool) -> exp.Select:
    """A person reaching step k, with the time to it from their first attempt reaching it."""
    select = exp.select(col("person"), lit(k).as_("k"))
    select = select.select(
        ArgFirst(this=col("d"), key=col("s1")).as_("d") if k else lit(0).as_("d")
    )
    if breakdown:
        select = select.select(ArgFirst(this=col("b"), key=col("s1")).as_("b"))
    return select.from_(name).group_by(col("person"))


def compile_funnel(tree: PersonTree, q: FunnelQuery, breakdown: bool) -> exp.Select:
    """Rows (b, k, users, median_ms): per breakdown value and step index k (0-based)."""
    names = _attempt_ctes(tree, q, breakdown)
    reached = [tree.cte(f"ff_r{k}", _per_person(n, k, breakdown)) for k, n in enumerate(names)]
    union: exp.Expression = exp.select(col("person"), col("k"), col("d")).from_(reached[0])
    for name in reached[1:]:
        union = exp.union(
            union, exp.select(col("person"), col("k"), col("d")).from_(name), distinct=False
        )
    steps = tree.cte("ff_steps", union)
    value = col("b", "r") if breakdown else lit("").as_("b")
    select = exp.select(
        value,
        col("k", "s"),
        exp.Count(this=exp.Star()).as_("users"),
        LowerMedian(this=col("d", "s")).as_("median_ms"),
    ).from_(exp.to_table(steps).as_("s"))
    if breakdown:
        # A person's breakdown value is that of their first attempt (step 1).
        on = eq(col("person", "r"), col("person", "s"))
        select = select.join(exp.to_table(reached[0]).as_("r"), on=on)
        select = select.group_by(col("b", "r"), col("k", "s")).order_by(
            col("b", "r"), col("k", "s")
        )
    else:
        select = select.group_by(col("k", "s")).order_by(col("k", "s"))
    return tree.finish(select)


def compile_people(tree: PersonTree, q: FunnelQuery) -> exp.Select:
    """Persons who reached (or dropped off before) step `q.people.step`, by id."""
    assert q.people is not None
    names = _attempt_ctes(tree, q, breakdown=False)
    k = q.people.step - 1
    reached = tree.cte("ff_in", exp.select(col("person")).from_(names[k]).distinct())
    if q.people.status == "converted":
        select = exp.select(col("person")).from_(reached)
    else:
        before = tree.cte("ff_prev", exp.select(col("person")).from_(names[k - 1]).distinct())
        inside = exp.select(col("person")).from_(reached)
        select = (
            exp.select(col("person"))
            .from_(before)
            .where(exp.Not(this=exp.In(this=col("person"), query=inside.subquery())))
        )
    select = select.order_by(col("person")).limit(q.people.limit).offset(q.people.offset)
    return tree.finish(select)


def shape(q: FunnelQuery, rows: list[tuple]) -> dict[str, list[dict[str, Any]]]:
    """Per breakdown value, the step list with counts, conversions and medians."""
    by_value: dict[str, dict[int, tuple[int, Any]]] = {}
    for b, k, users, median in rows:
        by_value.setdefault(str(b), {})[int(k)] = (int(users), median)
    return {b: steps_report(q, found) for b, found in by_value.items()}


def steps_report(q: FunnelQuery, found: dict[int, tuple[int, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    first = found.get(0, (0, None))[0]
    previous = first
    for k, step in enumerate(q.steps):
        users, median = found.get(k, (0, None))
        out.append(
            {
                "step": k + 1,
                "label": step.label,
                "users": users,
                "conversion_from_previous": round(users / previous, 4) if previous else 0.0,
                "conversion_overall": round(users / first, 4) if first else 0.0,
                "dropoff": previous - users if k else 0,
                "median_seconds_from_previous": (
                    None if k == 0 or median is None or users == 0 else int(median) / 1000
                ),
            }
        )
        previous = users
    return out
